# mcmsim - see README.md. `make run` and `make test` install what is missing first.

BUILD    ?= build
PKGS     := simgrid inih check jansson libprotobuf-c ompi-c
DEBS     := libsimgrid-dev libinih-dev check libjansson-dev pkg-config \
            protobuf-c-compiler libprotobuf-c-dev libonnx-dev python3-onnx \
            openmpi-bin libopenmpi-dev
# ONNX import: onnx.proto as Debian's libonnx-dev ships it, compiled to C by
# protoc-c into $(GEN) at build time (never committed); the tests build their
# models with Debian's python3-onnx.
ONNX_PROTO ?= /usr/include/onnx/onnx.proto
GEN      := $(BUILD)/gen
PYTHON3  ?= /usr/bin/python3
CC       ?= cc
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS   ?= -O2 -g
# Open MPI (Debian's libopenmpi-dev, README "Search over Open MPI"): the
# runner's MPI backend when pkg-config finds it, else the one-process
# stand-in; MPI=0 builds without it even where it is installed.
MPI      ?= $(shell pkg-config --exists ompi-c 2>/dev/null && echo 1 || echo 0)
ifeq ($(MPI),1)
MPI_PKG  := ompi-c
MPI_OFF  := sim/runner_solo.c
else
MPI_PKG  :=
MPI_OFF  := sim/runner_mpi.c sim/runner_ranks.c
endif
ALL_CFLAGS = -std=c11 -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -pthread $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) \
             $(shell pkg-config --cflags simgrid inih jansson libprotobuf-c $(MPI_PKG) 2>/dev/null)
# libmpi before libsimgrid: SimGrid's library defines the MPI functions too
# (SMPI, its simulated MPI), and the first library that defines one is the
# one the whole process calls.
LIBS      = $(shell pkg-config --libs $(MPI_PKG) simgrid inih jansson libprotobuf-c 2>/dev/null) -lm -pthread
TEST_LIBS = $(shell pkg-config --libs check 2>/dev/null)

