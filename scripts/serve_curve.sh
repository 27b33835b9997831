#!/bin/sh
# Latency against throughput of LLM serving: GPT-2 medium
# (workloads/scenarios/gpt2-serving.ini) served on het-2x2 under
# workloads/schedules/het-2x2-gpt2-serving.ini, Poisson arrivals (seed 1)
# at a swept rate over 30 s each. For each rate: the tokens and requests
# served per second, TTFT and TPOT (p50, p99), and whether the queue grew
# without bound (mcmsim serve's overload flag).
# Lengths are bucketed to 16 tokens (README "Serving": p50 within ~6 %).
# Usage (repository root, after make): sh scripts/serve_curve.sh [RATES]
M=${MCMSIM:-build/mcmsim}
RATES=${1:-"1 2 4 6 8 10 12 14 16"}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
printf '%-8s %10s %10s %10s %10s %10s %10s %s\n' "rate/s" "tokens/s" "req/s" "ttft_p50" "ttft_p99" \
    "tpot_p50" "tpot_p99" "overloaded"
for r in $RATES; do
    "$M" serve -p platforms/het-2x2.ini -m workloads/scenarios/gpt2-serving.ini \
        -s workloads/schedules/het-2x2-gpt2-serving.ini --rate "$r" --duration 30 --bucket 16 --json \
        >"$T/out.json" 2>/dev/null || { echo "serve_curve.sh: serve failed at rate $r" >&2; exit 1; }
    awk -f scripts/plots/jsonflat.awk "$T/out.json" | awk -F '\t' -v r="$r" '
        { v[$1] = $2 }
        END { printf "%-8s %10.2f %10.3f %10.4f %10.4f %10.5f %10.5f %s\n", r, v[".tokens_per_s"],
              v[".requests_per_s"], v[".ttft_p50_s"], v[".ttft_p99_s"], v[".tpot_p50_s"],
              v[".tpot_p99_s"], v[".overloaded"] }'
done
