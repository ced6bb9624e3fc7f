# refmirror build. `make` builds build/refmirror; `make test` runs unit and integration tests.
CC      ?= cc
BUILD   ?= build
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror -Iinclude
LIBS    := $(shell pkg-config --libs libgit2 libcurl libcjson libcrypto) -pthread
ifeq ($(SANITIZE),1)
BUILD   := build-asan
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
# ThreadSanitizer (make test-tsan): the relay's fetch and push threads.
ifeq ($(TSAN),1)
BUILD   := build-tsan
CFLAGS  += -fsanitize=thread -fno-omit-frame-pointer
LDFLAGS += -fsanitize=thread
endif
# The libFuzzer targets of tests/fuzz/ (make fuzz): clang, every UBSan report fatal.
ifeq ($(FUZZ),1)
BUILD   := build-fuzz
CC      := clang
CFLAGS  += -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

SRCS      := $(wildcard plugin/*.c)
OBJS      := $(patsubst plugin/%.c,$(BUILD)/obj/%.o,$(SRCS))
LIB_OBJS  := $(filter-out $(BUILD)/obj/main.o,$(OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 30

.PHONY: all deps test unit integration test-yaml test-docs demo clean bench test-asan test-tsan test-valgrind static test-static fuzz fuzz-build
all: $(BUILD)/refmirror

$(BUILD)/obj/%.o: plugin/%.c $(wildcard include/*.h) | $(BUILD)/obj
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/refmirror: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) | $(BUILD)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB_OBJS) $(LIBS) -lcmocka

$(BUILD)/fuzz/%: tests/fuzz/%.c $(LIB_OBJS) | $(BUILD)/fuzz
	$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB_OBJS) $(LIBS)

$(BUILD)/obj $(BUILD)/tests $(BUILD)/fuzz:
	mkdir -p $@

# Installs the Debian packages the build and tests need, only when one is missing.
deps:
	@scripts/install-deps

# Each suite's command (RUN_<target>), for its own target and for `make test`.
RUN_unit        = tests/run-unit $(UNIT_BINS)
RUN_integration = REFMIRROR=$(abspath $(BUILD)/refmirror) tests/integration/run
RUN_test-yaml   = REFMIRROR=$(abspath $(BUILD)/refmirror) tests/yaml/run
RUN_test-docs   = REFMIRROR=$(abspath $(BUILD)/refmirror) tests/docs/run
# The suites of `make test`: run at the same time by tests/run-suites, which ends with the total.
TEST_SUITES    := unit integration test-yaml test-docs

unit: deps $(UNIT_BINS)
	@$(RUN_unit)

integration: deps $(BUILD)/refmirror
	@$(RUN_integration)

# The Harness examples: valid, using only settings the binary reads, and each replayed as a dry run.
test-yaml: deps $(BUILD)/refmirror
	@$(RUN_test-yaml)

# The docs against the binary: every `refmirror: error:` example, the settings tables, the image
# name (tests/docs/run; seconds, no network).
test-docs: $(BUILD)/refmirror
	@$(RUN_test-docs)

test: deps $(BUILD)/refmirror $(UNIT_BINS)
	@tests/run-suites $(foreach s,$(TEST_SUITES),$(s)='$(RUN_$(s))')

test-asan:
	$(MAKE) SANITIZE=1 test

# The relay under ThreadSanitizer: its unit test, and the integration cases that relay a pack
# (creations, forced updates, transfers; a corrupt or cut pack, a failed push, a stalled relay,
# progress while relaying). Any report fails (tests/tsan/run).
TSAN_CASES ?= ^(branch|tag|atag)/(create|forced|moved)|transfer|faults/(corrupt|cut|push-)|deadline/relayed|progress/(relaying|pushing|preparing-relayed)
test-tsan: deps
	@$(MAKE) --no-print-directory TSAN=1 build-tsan/refmirror build-tsan/tests/test_pack
	@tests/tsan/run build-tsan '$(TSAN_CASES)'

# Each fuzz target for FUZZ_SECONDS on its seed corpus (read only; new inputs go to build-fuzz/):
# fails on any crash, leak, UBSan report or timeout.
fuzz: deps
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-build
	@tests/fuzz/run $(FUZZ_SECONDS) $(patsubst tests/fuzz/%.c,build-fuzz/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

fuzz-build: $(FUZZ_BINS)

# The integration suite with the binary under valgrind: any error or leak fails its scenario.
# Valgrind keeps a CPU busy: one test per CPU at once, unless RM_JOBS says otherwise.
test-valgrind: deps $(BUILD)/refmirror
	@REFMIRROR_UNDER_VALGRIND=$(abspath $(BUILD)/refmirror) RM_JOBS=$${RM_JOBS:-$$(nproc)} \
		REFMIRROR=$(abspath tests/valgrind-refmirror) tests/integration/run

# A fully static binary linked with musl against Debian's sources of its dependencies, built once
# into .cache/ (keyed by the build script's content).
static:
	@scripts/build-static

test-static: static
	@REFMIRROR=$(abspath build/static/refmirror) tests/integration/run

demo: deps $(BUILD)/refmirror
	@REFMIRROR=$(abspath $(BUILD)/refmirror) scripts/demo

# refmirror against the git CLI and the floor on a large generated repository (cached in .cache/bench/);
# figures in build/bench/; BENCH_PUBLISH=1 also refreshes docs/bench.png and the README's table.
bench: $(BUILD)/refmirror
	@scripts/install-deps bench
	@REFMIRROR=$(abspath $(BUILD)/refmirror) tests/bench/run

clean:
	rm -rf build build-asan build-tsan build-fuzz
