#!/bin/sh
# End-to-end tests of --csv, --csv-dir and `mcmsim sweep`: figures against
# closed forms worked out below, the CSV against the JSON, quoting, errors
# (exit 2, nothing written) and the same bytes for every -j.
# Usage: MCMSIM=build/mcmsim sh tests/e2e_csv.sh   (from the repository root)
M=${MCMSIM:-build/mcmsim}
. tests/harness.sh

# A package made to be bandwidth-bound: chiplets a (0,0) and b (1,0), ports
# of 1 TB/s (never the bottleneck), one DRAM channel d on a (64 GB/s, 200 ns),
# 35 ns a hop. Model x: two int8 matmuls 64x64x64, batch 8 in one
# mini-batch of 8: l0 on a, l1 on b. Per mini-batch: l0 reads its input from
# d (64*64*8 = 32768 B, no hop), sends 32768 B of activations a -> b; l1's
# 4096 B of weights come from d over the same link a -> b once (they fit in
# L2), and its 32768 B of output go back b -> a to d. Each matmul is
# ceil(64/64) * ceil(64/64) * 64*8 positions = 512 cycles at 500 MHz = 1.024 us.
cat >"$T/bw.ini" <<'EOF'
[package]
name = bw
mesh = 2x1
link_bandwidth = 100GB/s
interface_bandwidth = 1TB/s
hop_latency = 35ns
energy_per_bit = 2.04pJ
[defaults]
dataflow = nvdla
pes = 4096
clock = 500MHz
l2_bandwidth = ideal
[chiplet a]
at = 0,0
[chiplet b]
at = 1,0
[dram d]
chiplet = a
bandwidth = 64GB/s
latency = 200ns
energy_per_bit = 14.8pJ
EOF
printf '[model]\nname = mm\n[layers]\nl0 = matmul m=64 k=64 n=64\nl1 = matmul m=64 k=64 n=64\n' >"$T/mm.ini"
printf '[model x]\nworkload = mm.ini\nbatch = 8\n' >"$T/scn.ini"
printf '[schedule]\nscenario = scn.ini\n[window 1]\nx.minibatch = 8\nx.1 = l0 @ a\nx.2 = l1 @ b\n' >"$T/s.ini"
P=$T/bw.ini
S=$T/s.ini

expect 0 "$M" sweep --help
has 'usage: mcmsim sweep'
expect 0 "$M" simulate --help
has '^--csv-dir DIR'

# col FILE ROW NAME: the field NAME of data row ROW (1 = first after the header)
col() {
    awk -F, -v row="$2" -v name="$3" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        NR == row + 1 { print $c[name]; exit }' "$1"
}
# near GOT WANT WHAT: |GOT - WANT| <= 1e-9 |WANT|
near() {
    if awk -v g="$1" -v w="$2" 'BEGIN { d = g - w; if (d < 0) d = -d; a = w < 0 ? -w : w; exit !(g != "" && d <= 1e-9 * a) }'; then
        ok; else bad "$3: got $1, want $2"; fi
}

# 1. Link bandwidth B swept below 64 GB/s, where the link is every transfer's
#    bottleneck but l0's input (from d on a: no hop). The estimate charges
#    each transfer to the segment that waits for it, and l1's weights are a
#    preload before the pipe (4096/B + 35 ns + 200 ns > l0's own 4096 B from
#    d); so makespan = preload + l0 (in 32768/64e9 + 200 ns, compute 1.024 us)
#    + l1 (in 32768/B + 35 ns, compute 1.024 us, out 32768/B + 35 + 200 ns)
#    = 69632/B + 3.265 us. The simulation overlaps l1's weights with l0's
#    input and compute, but at B <= 2 GB/s the weights alone (4096/B >= 2 us)
#    outlast them, so the link is busy from time 0 until l1 has all 36864 B;
#    then l1 computes and sends its output: makespan = (36864 + 32768)/B +
#    1.024 us + 2 x 35 ns + 200 ns = 69632/B + 1.294 us.
expect 0 "$M" sweep -p "$P" -s "$S" --set link_bandwidth=1GB/s,2GB/s -j 2
cp "$T/out" "$T/sweep-bw.csv"
if [ "$(head -1 "$T/out" | cut -d, -f1-5)" = "link_bandwidth,nop,platform,est_makespan_s,sim_makespan_s" ]; then ok; else
    bad "sweep header: $(head -1 "$T/out")"; fi
if [ "$(wc -l <"$T/out")" -eq 3 ] && [ "$(col "$T/out" 1 link_bandwidth)" = 1GB/s ] &&
   [ "$(col "$T/out" 2 link_bandwidth)" = 2GB/s ]; then ok; else bad "sweep rows:"; cat "$T/out"; fi
