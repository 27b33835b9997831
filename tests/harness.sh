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

# expect STATUS CMD...: runs CMD, output in $T/out and $T/err
expect() {
    want=$1
    shift
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok; else bad "exit $got (want $want): $*"; sed 's/^/  | /' "$T/err" | head -5; fi
}
# stderr must be one line "FILE:LINE: ..." naming FILE
expect_located() {
    file=$1
    if grep -Eq "^$file:[0-9]+: " "$T/err" && [ "$(wc -l <"$T/err")" -eq 1 ]; then ok; else
        bad "want one '$file:LINE: ...' line, got:"; sed 's/^/  | /' "$T/err" | head -5; fi
}
has() { if grep -q -- "$1" "$T/out"; then ok; else bad "output lacks '$1'"; fi; }
has_err() { if grep -q -- "$1" "$T/err"; then ok; else bad "stderr lacks '$1'"; fi; }
