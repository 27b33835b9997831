#!/bin/sh
# Contention study at both network levels (README "Studying contention"):
# 1. the default schedule on het-2x2, at SCAR's 100 GB/s and with the NoP
#    (links and interfaces) slowed to 12.5 and 3.125 GB/s, flow vs packet;
# 2. SCAR's Sc3 on het-sides-3x3: the searched schedule at both levels;
# 3. `mcmsim traffic` on het-6x6, every pattern, flow vs packet, and uniform
#    traffic with the batch swept from 10 to 1000 packets per node.
# Usage (repository root, after make): sh scripts/contention_study.sh
M=${MCMSIM:-build/mcmsim}
S=workloads/schedules/het-2x2-gpt2-resnet50.ini
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# makespan_ms and the busiest link of `simulate` (its link table is busiest first)
summary() {
    awk '/^makespan/ { ms = $2 } /^link / { getline; printf "%12s  %s (%s)\n", ms, $1, $4 }'
}

echo "1. default schedule on het-2x2, simulated"
printf '%-9s %-6s %12s  %s\n' "NoP GB/s" level makespan_ms "busiest link (util)"
for bw in 100 12.5 3.125; do
    sed -e "s|^link_bandwidth = .*|link_bandwidth = ${bw}GB/s|" \
        -e "s|^interface_bandwidth = .*|interface_bandwidth = ${bw}GB/s|" platforms/het-2x2.ini >"$T/p.ini"
    for lv in flow packet; do
        printf '%-9s %-6s ' "$bw" "$lv"
        "$M" simulate -p "$T/p.ini" -s "$S" --nop "$lv" | summary || exit 1
    done
done

echo
echo "2. SCAR's Sc3 on het-sides-3x3: the searched schedule, simulated"
"$M" search -p platforms/het-sides-3x3.ini -m workloads/scenarios/sc3.ini -o "$T/sc3.ini" >/dev/null || exit 1
printf '%-6s %12s  %s\n' level makespan_ms "busiest link (util)"
for lv in flow packet; do
    printf '%-6s ' "$lv"
    "$M" simulate -p platforms/het-sides-3x3.ini -s "$T/sc3.ini" --nop "$lv" | summary || exit 1
done

echo
echo "3. traffic on het-6x6, 1000 packets of 16 flits per node: drain cycles"
printf '%-10s %10s %10s %8s\n' pattern flow packet ratio
drain() { "$M" traffic -p platforms/het-6x6.ini "$@" --json | sed -n 's/^ *"drain_cycles": \([0-9.e+]*\),*$/\1/p'; }
for pat in uniform neighbor tornado randperm hotspot; do
    f=$(drain --pattern $pat --nop flow) && p=$(drain --pattern $pat --nop packet) || exit 1
    awk -v n=$pat -v f="$f" -v p="$p" 'BEGIN { printf "%-10s %10.0f %10.0f %7.2fx\n", n, f, p, p / f }'
done
echo
echo "   uniform traffic, packets per node swept"
printf '%-10s %10s %10s %8s\n' packets flow packet ratio
for n in 10 30 100 300 1000; do
    f=$(drain --pattern uniform --packets $n --nop flow) && p=$(drain --pattern uniform --packets $n --nop packet) || exit 1
    awk -v n=$n -v f="$f" -v p="$p" 'BEGIN { printf "%-10s %10.0f %10.0f %7.2fx\n", n, f, p, p / f }'
done