near "$(col "$T/out" 1 est_makespan_s)" "$(awk 'BEGIN { printf "%.17g", 69632 / 1e9 + 3.265e-6 }')" "est makespan at 1 GB/s"
near "$(col "$T/out" 2 est_makespan_s)" "$(awk 'BEGIN { printf "%.17g", 69632 / 2e9 + 3.265e-6 }')" "est makespan at 2 GB/s"
near "$(col "$T/out" 1 sim_makespan_s)" "$(awk 'BEGIN { printf "%.17g", 69632 / 1e9 + 1.294e-6 }')" "sim makespan at 1 GB/s"
near "$(col "$T/out" 2 sim_makespan_s)" "$(awk 'BEGIN { printf "%.17g", 69632 / 2e9 + 1.294e-6 }')" "sim makespan at 2 GB/s"
# the link a -> b is busy from time 0 until l1 has its 36864 B, 36864/B
sed 's|^link_bandwidth = .*|link_bandwidth = 1GB/s|' "$P" >"$T/bw1.ini"
expect 0 "$M" simulate -p "$T/bw1.ini" -s "$S" --csv-dir "$T/sim1"
awk -F, '$1 == "x0y0->x1y0" { print $3, $4, $5 }' "$T/sim1/links.csv" >"$T/ab"
if [ "$(cut -d' ' -f1 "$T/ab")" = 36864 ]; then ok; else bad "a -> b bytes: $(cat "$T/ab")"; fi
near "$(cut -d' ' -f2 "$T/ab")" 3.6864e-05 "a -> b busy"
near "$(cut -d' ' -f3 "$T/ab")" "$(awk 'BEGIN { printf "%.17g", 36864e-9 / (69632 / 1e9 + 1.294e-6) }')" "a -> b utilization"

# the same bytes for every -j, and repeatable
"$M" sweep -p "$P" -s "$S" --set link_bandwidth=1GB/s,2GB/s -j 1 >"$T/j1.csv" 2>/dev/null
if cmp -s "$T/j1.csv" "$T/sweep-bw.csv"; then ok; else bad "sweep -j1 and -j2 differ"; fi
"$M" sweep -p "$P" -s "$S" --set link_bandwidth+interface_bandwidth=1GB/s,2GB/s,4GB/s \
    --set nop.packet_flits=4,16 --run simulate -j 1 >"$T/a.csv" 2>/dev/null
"$M" sweep -p "$P" -s "$S" --set link_bandwidth+interface_bandwidth=1GB/s,2GB/s,4GB/s \
    --set nop.packet_flits=4,16 --run simulate -j 2 >"$T/b.csv" 2>/dev/null
if [ "$(wc -l <"$T/a.csv")" -eq 7 ] && cmp -s "$T/a.csv" "$T/b.csv"; then ok; else bad "6-point sweep: -j1 and -j2 differ"; fi
# the first --set varies slowest: 1GB/s,4 then 1GB/s,16 then 2GB/s,4 ...
if [ "$(cut -d, -f1,2 "$T/a.csv" | tr '\n' ' ')" = "link_bandwidth+interface_bandwidth,nop.packet_flits 1GB/s,4 1GB/s,16 2GB/s,4 2GB/s,16 4GB/s,4 4GB/s,16 " ]; then ok; else
    bad "point order: $(cut -d, -f1,2 "$T/a.csv" | tr '\n' ' ')"; fi

# 2. A scenario key: batch 16 in mini-batches of 8 pipes a second mini-batch
#    behind the first, one slowest stage later: at 100 GB/s l1's 32768/1e11 +
#    35 ns in, 1.024 us compute, 32768/64e9 + 35 + 200 ns out (d's 64 GB/s is
#    now the bottleneck) = 2.13368 us (l0's is 0.712 + 1.024 = 1.736 us).
expect 0 "$M" sweep -p "$P" -s "$S" --set x.batch=8,16 --run estimate
near "$(awk -v a="$(col "$T/out" 2 makespan_s)" -v b="$(col "$T/out" 1 makespan_s)" 'BEGIN { printf "%.17g", a - b }')" \
    2.13368e-6 "one more mini-batch"
if [ "$(col "$T/out" 1 evaluator)" = estimate ] && [ -z "$(col "$T/out" 1 nop)" ]; then ok; else bad "estimate rows: $(sed -n 2p "$T/out")"; fi

