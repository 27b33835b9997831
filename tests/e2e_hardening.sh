#!/bin/sh
# End-to-end tests of what hostile or unlucky inputs and outputs do to the
# command line: outputs that never destroy a file, numbers never cut short,
# every write checked, inputs that cannot hang it, children that stay quiet
# and die with their parent, errors that quote nothing foreign. Each test is
# named; a failure says which. Devices are private nodes made with mknod
# where we may (as root), so that no test can replace the system's.
# Usage: MCMSIM=build/mcmsim sh tests/e2e_hardening.sh   (from the repository root)
M=${MCMSIM:-build/mcmsim}
. tests/harness.sh

name=
t() { name=$1; }
bad() { fail=$((fail + 1)); echo "FAIL [$name]: $*"; }
check() { if eval "$1"; then ok; else bad "$2"; fi; }
lines() { wc -l <"$1" | tr -d ' '; }

P=platforms/het-2x2.ini
S=workloads/schedules/het-2x2-gpt2-resnet50.ini
SC=workloads/scenarios/gpt2-resnet50.ini
SEARCH="--validate 1 -j 1"

# A character device of our own: the null (1,3) or full (1,7) device at
# $T/NAME when mknod is allowed, else the system's (which only root could
# have destroyed).
device() {
    if mknod "$T/$1" c 1 "$2" 2>/dev/null; then echo "$T/$1"; else echo "/dev/$1"; fi
}
NULLDEV=$(device null 3)
FULLDEV=$(device full 7)

# ---- outputs: write through what is not a regular file, never replace it ----

t out_symlink_written_through
echo old >"$T/target.json"
ln -s target.json "$T/link.json"
expect 0 "$M" simulate -p "$P" -s "$S" --trace "$T/link.json"
check '[ -L "$T/link.json" ]' "the symlink was replaced"
check 'head -c 15 "$T/target.json" | grep -q traceEvents' "the link's target was not written"

t out_device_written_in_place
expect 0 "$M" simulate -p "$P" -s "$S" --trace "$NULLDEV"
check '[ -c "$NULLDEV" ]' "$NULLDEV is no longer a character device"
expect 0 "$M" search -p "$P" -m "$SC" $SEARCH -o "$NULLDEV"
check '[ -c "$NULLDEV" ]' "$NULLDEV is no longer a character device after -o"

t out_stdout_link
ln -s /proc/self/fd/1 "$T/stdout"
"$M" simulate -p "$P" -s "$S" --json --trace "$T/stdout" >"$T/both" 2>"$T/err"
check '[ $? -eq 0 ] && [ -L "$T/stdout" ]' "--trace through a link to stdout: $(cat "$T/err")"
check 'head -c 15 "$T/both" | grep -q traceEvents' "the trace did not reach stdout"

t out_fifo_written_in_place
mkfifo "$T/fifo"
cat "$T/fifo" >"$T/fifo.out" &
reader=$!
expect 0 "$M" simulate -p "$P" -s "$S" --trace "$T/fifo"
[ -p "$T/fifo" ] || kill "$reader" # replaced: its reader would wait forever
wait "$reader"
check '[ -p "$T/fifo" ]' "the FIFO was replaced"
check 'head -c 15 "$T/fifo.out" | grep -q traceEvents' "the FIFO's reader got no trace"

t out_dash_is_stdout
expect 0 "$M" search -p "$P" -m "$SC" $SEARCH -o -
check 'head -1 "$T/out" | grep -q "^; mcmsim schedule"' "-o - did not print the schedule first"
check '! grep -q "validated candidates" "$T/out"' "-o - mixed the report into the schedule"
cp "$T/out" "$T/dash.ini"
expect 0 "$M" estimate -p "$P" -s "$T/dash.ini"
expect 0 "$M" simulate -p "$P" -s "$S" --trace -
check 'head -c 15 "$T/out" | grep -q traceEvents && ! grep -q makespan "$T/out"' \
    "--trace - is not the trace alone"

t out_replaced_file_keeps_its_mode
echo old >"$T/kept.ini"
chmod 640 "$T/kept.ini"
expect 0 "$M" search -p "$P" -m "$SC" $SEARCH -o "$T/kept.ini"
check '[ "$(stat -c %a "$T/kept.ini")" = 640 ]' "mode $(stat -c %a "$T/kept.ini"), want 640"

