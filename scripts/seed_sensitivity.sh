#!/bin/sh
# The seed paper's experiment (`mcmsim run`: GPT-2 small + ResNet-50, the
# searched het-2x2 against monolithic chips) under the assumptions the paper
# leaves open: the monolith's output-stationary family (the columns: each
# point is run against every reading), GPT-2's sequence length and batch,
# the L2 per chiplet, the DRAM bandwidth, static power and the search
# objective. One parameter moves at a time from the shipped inputs; the
# monolithic chips keep the resources of the four chiplets put together (4x
# the L2 and static power of one, both DRAM channels' bandwidth). Prints, per
# point, the searched schedule's throughput and energy-efficiency ratios over
# each monolith (the paper: up to 2.2x and 1.9x), and on stderr how long it
# took.
# Usage (repository root, after make): sh scripts/seed_sensitivity.sh [JOBS]
M=${MCMSIM:-build/mcmsim}
case $M in /*) ;; *) M=$PWD/$M ;; esac
J=${1:-$(nproc 2>/dev/null || echo 2)}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
start=$(date +%s)

# A point runs in a directory that looks like the repository root to `run`,
# which reads these files by their repository paths.
mkdir -p "$T/base/platforms" "$T/base/workloads/scenarios"
cp platforms/het-2x2.ini platforms/mono-os.ini platforms/mono-ws.ini "$T/base/platforms/"
cp workloads/gpt2-small.ini workloads/resnet50.ini "$T/base/workloads/"
cp workloads/scenarios/gpt2-resnet50.ini "$T/base/workloads/scenarios/"
HET=platforms/het-2x2.ini
MONO="platforms/mono-os.ini platforms/mono-ws.ini"
GPT2=workloads/gpt2-small.ini
SCN=workloads/scenarios/gpt2-resnet50.ini

printf '%-40s %19s %19s %19s %19s\n' "searched het-2x2 over:" \
    "mono-os (positions)" "mono-os (systolic)" "mono-os (best)" "mono-ws"
printf '%-22s %-17s' "parameter" "value"
for i in 1 2 3 4; do printf ' %9s %9s' "thr" "eff"; done
printf '\n'

# point PARAMETER VALUE [--objective O]: runs the experiment on a copy of
# base that edit() has changed, and prints its row.
point() {
    "$M" run --json -j "$J" $3 $4 >"$T/out.json" 2>"$T/err" || { cat "$T/err" >&2; exit 1; }
    awk -v par="$1" -v val="$2" '
        /"against":/ { split($0, q, "\""); who = q[4] }
        who != "" && /"throughput_ratio":/ { thr[who] = $2 + 0 }
        who != "" && /"energy_efficiency_ratio":/ { eff[who] = $2 + 0 }
        END {
            printf "%-22s %-17s", par, val
            n = split("mono-os (positions)|mono-os (systolic)|mono-os (best)|mono-ws", w, "|")
            for (i = 1; i <= n; i++) printf " %8.2fx %8.2fx", thr[w[i]], eff[w[i]]
            printf "\n"
        }
    ' "$T/out.json"
}

# fresh: a new copy of base becomes the current directory; edit FILES
# SED-SCRIPT applies SED-SCRIPT to FILES there.
fresh() { rm -rf "$T/p"; cp -R "$T/base" "$T/p"; cd "$T/p" || exit 1; }
edit() { for f in $1; do sed -i -e "$2" "$f"; done; }
# static W: W of static power per 4096-PE chiplet, four times W on the monolith
static() {
    edit "$HET" "s/^\[defaults\].*/&\nstatic_power = ${1}W/"
    edit "$MONO" "s/^\[chiplet mono\].*/&\nstatic_power = $(echo "$1" | awk '{print $1 * 4}')W/"
}
seq_len() { edit "$GPT2" "s/^seq = [0-9]*/seq = $1/"; }
gpt2_batch() { edit "$SCN" "/^\[model gpt2\]/,/^\[/s/^batch = .*/batch = $1/"; }

fresh
point "as shipped" "-"
for s in 256 512 1024; do
    fresh; seq_len "$s"
    point "GPT-2 sequence" "$s tokens"
done
for b in 1 2 4 16 32; do
    fresh; gpt2_batch "$b"
    point "GPT-2 batch" "$b"
done
for l2 in 2.5 5 20 40; do
    fresh; edit "$HET" "s/^l2 = .*/l2 = ${l2}MB/"
    edit "$MONO" "s/^l2 = .*/l2 = $(echo "$l2" | awk '{print $1 * 4}')MB/"
    point "L2 per chiplet" "${l2} MB"
done
# `bandwidth =` (no prefix) is a DRAM channel's: both of het-2x2's, the
# monolith's one, whose chip port (`interface_bandwidth`) is as wide
for bw in 16 32 128 256; do
    fresh; edit "$HET" "s/^bandwidth = .*/bandwidth = ${bw}GB\/s/"
    edit "$MONO" "s/^\(interface_\)\{0,1\}bandwidth = .*/\1bandwidth = $((bw * 2))GB\/s/"
    point "DRAM per channel" "${bw} GB/s"
done
for w in 0 0.875 3.5; do
    fresh; static "$w"
    point "static power/chiplet" "${w} W"
done
# gating can only help the package: the monolith's one chip is always in use
fresh; edit "$HET" "s/^\[package\].*/&\npower_gating = yes/"
point "static power/chiplet" "1.75 W, gated"
# latency would repeat throughput: for one mix both are its makespan
for o in throughput energy; do
    fresh
    point "search objective" "$o" --objective "$o"
done
# What comes closest to the paper's pair: its analytical model has no static
# power, and an energy-minded schedule trades the package's throughput lead
# over the positions-only monolith for energy. (static 0 W, edp at 128 tokens
# and batch 8 is the row "static power/chiplet 0 W".)
for p in "edp 128 1" "edp 512 1" "edp 1024 1" "energy 128 8" "energy 128 1" "energy 512 1" \
         "energy 1024 1"; do
    set -- $p
    fresh; static 0; seq_len "$2"; gpt2_batch "$3"
    point "static 0 W, $1" "seq $2, batch $3" --objective "$1"
done
echo "thr, eff: the searched het-2x2's throughput and samples/J over each monolith (mono-os"
echo "positions, systolic, best: os-positions, systolic-os, os-auto); the paper: 2.2x, 1.9x"
echo "$(( $(date +%s) - start )) s" >&2
