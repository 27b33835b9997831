# search.awk: what `search --json` (through jsonflat.awk) says of its
# candidates, as gnuplot data for pareto.gp and errcdf.gp. Writes into DIR:
#   validated.dat  RANK EST_MS EST_J SIM_MS SIM_J   the validated candidates in
#                                                 estimate order (those whose
#                                                 simulation failed left out)
#   pareto.dat     MS J                           the Pareto front of the estimates
#                                                 (makespan vs energy)
#   simpareto.dat  SIM_MS SIM_J                   the validated candidates no other
#                                                 validated one beats on both simulated
#                                                 figures, by makespan
#   chosen.dat     EST_MS EST_J SIM_MS SIM_J      the chosen schedule
# Usage: awk -v dir=DIR -f scripts/plots/search.awk FLAT.txt
{ split($0, f, "\t"); v[f[1]] = f[2] }
END {
    printf "" > (dir "/validated.dat"); printf "" > (dir "/pareto.dat")
    for (i = 0; (".validated[" i "].estimate.makespan_s") in v; i++) {
        p = ".validated[" i "]."
        if (!((p "simulate.makespan_s") in v)) continue
        n++; sm[n] = v[p "simulate.makespan_s"] * 1e3; se[n] = v[p "simulate.energy_j"]
        printf "%d %.9g %.9g %.9g %.9g\n", i + 1, v[p "estimate.makespan_s"] * 1e3, v[p "estimate.energy_j"],
            v[p "simulate.makespan_s"] * 1e3, v[p "simulate.energy_j"] > (dir "/validated.dat")
    }
    printf "" > (dir "/simpareto.dat")
    for (a = 1; a <= n; a++) {
        dom = 0
        for (b = 1; b <= n && !dom; b++)
            dom = sm[b] <= sm[a] && se[b] <= se[a] && (sm[b] < sm[a] || se[b] < se[a] || b < a)
        if (!dom) keep[++nk] = a
    }
    for (a = 2; a <= nk; a++)
        for (b = a; b > 1 && sm[keep[b]] < sm[keep[b - 1]]; b--) { t = keep[b]; keep[b] = keep[b - 1]; keep[b - 1] = t }
    for (a = 1; a <= nk; a++) printf "%.9g %.9g\n", sm[keep[a]], se[keep[a]] > (dir "/simpareto.dat")
    for (i = 0; (".pareto_latency_energy[" i "].makespan_s") in v; i++)
        printf "%.9g %.9g\n", v[".pareto_latency_energy[" i "].makespan_s"] * 1e3,
            v[".pareto_latency_energy[" i "].energy_j"] > (dir "/pareto.dat")
    if (".simulate.makespan_s" in v)
        printf "%.9g %.9g %.9g %.9g\n", v[".estimate.makespan_s"] * 1e3, v[".estimate.energy_j"],
            v[".simulate.makespan_s"] * 1e3, v[".simulate.energy_j"] > (dir "/chosen.dat")
}
