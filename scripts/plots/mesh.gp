# mesh.gp: the NoP mesh with every directed link coloured by its utilisation
# (data from mesh.awk). Variables (gnuplot -e): dir (mesh.awk's output), out
# (the image), fmt (svg or png), title, labels (1: print each mesh link's
# utilisation beside it).
if (!exists("fmt")) fmt = "svg"
if (!exists("labels")) labels = 0
W = real(system("cut -d' ' -f1 " . dir . "/meta")); H = real(system("cut -d' ' -f2 " . dir . "/meta"))
M = real(system("cut -d' ' -f3 " . dir . "/meta"))
px = 160 * (W + 1.4) + 120; py = 160 * (H + 1.4) + 40
if (px < 760) px = 760
if (py < 560) py = 560
if (fmt eq "png") set terminal pngcairo size px, py font "sans,11" background rgb "white"; else set terminal svg size px, py font "sans,11" background rgb "white"
set output out
set title title noenhanced
unset key; unset border; unset xtics; unset ytics
set size ratio -1
set xrange [-0.9:W - 1 + 0.9]; set yrange [-0.9:H - 1 + 0.7]
set palette defined (0 "#fff7bc", 0.25 "#fec44f", 0.55 "#ec7014", 0.8 "#cc4c02", 1 "#662506")
set cbrange [0:(M > 0 ? M : 1)]
set cblabel "utilisation (%)"
set rmargin 12; set bmargin 5
set label 1 "arrows: directed mesh links (each beside its opposite) and the ports\n(endpoint -> router: inject, router -> endpoint: eject); dots: routers; squares: chiplets;\ndiamonds: DRAM channels (filled with the channel's own utilisation)" \
    at screen 0.02, screen 0.075 left font "sans,9" noenhanced
set colorbox user origin graph 1.02, graph 0.1 size graph 0.03, graph 0.8
set style arrow 1 head filled size 0.06,25 lw 4 lc palette
set style arrow 2 head filled size 0.05,25 lw 2.5 lc palette
set style arrow 3 nohead lw 7 lc rgb "#bbbbbb"
plot dir."/mesh.dat" u 1:2:3:4 w vectors arrowstyle 3, \
     dir."/mesh.dat" u 1:2:3:4:5 w vectors arrowstyle 1, \
     dir."/ports.dat" u 1:2:3:4:5 w vectors arrowstyle 2, \
     dir."/routers.dat" u 1:2 w points pt 7 ps 1.6 lc rgb "#333333", \
     dir."/ends.dat" u 1:($5 < 0 ? 1/0 : $2):5 w points pt 13 ps 3.5 lc palette, \
     dir."/ends.dat" u 1:($5 < 0 ? 1/0 : $2) w points pt 12 ps 3.5 lc rgb "#333333", \
     dir."/ends.dat" u 1:($5 < 0 ? $2 : 1/0) w points pt 4 ps 3 lc rgb "#333333", \
     dir."/ends.dat" u 1:($2 + 0.16):3 w labels font "sans,9" noenhanced, \
     dir."/mesh.dat" u 6:7:(labels ? sprintf("%.1f", $5) : "") w labels font "sans,8" tc rgb "#444444"
