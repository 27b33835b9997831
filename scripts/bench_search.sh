#!/bin/sh
# `make bench`, second part: how fast the search estimates, next to the code
# before the estimate was sped up (REF, built from git by the Makefile), both
# measured here and now, because only ratios carry over between machines.
# estimates/s = the "estimated" count of `search --json` / (wall time - the
# binary's process start-up), best of 11 runs or more, over 10 s or more (the reference: 3), each binary
# counting its own estimates, with --validate 1 so that the time is the
# estimating stage's but for one simulation (8 validating simulations
# weighed a third of a short search's time). The one simulation, about 6 ms
# in one forked process, is serial whatever -j is, and weighs a tenth of a
# 0.07 s search: the "stage" column is -j 2 / -j 1 of the estimates' own
# stage (setup and strategy, the time `search --verbose` gives), what the
# threads share out, and the "machine" column what this machine gives two
# searches that share nothing (two -j 1 runs at once): the stage's ceiling
# in the same rounds, which a shared machine keeps below 2. The start-up is what the
# process spends before main (ld.so binding SimGrid's C++ and ns-3
# libraries, their constructors: about 30 ms here, the same for both
# binaries), measured as `BIN --help`, best of 10: it is no estimate's cost,
# and it weighs a fifth of the new code's 0.1 s searches but 1 % of the
# reference's seconds. The raw ratio, start-up included, is printed too; and
# the search's own speed-up, the reference's time over the new one's for the
# same job, however many estimates each needed for it. The reference runs on the
# inputs of its own tree (the Makefile unpacks it beside the binary, in
# src/), which it can read: later commits added platform and workload keys,
# changed the cost model (MAESTRO's access counts) and added static power,
# so the two print other figures and only their rates compare. Then the
# processes a validating search starts, counted with strace. Last, the
# targets of the evolutionary search: Sc5 on het-sides-3x3 and Sc4 on
# het-6x6 with nsga2 and validation (8 simulated) at -j 2, each under 15 s.
# Usage (repository root): sh scripts/bench_search.sh NEW_BINARY [REF_BINARY]
#        PART=nsga2 sh scripts/bench_search.sh NEW_BINARY   (the last part alone)
#        PART=rates sh scripts/bench_search.sh NEW_BINARY REF  (the rates alone)
NEW=${1:-build/mcmsim}
REF=$2
P=platforms/het-sides-3x3.ini
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
# least BEST T: the smaller of the best so far (empty at first) and T
least() { if [ -z "$1" ]; then echo "$2"; else calc %.4f "$2 < $1 ? $2 : $1"; fi; }

# run BIN SCENARIO JOBS: one search, its wall time printed (the JSON in
# $T/out.json); the new binary's with --verbose, whose line on stderr gives
# the setup-and-strategy stage's own time (in $T/stage). The reference's
# inputs are those of its tree.
run() {
    root=. strategy="--strategy anneal" verbose=--verbose
    # the reference's auto anneals these; the new auto would run nsga2 (other work)
    [ "$1" = "$REF" ] && root=$(dirname "$REF")/src strategy= verbose=
    t0=$(now)
    "$1" search -p "$root/$P" -m "$root/workloads/scenarios/$2.ini" -j "$3" --validate 1 --json $strategy \
        $verbose >"$T/out.json" 2>"$T/err" || return 1
    calc %.4f "$(now) - $t0"
    [ -n "$verbose" ] && stage_of "$T/err" >"$T/stage"
    return 0
}

# stage_of FILE...: the setup-and-strategy stage's seconds each `search
# --verbose` stderr in FILE gives
stage_of() { sed -n 's/^mcmsim: search: setup and strategy \([0-9.]*\) s .*/\1/p' "$@"; }

fail() { echo "bench_search: $*" >&2; exit 1; }

