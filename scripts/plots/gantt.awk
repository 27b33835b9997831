# gantt.awk: the chiplet tracks of a `simulate --trace` file (Chrome trace
# events, through jsonflat.awk) as gnuplot data for gantt.gp. Process 1 is
# "chiplets", a thread per chiplet; each complete event ("ph":"X") there is
# one segment's compute on one mini-batch, named MODEL/FIRST..LAST/mbI, with
# "ts" and "dur" in microseconds. Writes into DIR:
#   gantt.dat     ROW START_MS END_MS SEGMENT MB      one line per slice
#   rows.dat      ROW CHIPLET                         one line per chiplet track
#   segments.dat  SEGMENT NAME                        MODEL/FIRST..LAST, in order of first start
# Usage: awk -v dir=DIR -f scripts/plots/gantt.awk FLAT.txt
{
    split($0, f, "\t")
    if (!match(f[1], /^\.traceEvents\[[0-9]+\]\./)) next
    i = substr(f[1], 14, RLENGTH - 15) + 0; k = substr(f[1], RLENGTH + 1)
    if (i + 1 > n) n = i + 1
    v[i, k] = f[2]
}
END {
    for (i = 0; i < n; i++)
        if (v[i, "ph"] == "M" && v[i, "name"] == "thread_name" && v[i, "pid"] == 1) {
            row[v[i, "tid"]] = v[i, "args.name"]; if (v[i, "tid"] + 1 > nrow) nrow = v[i, "tid"] + 1
        }
    if (nrow == 0) { print "gantt.awk: no chiplet tracks in the trace" > "/dev/stderr"; exit 2 }
    for (r = 0; r < nrow; r++) print r, row[r] > (dir "/rows.dat")
    printf "" > (dir "/gantt.dat")
    # segments numbered by first start: sort the slices' starts by insertion
    for (i = 0; i < n; i++) {
        if (v[i, "ph"] != "X" || v[i, "pid"] != 1) continue
        nm = v[i, "name"]; mb = nm; seg = nm
        sub(/\/mb[0-9]+$/, "", seg); sub(/^.*\/mb/, "", mb)
        ts = v[i, "ts"] / 1000; te = (v[i, "ts"] + v[i, "dur"]) / 1000
        if (!(seg in first) || ts < first[seg]) first[seg] = ts
        ns++; s_row[ns] = v[i, "tid"]; s_ts[ns] = ts; s_te[ns] = te; s_seg[ns] = seg; s_mb[ns] = mb
    }
    if (ns == 0) { print "gantt.awk: no compute slices in the trace" > "/dev/stderr"; exit 2 }
    for (s in first) order[++nseg] = s
    for (a = 2; a <= nseg; a++)
        for (b = a; b > 1 && (first[order[b]] < first[order[b - 1]] || \
             (first[order[b]] == first[order[b - 1]] && order[b] < order[b - 1])); b--) {
            t = order[b]; order[b] = order[b - 1]; order[b - 1] = t
        }
    for (a = 1; a <= nseg; a++) { id[order[a]] = a - 1; print a - 1, order[a] > (dir "/segments.dat") }
    for (j = 1; j <= ns; j++) printf "%d %.6f %.6f %d %s\n", s_row[j], s_ts[j], s_te[j], id[s_seg[j]], s_mb[j] > (dir "/gantt.dat")
}
