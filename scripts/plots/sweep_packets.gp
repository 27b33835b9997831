# sweep_packets.gp: drain time of a traffic batch at both network levels
# against the packets per node (lines "FLOW_CYCLES PACKET_CYCLES PACKETS" in
# dir/packets.dat), and their ratio on the right axis. Variables (gnuplot
# -e): dir, out, fmt (svg or png), title.
if (!exists("fmt")) fmt = "svg"
if (fmt eq "png") set terminal pngcairo size 860, 520 font "sans,11" background rgb "white"; else set terminal svg size 860, 520 font "sans,11" background rgb "white"
set output out
set title title noenhanced
set logscale xy
set xlabel "packets per node (16 flits of 32 B each)"
set ylabel "drain time (NoP cycles)"
set y2label "packet / flow"
set y2range [1:1.6]; set y2tics 1, 0.1; set ytics nomirror; unset logscale y2
set grid lc rgb "#dddddd"
set key top left box opaque noenhanced font "sans,10"
plot dir."/packets.dat" u 3:1 w linespoints lw 2 pt 6 ps 1.3 lc rgb "#1f77b4" title "flow level (max-min fluid)", \
     dir."/packets.dat" u 3:2 w linespoints lw 2 pt 7 ps 1.1 lc rgb "#d62728" title "packet level (flit routers)", \
     dir."/packets.dat" u 3:($2 / $1) axes x1y2 w linespoints lw 1.5 dt 2 pt 4 lc rgb "#555555" title "ratio (right axis)"
