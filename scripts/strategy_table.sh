#!/bin/sh
# The strategies side by side (README "Search strategies"): SCAR's Sc1-Sc5
# on Het-Sides 3x3 and Sc4-Sc5 on het-6x6, EDP objective, each search's
# chosen schedule simulated; estimated EDP in brackets. Static power off, as
# in scripts/scar_repro.sh, so that SCAR's published Het-Sides figures (Sc4,
# Sc5) compare like with like. "nsga2 x10": --population 100, ten times the
# default individuals. Prints a Markdown table and each run's CPU seconds.
# Usage (repository root, after make): sh scripts/strategy_table.sh [JOBS]
M=${MCMSIM:-build/mcmsim}
J=${1:-2}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for p in het-sides-3x3 het-6x6; do
    sed 's/^\[defaults\].*/&\nstatic_power = 0/' platforms/$p.ini >"$T/$p.ini"
done
run() { # PLATFORM SCENARIO ARGS...: "sim (est)" EDP, CPU seconds to stderr
    p=$1 sc=$2
    shift 2
    /usr/bin/time -f %U+%S -o "$T/time" "$M" search -p "$T/$p.ini" -m workloads/scenarios/$sc.ini \
        --objective edp -j "$J" --json "$@" >"$T/out.json" 2>/dev/null || { echo failed; return; }
    cpu=$(awk -F+ '{ printf "%.1f", $1 + $2 }' "$T/time")
    python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
print("%.4g (%.4g)" % (d["simulate"]["edp_js"], d["estimate"]["edp_js"]), end="")' "$T/out.json"
    echo "$p $sc $* cpu_s=$cpu" >&2
}
printf '| scenario | package | anneal | ea | nsga2 | nsga2 x10 | SCAR (Het-Sides, analytical) |\n'
printf '|---|---|---|---|---|---|---|\n'
for case in het-sides-3x3:sc1 het-sides-3x3:sc2 het-sides-3x3:sc3 het-sides-3x3:sc4 het-sides-3x3:sc5 \
            het-6x6:sc4 het-6x6:sc5; do
    p=${case%%:*} sc=${case##*:}
    scar=-
    [ "$p:$sc" = het-sides-3x3:sc4 ] && scar=3.328
    [ "$p:$sc" = het-sides-3x3:sc5 ] && scar=6.107
    echo "| $sc | $p | $(run $p $sc --strategy anneal) | $(run $p $sc --strategy ea) |" \
         "$(run $p $sc --strategy nsga2) | $(run $p $sc --strategy nsga2 --population 100) | $scar |"
done
