#!/bin/sh
# End-to-end tests of the mcmsim binary: exit statuses, FILE:LINE messages,
# nothing half-written, same inputs -> same bytes. Figures are checked by the
# unit tests; here we check the contract of the command line.
# Usage: MCMSIM=build/mcmsim sh tests/e2e.sh   (from the repository root)
M=${MCMSIM:-build/mcmsim}
. tests/harness.sh

P=platforms/het-2x2.ini
S=workloads/schedules/het-2x2-gpt2-resnet50.ini

expect 0 "$M" --help
expect 2 "$M"
expect 2 "$M" frobnicate
for c in layers estimate simulate compare search run traffic serve; do
    expect 0 "$M" $c --help
    has "usage: mcmsim $c"
done
expect 2 "$M" estimate -p "$P"
expect 2 "$M" estimate -p "$P" -s "$S" --bogus
expect 2 "$M" layers -w workloads/resnet50.ini --dataflow tpu --pes 64
expect 2 "$M" layers -w workloads/resnet50.ini --dataflow nvdla --pes -3

# layers
expect 0 "$M" layers -w workloads/resnet50.ini --dataflow nvdla --pes 4096 --json
has '"total_macs": 4089184256'
has '"compute_cycles"'
# counts are exact JSON integers: U-Net's 150,428,424,448 MACs and 31,029,698
# parameters (README's workload table, summed by scripts/gen_unet.py)
expect 0 "$M" layers -w workloads/unet.ini --dataflow nvdla --pes 4096 --json
has '"total_macs": 150428424448,'
has '"total_params": 31029698,'
expect 0 "$M" layers -w workloads/gpt2-small.ini -p "$P" --chiplet s01
has 'shidiannao'
expect 2 "$M" layers -w workloads/gpt2-small.ini -p "$P" --chiplet nope

# estimate, simulate, compare on the shipped schedule
expect 0 "$M" estimate -p "$P" -s "$S"
has 'makespan'
expect 0 "$M" estimate -p "$P" -s "$S" --json
has '"makespan_s"'
has '"edp_js"'
cp "$T/out" "$T/est1"
"$M" estimate -p "$P" -s "$S" --json >"$T/est2" 2>/dev/null
if cmp -s "$T/est1" "$T/est2"; then ok; else bad "estimate is not byte-for-byte repeatable"; fi
expect 0 "$M" estimate -p "$P" -s "$S" --json
# the schedule's mini-batches (gpt2.minibatch = 2, resnet50.minibatch = 8):
# per model, per window, per segment
minibatches() { tr -d ' \n' <"$T/out" | grep -o "$1" | wc -l; }
if [ "$(minibatches '"name":"gpt2","batch":8,"minibatch":2,')" -eq 1 ] &&
    [ "$(minibatches '"name":"resnet50","batch":32,"minibatch":8,')" -eq 1 ] &&
    [ "$(minibatches '"windows_minibatch":\[{"gpt2":2,"resnet50":8}\]')" -eq 1 ] &&
    [ "$(minibatches '"model":"gpt2","layers":"[^"]*","chiplet":"[^"]*","minibatch":2,')" -eq 2 ]; then ok
else bad "estimate --json mini-batches"; fi
expect 0 "$M" compare -p "$P" -s "$S" --json
if [ "$(minibatches '"minibatch":{"gpt2":2,"resnet50":8}')" -eq 1 ] &&
    [ "$(minibatches '"name":"resnet50","minibatch":8')" -eq 1 ]; then ok
