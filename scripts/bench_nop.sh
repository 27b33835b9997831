#!/bin/sh
# `make bench`, third part: what the network levels cost, measured here and
# now in one run: `mcmsim traffic` on het-6x6 with uniform traffic (1000
# packets of 16 flits per node, the issue's BookSim case, which BookSim2
# drains in 3.5-5 s on such a machine) and `simulate` of the default
# schedule, each at the flow and the packet level. Wall time of the whole
# command (about 30 ms of it is process start-up: ld.so and SimGrid's
# constructors), best of 3.
# Usage (repository root): sh scripts/bench_nop.sh [BINARY]
M=${1:-build/mcmsim}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

# best ARGS...: the wall time of the fastest of 3 runs of mcmsim ARGS
best() {
    b=
    for i in 1 2 3; do
        t0=$(now)
        "$M" "$@" >"$T/out" 2>/dev/null || return 1
        t=$(calc %.4f "$(now) - $t0")
        if [ -z "$b" ]; then b=$t; else b=$(calc %.4f "$t < $b ? $t : $b"); fi
    done
    echo "$b"
}

fail() { echo "bench_nop: $*" >&2; exit 1; }

echo "network levels, wall s (best of 3)"
printf '%-44s %9s %9s %13s %14s\n' case flow_s packet_s packet/flow "BookSim/packet"
tr="traffic -p platforms/het-6x6.ini --pattern uniform --packets 1000 --packet-flits 16"
f=$(best $tr --nop flow) || fail "traffic at the flow level failed"
p=$(best $tr --nop packet) || fail "traffic at the packet level failed"
printf '%-44s %9s %9s %12sx %6s-%sx\n' "traffic het-6x6 uniform 1000 x 16 flits" "$f" "$p" \
    "$(calc %.1f "$p / $f")" "$(calc %.0f "3.5 / $p")" "$(calc %.0f "5 / $p")"
printf '%-44s %9s\n' "  flow level vs BookSim's 3.5-5 s" "$(calc %.0f "3.5 / $f")-$(calc %.0fx "5 / $f")"
sim="simulate -p platforms/het-2x2.ini -s workloads/schedules/het-2x2-gpt2-resnet50.ini"
f=$(best $sim --nop flow) || fail "simulate at the flow level failed"
p=$(best $sim --nop packet) || fail "simulate at the packet level failed"
printf '%-44s %9s %9s %12sx\n' "simulate het-2x2 default schedule" "$f" "$p" "$(calc %.1f "$p / $f")"
