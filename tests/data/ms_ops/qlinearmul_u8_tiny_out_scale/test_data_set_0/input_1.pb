CBbJC
}8“υτbXθ‹ΨW’†a•kD°‰vο5μΓY|Ωuΰ“Ο]™΄μB=ESvn>θxδobήeq