t out_input_refused
mkdir -p "$T/w/scenarios"
cp workloads/resnet50.ini workloads/gpt2-small.ini "$T/w/"
cp "$SC" "$T/w/scenarios/mix.ini"
cp "$T/w/scenarios/mix.ini" "$T/mix.orig"
ln -s w/scenarios/mix.ini "$T/mixlink.ini"
ln "$T/w/scenarios/mix.ini" "$T/mixhard.ini"
for out in "$T/w/scenarios/mix.ini" "$T/mixlink.ini" "$T/mixhard.ini" "$T/w/resnet50.ini" "$P"; do
    expect 2 "$M" search -p "$P" -m "$T/w/scenarios/mix.ini" $SEARCH -o "$out"
    has_err "is .*input"
done
check 'cmp -s "$T/mix.orig" "$T/w/scenarios/mix.ini"' "the scenario was overwritten"
cp "$S" "$T/sched.ini"
sed -i "s|^scenario = ../|scenario = $PWD/workloads/|" "$T/sched.ini"
cp "$T/sched.ini" "$T/sched.orig"
expect 2 "$M" simulate -p "$P" -s "$T/sched.ini" --trace "$T/sched.ini"
check 'cmp -s "$T/sched.orig" "$T/sched.ini"' "the schedule was overwritten by its trace"

t out_refused_before_any_work
expect 2 "$M" search -p "$P" -m "$SC" $SEARCH -o "$T/no/such/dir/best.ini"
check '[ ! -s "$T/out" ]' "the search ran before the output was refused"
expect 2 "$M" search -p "$P" -m "$SC" $SEARCH -o "$T"
has_err "is a directory"

t out_full_disk_is_status_1
echo old >"$T/big.json"
(ulimit -f 16; exec "$M" simulate -p "$P" -s "$S" --trace "$T/big.json") >"$T/out" 2>"$T/err"
check '[ $? -eq 1 ]' "a file over the size limit: want exit 1"
has_err "^mcmsim: cannot write $T/big.json: File too large"
check '[ "$(cat "$T/big.json")" = old ] && [ -z "$(ls "$T" | grep big.json.tmp)" ]' \
    "the old file changed or a temporary file was left"
expect 1 "$M" search -p "$P" -m "$SC" $SEARCH -o "$FULLDEV"
has_err "^mcmsim: cannot write $FULLDEV: No space left on device"
check '[ -c "$FULLDEV" ]' "$FULLDEV is no longer a character device"

# ---- every write to standard output checked ----

t write_stdout_full
for cmd in "estimate -p $P -s $S" "estimate -p $P -s $S --json" \
    "layers -w workloads/resnet50.ini --dataflow nvdla --pes 64" \
    "layers -w workloads/resnet50.ini --dataflow nvdla --pes 64 --json" \
    "search -p $P -m $SC $SEARCH --json"; do
    "$M" $cmd >"$FULLDEV" 2>"$T/err"
    check '[ $? -eq 1 ]' "$cmd > full device: want exit 1"
    check 'grep -q "^mcmsim: cannot write the standard output: No space left on device" "$T/err" &&
        [ "$(lines "$T/err")" -eq 1 ]' "$cmd > full device: $(cat "$T/err")"
done

t write_stdout_closed
if [ -n "$VALGRIND" ]; then
    # valgrind opens its log on the lowest free descriptor: the closed stdout
    echo "skip [$name]: under valgrind"
else
    "$M" estimate -p "$P" -s "$S" >&- 2>"$T/err"
    check '[ $? -eq 1 ]' "a closed stdout: want exit 1"
    has_err "^mcmsim: cannot write the standard output"
fi

t write_sigpipe_quiet
{ "$M" layers -w workloads/gpt2-xl.ini --dataflow nvdla --pes 4096 --json 2>"$T/err"; echo $? >"$T/status"; } |
    head -1 >/dev/null
check '[ "$(cat "$T/status")" -eq 0 ] && [ ! -s "$T/err" ]' \
    "| head -1: exit $(cat "$T/status"), stderr '$(cat "$T/err")'"

# ---- numbers never cut short ----

t num_options_strict
for arg in "--validate 4294967297" "-j 4294967296" "--seed 18446744073709551616" \
    "--steps 9223372036854775807" "--validate 8x" "--validate +" "--validate 0x8"; do
    # a bound, not a hang, whatever the number was taken for
    expect 2 timeout 300 "$M" search -p "$P" -m "$SC" $arg
    has_err "^mcmsim: -"
done
expect 2 timeout 300 "$M" search -p "$P" -m "$SC" --validate " 8"
for arg in "--pes 18446744073709551616" "--pes 1000000000000" "--batch 18446744073709551616"; do
    expect 2 "$M" layers -w workloads/resnet50.ini --dataflow nvdla $arg
    has_err "out of range"
