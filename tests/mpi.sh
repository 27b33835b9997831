#!/bin/sh
# The search over Open MPI ranks (README "Search over Open MPI"): the same
# bytes as one process at 2 and 3 ranks (oversubscribed where the machine has
# fewer cores), rank 0 alone writing and printing, an error said once with the
# status of one process, and the ranks' unit test under mpirun -np 3.
# Skips, saying why, where mpirun is missing or mcmsim was built without MPI;
# with MPI_REQUIRED=1 (.ci/run, whose make deps installs Open MPI) that fails.
# Usage: MCMSIM=build/mcmsim sh tests/mpi.sh   (from the repository root)
M=${MCMSIM:-build/mcmsim}
B=$(dirname "$M")
. tests/harness.sh

skip() {
    echo "mpi: skipped: $*"
    [ -z "$MPI_REQUIRED" ] || { echo "mpi: MPI_REQUIRED is set: failing"; exit 1; }
    exit 0
}
command -v mpirun >/dev/null ||
    skip "mpirun is not installed (Debian: openmpi-bin libopenmpi-dev; make deps installs them)"
ldd "$M" 2>/dev/null | grep -q libmpi ||
    skip "$M was built without MPI (no libopenmpi-dev when it was built, or MPI=0)"
# Open MPI's own allocations are not ours to account for (LeakSanitizer in
# the ASan build); a forked unit test must not call MPI
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
mpi() { n=$1; shift; mpirun --oversubscribe --allow-run-as-root -np "$n" "$@"; }
t() { name=$1; }
bad() { fail=$((fail + 1)); echo "FAIL [$name]: $*"; }
check() { if eval "$1"; then ok; else bad "$2"; fi; }

P=platforms/het-2x2.ini
SC=workloads/scenarios/gpt2-resnet50.ini

t three_ranks_same_bytes_and_file
# exhaustive over 50 allocations, 8 candidates simulated: every batch and
# the validation cross the ranks
# (the schedule names its scenario relative to itself: both in a directory of $T)
mkdir "$T/one"
expect 0 "$M" search -p "$P" -m "$SC" -o "$T/one/best.ini"
cp "$T/out" "$T/one.txt"
mkdir "$T/three"
expect 0 mpi 3 "$M" search -p "$P" -m "$SC" -o "$T/three/best.ini"
if cmp -s "$T/one.txt" "$T/out"; then ok; else bad "3 ranks printed other bytes than one process"; fi
if cmp -s "$T/one/best.ini" "$T/three/best.ini"; then ok; else bad "3 ranks wrote another schedule"; fi
check '[ "$(ls -A "$T/three")" = best.ini ]' "files besides best.ini: $(ls -A "$T/three")"

t two_and_three_ranks_json
# sc1 on het-sides-3x3: exhaustive over 18660 allocations (batches of
# thousands of estimates); sc2: simulated annealing (short loops, most of
# them run whole on every rank)
for sc in sc1 sc2; do
    expect 0 "$M" search -p platforms/het-sides-3x3.ini -m "workloads/scenarios/$sc.ini" --validate 3 --json
    cp "$T/out" "$T/$sc.json"
    for n in 2 3; do
        expect 0 mpi $n "$M" search -p platforms/het-sides-3x3.ini -m "workloads/scenarios/$sc.ini" \
            --validate 3 --json
        if cmp -s "$T/$sc.json" "$T/out"; then ok; else bad "$sc: $n ranks printed other bytes"; fi
    done
done

t an_error_said_once
expect 2 mpi 3 "$M" search -p "$P" -m "$T/nope.ini"
check '[ "$(grep -c "nope.ini: cannot open" "$T/err")" -eq 1 ]' "the error was said $(grep -c nope.ini "$T/err") times"
check '[ "$(head -n 1 "$T/err" | cut -c1-${#T})" = "$T" ]' "the error is not stderr's first line"
check '[ ! -s "$T/out" ]' "a failed search printed a report"

t other_commands_rank_0_alone
expect 0 "$M" estimate -p "$P" -s workloads/schedules/het-2x2-gpt2-resnet50.ini
cp "$T/out" "$T/est.txt"
expect 0 mpi 3 "$M" estimate -p "$P" -s workloads/schedules/het-2x2-gpt2-resnet50.ini
if cmp -s "$T/est.txt" "$T/out"; then ok; else bad "estimate under 3 ranks is not one report"; fi

t unit_test_at_three_ranks
if [ -x "$B/tests/test_runner_ranks" ]; then
    expect 0 env CK_FORK=no mpirun --oversubscribe --allow-run-as-root -np 3 "$B/tests/test_runner_ranks"
    check '[ "$(grep -c "100%: Checks: 2, Failures: 0, Errors: 0" "$T/out")" -eq 3 ]' \
        "test_runner_ranks did not pass on 3 ranks: $(tail -n 3 "$T/out")"
else
    echo "mpi: $B/tests/test_runner_ranks not built (make $B/tests/test_runner_ranks): its run at 3 ranks skipped"
fi

summary mpi
