#!/bin/sh
# `make bench`'s serving part: a 1000-request stream (arrivals every 0.125 s,
# 8 per second, just below what het-2x2 serves of GPT-2 medium; prompts of
# 32-256 and outputs of 16-128 tokens, spread by fixed strides) served under
# workloads/schedules/het-2x2-gpt2-serving.ini, exact and with lengths
# bucketed to 16 tokens. Prints CPU seconds (user+system, the workers
# included) and the iterations evaluated.
# Usage (repository root, after make): sh scripts/bench_serve.sh [MCMSIM]
M=${1:-build/mcmsim}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
awk 'BEGIN { print "arrival_s,model,prompt_tokens,output_tokens"
             for (i = 0; i < 1000; i++)
                 printf "%.3f,gpt2,%d,%d\n", i * 0.125, 32 + (i * 37) % 225, 16 + (i * 53) % 113 }' \
    >"$T/req.csv"
for b in 1 16; do
    /usr/bin/time -f "%U %S" -o "$T/time" "$M" serve -p platforms/het-2x2.ini \
        -m workloads/scenarios/gpt2-serving.ini -s workloads/schedules/het-2x2-gpt2-serving.ini \
        --requests "$T/req.csv" --bucket $b --json >"$T/out.json" || exit 1
    awk -f scripts/plots/jsonflat.awk "$T/out.json" | awk -F '\t' -v b=$b -v t="$(cat "$T/time")" '
        { v[$1] = $2 }
        END { split(t, c, " "); printf "serve, 1000 requests, bucket %2d: %7.2f s CPU, %d iterations, " \
              "%d evaluated, ttft_p50 %.4f s, tpot_p50 %.5f s, %.1f tokens/s\n", b, c[1] + c[2],
              v[".iterations"], v[".evaluated_iterations"], v[".ttft_p50_s"], v[".tpot_p50_s"],
              v[".tokens_per_s"] }'
done
