# shellcheck shell=bash
# Faults (SPEC 6) through a fault-injecting proxy (tests/lib/faultproxy.py) in front of the test
# server: each one ends with an exit code that says what the target holds, its old value or S,
# never anything else, and git fsck clean. Transient faults are retried, and a retry succeeds once
# the fault is gone; a lost push answer is settled by reading the target again. Limits on what
# the source sends, redirects that would take credentials to another host, and libcurl's
# http_proxy / https_proxy. (Stalls: 05-stalls.sh; the harness: tests/lib/faults.sh.)

# shellcheck source=../../lib/faults.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/faults.sh"

# ---- HTTP errors and cut answers: transient, retried ----

t faults/502-on-source-no-retry fault 1 ff "fault=502 match=$SOURCE_ADV"
t faults/502-on-source-retried fault 0 ff "fault=502 match=$SOURCE_ADV" PLUGIN_RETRIES=1
t faults/502-on-fetch-retried fault 0 create "fault=502 match=$FETCH" PLUGIN_RETRIES=1
t faults/502-on-push-no-retry fault 4 ff "fault=502 match=$PUSH"
t faults/502-on-push-retried fault 0 ff "fault=502 match=$PUSH" PLUGIN_RETRIES=1
t faults/502-every-time fault 1 ff "fault=502 match=$SOURCE_ADV count=9" PLUGIN_RETRIES=2
t faults/cut-source-advertisement fault 1 ff "fault=cut match=$SOURCE_ADV"
t faults/cut-target-advertisement fault 4 ff "fault=cut match=$TARGET_ADV"
t faults/cut-fetch-answer fault 1 create "fault=cut match=$FETCH"
t faults/cut-fetch-answer-retried fault 0 ff "fault=cut match=$FETCH" PLUGIN_RETRIES=1
t faults/cut-push-answer fault 0 ff "fault=cut match=$PUSH"

retry_after() { # 429 with Retry-After: 1: the retry waits what the server asked
	fault 0 ff "fault=429 match=$TARGET_ADV retry_after=1" PLUGIN_RETRIES=1
	assert_log 'too many requests \(HTTP 429\)' "the 429"
	assert_log 'retrying in 1 s \(the server asked for 1 s\)' "the wait Retry-After asked for"
}
t faults/429-retry-after retry_after

retry_after_capped() { # a Retry-After of an hour is waited for at most 60 s: not tested by waiting
	fault 1 ff "fault=429 match=$SOURCE_ADV retry_after=3600"
	assert_log 'too many requests \(HTTP 429\)' "the 429"
	assert_no_log 'retrying' "a retry (retries=0)"
}
t faults/429-without-retries retry_after_capped

# ---- damaged packs: refused before anything is pushed ----

corrupt() { # KIND: a byte of the pack flipped on its way from the source
	fault 1 "$1" "fault=corrupt match=$FETCH count=9" PLUGIN_RETRIES=1
	assert_log 'pack' "the pack error"
	! grep -q 'POST /git/[^ ]*/git-receive-pack' "$PROXY_LOG" || fail "a push was sent"
}
t faults/corrupt-pack-create corrupt create
t faults/corrupt-pack-fast-forward corrupt ff

corrupt_peel() { # a byte of the peel fetch's pack (a tag object) flipped: nothing is pushed
	fault 1 peel "fault=corrupt match=$PEEL count=9" PLUGIN_RETRIES=1
	assert_log 'pack' "the pack error"
	! grep -q 'POST /git/[^ ]*/git-receive-pack' "$PROXY_LOG" || fail "a push was sent"
}
t faults/corrupt-peel-pack corrupt_peel
t faults/cut-peel-answer-retried fault 0 peel "fault=cut match=$PEEL" PLUGIN_RETRIES=1

corrupt_checksum_message() {
	corrupt create
	assert_log 'corrupt pack from the source: its SHA-1 trailer does not match' "the checksum error"
}
t faults/corrupt-pack-create-says-checksum corrupt_checksum_message

# ---- the question "does the source hold T?" before the pack: lost or garbled, never a guess ----

negotiation_fault() { # RULE EXIT [VAR=VALUE...]
	fault "$2" ff "$1" "${@:3}"
	[ "$2" = 0 ] || ! grep -q 'POST /git/[^ ]*/git-receive-pack' "$PROXY_LOG" || fail "a push was sent"
}
t faults/negotiation-garbage negotiation_fault "fault=garbage match=$NEGOTIATE" 1
t faults/negotiation-cut negotiation_fault "fault=cut match=$NEGOTIATE count=9" 1
t faults/negotiation-dropped-retried negotiation_fault "fault=drop match=$NEGOTIATE" 0 PLUGIN_RETRIES=1

