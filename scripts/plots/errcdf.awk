# errcdf.awk: the estimate's makespan error over the validated candidates of
# many searches, as an empirical CDF per group and over all, for errcdf.gp.
# Input: lines "GROUP KEY RANK EST_MS EST_J SIM_MS SIM_J" (search.awk's
# validated.dat with the group, e.g. the platform, and a key, e.g. the
# scenario, in front); a candidate met twice in one group and key (the same
# four figures, e.g. found by two objectives) counts once. Writes into DIR:
#   cdf.dat     a block per group, then one of all (two blank lines apart):
#               ERROR% FRACTION, error = (estimate - simulated) / simulated
#   groups.txt  the blocks' names, "all (N)" last, each with its count
# and prints per block: name, count, median, 10th and 90th percentile, share
# of candidates the estimate over-predicts.
# Usage: awk -v dir=DIR -f scripts/plots/errcdf.awk ERR.txt
function sort(a, n,   i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j] < a[j - 1]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t } }
function q(a, n, p,   k) { k = int(p * (n - 1) + 0.5) + 1; return a[k] }
function block(name, a, n,   i, over) {
    sort(a, n)
    if (nb++) printf "\n\n" > (dir "/cdf.dat")
    for (i = 1; i <= n; i++) { printf "%.4f %.5f\n", a[i], i / n > (dir "/cdf.dat"); over += a[i] > 0 }
    printf "%s(%d) ", name, n > (dir "/groups.txt")
    printf "%-18s n=%4d  median %+6.1f%%  p10 %+6.1f%%  p90 %+6.1f%%  over-estimates %3.0f%%\n", name, n, q(a, n, 0.5), q(a, n, 0.1), q(a, n, 0.9), 100 * over / n
}
{
    id = $1 SUBSEP $2 SUBSEP $4 SUBSEP $5 SUBSEP $6 SUBSEP $7
    if (id in seen || $6 <= 0) next
    seen[id] = 1
    if (!($1 in cnt)) order[++ng] = $1
    e = 100 * ($4 - $6) / $6
    v[$1, ++cnt[$1]] = e; all[++na] = e
}
END {
    printf "" > (dir "/cdf.dat"); printf "" > (dir "/groups.txt")
    for (g = 1; g <= ng; g++) { delete a; for (i = 1; i <= cnt[order[g]]; i++) a[i] = v[order[g], i]; block(order[g], a, cnt[order[g]]) }
    block("all", all, na)
}
