# sweep_nop.gp: scripts/sweep_nop.sh's table (lines "GB/S EST_MS SIM_MS
# UTIL% LINK" in dir/sweep.dat): estimated and simulated makespan against the
# NoP bandwidth, and the simulation's busiest link's utilisation on the right
# axis. Variables (gnuplot -e): dir, out, fmt (svg or png), title.
if (!exists("fmt")) fmt = "svg"
if (fmt eq "png") set terminal pngcairo size 860, 520 font "sans,11" background rgb "white"; else set terminal svg size 860, 520 font "sans,11" background rgb "white"
set output out
set title title noenhanced
set logscale x 2
set xlabel "NoP bandwidth: every mesh link and chiplet port (GB/s)"
set ylabel "makespan (ms)"
set y2label "busiest link's simulated utilisation (%)"
set xtics ("6.25" 6.25, "12.5" 12.5, "25" 25, "50" 50, "100" 100, "200" 200)
set yrange [0:*]; set y2range [0:100]; set y2tics 0, 20; set ytics nomirror
set grid lc rgb "#dddddd"
set key top right box opaque noenhanced font "sans,10"
plot dir."/sweep.dat" u 1:2 w linespoints lw 2 pt 6 ps 1.3 lc rgb "#1f77b4" title "estimate (closed form)", \
     dir."/sweep.dat" u 1:3 w linespoints lw 2 pt 7 ps 1.1 lc rgb "#d62728" title "simulation (flow level)", \
     dir."/sweep.dat" u 1:4 axes x1y2 w linespoints lw 1.5 dt 2 pt 4 lc rgb "#555555" title "busiest link of the simulation (named at each point)", \
     dir."/sweep.dat" u 1:4:5 axes x1y2 w labels offset 0, 0.9 font "sans,8" tc rgb "#555555" notitle
