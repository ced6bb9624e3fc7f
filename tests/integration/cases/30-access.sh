# shellcheck shell=bash
# Reading either side fails: exit 1 for the source, 4 for the target; the target is unchanged and
# the outputs still say "failed".

access() { # WANT-EXIT SRC TGT [VAR=VALUE...] (SRC/TGT: repo names as seeded by pair, or URLs)
	local want=$1 src=$2 tgt=$3
	shift 3
	run_mirror "$src" "$tgt" "$REF" "$@"
	assert_exit "$want"
	assert_result failed
	assert_output MIRROR_REFERENCE "$REF"
	assert_refs "$TN" "$(c B) $REF"
	assert_fsck "$TN"
}

access_wrong_source_token() {
	local tok=rmtok-wrongsrc-$RANDOM$RANDOM
	register_token "$tok"
	pair branch D B
	access 1 "$SN" "$TN" PLUGIN_SOURCE_TOKEN="$tok"
	assert_no_log "$tok" "the wrong token"
}
t access/wrong-source-token access_wrong_source_token

access_wrong_target_token() {
	local tok=rmtok-wrongtgt-$RANDOM$RANDOM
	register_token "$tok"
	pair branch D B
	access 4 "$SN" "$TN" PLUGIN_TARGET_TOKEN="$tok"
	assert_no_log "$tok" "the wrong token"
}
t access/wrong-target-token access_wrong_target_token

access_anonymous_source() { pair branch D B; access 1 "$SN" "$TN" -PLUGIN_SOURCE_TOKEN; }
t access/anonymous-source-refused access_anonymous_source

access_wrong_source_user() { pair branch D B; access 1 "$SN" "$TN" PLUGIN_SOURCE_USERNAME=nobody; }
t access/wrong-source-username access_wrong_source_user

access_wrong_target_user() { pair branch D B; access 4 "$SN" "$TN" PLUGIN_TARGET_USERNAME=x-token-auth; }
t access/wrong-target-username access_wrong_target_user

access_missing_source() { pair branch D B; access 1 "$(rname nosuch)" "$TN"; }
t access/missing-source-repository access_missing_source

access_missing_target() {
	pair branch D B
	run_mirror "$SN" "$(rname nosuch)" "$REF"
	assert_exit 4
	assert_result failed
	[ ! -e "$(repo_path "$(rname nosuch)")" ] || fail "a target repository appeared"
}
t access/missing-target-repository access_missing_target

access_unreachable_source() {
	pair branch D B
	access 1 "http://127.0.0.1:1/git/$SN.git" "$TN" PLUGIN_RETRIES=0
}
t access/unreachable-source access_unreachable_source

access_unreachable_target() {
	pair branch D B
	run_mirror "$SN" "http://127.0.0.1:1/git/$TN.git" "$REF" PLUGIN_RETRIES=0
	assert_exit 4
	assert_result failed
	assert_refs "$TN" "$(c B) $REF"
}
t access/unreachable-target access_unreachable_target

access_retry() { # a transient failure (connection refused) is retried `retries` times
	pair branch D B
	access 1 "http://127.0.0.1:1/git/$SN.git" "$TN" PLUGIN_RETRIES=1
	assert_log 'retry' "a retry"
}
t access/connection-refused-is-retried access_retry

access_usernames_explicit() { # the default user name is git; setting it explicitly works too
	pair branch D B
	run_mirror "$SN" "$TN" "$REF" PLUGIN_SOURCE_USERNAME=git PLUGIN_TARGET_USERNAME=git
	assert_exit 0
	assert_result fast_forward
	assert_refs "$TN" "$(c D) $REF"
}
t access/explicit-usernames access_usernames_explicit