else bad "compare --json mini-batches"; fi
expect 0 "$M" simulate -p "$P" -s "$S" --json --trace "$T/trace.json"
has '"peak_flows"'
cp "$T/out" "$T/sim1"
if head -c 15 "$T/trace.json" | grep -q '{"traceEvents"'; then ok; else bad "trace is not trace-event JSON"; fi
"$M" simulate -p "$P" -s "$S" --json >"$T/sim2" 2>/dev/null
if cmp -s "$T/sim1" "$T/sim2"; then ok; else bad "simulate is not byte-for-byte repeatable"; fi
expect 0 "$M" compare -p "$P" -s "$S"
has 'error'
# --verbose: SimGrid's log on stderr, and nothing there without it; said in
# the help of each command that simulates, refused by those that do not
expect 0 "$M" simulate -p "$P" -s "$S" --verbose
has_err '/VERBOSE\] '
expect 0 "$M" compare -p "$P" -s "$S"
if [ ! -s "$T/err" ]; then ok; else bad "compare without --verbose wrote to stderr"; fi
for c in simulate compare search run; do
    expect 0 "$M" $c --help
    has "^--verbose: SimGrid's own log"
done
# a search's time, said under --verbose only: its estimates are the JSON's,
# on the threads -j asks for (never more than the machine's cores)
expect 0 "$M" search -p "$P" -m workloads/scenarios/gpt2-resnet50.ini -j 1 --validate 2 --json --verbose
est=$(sed -n 's/^  "estimated": \([0-9]*\),$/\1/p' "$T/out")
line=$(grep '^mcmsim: search: ' "$T/err")
case $line in
    "mcmsim: search: setup and strategy "*" s ($est estimates on 1 thread, "*"/s), validation "*" s (2 simulated in all), "*" s in all")
        ok ;;
    *) bad "search --verbose: no time line with its $est estimates, 1 thread and 2 simulated: $line" ;;
esac
expect 0 "$M" search -p "$P" -m workloads/scenarios/gpt2-resnet50.ini -j 1 --validate 2
if ! grep -q '^mcmsim: search: ' "$T/err"; then ok; else bad "search without --verbose said its time"; fi
for c in layers estimate traffic; do
    expect 2 "$M" $c --verbose
    has_err "mcmsim: --verbose: $c runs no SimGrid simulation"
done
expect 2 "$M" simulate -p "$P" -s "$S" --trace "$T/no/such/dir/t.json"
if [ ! -e "$T/no/such/dir/t.json" ]; then ok; else bad "half-written trace"; fi

# search: the written schedule loads back and simulates to the figures printed
SC=workloads/scenarios/gpt2-resnet50.ini
expect 0 "$M" search -p "$P" -m "$SC" --validate 2 -j 1 -o "$T/best.ini" --json
has '"rank_agreement_kendall_tau"'
has '"pareto_latency_energy"'
# the chosen schedule in the JSON is the file -o wrote, but for the scenario's
# path (relative to the file there, as given here)
sed -n 's/^  "schedule": "\(.*\)",\{0,1\}$/\1/p' "$T/out" | sed 's/\\n/\n/g' | sed '$ { /^$/d }' |
    grep -v '^scenario = ' >"$T/sched-json"
grep -v '^scenario = ' "$T/best.ini" >"$T/sched-file"
if [ -s "$T/sched-file" ] && grep -q '^\[window 1\]' "$T/sched-json" && cmp -s "$T/sched-json" "$T/sched-file"; then ok
else bad "search --json schedule differs from -o's file"; diff "$T/sched-json" "$T/sched-file" | head -5; fi
awk '/^  "simulate": [{]/ { f = 1 } f && /"makespan_s"/ { print; exit }' "$T/out" | tr -d ' ' >"$T/want"
expect 0 "$M" simulate -p "$P" -s "$T/best.ini" --json
grep '"makespan_s"' "$T/out" | head -1 | tr -d ' ' >"$T/got"
if [ -s "$T/want" ] && cmp -s "$T/want" "$T/got"; then ok; else bad "reloaded schedule: $(cat "$T/got") vs $(cat "$T/want")"; fi
expect 2 "$M" search -p "$P" -m "$SC" --objective speed

