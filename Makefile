# refmirror build. `make` builds build/refmirror; `make test` runs unit and integration tests.
#
# Flags as git's Makefile has them: what the build needs is in ALL_CFLAGS, so CFLAGS and LDFLAGS
# are the user's (`make CFLAGS=-O0` keeps -Iinclude and -std=c11). -Werror only in developer mode,
# DEVELOPER=1: CI (.ci/run) and the CI suites (test-asan, test-valgrind, fuzz) set it; `make`,
# `make demo` and `make test` only warn, so a newer compiler's new warning does not stop a user.
CC      ?= cc
BUILD   ?= build
CFLAGS  ?= -O2 -g
BASIC_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Iinclude -MMD -MP
ifeq ($(DEVELOPER),1)
BASIC_CFLAGS += -Werror
endif
ifeq ($(SANITIZE),1)
BUILD   := build-asan
BASIC_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
BASIC_LDFLAGS += -fsanitize=address,undefined
endif
# ThreadSanitizer (make test-tsan): the relay's fetch and push threads.
ifeq ($(TSAN),1)
BUILD   := build-tsan
BASIC_CFLAGS += -fsanitize=thread -fno-omit-frame-pointer
BASIC_LDFLAGS += -fsanitize=thread
endif
# The libFuzzer targets of tests/fuzz/ (make fuzz): clang, every UBSan report fatal.
ifeq ($(FUZZ),1)
BUILD   := build-fuzz
CC      := clang
BASIC_CFLAGS += -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
ALL_CFLAGS  = $(BASIC_CFLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(BASIC_LDFLAGS) $(LDFLAGS)
# Recursive (=): pkg-config runs when a link recipe runs, after `deps` installed the libraries.
LIBS = $(shell pkg-config --libs libgit2 libcurl libcjson libcrypto zlib) -pthread

SRCS      := $(wildcard plugin/*.c)
OBJS      := $(patsubst plugin/%.c,$(BUILD)/obj/%.o,$(SRCS))
LIB_OBJS  := $(filter-out $(BUILD)/obj/main.o,$(OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_SECONDS ?= 30
# The C files clang-format keeps in the style of .clang-format (make format, make format-check).
FORMAT_SRCS = $(wildcard plugin/*.c include/*.h tests/unit/*.c tests/fuzz/*.c)

# The Debian package groups (scripts/install-deps) each goal needs. `deps` installs those of the
# goals given, once, before anything is built or run: every rule below has it as an order-only
# prerequisite. `make` and `make all` install nothing; NO_DEPS=1 installs nothing for any goal.
DEPS_deps           = test
DEPS_demo           = demo
DEPS_test           = test
DEPS_unit           = test
DEPS_integration    = test
DEPS_test-yaml      = test
DEPS_test-docs      = test
DEPS_test-asan      = test
DEPS_test-tsan      = test
DEPS_test-valgrind  = valgrind
DEPS_test-static    = test
DEPS_fuzz           = fuzz
DEPS_fuzz-build     = fuzz
DEPS_bench          = bench
DEPS_test-bigblob   = bench
DEPS_lint           = lint
DEPS_format         = format
DEPS_format-check   = format
DEPS_fresh-check    = fresh
DEPS_image          = image
DEPS_test-image     = image test
DEPS_GROUPS := $(if $(filter 1,$(NO_DEPS)),,$(sort $(foreach g,$(MAKECMDGOALS),$(DEPS_$(g)))))

.PHONY: all deps test unit integration test-yaml test-docs demo clean bench test-asan test-tsan test-valgrind static \
	test-static fuzz fuzz-build lint format format-check fresh-check test-bigblob image test-image
all: $(BUILD)/refmirror

deps:
	@$(if $(DEPS_GROUPS),scripts/install-deps $(DEPS_GROUPS),:)

$(BUILD)/obj/%.o: plugin/%.c | $(BUILD)/obj deps
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/refmirror: $(OBJS) | deps
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) | $(BUILD)/tests deps
	$(CC) $(ALL_CFLAGS) -MF $@.d -MT $@ $(ALL_LDFLAGS) -o $@ $< $(LIB_OBJS) $(LIBS) -lcmocka

$(BUILD)/fuzz/%: tests/fuzz/%.c $(LIB_OBJS) | $(BUILD)/fuzz deps
	$(CC) $(ALL_CFLAGS) -MF $@.d -MT $@ -fsanitize=fuzzer -o $@ $< $(LIB_OBJS) $(LIBS)

$(BUILD)/obj $(BUILD)/tests $(BUILD)/fuzz:
	mkdir -p $@

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/tests/*.d $(BUILD)/fuzz/*.d)

# Each suite's command (RUN_<target>), for its own target and for `make test`.
RUN_unit        = tests/run-unit $(UNIT_BINS)
RUN_integration = REFMIRROR=$(abspath $(BUILD)/refmirror) tests/integration/run
RUN_test-yaml   = REFMIRROR=$(abspath $(BUILD)/refmirror) tests/yaml/run
RUN_test-docs   = REFMIRROR=$(abspath $(BUILD)/refmirror) tests/docs/run
# The suites of `make test`: run at the same time by tests/run-suites, which ends with the total.
TEST_SUITES    := unit integration test-yaml test-docs

unit: $(UNIT_BINS) | deps
	@$(RUN_unit)

integration: $(BUILD)/refmirror | deps
	@$(RUN_integration)

# The Harness examples: valid, using only settings the binary reads, and each replayed as a dry run.
test-yaml: $(BUILD)/refmirror | deps
	@$(RUN_test-yaml)

# The docs against the binary: every `refmirror: error:` example, the settings tables, the image
# name (tests/docs/run; seconds, no network).
test-docs: $(BUILD)/refmirror | deps
	@$(RUN_test-docs)

test: $(BUILD)/refmirror $(UNIT_BINS) | deps
	@tests/run-suites $(foreach s,$(TEST_SUITES),$(s)='$(RUN_$(s))')

test-asan:
	$(MAKE) SANITIZE=1 DEVELOPER=$(or $(DEVELOPER),1) test

# The relay under ThreadSanitizer: its unit test, and the integration cases that relay a pack
# (creations, updates whose commits answer the ancestry question on the way, held back on "no",
# transfers; a corrupt or cut pack, a failed push, a stalled relay, progress while relaying). Any
# report fails (tests/tsan/run).
TSAN_CASES ?= ^(branch|tag|atag)/(create|forced|moved|ff|nff|oos)|transfer|faults/(corrupt|cut|push-)|deadline/relayed|progress/(relaying|pushing|preparing-relayed)
test-tsan: | deps
	@$(MAKE) --no-print-directory TSAN=1 DEVELOPER=$(or $(DEVELOPER),1) build-tsan/refmirror \
		build-tsan/tests/test_pack
	@tests/tsan/run build-tsan '$(TSAN_CASES)'

# Each fuzz target for FUZZ_SECONDS on its seed corpus (read only; new inputs go to build-fuzz/):
# fails on any crash, leak, UBSan report or timeout.
fuzz: | deps
	@$(MAKE) --no-print-directory FUZZ=1 DEVELOPER=$(or $(DEVELOPER),1) fuzz-build
	@tests/fuzz/run $(FUZZ_SECONDS) $(patsubst tests/fuzz/%.c,build-fuzz/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

fuzz-build: $(FUZZ_BINS)

# The integration suite with the binary under valgrind: any error or leak fails its scenario.
# Valgrind keeps a CPU busy: one test per CPU at once, unless RM_JOBS says otherwise.
test-valgrind: | deps
	@$(MAKE) --no-print-directory DEVELOPER=$(or $(DEVELOPER),1) $(BUILD)/refmirror
	@REFMIRROR_UNDER_VALGRIND=$(abspath $(BUILD)/refmirror) RM_JOBS=$${RM_JOBS:-$$(nproc)} \
		REFMIRROR=$(abspath tests/valgrind-refmirror) tests/integration/run

# A fully static binary linked with musl against Debian's sources of its dependencies, built once
# into .cache/ (keyed by the build script's content). The script installs what it needs itself.
static: | deps
	@scripts/build-static

test-static: static | deps
	@REFMIRROR=$(abspath build/static/refmirror) tests/integration/run

# The plugin image from the Dockerfile with buildah, no Docker engine or registry
# (scripts/build-image: a local debian:bookworm from debootstrap and the static binary, both
# cached outside the clone; root only). IMAGE names it (default: plugin.yml's image).
image: | deps
	@scripts/build-image $(IMAGE)

# The image run by podman as a Harness runner runs it, against the integration suite's git server
# (tests/image/run): outputs, exit codes and target states, TLS, file list, user, labels.
test-image: image | deps
	@tests/image/run $(IMAGE)

demo: $(BUILD)/refmirror | deps
	@REFMIRROR=$(abspath $(BUILD)/refmirror) scripts/demo

# refmirror against the git CLI and the floor on a large generated repository (cached in .cache/bench/);
# figures in build/bench/; BENCH_PUBLISH=1 also refreshes docs/bench.png and the README's table.
bench: $(BUILD)/refmirror | deps
	@REFMIRROR=$(abspath $(BUILD)/refmirror) tests/bench/run

# Memory and TMPDIR independent of object sizes: a fast-forward, a forced update and a create each
# carrying a BIGBLOB_MIB (1024) MiB blob, under 64 MiB of RSS and nothing written to TMPDIR. Slow and
# large (GiBs of disk under build/): not in make test.
test-bigblob: $(BUILD)/refmirror | deps
	@REFMIRROR=$(abspath $(BUILD)/refmirror) tests/bench/bigblob

# cppcheck and clang's static analyzer (scan-build, a build of its own in build-scan/) on the C
# sources; shellcheck, errors and warnings, on every script with a #! line, following what it
# sources.
SHELL_SCRIPTS = $(shell grep -lrE '^\#!(/usr)?/bin/(env )?(ba)?sh' .ci scripts tests --exclude-dir=fixtures --exclude-dir=corpus)
SHELLCHECK = shellcheck -x --source-path=SCRIPTDIR --severity=warning
lint: | deps
	cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability,performance \
		--inline-suppr -Iinclude -D_POSIX_C_SOURCE=200809L plugin
	mkdir -p build-scan
	scan-build --status-bugs -o build-scan/reports $(MAKE) --no-print-directory -B BUILD=build-scan \
		NO_DEPS=1 build-scan/refmirror >build-scan/scan.log 2>&1 || { tail -n 20 build-scan/scan.log; exit 1; }
	$(SHELLCHECK) $(SHELL_SCRIPTS)

format: | deps
	clang-format -i $(FORMAT_SRCS)

format-check: | deps
	clang-format --dry-run --Werror $(FORMAT_SRCS)

# The README's two commands on a fresh Debian bookworm chroot (debootstrap; root only).
fresh-check: | deps
	@scripts/fresh-machine-check

clean:
	rm -rf build build-asan build-tsan build-fuzz build-scan