# 3. --csv: the estimate's summary is the JSON's figures (the JSON has 10
#    significant digits), and --csv-dir's tables: links carry the bytes above
expect 0 "$M" estimate -p "$P" -s "$S" --json
for k in makespan_s throughput_per_s energy_j edp_js; do
    awk -F': ' -v k="\"$k\"" '$1 ~ k"$" { sub(/,$/, "", $2); print $2; exit }' "$T/out" >"$T/json.$k"
done
expect 0 "$M" estimate -p "$P" -s "$S" --csv
if [ "$(wc -l <"$T/out")" -eq 2 ]; then ok; else bad "--csv prints more than the summary"; fi
for k in makespan_s throughput_per_s energy_j edp_js; do
    near "$(col "$T/out" 1 $k)" "$(cat "$T/json.$k")" "--csv $k vs --json"
done
expect 0 "$M" estimate -p "$P" -s "$S" --csv-dir "$T/tables"
has 'Estimate of'
for t in summary models segments windows chiplets links; do
    if [ -s "$T/tables/$t.csv" ]; then ok; else bad "--csv-dir wrote no $t.csv"; fi
done
awk -F, '$1 == "x0y0->x1y0" { a = $3 } $1 == "x1y0->x0y0" { b = $3 } END { exit !(a == 36864 && b == 32768) }' \
    "$T/tables/links.csv" && ok || bad "link bytes: $(grep x0y0 "$T/tables/links.csv")"
