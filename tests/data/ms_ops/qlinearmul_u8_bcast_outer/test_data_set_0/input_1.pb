BbJ
huÌ!þoO~¦q