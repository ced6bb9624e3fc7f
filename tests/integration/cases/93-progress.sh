# shellcheck shell=bash
# Long waits that say what they wait for: each retried attempt is one line naming the attempt;
# the deadline bounds the whole run, retries and requests in flight, with the exit code of the
# side that was waited on and the target at its old value; a source slow to prepare its pack
# gets a progress line with its own words (side-band 2) once the wait passes the 10 s interval.
# No assertion on wall-clock time: the proxy's pause is a lower bound, every run a bounded one.

# shellcheck source=../../lib/proxy.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/proxy.sh"

# through RULE KIND EXIT [VAR=VALUE...]: a fast-forward of D over B (KIND ff) or a creation of D
# (KIND create) through the proxy with RULE; wants EXIT, the target at S after 0 and at its old
# value otherwise, fsck clean, and a log without carriage returns.
through() {
	local rule=$1 kind=$2 want=$3 old now
	shift 3
	case $kind in
	ff) pair branch D B; old=$(c B) ;;
	create) pair branch D -; old= ;;
	esac
	proxy_start ${rule:+"$rule"} || return
	MIRROR_BASE=$PROXY_BASE run_mirror "$SN" "$TN" "$REF" "$@"
	assert_exit "$want"
	now=$(ref_value "$TN" "$REF")
	if [ "$want" = 0 ]; then assert_eq "$(c D)" "$now" "the target"; else assert_eq "$old" "$now" "the target"; fi
	assert_fsck "$TN"
	! grep -q $'\r' "$M_LOG" || fail "a carriage return in the log"
}

# ---- retries say which attempt failed ----

attempt_lines() {
	through 'fault=502 match=service=git-upload-pack count=2' ff 0 PLUGIN_RETRIES=3 PLUGIN_RETRY_DELAY=0
	assert_log '^refmirror: source: server error \(HTTP 502\) at http://[^ ]+ \(attempt 1 of 4\); retrying in 0\.[0-9] s$' "attempt 1"
	assert_log '\(attempt 2 of 4\); retrying in' "attempt 2"
	assert_no_log 'attempt 3 of 4' "a third failed attempt"
}
t retries/attempt-lines attempt_lines

attempts_exhausted() {
	through 'fault=502 match=service=git-upload-pack count=9' ff 1 PLUGIN_RETRIES=1 PLUGIN_RETRYDELAY=0
	assert_log '\(attempt 1 of 2\); retrying in' "the retried attempt"
	assert_log '^refmirror: error: source: server error \(HTTP 502\)' "the last error"
}
t retries/exhausted attempts_exhausted

# ---- the deadline ----

# A retry that could not start before the deadline is not waited for (a 1 s deadline, a backoff
# of at least 1 s).
deadline_stops_retries() {
	through 'fault=502 match=service=git-upload-pack count=9' ff 1 PLUGIN_RETRIES=3 PLUGIN_DEADLINE=1
	assert_log '\(attempt 1 of 4\); not retrying: deadline of 1 s reached' "the deadline"
	assert_no_log 'retrying in' "a wait past the deadline"
}
t deadline/stops-retries deadline_stops_retries

# A request in flight ends at the deadline, well before timeout (60 s) would end it.
deadline_in_flight() { # RULE KIND EXIT SIDE
	through "$1" "$2" "$3" PLUGIN_DEADLINE=3 PLUGIN_TIMEOUT=60 PLUGIN_RETRIES=3
	assert_log "^refmirror: error: $4: deadline of 3 s reached waiting for http://" "the deadline"
	assert_no_log 'no progress for' "the timeout"
	assert_output MIRROR_RESULT failed
}
t deadline/fetch-stalled deadline_in_flight 'fault=stall match=command=fetch[\s\S]*ofs-delta[\s\S]*0009done' ff 1 source
t deadline/relayed-fetch-stalled deadline_in_flight 'fault=stall match=command=fetch[\s\S]*ofs-delta[\s\S]*0009done' create 1 source
t deadline/push-stalled deadline_in_flight 'fault=stall match=^POST\s\S*/git-receive-pack\s count=9' ff 4 target
t deadline/relayed-push-stalled deadline_in_flight 'fault=stall match=^POST\s\S*/git-receive-pack\s count=9' create 4 target
t deadline/source-advertisement-stalled deadline_in_flight 'fault=stall match=service=git-upload-pack' ff 1 source

bad_deadline() { # VAR VALUE
	pair branch D B
	run_mirror "$SN" "$TN" "$REF" "$1=$2"
	assert_exit 64
	assert_log '^refmirror: error: deadline: must be a whole number from 0 to 86400$' "the settings error"
}
t settings/bad-deadline bad_deadline PLUGIN_DEADLINE 10m
t settings/bad-deadline-negative bad_deadline PLUGIN_DEADLINE -1

no_deadline() {
	through '' create 0 PLUGIN_DEADLINE=0
}
t deadline/zero-is-none no_deadline

# ---- progress lines ----

# The source holds its pack back for 11 s, more than the 10 s between progress lines: one line
# says so, with the last progress line the source sent before the pack (which line depends on
# how the server interleaves its channels).
preparing() { # KIND
	through 'fault=pause seconds=11 match=command=fetch[\s\S]*ofs-delta[\s\S]*0009done' "$1" 0
	assert_log '^refmirror: source: preparing the pack \(server: [^ ].*\)$' "the progress line"
	[ "$(grep -c 'preparing the pack' "$M_LOG")" -le 2 ] || fail "more than one line per 10 s"
}
t progress/preparing-relayed preparing create
t progress/preparing-fast-forward preparing ff

# The pack, or the push's answer, stops for 11 s once under way: the line says the phase and the
# bytes so far (the rate depends on the machine).
under_way() { # RULE KIND PHASE
	through "$1" "$2" 0
	assert_log "^refmirror: $3: [0-9.]+ (B|KiB), [0-9.]+ (B|KiB)/s\$" "the $3 line"
	assert_no_log 'preparing the pack' "a line for the phase before"
}
t progress/relaying under_way 'fault=pause in_pack=1 seconds=11 match=command=fetch[\s\S]*ofs-delta[\s\S]*0009done' create relaying
t progress/relaying-fast-forward under_way 'fault=pause in_pack=1 seconds=11 match=command=fetch[\s\S]*ofs-delta[\s\S]*0009done' ff relaying
t progress/pushing under_way 'fault=pause seconds=11 match=^POST\s\S*/git-receive-pack\s' ff pushing