# pair SCENARIO: two -j 1 searches of the new binary at once, the slower
# one's stage time printed. The machine's own ceiling for -j 2: what two
# cores give work that shares nothing, neither memory nor a loop's end
# (2 x -j 1's stage / the pair's). On a shared machine it is not 2: when both
# of its cores are busy each runs slower (by 0-40 % here, from one spell to
# the next, on a loop that touches no memory at all).
pair() {
    pair_one "$1" "$T/err2" &
    bg=$!
    pair_one "$1" "$T/err1" || return 1
    wait $bg || return 1
    stage_of "$T/err1" "$T/err2" | sort -n | tail -1
}
# pair_one SCENARIO ERR: one of the pair, its stderr in ERR
pair_one() {
    "$NEW" search -p "$P" -m "workloads/scenarios/$1.ini" -j 1 --validate 1 --json --strategy anneal \
        --verbose >/dev/null 2>"$2"
}

# startup BIN: the wall time of `BIN --help`, best of 10 runs
startup() {
    b=
    for i in $(seq 10); do
        t0=$(now)
        "$1" --help >/dev/null 2>&1
        b=$(least "$b" "$(calc %.4f "$(now) - $t0")")
    done
    echo "$b"
}
count() { sed -n 's/^ *"estimated": \([0-9]*\),*$/\1/p' "$T/out.json"; }