# --strategy: auto is the strategy it picks, byte for byte (het-2x2's 3^4
# allocations are enumerated; het-6x6's 3^36 searched by NSGA-II)
expect 0 "$M" search -p "$P" -m "$SC" --validate 2 -j 1 --json
has '"strategy": "exhaustive"'
cp "$T/out" "$T/auto1"
expect 0 "$M" search -p "$P" -m "$SC" --validate 2 -j 1 --json --strategy exhaustive
if cmp -s "$T/auto1" "$T/out"; then ok; else bad "auto is not exhaustive on het-2x2"; fi
P6=platforms/het-6x6.ini
SC1=workloads/scenarios/sc1.ini
expect 0 "$M" search -p "$P6" -m "$SC1" --population 4 --generations 1 --validate 1 -j 1 --strategy auto
has 'NSGA-II over'
cp "$T/out" "$T/auto2"
expect 0 "$M" search -p "$P6" -m "$SC1" --population 4 --generations 1 --validate 1 -j 1 --strategy nsga2
if cmp -s "$T/auto2" "$T/out"; then ok; else bad "auto is not nsga2 on het-6x6"; fi
# ea and nsga2: the same bytes at -j 1 and -j 2, for a seed; the front's
# points with estimate, simulation and schedule
for st in ea nsga2; do
    expect 0 "$M" search -p "$P" -m "$SC" --strategy $st --seed 3 --validate 3 -j 1 --json
    cp "$T/out" "$T/evo1"
    expect 0 "$M" search -p "$P" -m "$SC" --strategy $st --seed 3 --validate 3 -j 2 --json
    if cmp -s "$T/evo1" "$T/out"; then ok; else bad "$st differs between -j 1 and -j 2"; fi
done
for f in '"pareto": \[' '"est_makespan_s"' '"sim_makespan_s"' '"est_energy_j"' '"sim_energy_j"' \
         '"schedule": "; mcmsim schedule' '"simulated_best_differs"' '"rankings_by_simulation"'; do
    has "$f"
done
expect 0 "$M" search -p "$P" -m "$SC" --strategy nsga2 --objectives throughput,energy --sim-budget 6 \
    --validate 2 -j 2
has 'rankings by simulation'
expect 2 "$M" search -p "$P" -m "$SC" --strategy nsga2 --objectives latency
expect 2 "$M" search -p "$P" -m "$SC" --strategy nsga2 --objectives energy,energy
expect 2 "$M" search -p "$P" -m "$SC" --strategy ea --population 1
expect 2 "$M" search -p "$P" -m "$SC" --strategy ea --generations 0
expect 0 "$M" search -p "$P" -m "$SC" --validate 1 -j 1 --steps 30 --strategy anneal
has 'simulated annealing over'
expect 2 "$M" search -p "$P" -m "$SC" --strategy greedy
if grep -q "'greedy' is not auto, exhaustive, anneal, ea or nsga2" "$T/err"; then ok; else bad "unknown strategy: $(cat "$T/err")"; fi
expect 2 "$M" run --strategy greedy
# run --json: the searched schedule against every monolith, each reading of
# the paper's "optimized output-stationary" chip and the WS one
expect 0 "$M" run --json -j 1
for a in "mono-os (positions)" "mono-os (systolic)" "mono-os (best)" mono-ws; do has "\"against\": \"$a\""; done
has '"throughput_ratio_up_to": 2.2'
# 2 models on 36 chiplets: 3^36 allocations, too many to enumerate
expect 2 "$M" search -p "$P6" -m "$SC1" --strategy exhaustive -o "$T/huge.ini"
if grep -q "3^36" "$T/err" && [ ! -e "$T/huge.ini" ]; then ok; else bad "huge exhaustive: $(cat "$T/err")"; fi
# on a package, the monolith is its one-chip equivalent: for het-2x2 that is
# mono-os.ini's chip, so both give the same figures and schedule but the name
expect 0 "$M" search -p "$P" -m "$SC" --baseline monolithic-os --json -o "$T/mono-derived.ini"
has '"schedule": "; mcmsim schedule for platform het-2x2-mono\\n'
grep -v '"platform"\|"schedule"' "$T/out" >"$T/mono-derived.json"
expect 0 "$M" search -p platforms/mono-os.ini -m "$SC" --baseline monolithic-os -o "$T/mono.ini" --json
grep -v '"platform"\|"schedule"' "$T/out" >"$T/mono-file.json"
if cmp -s "$T/mono-derived.json" "$T/mono-file.json" && [ "$(grep -c '"makespan_s"' "$T/out")" -ge 1 ] &&
    [ "$(grep -v '^;' "$T/mono-derived.ini")" = "$(grep -v '^;' "$T/mono.ini")" ]; then ok
