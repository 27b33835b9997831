#!/bin/sh
# Runs each libFuzzer harness given for FUZZ_SECONDS over its seeds
# (tests/fuzz_corpus/NAME, NAME the harness's without fuzz_) and the corpus
# it has grown (build/fuzz/corpus/NAME), and fails on the first crash, leak,
# sanitizer report or input slower than FUZZ_TIMEOUT seconds; the input
# that did it is kept as build/fuzz/crash-NAME-*. Prints the runs of each.
# FUZZ_RUNS=N instead runs N inputs from a fixed seed: the same inputs every
# time, for CI, whose verdict must not depend on the machine's speed.
# Usage: FUZZ_SECONDS=60 sh tests/fuzz.sh build/fuzz/tests/fuzz_NAME...
secs=${FUZZ_SECONDS:-60}
if [ -n "$FUZZ_RUNS" ]; then limit="-runs=$FUZZ_RUNS -seed=1"; what="$FUZZ_RUNS runs from seed 1"
else limit="-max_total_time=$secs"; what="$secs s"; fi
tmo=${FUZZ_TIMEOUT:-10}
out=build/fuzz
fail=0
total=0
for bin in "$@"; do
    name=${bin##*/fuzz_}
    seeds=tests/fuzz_corpus/$name
    corpus=$out/corpus/$name
    mkdir -p "$corpus"
    # the harness's scratch files go here, and with it when it ends
    scratch=$(mktemp -d)
    TMPDIR=$scratch ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
        "$bin" $limit -timeout="$tmo" -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$out/crash-$name-" "$corpus" "$seeds" >"$out/$name.log" 2>&1
    st=$?
    rm -rf "$scratch"
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log" | tail -1)
    units=$(ls "$corpus" | wc -l)
    if [ "$st" -ne 0 ] || [ -z "$runs" ]; then
        fail=1
        echo "fuzz $name: FAILED (exit $st), log $out/$name.log:"
        grep -E "ERROR|SUMMARY|Test unit written|timeout|leak" "$out/$name.log" | head -10 | sed 's/^/  | /'
    else
        total=$((total + runs))
        echo "fuzz $name: $runs runs ($what), corpus $units inputs, no crash, leak or report"
    fi
done
echo "fuzz: $total runs in all"
exit $fail