LIB_SRC  := $(filter-out sim/main.c $(MPI_OFF),$(wildcard sim/*.c))
LIB_OBJ  := $(LIB_SRC:sim/%.c=$(BUILD)/sim/%.o) $(GEN)/onnx.pb-c.o
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_SRC:= $(wildcard scripts/bench_*.c)
BENCH_BIN:= $(BENCH_SRC:scripts/%.c=$(BUILD)/bench/%)

.PHONY: all deps figures-deps figures run test check-unit check-e2e check-readme readme-golden asan \
        bench bench-mpi clean fuzz fuzz-deps fuzz-bins valgrind
.DELETE_ON_ERROR:

all: $(BUILD)/mcmsim

# Installs the Debian packages that pkg-config cannot find; does nothing when all are there.
deps:
	@if ! pkg-config --exists $(PKGS) 2>/dev/null || ! command -v pkg-config >/dev/null || \
	    ! command -v protoc-c >/dev/null || [ ! -f $(ONNX_PROTO) ] || \
	    ! $(PYTHON3) -c 'import onnx' 2>/dev/null; then \
	  echo "installing: $(DEBS)"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -q >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $(DEBS) >/dev/null || exit 1; \
	fi

# gnuplot for `make figures` (Debian's gnuplot-nox: SVG and PNG, no X); does
# nothing when gnuplot is there. Not part of `deps`: building and testing do
# not need it.
figures-deps:
	@if ! command -v gnuplot >/dev/null; then \
	  echo "installing: gnuplot-nox"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -q >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q gnuplot-nox >/dev/null || exit 1; \
	fi

$(BUILD)/sim/%.o: sim/%.c $(wildcard sim/*.h) | $(BUILD)/sim
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# The generated protobuf-c code is not ours: its own rule, without -Werror.
$(GEN)/onnx.pb-c.c: $(ONNX_PROTO) | $(GEN)
	protoc-c --c_out=$(GEN) -I$(dir $(ONNX_PROTO)) $(ONNX_PROTO)
$(GEN)/onnx.pb-c.h: $(GEN)/onnx.pb-c.c ;

$(GEN)/onnx.pb-c.o: $(GEN)/onnx.pb-c.c $(GEN)/onnx.pb-c.h
	$(CC) -std=c11 $(CFLAGS) $(EXTRA_CFLAGS) $(shell pkg-config --cflags libprotobuf-c 2>/dev/null) \
	  -I$(GEN) -c $< -o $@

ONNX_OBJ := $(patsubst sim/%.c,$(BUILD)/sim/%.o,$(wildcard sim/workload_onnx*.c))
$(ONNX_OBJ): ALL_CFLAGS += -I$(GEN)
$(ONNX_OBJ): $(GEN)/onnx.pb-c.h

# made afresh when the MPI choice changes (its stamp is then new): a build
# of the other choice must leave no member behind
$(BUILD)/mpi-$(MPI).stamp: | $(BUILD)
	rm -f $(BUILD)/mpi-*.stamp && touch $@

$(BUILD)/libmcm.a: $(LIB_OBJ) $(BUILD)/mpi-$(MPI).stamp
	rm -f $@ && ar rcs $@ $(LIB_OBJ)

$(BUILD)/mcmsim: $(BUILD)/sim/main.o $(BUILD)/libmcm.a
	$(CC) $(ALL_CFLAGS) $^ -o $@ $(LIBS)

$(BUILD)/tests/%: tests/%.c tests/check_main.c tests/testutil.h $(BUILD)/libmcm.a | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -Isim $< tests/check_main.c -o $@ $(BUILD)/libmcm.a $(TEST_LIBS) $(LIBS)

$(BUILD)/bench/%: scripts/%.c $(BUILD)/libmcm.a | $(BUILD)/bench
	$(CC) $(ALL_CFLAGS) -Isim $< -o $@ $(BUILD)/libmcm.a $(LIBS)

$(BUILD) $(BUILD)/sim $(BUILD)/tests $(BUILD)/bench $(GEN):
	mkdir -p $@

run: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/mcmsim run

# Unit tests (Check), end-to-end tests of the binary and the README's examples,
# then the first two again built with AddressSanitizer and UndefinedBehaviorSanitizer
# (the README's examples test output, which the sanitizers do not change).
test: deps
	@$(MAKE) -k --no-print-directory check-e2e check-unit check-readme
	@$(MAKE) -k --no-print-directory BUILD=build/asan CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" check-e2e check-unit

check-e2e: $(BUILD)/mcmsim $(BUILD)/tests/test_runner_ranks
	MCMSIM=$(BUILD)/mcmsim sh tests/e2e.sh
	MCMSIM=$(BUILD)/mcmsim sh tests/e2e_hardening.sh
	MCMSIM=$(BUILD)/mcmsim sh tests/e2e_csv.sh
	MCMSIM=$(BUILD)/mcmsim sh tests/mpi.sh

# Every README example but scripts/scar_repro.sh's table, which takes minutes.
check-readme: $(BUILD)/mcmsim
	MCMSIM=$(BUILD)/mcmsim sh tests/readme.sh

# The deliberate step after a change of output: check every changed figure by
# reasoning before committing tests/golden.
readme-golden: $(BUILD)/mcmsim
	MCMSIM=$(BUILD)/mcmsim sh tests/readme.sh --regenerate

check-unit: $(TEST_BIN)
	@fail=0; for t in $(TEST_BIN); do \
	  echo "== $$t"; ASAN_OPTIONS=detect_leaks=1 ./$$t || fail=1; \
	done; exit $$fail

# The search's estimates/s next to those of the code before the estimate was
# sped up and spread over threads (b87e417): that commit is built from git
# beside this tree (any commit the clone holds may be given).
BENCH_REF ?= b87e417
REF_DIR    = $(BUILD)/bench-ref/$(BENCH_REF)

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	$(BUILD)/bench/bench_mcmsim
	$(BUILD)/bench/bench_pool
	@$(MAKE) --no-print-directory $(REF_DIR)/mcmsim || echo "bench: cannot build $(BENCH_REF) from git"
	sh scripts/bench_search.sh $(BUILD)/mcmsim $(REF_DIR)/mcmsim
	$(BUILD)/bench/bench_nop
	sh scripts/bench_serve.sh $(BUILD)/mcmsim
	@$(MAKE) --no-print-directory bench-mpi

# The search over 1, 2 and 3 Open MPI ranks (a part of bench; skips without MPI).
bench-mpi: deps
	@$(MAKE) --no-print-directory all
	sh scripts/bench_mpi.sh $(BUILD)/mcmsim

$(REF_DIR)/mcmsim:
	rm -rf $(REF_DIR) && mkdir -p $(REF_DIR)/src
	git archive $(BENCH_REF) | tar -x -C $(REF_DIR)/src
	$(MAKE) --no-print-directory -C $(REF_DIR)/src BUILD=build all
	cp $(REF_DIR)/src/build/mcmsim $@

# The README's gallery, docs/figures/*.svg, drawn again from fresh runs (not
# part of `make test`; FIGURES=DIR writes elsewhere).
FIGURES ?= docs/figures
figures: deps figures-deps
	@$(MAKE) --no-print-directory all
	MCMSIM=$(BUILD)/mcmsim sh scripts/figures.sh $(FIGURES)

# libFuzzer harnesses (tests/fuzz_*.c): clang builds the library again with
# coverage, AddressSanitizer and UndefinedBehaviorSanitizer; each harness
# runs FUZZ_SECONDS over its seeds (tests/fuzz_corpus/NAME) and the corpus
# it grows in build/fuzz, and fails on any crash, leak, sanitizer report or
# input slower than FUZZ_TIMEOUT seconds (a hang).
FUZZ_SECONDS ?= 60
FUZZ_RUNS    ?=
FUZZ_TIMEOUT ?= 10
FUZZ_CC      ?= clang
FUZZ_BUILD   := build/fuzz
FUZZ_SAN     := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_SRC     := $(wildcard tests/fuzz_*.c)

fuzz: deps fuzz-deps
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) \
	  CFLAGS="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" fuzz-bins
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_TIMEOUT=$(FUZZ_TIMEOUT) sh tests/fuzz.sh \
	  $(FUZZ_SRC:tests/%.c=$(FUZZ_BUILD)/tests/%)

fuzz-bins: $(FUZZ_SRC:tests/%.c=$(BUILD)/tests/%)

# clang and its libFuzzer runtime (Debian: clang, libclang-rt-dev), when a
# trivial harness does not link
fuzz-deps: | $(BUILD)
	@echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return d && n; }' \
	  >$(BUILD)/fuzz-probe.c; \
	if ! $(FUZZ_CC) -fsanitize=fuzzer $(BUILD)/fuzz-probe.c -o $(BUILD)/fuzz-probe 2>/dev/null; then \
	  echo "installing: clang libclang-rt-dev"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -q >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q clang libclang-rt-dev >/dev/null || exit 1; \
	fi

$(BUILD)/tests/fuzz_%: tests/fuzz_%.c $(wildcard tests/fuzz_*.h) sim/main.c $(BUILD)/libmcm.a | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -Isim $< -o $@ $(BUILD)/libmcm.a $(LIBS)

# The end-to-end tests with every process of mcmsim under valgrind's
# memcheck (the forked workers too): any error or definite leak fails.
VALGRIND_FLAGS := --trace-children=yes --error-exitcode=99 --leak-check=full \
                  --errors-for-leak-kinds=definite --suppressions=$(CURDIR)/tests/valgrind.supp

valgrind: deps $(BUILD)/mcmsim
	@command -v valgrind >/dev/null || { echo "valgrind is not installed (Debian: valgrind)"; exit 1; }
	rm -rf $(BUILD)/valgrind && mkdir -p $(BUILD)/valgrind
	printf '#!/bin/sh\nexec valgrind -q $(VALGRIND_FLAGS) --log-file=$(CURDIR)/$(BUILD)/valgrind/log.%%p $(CURDIR)/$(BUILD)/mcmsim "$$@"\n' \
	  >$(BUILD)/valgrind/mcmsim && chmod +x $(BUILD)/valgrind/mcmsim
	@fail=0; \
	MCMSIM=$(BUILD)/valgrind/mcmsim VALGRIND=1 sh tests/e2e.sh || fail=1; \
	MCMSIM=$(BUILD)/valgrind/mcmsim VALGRIND=1 sh tests/e2e_hardening.sh || fail=1; \
	n=$$(ls $(BUILD)/valgrind | grep -c '^log\.'); \
	bad=$$(grep -l . $(BUILD)/valgrind/log.* 2>/dev/null | wc -l); \
	echo "valgrind: $$n processes checked, $$bad with a report"; \
	for f in $$(grep -l . $(BUILD)/valgrind/log.* 2>/dev/null | head -3); do sed 's/^/  | /' $$f | head -30; done; \
	[ $$fail -eq 0 ] && [ $$bad -eq 0 ]

clean:
	rm -rf $(BUILD) build