done
expect 2 "$M" layers -w workloads/resnet50.ini -p "$P" --chiplet 18446744073709551616

t num_file_values_strict
sed 's/^pes = 4096/pes = 99999999999999999999/' "$P" >"$T/pes.ini"
expect 2 "$M" estimate -p "$T/pes.ini" -s "$S"
expect_located "$T/pes.ini"
has_err "out of range"
# a rate so slow that a transfer outlasts a double: the estimate's makespan
# was inf (and left the JSON), the simulation said "deadlock"
sed 's/^link_bandwidth = .*/link_bandwidth = 1e-300B\/s/' "$P" >"$T/slowlink.ini"
expect 2 "$M" estimate -p "$T/slowlink.ini" -s "$S" --json
expect_located "$T/slowlink.ini"
expect 2 "$M" simulate -p "$T/slowlink.ini" -s "$S"
check '! grep -q deadlock "$T/err"' "a slow link is not a deadlock: $(cat "$T/err")"
printf '[layers]\nbig = conv k=1000000000 c=1000000000 r=1000000000 h=1000000000 w=1000000000\n' >"$T/big.ini"
expect 2 "$M" layers -w "$T/big.ini" --dataflow nvdla --pes 4096
expect_located "$T/big.ini"
has_err "MACs per sample"

t num_products_bounded
printf '[model r]\nworkload = %s/workloads/resnet50.ini\nbatch = 1048576\n' "$PWD" >"$T/huge.ini"
{ printf '[schedule]\nscenario = huge.ini\n[window 1]\nr.minibatch = 1\n'
  for i in 0 1 2 3; do printf 'r.%d = #%d .. #%d @ n00\n' $((i + 1)) $((i * 18)) $((i * 18 + 17)); done
} >"$T/huge_s.ini"
expect 2 timeout 300 "$M" simulate -p "$P" -s "$T/huge_s.ini"
has_err "more than 10000000"
expect 2 timeout 300 "$M" traffic -p platforms/het-6x6.ini --pattern uniform --packets 1000000
has_err "flits"

# ---- inputs that are not regular files, bytes that are not text ----

t in_fifo_does_not_hang
mkfifo "$T/in.fifo"
expect 2 timeout 300 "$M" estimate -p "$T/in.fifo" -s "$S"
has_err "^$T/in.fifo: not a regular file$"

t in_directory_or_device_refused
mkdir "$T/dir.csv" "$T/dir.ini"
expect 2 "$M" layers -w "$T/dir.csv" --dataflow nvdla --pes 64
has_err "^$T/dir.csv: not a regular file$"
expect 2 "$M" layers -w "$T/dir.ini" --dataflow nvdla --pes 64
has_err "^$T/dir.ini: not a regular file$"
expect 2 "$M" estimate -p "$P" -s "$NULLDEV"
has_err "not a regular file"

t in_nul_byte_located
printf '[model]\nname = x\n[layers]\nl0 = relu\000 elems=4\n' >"$T/nul.ini"
expect 2 "$M" layers -w "$T/nul.ini" --dataflow nvdla --pes 64
has_err "^$T/nul.ini:4: a NUL byte"
printf 'Layer, M, N, K,\nfc, 1\000, 2, 3,\n' >"$T/nul.csv"
expect 2 "$M" layers -w "$T/nul.csv" --dataflow nvdla --pes 64
has_err "^$T/nul.csv:2: a NUL byte"

t in_names_utf8
printf '[model]\nname = x\n[layers]\nl\377 = relu elems=4\n' >"$T/latin.ini"
expect 2 "$M" layers -w "$T/latin.ini" --dataflow nvdla --pes 64
expect_located "$T/latin.ini"
has_err "not valid UTF-8"
printf '[model]\nname = x\n[layers]\ngr\303\266\303\237e = relu elems=4\n' >"$T/utf8.ini"
expect 0 "$M" layers -w "$T/utf8.ini" --dataflow nvdla --pes 64 --json
has "\"name\": \"gr\\\\u00f6\\\\u00dfe\"\\|\"name\": \"größe\""
sed 's/^\[chiplet n00\]/[chiplet n\x1b[0m]/' "$P" >"$T/ctl.ini"
expect 2 "$M" estimate -p "$T/ctl.ini" -s "$S"
has_err "control character"
check '! grep -q "$(printf "\033")" "$T/err"' "the error echoed an escape byte"

# ---- children: quiet unless --verbose, nothing left behind, dead with their parent ----

