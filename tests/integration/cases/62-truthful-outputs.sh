# shellcheck shell=bash
# Outputs that tell the truth on every path (SPEC 3): each SHA as soon as it was read, the pack
# bytes sent even when the target refused them, and a dry run that says so.

# shellcheck source=../../lib/proxy.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../lib/proxy.sh"

truth_target_auth_fails() { # the source was read, then the target refused the token
	pair branch D B
	run_mirror "$SN" "$TN" "$REF" PLUGIN_TARGET_TOKEN=rmtok-bad-target
	assert_exit 4
	assert_result failed
	assert_output MIRROR_SOURCE_SHA "$(c D)"
	assert_output MIRROR_TARGET_SHA_BEFORE "" # not read: not known
	assert_output MIRROR_TARGET_SHA_AFTER ""
	assert_pack_bytes zero
	assert_refs "$TN" "$(c B) $REF"
}
t truth/source-sha-when-the-target-refuses-the-token truth_target_auth_fails
register_token rmtok-bad-target

# truth_fault WANT-EXIT RULE: a fault after the source was read; the outputs keep what was read:
# a fast-forward of D over B through the fault proxy with RULE (tests/lib/faultproxy.py)
truth_fault() {
	local want=$1 rule=$2
	pair branch D B
	proxy_start "$rule" || return
	MIRROR_BASE=$PROXY_BASE run_mirror "$SN" "$TN" "$REF" PLUGIN_RETRIES=0
	assert_exit "$want"
	assert_result failed
	assert_output MIRROR_SOURCE_SHA "$(c D)"
	if [ "$want" = 1 ]; then # the target was read before the fetch failed
		assert_output MIRROR_TARGET_SHA_BEFORE "$(c B)"
		assert_output MIRROR_TARGET_SHA_AFTER "$(c B)"
	else
		assert_output MIRROR_TARGET_SHA_BEFORE ""
	fi
	assert_pack_bytes zero
	assert_refs "$TN" "$(c B) $REF"
	[ "$(proxy_faults)" -gt 0 ] || fail "the fault never fired (rule: $rule)"
}
t truth/source-sha-when-the-target-advertisement-is-cut truth_fault 4 'fault=cut match=service=git-receive-pack'
t truth/shas-when-the-fetch-fails truth_fault 1 'fault=garbage match=command=fetch[\s\S]*0009done'

# truth_hook_refusal SRC TGT: an update hook refuses the push after the pack went out (TGT '-':
# a creation; else a fast-forward, whose pack's commits answer the ancestry question on the way)
truth_hook_refusal() {
	local sent T
	pair branch "$1" "$2" refs/heads/release
	T=$(obj branch "$2")
	repo_protect "$TN" refs/heads/release
	run_mirror "$SN" "$TN" "$REF"
	assert_exit 4
	assert_result failed
	assert_log 'rmhook: refs/heads/release is a protected branch' "the hook's message"
	assert_output MIRROR_SOURCE_SHA "$(c "$1")"
	assert_output MIRROR_TARGET_SHA_BEFORE "$T"
	assert_output MIRROR_TARGET_SHA_AFTER "$T"
	assert_pack_bytes positive
	# The pack bytes are part of what the log counts as sent (with the push command).
	sent=$(sed -n 's/.* \([0-9]*\) bytes sent to the target$/\1/p' "$M_LOG")
	[ -n "$sent" ] && [ "$(output MIRROR_PACK_BYTES)" -le "$sent" ] ||
		fail "MIRROR_PACK_BYTES $(output MIRROR_PACK_BYTES) over the $sent bytes sent"
	assert_refs "$TN" ${T:+"$T $REF"}
}
t truth/pack-bytes-after-a-hook-refusal-create truth_hook_refusal D -
t truth/pack-bytes-after-a-hook-refusal-fast-forward truth_hook_refusal D B

# truth_dry_run KIND SRC TGT OLD|- VERB [VAR=VALUE...]: MIRROR_DRY_RUN=true, a "would" line, no push
truth_dry_run() {
	local kind=$1 s=$2 tg=$3 old=$4 verb=$5 vars=() T
	shift 5
	pair "$kind" "$s" "$tg"
	T=$(obj "$kind" "$tg")
	[ "$old" = - ] || vars+=(PLUGIN_REFERENCE_SHA_OLD="$(obj "$kind" "$old")")
	run_mirror "$SN" "$TN" "$REF" PLUGIN_DRY_RUN=true "${vars[@]}" "$@"
	assert_exit 0
	assert_output MIRROR_DRY_RUN true
	assert_log "^refmirror: dry run: would $verb $REF " "the line of what would be done"
	assert_no_log "^refmirror: target: $REF .* -> " "a line saying the target was changed"
	assert_output MIRROR_TARGET_SHA_AFTER "$T"
	assert_pack_bytes zero
	assert_refs "$TN" ${T:+"$T $REF"}
}
t truth/dry-run-would-create truth_dry_run branch D - - create
t truth/dry-run-would-fast-forward truth_dry_run branch D B - fast-forward
t truth/dry-run-would-force truth_dry_run atag B A A force
t truth/dry-run-would-delete truth_dry_run branch - B - delete PLUGIN_SYNC_DELETE=true

truth_not_dry_run() { # MIRROR_DRY_RUN=false when the run could push, and on a failure too
	pair branch D B
	run_mirror "$SN" "$TN" "$REF"
	assert_exit 0
	assert_output MIRROR_DRY_RUN false
	assert_no_log "would" "a dry run's line"
	run_mirror "$SN" "$TN" "" PLUGIN_DRY_RUN=true PLUGIN_SOURCE_URL=ftp://example.invalid/r.git
	assert_exit 64
	assert_result failed
	assert_output MIRROR_DRY_RUN false # the settings could not be read: nothing says it is one
}
t truth/dry-run-false-otherwise truth_not_dry_run
