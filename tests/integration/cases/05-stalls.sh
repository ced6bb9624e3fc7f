# shellcheck shell=bash
# Stalls (SPEC 6), through the fault-injecting proxy as in 97-faults.sh. A stall is waited out (the
# timeout, and more: libcurl averages its speed over a few seconds), which makes these the longest
# tests: this file comes first among the scenarios so that they run beside the others, not after.

# shellcheck source=../../lib/faults.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/faults.sh"

# ---- stalls: timeout seconds without progress end a request ----

stall() { # RULE RETRIES EXIT: timeout=3, the run ends within a bound (not a benchmark)
	local start=$SECONDS
	fault "$3" ff "$1" PLUGIN_TIMEOUT=3 PLUGIN_RETRIES="$2"
	[ $((SECONDS - start)) -lt 30 ] || fail "took $((SECONDS - start)) s with timeout=3"
	assert_log 'no progress for 3 s' "the timeout"
}
t faults/stall-source-advertisement stall "fault=stall match=$SOURCE_ADV" 0 1
t faults/stall-fetch-retried stall "fault=stall match=$FETCH" 1 0
t faults/stall-push stall "fault=stall match=$PUSH count=9" 1 4