t child_quiet_and_no_platform_file_left
# workers that run out of memory: address spaces that let mcmsim start but
# not the engine, some of them inside the platform's load (skipped where
# none is found: ASan needs terabytes of address space)
mkdir "$T/tmp"
found=
# under valgrind the limit starves valgrind itself, whose dump is no report of ours
[ -n "$VALGRIND" ] && kbs= || kbs="40000 50000 60000 70000 80000 100000 120000 150000"
for kb in $kbs; do
    (ulimit -v $kb; TMPDIR=$T/tmp exec "$M" simulate -p "$P" -s "$S") >/dev/null 2>"$T/err.$kb"
    if [ $? -eq 1 ] && grep -q "worker crashed" "$T/err.$kb" && [ -z "$found" ]; then found=$kb; fi
done
[ -n "$found" ] && cp "$T/err.$found" "$T/err"
if [ -n "$found" ]; then
    check '[ "$(lines "$T/err")" -eq 1 ]' "a crashed worker printed $(lines "$T/err") lines, want 1"
    (ulimit -v "$found"; TMPDIR=$T/tmp exec "$M" simulate -p "$P" -s "$S" --verbose) >/dev/null 2>"$T/err"
    check '[ "$(lines "$T/err")" -gt 1 ]' "--verbose kept the engine's messages out"
else
    echo "skip [$name]: no address-space limit makes the worker alone fail here"
fi
check '[ -z "$(ls -A "$T/tmp")" ]' "left in TMPDIR: $(ls -A "$T/tmp")"

t child_platform_never_on_disk
# the platform XML lives in memory: a TMPDIR that cannot hold it is no matter
# (but valgrind keeps files of its own there)
if [ -n "$VALGRIND" ]; then
    echo "skip [$name]: under valgrind"
else
    TMPDIR=$T/no/such/dir "$M" simulate -p "$P" -s "$S" >/dev/null 2>"$T/err"
    check '[ $? -eq 0 ]' "simulate needed TMPDIR: $(cat "$T/err")"
    TMPDIR=$T/no/such/dir "$M" traffic -p platforms/noc-4x4.ini --pattern uniform --packets 5 >/dev/null 2>"$T/err"
    check '[ $? -eq 0 ]' "traffic needed TMPDIR: $(cat "$T/err")"
fi

t child_dies_with_parent
# ResNet-50, batch 4096, mini-batch 1, a segment per layer: seconds of simulation
printf '[model r]\nworkload = %s/workloads/resnet50.ini\nbatch = 4096\n' "$PWD" >"$T/slow_scn.ini"
{ printf '[schedule]\nscenario = slow_scn.ini\n[window 1]\nr.minibatch = 1\n'
  i=0
  for c in n00 n10 s01 n11 n00 n10 s01 n11 n00 n10 s01 n11 n00 n10 s01 n11 n00 n10; do
      printf 'r.%d = #%d .. #%d @ %s\n' $((i + 1)) $((i * 4)) $((i * 4 + 3)) "$c"
      i=$((i + 1))
  done
} >"$T/slow.ini"
"$M" simulate -p "$P" -s "$T/slow.ini" >/dev/null 2>&1 &
parent=$!
child=
for i in $(seq 2400); do # up to 2 minutes: valgrind takes its time to start
    child=$(awk -v p="$parent" '$4 == p { print $1 }' /proc/[0-9]*/stat 2>/dev/null | head -1)
    [ -n "$child" ] && break
    sleep 0.05
done
kill -9 "$parent"
wait "$parent" 2>/dev/null
gone=
for i in $(seq 200); do
    state=$(awk '{ print $3 }' "/proc/$child/stat" 2>/dev/null)
    if [ -z "$state" ] || [ "$state" = Z ]; then gone=1; break; fi
    sleep 0.05
done
check '[ -n "$child" ] && [ -n "$gone" ]' "worker ${child:-?} runs on after its parent's kill -9"
[ -z "$gone" ] && [ -n "$child" ] && kill -9 "$child" 2>/dev/null

# ---- errors quote nothing of a file that may not be ours ----

t err_quotes_nothing_foreign
printf 'topsecretuser:x:0:0:root:/root:/bin/sh\n' >"$T/passwd"
printf '[hidden-thing]\nalso = x\n' >"$T/foreign.ini"
for f in "$T/passwd" "$T/foreign.ini"; do
    printf '[schedule]\nscenario = %s\n[window 1]\n' "$f" >"$T/names.ini"
    expect 2 "$M" estimate -p "$P" -s "$T/names.ini"
    expect_located "$f"
    check '! grep -q "topsecretuser\|hidden-thing" "$T/err"' "quoted foreign content: $(cat "$T/err")"
done

summary e2e_hardening