# every line of a table has the header's number of fields (no quoted commas here)
for t in "$T"/tables/*.csv; do
    awk -F, 'NR == 1 { n = NF } NF != n { exit 1 }' "$t" && ok || bad "ragged $t"
done

# 4. Quoting: a pattern with commas is one quoted field, a layer name with a
#    quote too, its quote doubled
expect 0 "$M" traffic -p platforms/noc-4x4.ini --pattern perm:1,0,3,2,5,4,7,6,9,8,11,10,13,12,15,14 --csv
if sed -n 2p "$T/out" | grep -q '^noc-4x4,"perm:1,0,3,2,5,4,7,6,9,8,11,10,13,12,15,14",flow,16,'; then ok; else
    bad "quoted pattern: $(sed -n 2p "$T/out")"; fi
# (a layer may be named a"b: 8 x 8 x 8 = 512 MACs)
printf '[model]\nname = q\n[layers]\na"b = matmul m=8 k=8 n=8\n' >"$T/q.ini"
expect 0 "$M" layers -w "$T/q.ini" --dataflow nvdla --pes 64 --csv
if sed -n 2p "$T/out" | grep -q '^"a""b",matmul,m8 n8 k8,512,'; then ok; else
    bad "quoted layer: $(sed -n 2p "$T/out")"; fi
expect 0 "$M" layers -w workloads/resnet50.ini --dataflow nvdla --pes 4096 --csv
# the JSON's total_macs, 4089184256, as an integer
if [ "$(awk -F, 'NR > 1 { s += $4 } END { printf "%.0f", s }' "$T/out")" = 4089184256 ]; then ok; else bad "layers MACs"; fi

# 5. Errors: exit 2, one line, nothing on stdout, nothing written
expect 2 "$M" sweep -p "$P" -s "$S" --set link_bandwidth=1GB/s,0.5B/s
has_err "^mcmsim: --set link_bandwidth=0.5B/s: $P: 'link_bandwidth' = 0.5B/s is out of range"
if [ ! -s "$T/out" ]; then ok; else bad "a bad value printed rows"; fi
expect 2 "$M" sweep -p "$P" -s "$S" --set link_bandwidth=1GB/s,100
has_err "^mcmsim: --set link_bandwidth=100: $P: 'link_bandwidth' = 100 needs a unit"
if [ ! -s "$T/out" ]; then ok; else bad "a bad value printed rows"; fi
expect 2 "$M" sweep -p "$P" -s "$S" --set nosuch.key=1
has_err "'nosuch' is no section"
expect 2 "$M" sweep -p "$P" -s "$S" --set link_bandwidth=1GB/s,,2GB/s
has_err "an empty value"
expect 2 "$M" sweep -p "$P" -s "$S" --set link_bandwidth
expect 2 "$M" sweep -p "$P" -s "$S" --set bogus_key=1
has_err "unknown key in \[package\]"
expect 2 "$M" sweep -p "$P" -s "$S" --set x.batch=8,12
has_err "^mcmsim: --set x.batch=12: "
expect 2 "$M" sweep -p "$P" -s "$S" --set link_bandwidth=1GB/s --set link_bandwidth=2GB/s
expect 2 "$M" sweep -p "$P" -s "$S" --set a.pes=64 --run search
expect 2 "$M" sweep -p "$P" -s "$S" --set a.pes=64 --csv
expect 2 "$M" sweep -p "$P" -s "$S" --set a.pes=64 -o "$T/rows.csv"
if [ ! -e "$T/rows.csv" ]; then ok; else bad "sweep -o wrote a file"; fi
expect 2 "$M" estimate -p "$P" -s "$S" --set a.pes=64
expect 2 "$M" estimate -p "$P" -s "$S" --csv --json
expect 2 "$M" search -p "$P" -m "$T/scn.ini" --csv -o -
: >"$T/afile"
expect 2 "$M" estimate -p "$P" -s "$S" --csv-dir "$T/afile"
expect 2 "$M" estimate -p "$P" -s "$S" --csv-dir -
expect 2 "$M" estimate -p "$P" -s "$S" --csv-dir "$T/no/such/dir"
if [ ! -e "$T/no" ]; then ok; else bad "--csv-dir made a path it could not use"; fi
# a table file that is an input (through a symlink) is refused before any work
mkdir "$T/clash"
ln -s "$P" "$T/clash/summary.csv"
cp "$P" "$T/bw.before"
expect 2 "$M" estimate -p "$P" -s "$S" --csv-dir "$T/clash"
if cmp -s "$P" "$T/bw.before" && [ ! -e "$T/clash/models.csv" ]; then ok; else bad "--csv-dir overwrote an input"; fi
# a bad input: no table written, not even the directory
expect 2 "$M" simulate -p "$P" -s "$T/mm.ini" --csv-dir "$T/never"
if [ ! -e "$T/never" ]; then ok; else bad "--csv-dir written on a bad input"; fi

# 6. search: one row per point, a sweep over a chiplet's key
expect 0 "$M" sweep -p "$P" -m "$T/scn.ini" --set b.pes=1024,4096 --validate 2 -j 2
if [ "$(wc -l <"$T/out")" -eq 3 ] && [ "$(head -1 "$T/out" | cut -d, -f1-3)" = "b.pes,objective,seed" ]; then ok; else
    bad "search sweep:"; cat "$T/out"; fi

# 7. serve: the summary is the JSON's figures; a row per request (the burst
#    file has 6); GPT-2 medium's KV cache is 24 layers x 2 (K and V) x 1024 x
#    1 byte = 49152 bytes a token; no candidates without --search
SV="serve -p platforms/het-2x2.ini -m workloads/scenarios/gpt2-serving.ini -s workloads/schedules/het-2x2-gpt2-serving.ini --requests workloads/requests/gpt2-burst.csv"
expect 0 "$M" $SV --json
for k in ttft_p50_s tpot_p99_s tokens_per_s energy_per_token_j; do
    awk -F': ' -v k="\"$k\"" '$1 ~ k"$" { sub(/,$/, "", $2); print $2; exit }' "$T/out" >"$T/json.$k"
done
expect 0 "$M" $SV --csv --csv-dir "$T/serve"
if [ "$(wc -l <"$T/out")" -eq 2 ]; then ok; else bad "serve --csv prints more than the summary"; fi
for k in ttft_p50_s tpot_p99_s tokens_per_s energy_per_token_j; do
    near "$(col "$T/out" 1 $k)" "$(cat "$T/json.$k")" "serve --csv $k vs --json"
done
if [ "$(wc -l <"$T/serve/requests.csv")" -eq 7 ] && [ "$(col "$T/serve/requests.csv" 6 arrival_s)" = 1 ]; then ok; else
    bad "serve requests.csv:"; cat "$T/serve/requests.csv"; fi
if [ "$(col "$T/serve/models.csv" 1 kv_bytes_per_token)" = 49152 ]; then ok; else bad "KV bytes: $(cat "$T/serve/models.csv")"; fi
if [ "$(wc -l <"$T/serve/candidates.csv")" -eq 1 ]; then ok; else bad "candidates without --search"; fi
cp workloads/requests/gpt2-burst.csv "$T/burst.csv"
mkdir "$T/sclash" && ln -s "$T/burst.csv" "$T/sclash/requests.csv"
expect 2 "$M" serve -p platforms/het-2x2.ini -m workloads/scenarios/gpt2-serving.ini \
    -s workloads/schedules/het-2x2-gpt2-serving.ini --requests "$T/burst.csv" --csv-dir "$T/sclash"
if cmp -s "$T/burst.csv" workloads/requests/gpt2-burst.csv; then ok; else bad "--csv-dir overwrote the request file"; fi

summary e2e_csv
