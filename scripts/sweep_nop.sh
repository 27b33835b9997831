#!/bin/sh
# Link contention study: the default schedule on het-2x2 with the NoP
# bandwidth (every link and every chiplet's interface, as SCAR gives it per
# chiplet) swept from 200 GB/s down to 6.25 GB/s. For each bandwidth: the
# closed-form and simulated makespans, the estimate's error, and the busiest
# link of the simulation with its utilisation and peak concurrent flows.
# Usage (repository root, after make): sh scripts/sweep_nop.sh
M=${MCMSIM:-build/mcmsim}
S=workloads/schedules/het-2x2-gpt2-resnet50.ini
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
printf '%-10s %12s %12s %8s  %s\n' "NoP GB/s" "est_ms" "sim_ms" "error" "busiest link (sim util, peak flows)"
for bw in 200 100 50 25 12.5 6.25; do
    sed -e "s|^link_bandwidth = .*|link_bandwidth = ${bw}GB/s|" \
        -e "s|^interface_bandwidth = .*|interface_bandwidth = ${bw}GB/s|" platforms/het-2x2.ini >"$T/p.ini"
    "$M" compare -p "$T/p.ini" -s "$S" >"$T/out" || exit 1
    awk -v bw="$bw" '
        /^makespan_ms/ { est = $2; sim = $3; err = $4 }
        /^busiest links/ { getline; link = $1; util = $5; peak = $6 }
        END { printf "%-10s %12s %12s %8s  %s (%s, %s)\n", bw, est, sim, err, link, util, peak }
    ' "$T/out"
done
