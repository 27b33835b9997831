#!/bin/sh
# Golden test of README.md, in the spirit of SimGrid's tesh files: every
# example whose output the README shows is run, its stdout must equal
# tests/golden/NAME.out byte for byte, and the README block must fit that
# file, so neither the simulator nor the README can drift unnoticed.
# Usage: MCMSIM=build/mcmsim sh tests/readme.sh [--regenerate]   (from the repository root)
# --regenerate rewrites the golden files from the binary instead of comparing.
M=${MCMSIM:-build/mcmsim}
G=tests/golden
case $1 in
    "") regen= ;;
    --regenerate) regen=1 ;;
    *) echo "usage: MCMSIM=build/mcmsim sh tests/readme.sh [--regenerate]" >&2; exit 2 ;;
esac
case $M in /*) ;; *) M=$PWD/$M ;; esac
. tests/harness.sh

# The README's commands write files (trace.json, best.ini) where they run:
# they run in $T/run, which looks like the repository root, so nothing lands
# in the repository. build/mcmsim there is the binary under test, for the
# README's commands and for scripts/sweep_nop.sh, which takes $MCMSIM.
R=$T/run
mkdir -p "$R/build" "$T/blocks"
for d in platforms workloads scripts; do ln -s "$PWD/$d" "$R/$d"; done
ln -s "$M" "$R/build/mcmsim"
MCMSIM=$R/build/mcmsim
export MCMSIM

# Blocks that show a command's output without a "$ COMMAND" line: the start of
# the block's first line, a tab, the command. Left out: the `make bench` block
# (timings, different at every run) and the table of scripts/scar_repro.sh,
# which takes minutes, too long for make test. scripts/seed_sensitivity.sh
# takes seconds (its timing goes to stderr).
cat >"$T/unprompted" <<'EOF'
GPT-2 small (batch 8, prefill 128 tokens)	build/mcmsim run
link_bandwidth+interface_bandwidth,nop,platform	sh scripts/sweep_nop.sh
searched het-2x2 over:	sh scripts/seed_sensitivity.sh
EOF

# One line per example, "NAME<tab>README line of its first output line<tab>COMMAND",
# and its README lines in $T/blocks/NAME. NAME is the command's own name and
# the stem of its first input file, e.g. compare-het-2x2; two examples that
# would share a golden file are an error.
awk -F '\t' -v out="$T/blocks" '
    function stem(p) { sub(/.*\//, "", p); sub(/\.[^.]*$/, "", p); return p }
    function name(cmd,   w, n, i, s) {
        n = split(cmd, w, " ")
        s = stem(w[2])
        for (i = 3; i <= n; i++)
            if (w[i] ~ /\.(ini|csv)$/) return s "-" stem(w[i])
        return s
    }
    function start(cmd, at) {
        nm = name(cmd)
        if (nm in seen) { printf "README.md:%d: same golden file %s.out as line %d\n", FNR, nm, seen[nm] > "/dev/stderr"; bad = 1; return }
        seen[nm] = FNR
        file = out "/" nm
        printf "" > file
        print nm "\t" at "\t" cmd
    }
    FILENAME != "README.md" { key[++nkeys] = $1; cmd[nkeys] = $2; next }
    /^```/ { fence = !fence; opening = fence; file = ""; next }
    opening {
        opening = 0
        if (substr($0, 1, 2) == "$ ") { start(substr($0, 3), FNR + 1); next }
        for (i = 1; i <= nkeys; i++)
            if (index($0, key[i]) == 1) { start(cmd[i], FNR); used[i] = 1 }
    }
    fence && file != "" { print > file }
    END {
        for (i = 1; i <= nkeys; i++)
            if (!used[i]) { printf "README.md: no block starts with \"%s\"\n", key[i] > "/dev/stderr"; bad = 1 }
        exit bad
    }
' "$T/unprompted" README.md >"$T/examples" 2>"$T/err"
if [ $? -eq 0 ]; then ok; else bad "README examples:"; sed 's/^/  | /' "$T/err"; fi

for f in "$G"/*.out; do
    [ -e "$f" ] || continue
    if cut -f1 "$T/examples" | grep -qx "$(basename "$f" .out)"; then ok; else
        bad "$f: no README block shows this output (remove the file or restore the block)"; fi
done

# fits BLOCK LINE GOLDEN: every line of the README block BLOCK (whose first line
# is README line LINE) is in GOLDEN, in order and contiguous, except that a line
# "..." (indented or not) skips any number of lines; the block starts at the
# first line of GOLDEN unless it starts with "...", and ends at its last unless
# it ends with "...". Each run between "..." lines is taken at its earliest fit,
# which leaves the most room to the runs after it. On a mismatch, prints the
# README line number and writes the run and the closest lines of GOLDEN to
# $T/want and $T/got.
fits() {
    awk -v line="$2" -v want="$T/want" -v got="$T/got" '
        function skip(s) { return s ~ /^[ \t]*\.\.\.[ \t]*$/ }
        function same(q, a, b,   i) { for (i = a; i <= b; i++) if (q + i - a > ng || g[q + i - a] != p[i]) return i - a; return b - a + 1 }
        FILENAME == ARGV[1] { g[++ng] = $0; next }
        { p[++np] = $0 }
        END {
            pos = 1
            for (a = 1; a <= np; a = b + 1) {
                if (skip(p[a])) { b = a; continue }
                for (b = a; b < np && !skip(p[b + 1]); b++) ;
                len = b - a + 1
                last = (a == 1) ? 1 : ng
                best = -1
                for (q = (a == 1) ? 1 : pos; q <= last; q++) {
                    n = same(q, a, b)
                    if (n == len && (b < np || q + len - 1 == ng)) break
                    if (n > best) { best = n; at = q }
                }
                if (q <= last) { pos = q + len; continue }
                if (best < 0) { best = 0; at = pos }
                for (i = a; i <= b; i++) print p[i] > want
                to = (b == np) ? ng : at + len - 1
                for (i = at; i <= to && i <= ng; i++) print g[i] > got
                print line + a - 1 + best
                exit 1
            }
        }
    ' "$3" "$1"
}

# udiff OLD NEW: a short unified diff; the FAIL line says what OLD and NEW are.
udiff() { diff -u "$1" "$2" | sed '1,2d' | head -20; }

while IFS="$(printf '\t')" read -r name first cmd; do
    gold=$G/$name.out
    (cd "$R" && eval "$cmd") </dev/null >"$T/out" 2>"$T/err"
    st=$?
    if [ "$st" -ne 0 ]; then
        bad "exit $st: $cmd"; sed 's/^/  | /' "$T/err" | head -5; continue
    fi
    if [ -n "$regen" ]; then
        cp "$T/out" "$gold"; ok
    elif [ ! -e "$gold" ]; then
        bad "$gold missing for README.md:$first ($cmd); make readme-golden writes it"; continue
    elif cmp -s "$T/out" "$gold"; then ok; else
        bad "$cmd: stdout differs from $gold (-golden +now)"; udiff "$gold" "$T/out"
    fi
    rm -f "$T/want" "$T/got"
    if at=$(fits "$T/blocks/$name" "$first" "$gold"); then ok; else
        bad "README.md:$at: block does not match $gold ($cmd; -README +golden)"
        udiff "$T/want" "$T/got"
    fi
done <"$T/examples"

# What the README says of the files those commands wrote.
if head -c 15 "$R/trace.json" 2>/dev/null | grep -q '{"traceEvents"'; then ok; else
    bad "trace.json (simulate --trace) is not a Chrome trace"; fi
if (cd "$R" && build/mcmsim estimate -p platforms/het-2x2.ini -s best.ini) >/dev/null 2>"$T/err"; then ok; else
    bad "best.ini (search -o) does not estimate:"; sed 's/^/  | /' "$T/err" | head -5; fi

[ -z "$regen" ] || echo "golden files rewritten: check every changed figure by reasoning (git diff $G) before committing"
summary readme
