# pareto.gp: a search's candidates in the makespan-energy plane (data from
# search.awk): the Pareto front of every estimated candidate, the validated
# candidates as estimated and as simulated (a line joins the two figures of
# one candidate), the front of the simulated ones and the chosen schedule.
# Variables (gnuplot -e): dir, out, fmt (svg or png), title.
if (!exists("fmt")) fmt = "svg"
if (fmt eq "png") set terminal pngcairo size 860, 640 font "sans,11" background rgb "white"; else set terminal svg size 860, 640 font "sans,11" background rgb "white"
set output out
set title title noenhanced
set xlabel "makespan (ms)" offset 0,0.6
set ylabel "energy (J)"
set grid lc rgb "#dddddd"
set key outside below center Left reverse noenhanced font "sans,10" maxcols 2
set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
plot dir."/validated.dat" u 2:3:($4 - $2):($5 - $3) w vectors nohead lc rgb "#bbbbbb" dt 2 title "estimate -> simulation of one candidate", \
     dir."/pareto.dat" u 1:2 w steps lw 2 lc rgb "#1f77b4" notitle, \
     dir."/pareto.dat" u 1:2 w points pt 5 ps 1.2 lc rgb "#1f77b4" title "Pareto front of the estimates (all candidates)", \
     dir."/validated.dat" u 2:3 w points pt 6 ps 1.3 lc rgb "#1f77b4" title "validated candidates, estimated", \
     dir."/simpareto.dat" u 1:2 w steps lw 2 lc rgb "#d62728" notitle, \
     dir."/validated.dat" u 4:5 w points pt 7 ps 1.0 lc rgb "#d62728" title "validated candidates, simulated (line: their front)", \
     dir."/chosen.dat" u 3:4 w points pt 3 ps 2.5 lw 2 lc rgb "#000000" title "chosen schedule (simulated)"
