# errcdf.gp: the empirical CDF of the estimate's makespan error (data from
# errcdf.awk), one curve per group and one over all candidates. Variables
# (gnuplot -e): dir, out, fmt (svg or png), title.
if (!exists("fmt")) fmt = "svg"
if (fmt eq "png") set terminal pngcairo size 860, 560 font "sans,11" background rgb "white"; else set terminal svg size 860, 560 font "sans,11" background rgb "white"
set output out
set title title noenhanced
groups = system("cat " . dir . "/groups.txt")
G = words(groups)
set xlabel "makespan error of the estimate, (estimate - simulated) / simulated (%)"
set ylabel "fraction of validated candidates"
set yrange [0:1.02]
set grid lc rgb "#dddddd"
set arrow 1 from 0, graph 0 to 0, graph 1 nohead lc rgb "#888888" dt 2
set key bottom right box opaque noenhanced font "sans,10"
array C[8] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
plot for [i = 1:G - 1] dir."/cdf.dat" index (i - 1) u 1:2 w steps lw 2 lc rgb C[(i - 1) % 8 + 1] title word(groups, i), \
     dir."/cdf.dat" index (G - 1) u 1:2 w steps lw 3.5 lc rgb "#000000" title word(groups, G)