# ---- the push: lost, cut, garbled ----

t faults/push-dropped-before-forwarding fault 4 ff "fault=drop match=$PUSH"
t faults/push-dropped-before-forwarding-retried fault 0 ff "fault=drop match=$PUSH" PLUGIN_RETRIES=1

push_answer_lost() { # KIND: the push was applied, its answer lost: the target is read again
	fault 0 "$1" "fault=drop forward=1 match=$PUSH"
	assert_log 'but the target holds the new value' "the second read of the target"
}
t faults/push-applied-answer-lost-ff push_answer_lost ff
t faults/push-applied-answer-lost-create push_answer_lost create

t faults/push-request-cut fault 4 ff "fault=cut-request match=$PUSH count=9" PLUGIN_RETRIES=1
t faults/push-request-cut-create fault 4 create "fault=cut-request match=$PUSH count=9"
t faults/push-answer-garbage fault 4 ff "fault=garbage match=$PUSH"
t faults/push-answer-empty fault 4 ff "fault=empty match=$PUSH"
t faults/push-answer-empty-create fault 4 create "fault=empty match=$PUSH"

push_answer_garbled() { # the push was applied, its answer garbled
	fault 0 ff "fault=garbage forward=1 match=$PUSH"
	assert_log 'but the target holds the new value' "the second read of the target"
}
t faults/push-applied-answer-garbage push_answer_garbled

t faults/garbage-source-advertisement fault 1 ff "fault=garbage match=$SOURCE_ADV"
t faults/garbage-target-advertisement fault 4 ff "fault=garbage match=$TARGET_ADV"
t faults/garbage-fetch-answer fault 1 create "fault=garbage match=$FETCH"

# ---- redirects: never to another host, never with credentials ----

redirect() { # HOST: a redirect of the source's discovery to the sink, on HOST
	fault 1 ff "fault=redirect match=$SOURCE_ADV host=$1"
	assert_log 'refusing redirect' "the refusal"
	! grep -q 'auth=yes' "$PROXY_SINK_LOG" || fail "an Authorization header reached the other host"
	[ ! -s "$PROXY_SINK_LOG" ] || fail "the other host got a request: $(head -n 1 "$PROXY_SINK_LOG")"
}
t faults/redirect-to-other-host-name redirect localhost
t faults/redirect-to-other-port redirect 127.0.0.1

# ---- limits ----

pack_limit() { # VAR VALUE EXIT: max_pack_size under either spelling
	pair branch D -
	run_mirror "$SN" "$TN" "$REF" "$1=$2"
	assert_exit "$3"
	assert_old_or_new "" "$(c D)"
	case $3 in
	1) assert_log 'more than max_pack_size' "the limit" ;;
	64) assert_log 'max_pack_size: must be a size' "the settings error" ;;
	esac
}
t limits/max_pack_size-exceeded pack_limit PLUGIN_MAX_PACK_SIZE 1K 1
t limits/maxPackSize-exceeded pack_limit PLUGIN_MAXPACKSIZE 2k 1
t limits/max_pack_size-enough pack_limit PLUGIN_MAX_PACK_SIZE 1 0
t settings/bad-max_pack_size pack_limit PLUGIN_MAX_PACK_SIZE 10X 64

# ---- libcurl's proxy variables ----

through_proxy() { # BASE VAR REGEX: the whole run through the proxy as VAR (http_proxy or
	# https_proxy); the proxy's log shows REGEX
	pair branch D B
	proxy_start || return
	run_mirror "$1/$SN.git" "$1/$TN.git" "$REF" -no_proxy -NO_PROXY "$2=http://127.0.0.1:$PROXY_PORT" \
		PLUGIN_CA_CERT="$TEST_CA"
	assert_exit 0
	assert_old_or_new "$(c B)" "$(c D)"
	grep -qE "$3" "$PROXY_LOG" || fail "no request went through the proxy (/$3/)"
}
t proxy/http_proxy through_proxy "$HTTP_BASE" http_proxy "GET http://127.0.0.1:$SERVER_PORT/git/"
t proxy/https_proxy through_proxy "$HTTPS_BASE" https_proxy "CONNECT localhost:$SERVER_TLS_PORT"

no_proxy() { # NO_PROXY wins over http_proxy
	pair branch D B
	proxy_start || return
	run_mirror "$SN" "$TN" "$REF" "http_proxy=http://127.0.0.1:$PROXY_PORT" NO_PROXY=127.0.0.1
	assert_exit 0
	assert_old_or_new "$(c B)" "$(c D)"
	[ ! -s "$PROXY_LOG" ] || fail "a request went through the proxy despite NO_PROXY"
}
t proxy/no_proxy no_proxy