else bad "derived monolith differs from mono-os.ini"; fi
expect 0 "$M" estimate -p platforms/mono-os.ini -s "$T/mono.ini"
expect 2 "$M" search -p "$P" -m "$SC" -o "$T/no/such/dir/best.ini"
if [ ! -e "$T/no/such/dir/best.ini" ]; then ok; else bad "half-written schedule"; fi

# bad inputs: FILE:LINE and status 2
printf '[package]\nname = x\nmesh = 2x2\nlink_bandwidth = fast\n' >"$T/p.ini"
expect 2 "$M" estimate -p "$T/p.ini" -s "$S"
expect_located "$T/p.ini"
# a bandwidth without its unit (read as 100 B/s, the default schedule took 2.8e6 s)
sed 's|^link_bandwidth = .*|link_bandwidth = 100|' "$P" >"$T/bare.ini"
expect 2 "$M" estimate -p "$T/bare.ini" -s "$S"
expect_located "$T/bare.ini"
has_err "'link_bandwidth' = 100 needs a unit (units: B/s, KB/s"
# a layer that reads another shape than its producer outputs: its line, nothing on stdout
printf '[layers]\ny = conv k=16 c=3 r=3 h=32 w=32\nx = conv k=8 c=99 r=3 h=77 w=32\n' >"$T/shape.ini"
expect 2 "$M" layers -w "$T/shape.ini" --dataflow nvdla --pes 4096
expect_located "$T/shape.ini"
if [ ! -s "$T/out" ] && grep -qx "$T/shape.ini:3: layer x reads 16x32x32 from y but declares c=99 h=77" "$T/err"
then ok; else bad "shape: $(cat "$T/err")"; fi
# a segment split over one chiplet twice: its line, status 2, nothing on stdout
sed -e "s|^scenario = .*|scenario = $PWD/workloads/scenarios/gpt2-resnet50.ini|" \
    -e 's/^gpt2.1 = embed .. h7.add2 @ n00$/gpt2.1 = embed .. h7.add2 @ n00+n00 split=k/' "$S" >"$T/split.ini"
