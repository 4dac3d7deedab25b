
BoutputJ(³ÊA<ßüV>µ æ½ÛP¾±I¾Q	¿	Z>µ f½04>X‘¼