nsga2_targets() {
    echo "search --strategy nsga2 with validation (8 simulated), -j 2, one run each (target < 15 s wall)"
    printf '%-26s %8s %8s %12s %10s %10s\n' case wall_s cpu_s estimated simulated sim_EDP_Js
    for case in het-sides-3x3:sc5 het-6x6:sc4; do
        p=${case%%:*} sc=${case##*:}
        t0=$(now)
        /usr/bin/time -f %U+%S -o "$T/time" "$NEW" search -p platforms/$p.ini \
            -m workloads/scenarios/$sc.ini --strategy nsga2 -j 2 --json >"$T/out.json" 2>/dev/null ||
            fail "search $sc on $p failed"
        wall=$(calc %.2f "$(now) - $t0")
        printf '%-26s %8s %8s %12s %10s %10s\n' "$sc on $p" "$wall" \
            "$(awk -F+ '{ printf "%.2f", $1 + $2 }' "$T/time")" "$(count)" \
            "$(sed -n 's/^ *"simulated": \([0-9]*\),*$/\1/p' "$T/out.json")" \
            "$(sed -n 's/^    "edp_js": \(.*\),$/\1/p' "$T/out.json" | tail -1)"
    done
}
if [ "${PART:-}" = nsga2 ]; then
    nsga2_targets
    exit 0
fi

if [ -n "$REF" ] && [ -x "$REF" ]; then
    echo "search estimates/s on het-sides-3x3, best of ${RUNS:-11} or more interleaved rounds over ${SPAN:-10} s or more (ref: best of 3, the code before the estimate speed-up and the threads)"
else
    echo "search estimates/s on het-sides-3x3, best of ${RUNS:-11} or more rounds over ${SPAN:-10} s or more (no reference binary: new code only)"
    REF=
fi
s_new=$(startup "$NEW")
s_ref=0
[ -n "$REF" ] && s_ref=$(startup "$REF")
echo "  process start-up (before main), subtracted from each run: new $(calc %.1f "$s_new * 1000") ms," \
     "ref $(calc %.1f "$s_ref * 1000") ms"
printf '%-5s %10s %11s %11s %11s %11s %8s %8s %8s %8s %8s %9s\n' scen estimated "ref -j1/s" "new -j1/s" "ref -j2/s" \
    "new -j2/s" "new/ref" "raw" "-j2/-j1" "stage" "machine" "search"
# RUNS rounds per scenario at least, and more until the scenario's rounds
# have taken SPAN seconds (at most 4 x RUNS; the reference joins the first
# 3: it is slow), each running -j 1 and -j 2 back to back, so that both
# meet the same spells of a shared machine; each figure is the best of its
# runs. -j 2 needs both cores free at once, which such a machine grants
# less often than one, and its slow spells last seconds: 11 rounds of Sc3
# take 3 s, and one spell could cover them all.
for sc in sc3 sc4 sc5; do
    n1= n2= g1= g2= gp= t1= t2=
    i=0 start=$(now)
    while i=$((i + 1)); [ "$i" -le "${RUNS:-11}" ] ||
        { [ "$i" -le $((4 * ${RUNS:-11})) ] && [ "$(calc %d "$(now) - $start < ${SPAN:-10}")" = 1 ]; }; do
        w=$(run "$NEW" $sc 1) || fail "search $sc failed"
        n1=$(least "$n1" "$w") g1=$(least "$g1" "$(cat "$T/stage")") est=$(count)
        w=$(run "$NEW" $sc 2) || fail "search $sc failed"
        n2=$(least "$n2" "$w") g2=$(least "$g2" "$(cat "$T/stage")")
        w=$(pair $sc) || fail "two searches $sc at once failed"
        gp=$(least "$gp" "$w")
        if [ -n "$REF" ] && [ "$i" -le 3 ]; then
            w=$(run "$REF" $sc 1) || fail "the reference's search $sc failed"
            t1=$(least "$t1" "$w") ref_est=$(count)
            w=$(run "$REF" $sc 2) || fail "the reference's search $sc failed"
            t2=$(least "$t2" "$w")
        fi
    done
    r1=- r2=- ratio=- raw=- speed=-
    if [ -n "$REF" ]; then
        r1=$(calc %.0f "$ref_est / ($t1 - $s_ref)")
        r2=$(calc %.0f "$ref_est / ($t2 - $s_ref)")
        ratio=$(calc %.2fx "($est / ($n1 - $s_new)) / $r1")
        raw=$(calc %.2fx "($est / $n1) / ($ref_est / $t1)")
        speed=$(calc %.1fx "$t1 / $n1")
    fi
    printf '%-5s %10s %11s %11s %11s %11s %8s %8s %8s %8s %8s %9s\n' $sc "$est" "$r1" \
        "$(calc %.0f "$est / ($n1 - $s_new)")" "$r2" "$(calc %.0f "$est / ($n2 - $s_new)")" "$ratio" "$raw" \
        "$(calc %.2fx "($n1 - $s_new) / ($n2 - $s_new)")" "$(calc %.2fx "$g1 / $g2")" \
        "$(calc %.2fx "2 * $g1 / $gp")" "$speed"
done
echo "  targets: new/ref >= 4x at -j 1; -j 2 / -j 1 >= 1.6x (raw: new/ref with the start-up; stage: -j 2 / -j 1 of the"
echo "  estimates' own stage, the search's --verbose time without the validating simulation and the process around it;"
echo "  machine: what the machine gave two -j 1 searches run at once, 2 x the stage of one alone / the pair's, the"
echo "  ceiling of the stage column in these rounds; search: the reference's -j 1 wall time over the new one's)"
[ "${PART:-}" = rates ] && exit 0

# forks VALIDATE: processes one search on het-2x2 starts (threads not counted)
forks() {
    strace -f -qq -e trace=fork,vfork,clone,clone3 -e signal=none -o "$T/strace" \
        "$NEW" search -p platforms/het-2x2.ini -m workloads/scenarios/gpt2-resnet50.ini \
        --validate "$1" -j 1 >/dev/null 2>&1 || return 1
    grep -E '(fork|clone3?)\(' "$T/strace" | grep -vc CLONE_THREAD
}
if command -v strace >/dev/null 2>&1 && f8=$(forks 8) && f4=$(forks 4); then
    per=$(calc %.2f "($f8 - $f4) / 4")
    echo "processes started by search --validate 8 (het-2x2, default mix; strace -f): $f8," \
         "$per per validated candidate (against --validate 4's $f4) and $(calc %.0f "$f8 - 8 * $per")" \
         "besides (target: 1 per candidate)"
else
    echo "processes started by search --validate 8: not counted (no strace, or it cannot trace here)"
fi
nsga2_targets
