# serve_curve.gp: scripts/serve_curve.sh's table (lines "RATE TOKENS/S REQ/S
# TTFT_P50 TTFT_P99 TPOT_P50 TPOT_P99 OVERLOADED" in dir/curve.dat, header
# dropped): time to first token (p50, p99; log scale) and time per output
# token (p50, right axis) against the tokens per second served, each point
# labelled with its arrival rate. Variables (gnuplot -e): dir, out, fmt, title.
if (!exists("fmt")) fmt = "svg"
if (fmt eq "png") set terminal pngcairo size 860, 520 font "sans,11" background rgb "white"; else set terminal svg size 860, 520 font "sans,11" background rgb "white"
set output out
set title title noenhanced
set xlabel "throughput served (output tokens/s)"
set ylabel "time to first token (s)"
set y2label "time per output token, p50 (ms)"
set logscale y
set y2range [0:*]; set y2tics; set ytics nomirror
set grid lc rgb "#dddddd"
set key top left box opaque noenhanced font "sans,10"
plot dir."/curve.dat" u 2:4 w linespoints lw 2 pt 7 ps 1.1 lc rgb "#1f77b4" title "TTFT p50", \
     dir."/curve.dat" u 2:5 w linespoints lw 2 pt 6 ps 1.3 lc rgb "#d62728" title "TTFT p99", \
     dir."/curve.dat" u 2:($6*1e3) axes x1y2 w linespoints lw 1.5 dt 2 pt 4 lc rgb "#555555" title "TPOT p50 (right axis)", \
     dir."/curve.dat" u 2:5:(sprintf("%s/s%s", stringcolumn(1), stringcolumn(8) eq "true" ? " (overloaded)" : "")) w labels offset 0, 1 font "sans,8" tc rgb "#555555" notitle
