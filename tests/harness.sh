# Sourced by the shell tests (from the repository root): a scratch directory
# $T that goes on exit, and pass/fail counts that end in one summary line and
# the exit status, so make test reads every test the same way.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# summary NAME: the closing line; its status is the test's
summary() { echo "$1: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; }
