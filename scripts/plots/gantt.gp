# gantt.gp: a per-chiplet timeline of a simulation (data from gantt.awk): a
# row per chiplet, a bar per segment and mini-batch, coloured by segment and
# labelled with the mini-batch; below them a row per DRAM channel, a light bar
# per transfer in the colour of the segment it serves (overlapping transfers
# darken each other). Variables (gnuplot -e): dir, out, fmt (svg or
# png), title.
if (!exists("fmt")) fmt = "svg"
R = int(system("wc -l < " . dir . "/rows.dat"))
S = int(system("wc -l < " . dir . "/segments.dat"))
segs = system("cut -d' ' -f2 " . dir . "/segments.dat | tr '\\n' ' '")
rows = system("cut -d' ' -f2 " . dir . "/rows.dat | tr '\\n' ' '")
py = 120 + 60 * R
if (py < 360) py = 360
if (fmt eq "png") set terminal pngcairo size 1100, py font "sans,11" background rgb "white"; else set terminal svg size 1100, py font "sans,11" background rgb "white"
set output out
set title title noenhanced
set xlabel "time (ms)"
set yrange [R - 0.5:-0.5]
set ytics () 
do for [r = 1:R] { set ytics add (word(rows, r) r - 1) }
set xrange [0:*]
set grid xtics lc rgb "#dddddd"
set key outside right top Left reverse noenhanced font "sans,10" spacing 1.1 title "segments (light: their DRAM transfers)"
set style fill solid 0.85 border lc rgb "#ffffff"
array C[8] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
plot for [s = 0:S - 1] dir."/gantt.dat" u (($4 == s && $6 == 0) ? ($2 + $3) / 2 : 1/0):1:2:3:($1 - 0.36):($1 + 0.36) \
         w boxxyerror lc rgb C[s % 8 + 1] title word(segs, s + 1), \
     for [s = 0:S - 1] dir."/gantt.dat" u (($4 == s && $6 == 1) ? ($2 + $3) / 2 : 1/0):1:2:3:($1 - 0.25):($1 + 0.25) \
         w boxxyerror fs transparent solid 0.3 noborder lc rgb C[s % 8 + 1] notitle, \
     dir."/gantt.dat" u (($2 + $3) / 2):1:(($6 == 0 && ($3 - $2) > 1.4) ? "mb".strcol(5) : "") w labels tc rgb "#ffffff" font "sans,8" notitle