expect 2 "$M" simulate -p "$P" -s "$T/split.ini"
expect_located "$T/split.ini"
if [ ! -s "$T/out" ] && grep -q "split.ini:[0-9]*: segment is split over chiplet n00 twice" "$T/err"; then ok
else bad "split twice: $(cat "$T/err")"; fi
# a bad static power or power_gating: its line, nothing on stdout
sed 's/^\[defaults\].*/&\nstatic_power = 3 amps/' "$P" >"$T/sp.ini"
expect 2 "$M" estimate -p "$T/sp.ini" -s "$S"
expect_located "$T/sp.ini"
if [ ! -s "$T/out" ] && grep -q "'static_power': bad number '3 amps' (units: W, mW, uW)" "$T/err"; then ok
else bad "static_power: $(cat "$T/err")"; fi
sed 's/^\[package\].*/&\npower_gating = on/' "$P" >"$T/pg.ini"
expect 2 "$M" simulate -p "$T/pg.ini" -s "$S"
expect_located "$T/pg.ini"
if [ ! -s "$T/out" ] && grep -q ": power_gating must be yes or no, not 'on'" "$T/err"; then ok
else bad "power_gating: $(cat "$T/err")"; fi
sed 's/^resnet50.2 = .*//' "$S" >"$T/gap.ini"
sed -i "s|^scenario = ../|scenario = $PWD/workloads/|" "$T/gap.ini"
expect 2 "$M" estimate -p "$P" -s "$T/gap.ini"
expect_located "$T/gap.ini"
sed "s|^scenario = ../|scenario = $PWD/workloads/|; s/^gpt2.minibatch = .*/gpt2.minibatch = 3/" "$S" >"$T/mb.ini"
expect 2 "$M" estimate -p "$P" -s "$T/mb.ini"
expect_located "$T/mb.ini"
sed "s|^scenario = ../|scenario = $PWD/workloads/|; s/@ n00/@ n99/" "$S" >"$T/chip.ini"
expect 2 "$M" simulate -p "$P" -s "$T/chip.ini"
expect_located "$T/chip.ini"
expect 2 "$M" estimate -p /nonexistent.ini -s "$S"
if grep -Eq "^/nonexistent.ini: cannot open" "$T/err"; then ok; else bad "missing file: $(cat "$T/err")"; fi

# network levels and traffic
expect 2 "$M" simulate -p "$P" -s "$S" --nop smoke-signals
has_err "not a network level"
N4=platforms/noc-4x4.ini
expect 0 "$M" traffic -p "$N4" --pattern transpose --packets 20 --json
has '"drain_cycles"'
has '"finish_s"'
has '"n00.inject"'
cp "$T/out" "$T/tr1"
"$M" traffic -p "$N4" --pattern transpose --packets 20 --json >"$T/tr2" 2>/dev/null
if cmp -s "$T/tr1" "$T/tr2"; then ok; else bad "traffic is not byte-for-byte repeatable"; fi
expect 0 "$M" traffic -p "$N4" --pattern uniform --packets 20 --nop packet --seed 3
has 'packet level'
expect 2 "$M" traffic -p "$N4" --pattern zigzag
has_err "pattern"
expect 2 "$M" traffic -p "$N4" --pattern perm:1,2,3
expect 2 "$M" traffic -p "$N4" --pattern hotspot --hotspot 16
expect 2 "$M" traffic -p "$N4" --pattern uniform --packets 0
expect 2 "$M" traffic -p "$N4"
expect 2 "$M" traffic -p platforms/het-sides-3x3.ini --pattern transpose
printf '[package]\nname = t\nmesh = 2x1\nlink_bandwidth = 1GB/s\nhop_latency = 1ns\nenergy_per_bit = 1pJ\n[nop]\nmodel = wormhole\n[chiplet a]\nat = 0,0\n[dram d]\nchiplet = a\nbandwidth = 1GB/s\nlatency = 1ns\nenergy_per_bit = 1pJ\n' >"$T/badnop.ini"
expect 2 "$M" traffic -p "$T/badnop.ini" --pattern uniform
expect_located "$T/badnop.ini"

