#!/bin/sh
# The search spread over Open MPI ranks (README "Search over Open MPI"), a
# part of `make bench` (make bench-mpi alone): two searches at one process
# (-j 1, and -j 2 for the threads' figure), then 2 and 3 ranks of -j 1 each
# (3 oversubscribed on a 2-core machine). Per run: wall and CPU seconds of
# the whole command (every rank and forked simulation), the parallel
# efficiency T1 / (P x TP) on both clocks, and rank 0's own account from
# --verbose: exchanges, bytes received, and its CPU seconds split into its
# shares of the batches, the exchanges (waiting included: Open MPI polls) and
# the rest, which every rank does whole - the serial part. Every run must
# print the bytes of the one-process run. Each row is the best wall clock of
# RUNS runs (default 3; the machine's other jobs only ever slow a run down),
# with that run's figures. The ranks are not bound to cores
# and yield while they wait (MPI_FLAGS): on a machine shared with other jobs
# a rank bound to a busy core, polling, holds up the other at every exchange.
# Usage: sh scripts/bench_mpi.sh [MCMSIM]
M=${1:-build/mcmsim}
MPI_FLAGS=${MPI_FLAGS:---bind-to none --mca mpi_yield_when_idle 1}
RUNS=${RUNS:-3}
if ! command -v mpirun >/dev/null || ! ldd "$M" 2>/dev/null | grep -q libmpi; then
    echo "bench_mpi: skipped: needs mpirun and an mcmsim built with Open MPI (make deps)"
    exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
status=0

# once LABEL NP ARGS...: one timed run (NP 0: no mpirun) into $T/out, $T/err, $T/time
once() {
    label=$1 np=$2
    shift 2
    if [ "$np" -eq 0 ]; then
        /usr/bin/time -f "%e %U %S" -o "$T/time" "$M" "$@" >"$T/out" 2>"$T/err"
    else
        /usr/bin/time -f "%e %U %S" -o "$T/time" mpirun --oversubscribe --allow-run-as-root $MPI_FLAGS \
            -np "$np" "$M" "$@" --verbose >"$T/out" 2>"$T/err"
    fi || { echo "bench_mpi: $label failed:"; sed 's/^/  | /' "$T/err" | head -5; status=1; }
}

# run LABEL NP ARGS...: the best of RUNS runs, its files as once leaves them
run() {
    best=
    k=0
    while [ "$k" -lt "$RUNS" ]; do
        once "$@"
        if [ -f "$T/one" ] && ! cmp -s "$T/one" "$T/out"; then
            echo "bench_mpi: $1 printed other bytes than one process"
            status=1
        fi
        read -r w _ <"$T/time"
        if [ -z "$best" ] || awk -v a="$w" -v b="$best" 'BEGIN { exit !(a < b) }'; then
            best=$w
            for f in out err time; do cp "$T/$f" "$T/best.$f"; done
        fi
        k=$((k + 1))
    done
    for f in out err time; do cp "$T/best.$f" "$T/$f"; done
}

# bench NAME ARGS...: the table of one search
bench() {
    name=$1
    shift
    echo "$name: mcmsim $*"
    printf '  %-14s %8s %8s %7s %7s %9s %10s %9s %9s %9s\n' run wall_s cpu_s eff_wall eff_cpu exchanges \
        MB_to_r0 r0_share r0_exch r0_rest
    rm -f "$T/one"
    run "1 process" 0 "$@" -j 1
    cp "$T/out" "$T/one"
    read -r w1 u1 s1 <"$T/time"
    c1=$(echo "$u1 $s1" | awk '{print $1 + $2}')
    printf '  %-14s %8.2f %8.2f\n' "1 process -j1" "$w1" "$c1"
    run "1 process -j 2" 0 "$@" -j 2
    read -r w u s <"$T/time"
    awk -v w="$w" -v u="$u" -v s="$s" -v w1="$w1" -v c1="$c1" 'BEGIN {
        printf "  %-14s %8.2f %8.2f %7.2f %7.2f\n", "1 process -j2", w, u + s, w1 / (2 * w), c1 / (u + s) }'
    for np in 2 3; do
        run "$np ranks" "$np" "$@" -j 1
        read -r w u s <"$T/time"
        # "...; rank 0: E exchanges, B bytes received; W s wall, C s CPU in all, of which its
        #  shares w s wall, c s CPU, the exchanges w s wall, c s CPU"
        sed -n 's/.*rank 0: \([0-9]*\) exchanges, \([0-9]*\) bytes received; [0-9.]* s wall, \([0-9.]*\) s CPU in all, of which its shares [0-9.]* s wall, \([0-9.]*\) s CPU, the exchanges [0-9.]* s wall, \([0-9.]*\) s CPU.*/\1 \2 \3 \4 \5/p' \
            "$T/err" >"$T/rank0"
        read -r ex by cpu0 share exch <"$T/rank0"
        awk -v np="$np" -v w="$w" -v u="$u" -v s="$s" -v w1="$w1" -v c1="$c1" -v ex="$ex" -v by="$by" \
            -v cpu0="$cpu0" -v share="$share" -v exch="$exch" 'BEGIN {
            printf "  %-14s %8.2f %8.2f %7.2f %7.2f %9d %10.1f %9.2f %9.2f %9.2f\n", np " ranks -j1", w,
                   u + s, w1 / (np * w), c1 / (u + s), ex, by / 1e6, share, exch, cpu0 - share - exch }'
    done
}

# the estimation at scale: exhaustive over 223801 allocations of 3 models, in
# batches of up to 8192 estimates
bench "estimation (exhaustive)" search -p platforms/het-sides-3x3.ini -m workloads/scenarios/sc2.ini \
    --strategy exhaustive --validate 2
# the target case: simulated annealing, whose steps are loops of 3 to 81
bench "annealing (sc4, het-6x6)" search -p platforms/het-6x6.ini -m workloads/scenarios/sc4.ini \
    --strategy anneal
exit $status
