#!/bin/sh
# The README's gallery: runs mcmsim with --json (and --trace), turns its JSON
# into gnuplot data with awk (scripts/plots/jsonflat.awk, then one awk or
# shell step per figure) and draws each figure with its gnuplot file in
# scripts/plots/. No JSON tool and no Python are needed, only awk and gnuplot.
# Usage (repository root, after make): sh scripts/figures.sh [OUTDIR]
#   OUTDIR defaults to docs/figures; FMT=png draws PNG instead of SVG;
#   MCMSIM=path/to/mcmsim chooses the binary. `make figures` runs it.
M=${MCMSIM:-build/mcmsim}
OUT=${1:-docs/figures}
FMT=${FMT:-svg}
P=scripts/plots
S=workloads/schedules/het-2x2-gpt2-resnet50.ini
command -v gnuplot >/dev/null || { echo "figures.sh: gnuplot not found (make figures installs gnuplot-nox)" >&2; exit 1; }
[ -x "$M" ] || { echo "figures.sh: $M not found (run make first)" >&2; exit 1; }
mkdir -p "$OUT" || exit 1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
flat() { awk -f $P/jsonflat.awk "$@"; }
# draw GP OUTNAME VAR=VALUE...: gnuplot file $P/GP.gp into $OUT/OUTNAME.$FMT
draw() {
    gp=$1; name=$2; shift 2
    args="out='$OUT/$name.$FMT'; fmt='$FMT'"
    for a; do args="$args; $a"; done
    gnuplot -e "$args" "$P/$gp.gp" || { echo "figures.sh: $gp.gp failed for $name" >&2; exit 1; }
    echo "$OUT/$name.$FMT"
}
run() { "$M" "$@" || { echo "figures.sh: failed: $M $*" >&2; exit 1; }; }

# 1. Link utilisation on the mesh: the default schedule simulated on het-2x2,
#    and het-6x6's NoP alone under uniform traffic at the packet level.
mkdir -p "$T/m1" "$T/m2"
run simulate -p platforms/het-2x2.ini -s $S --json --trace "$T/trace.json" >"$T/sim.json"
flat "$T/sim.json" >"$T/sim.flat"
awk -v dir="$T/m1" -f $P/mesh.awk platforms/het-2x2.ini "$T/sim.flat" || exit 1
draw mesh mesh-het-2x2-simulate "dir='$T/m1'" "labels=1" \
    "title='Link utilisation: default schedule (GPT-2 + ResNet-50) simulated on het-2x2, flow level'"
run traffic -p platforms/het-6x6.ini --pattern uniform --nop packet --json >"$T/traffic.json"
flat "$T/traffic.json" >"$T/traffic.flat"
awk -v dir="$T/m2" -f $P/mesh.awk platforms/het-6x6.ini "$T/traffic.flat" || exit 1
draw mesh mesh-het-6x6-uniform "dir='$T/m2'" \
    "title='Link utilisation: uniform traffic on het-6x6, packet level (1000 packets of 16 flits per node)'"

# 2. Per-chiplet timeline of the same simulation, from its Chrome trace.
mkdir -p "$T/g"
flat "$T/trace.json" >"$T/trace.flat"
awk -v dir="$T/g" -f $P/gantt.awk "$T/trace.flat" || exit 1
draw gantt gantt-het-2x2 "dir='$T/g'" \
    "title='Per-chiplet timeline: default schedule simulated on het-2x2 (compute of each segment and mini-batch)'"

# 3. and 4. Searches: the validated candidates of each (their estimate and
#    their simulation). The error's CDF pools them over platforms, scenarios
#    and objectives; the Pareto figure is the first search (the default one).
mkdir -p "$T/s"
: >"$T/err.txt"
search() {   # search GROUP PLATFORM SCENARIO OBJECTIVE K
    tag=$1-$(basename "$3" .ini)-$4
    run search -p "platforms/$2.ini" -m "$3" --objective "$4" --validate "$5" --json >"$T/s/$tag.json"
    flat "$T/s/$tag.json" >"$T/s/$tag.flat"
    mkdir -p "$T/s/$tag"
    awk -v dir="$T/s/$tag" -f $P/search.awk "$T/s/$tag.flat" || exit 1
    sed "s|^|$1 $(basename "$3" .ini) |" "$T/s/$tag/validated.dat" >>"$T/err.txt"
}
search het-2x2 het-2x2 workloads/scenarios/gpt2-resnet50.ini edp 32
for o in latency throughput energy; do search het-2x2 het-2x2 workloads/scenarios/gpt2-resnet50.ini $o 32; done
for p in het-sides-3x3 het-cb-3x3 simba-nvdla-3x3; do
    for sc in sc1 sc2 sc3 sc4; do search $p $p workloads/scenarios/$sc.ini edp 32; done
done
draw pareto pareto-het-2x2 "dir='$T/s/het-2x2-gpt2-resnet50-edp'" \
    "title='Search on het-2x2 for GPT-2 + ResNet-50 (EDP objective, --validate 32): estimated and simulated candidates'"
mkdir -p "$T/e"
awk -v dir="$T/e" -f $P/errcdf.awk "$T/err.txt" || exit 1
draw errcdf error-cdf "dir='$T/e'" \
    "title='Estimate vs simulation: makespan error over the validated candidates of 16 searches'"

# 5. Sweeps: scripts/sweep_nop.sh (the default schedule with het-2x2's NoP
#    bandwidth swept), and uniform traffic on het-6x6 with the packets per node
#    swept at both network levels (the contention study's last table).
mkdir -p "$T/w"
MCMSIM=$M sh scripts/sweep_nop.sh >"$T/w/sweep.txt" || exit 1
# its CSV by column name: GB/s, est_ms, sim_ms, the busiest link's util % and name
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
         { bw = $1; sub(/GB\/s$/, "", bw)
           print bw, 1e3 * $col["est_makespan_s"], 1e3 * $col["sim_makespan_s"],
                 100 * $col["sim_busiest_link_utilization"], $col["sim_busiest_link"] }' \
    "$T/w/sweep.txt" >"$T/w/sweep.dat"
draw sweep_nop sweep-nop "dir='$T/w'" \
    "title='NoP bandwidth sweep: default schedule on het-2x2 (scripts/sweep_nop.sh)'"
: >"$T/w/packets.dat"
for n in 10 30 100 300 1000; do
    for lv in flow packet; do
        run traffic -p platforms/het-6x6.ini --pattern uniform --packets $n --nop $lv --json >"$T/w/tr.json"
        flat "$T/w/tr.json" | awk -F '\t' '$1 == ".drain_cycles" { printf "%s ", $2 }' >>"$T/w/packets.dat"
    done
    echo "$n" >>"$T/w/packets.dat"
done
draw sweep_packets sweep-traffic-packets "dir='$T/w'" \
    "title='Uniform traffic on het-6x6: drain time at the flow and the packet level, packets per node swept'"

# 6. Serving: latency against throughput over arrival rates
#    (scripts/serve_curve.sh: GPT-2 medium on het-2x2, Poisson arrivals).
mkdir -p "$T/v"
MCMSIM=$M sh scripts/serve_curve.sh >"$T/v/curve.txt" || exit 1
tail -n +2 "$T/v/curve.txt" >"$T/v/curve.dat"
draw serve_curve serve-curve "dir='$T/v'" \
    "title='Serving GPT-2 medium on het-2x2: latency against throughput, Poisson arrivals 1-16 per s (scripts/serve_curve.sh)'"