# serve: the contract of its options, files and flags (figures: test_serve)
SC=workloads/scenarios/gpt2-serving.ini
SS=workloads/schedules/het-2x2-gpt2-serving.ini
expect 0 "$M" serve -p "$P" -m "$SC" -s "$SS" --requests workloads/requests/gpt2-burst.csv --json
has '"ttft_p50_s"'
has '"tpot_p99_s"'
has '"tokens_per_s"'
has '"requests_per_s"'
has '"energy_per_token_j"'
has '"kv_bytes_per_token": 49152'
has '"overloaded": false'
expect 0 "$M" serve -p "$P" -m "$SC" -s "$SS" --rate 2 --duration 2 --seed 5 --slo-ttft 0.1 --slo-tpot 0.01 --json
has '"slo_ttft_attainment"'
has '"slo_tpot_attainment"'
has '"slo_attainment"'
cp "$T/out" "$T/sv1"
"$M" serve -p "$P" -m "$SC" -s "$SS" --rate 2 --duration 2 --seed 5 --slo-ttft 0.1 --slo-tpot 0.01 --json >"$T/sv2" 2>/dev/null
if cmp -s "$T/sv1" "$T/sv2"; then ok; else bad "serve is not byte-for-byte repeatable"; fi
expect 0 "$M" serve -p "$P" -m "$SC" -s "$SS" --rate 40 --duration 3 --bucket 16 --json
has '"overloaded": true'
has_err 'warning: arrivals outpace the package'
expect 0 "$M" serve -p "$P" -m "$SC" --search --objective edp --requests workloads/requests/gpt2-burst.csv --json
has '"chosen_objective": "edp"'
expect 2 "$M" serve -p "$P" -m "$SC" --search --objective speed --rate 2 --duration 2
expect 2 "$M" serve -p "$P" -m "$SC" -s "$SS"
has_err 'either --requests FILE or --rate R --duration T'
expect 2 "$M" serve -p "$P" -m "$SC" --rate 2 --duration 2
has_err 'either -s SCHEDULE or --search'
expect 2 "$M" serve -p "$P" -m "$SC" -s "$SS" --rate 0 --duration 2
expect 2 "$M" serve -p "$P" -m "$SC" -s "$SS" --rate 2
expect 2 "$M" serve -p "$P" -m workloads/scenarios/gpt2-resnet50.ini -s "$SS" --rate 2 --duration 2
has_err 'not those of'
printf 'arrival_s,model,prompt_tokens,output_tokens\n0,gpt2,8,4\n0.5,gpt3,8,4\n' >"$T/req.csv"
expect 2 "$M" serve -p "$P" -m "$SC" -s "$SS" --requests "$T/req.csv"
expect_located "$T/req.csv"
has_err "req.csv:3: model: scenario"
printf '[model gpt2]\nworkload = %s/workloads/gpt2-medium.ini\nbatch = 2\noutput_tokens = uniform 9 3\n' "$PWD" >"$T/badsc.ini"
expect 2 "$M" serve -p "$P" -m "$T/badsc.ini" -s "$SS" --rate 2 --duration 2
expect_located "$T/badsc.ini"
has_err "badsc.ini:4: output_tokens"
# serve, disaggregated: the [decode] section's report, and its errors located (figures: test_serve)
SD=workloads/schedules/het-2x2-gpt2-disagg.ini
expect 0 "$M" serve -p "$P" -m "$SC" -s "$SD" --requests workloads/requests/gpt2-burst.csv --json
has '"disaggregated": true'
has '"kv_shipped_bytes"'
has '"kv_ship_s"'
expect 0 "$M" serve -p "$P" -m "$SC" -s "$SS" --requests workloads/requests/gpt2-burst.csv --json
has '"disaggregated": false'
expect 0 "$M" serve -p "$P" -m "$SC" -s "$SD" --requests workloads/requests/gpt2-burst.csv
has '^KV shipped'
printf '[schedule]\nscenario = %s/%s\n[window 1]\ngpt2.minibatch = 1\ngpt2.1 = embed .. lm_head @ n00\n[decode]\ngpt2.1 = embed .. lm_head @ n00\n' "$PWD" "$SC" >"$T/dec.ini"
expect 2 "$M" serve -p "$P" -m "$SC" -s "$T/dec.ini" --requests workloads/requests/gpt2-burst.csv
expect_located "$T/dec.ini"
has_err "dec.ini:7: \[decode\]: gpt2 segment 1 is on n00, which window 1 gives to gpt2"
expect 2 "$M" serve -p "$P" -m "$SC" -s "$SS" --disaggregate --requests workloads/requests/gpt2-burst.csv
has_err '--disaggregate goes with --search'

summary e2e
