# gantt.awk: the chiplet tracks of a `simulate --trace` file (Chrome trace
# events, through jsonflat.awk) as gnuplot data for gantt.gp. Process 1 is
# "chiplets", a thread per chiplet; each complete event ("ph":"X") there is
# one segment's compute on one mini-batch, named MODEL/FIRST..LAST/mbI, with
# "ts" and "dur" in microseconds (its layers' slices, "cat":"layer", nested
# inside it, are left out; a chiplet shared by segments has a track per
# segment running at once, each a row). Process 2 has a thread per link and
# DRAM channel and concurrent transfer ("dram-left", "dram-left [2]", ...);
# the DRAM channels' tracks (names without "->" or a port's suffix) become
# rows below the chiplets, one row a channel, with a slice per transfer, named
# MODEL/FIRST..LAST/mbI WHAT, of the segment it feeds or drains. Writes into DIR:
#   gantt.dat     ROW START_MS END_MS SEGMENT MB KIND one line per slice; KIND 0:
#                                                     compute, 1: DRAM transfer
#   rows.dat      ROW NAME                            one line per track
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
    for (i = 0; i < n; i++)
        if (v[i, "ph"] == "M" && v[i, "name"] == "thread_name" && v[i, "pid"] == 2 &&
            v[i, "args.name"] !~ /->|\.(inject|eject)( \[[0-9]+\])?$/) {
            # a channel's tracks of concurrent transfers ("dram-left [2]") share its row
            ch = v[i, "args.name"]; sub(/ \[[0-9]+\]$/, "", ch)
            if (!(ch in chrow)) { chrow[ch] = nrow; row[nrow++] = ch }
            drow[v[i, "tid"]] = chrow[ch]
        }
    for (r = 0; r < nrow; r++) print r, row[r] > (dir "/rows.dat")
    printf "" > (dir "/gantt.dat")
    # segments numbered by first start: sort the slices' starts by insertion
    for (i = 0; i < n; i++) {
        if (v[i, "ph"] != "X" || v[i, "cat"] == "layer") continue
        if (v[i, "pid"] == 1) { r = v[i, "tid"]; kd = 0 }
        else if (v[i, "pid"] == 2 && (v[i, "tid"] in drow)) { r = drow[v[i, "tid"]]; kd = 1 }
        else continue
        nm = v[i, "name"]; sub(/ .*$/, "", nm); mb = nm; seg = nm
        sub(/\/mb[0-9]+$/, "", seg); sub(/^.*\/mb/, "", mb)
        ts = v[i, "ts"] / 1000; te = (v[i, "ts"] + v[i, "dur"]) / 1000
        if (kd == 0 && (!(seg in first) || ts < first[seg])) first[seg] = ts
        ns++; s_row[ns] = r; s_ts[ns] = ts; s_te[ns] = te; s_seg[ns] = seg; s_mb[ns] = mb; s_kd[ns] = kd
    }
    if (ns == 0) { print "gantt.awk: no compute slices in the trace" > "/dev/stderr"; exit 2 }
    for (s in first) order[++nseg] = s
    for (a = 2; a <= nseg; a++)
        for (b = a; b > 1 && (first[order[b]] < first[order[b - 1]] || \
             (first[order[b]] == first[order[b - 1]] && order[b] < order[b - 1])); b--) {
            t = order[b]; order[b] = order[b - 1]; order[b - 1] = t
        }
    for (a = 1; a <= nseg; a++) { id[order[a]] = a - 1; print a - 1, order[a] > (dir "/segments.dat") }
    for (j = 1; j <= ns; j++)
        if (s_seg[j] in id)
            printf "%d %.6f %.6f %d %s %d\n", s_row[j], s_ts[j], s_te[j], id[s_seg[j]], s_mb[j], s_kd[j] > (dir "/gantt.dat")
}
