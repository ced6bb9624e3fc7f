# shellcheck shell=bash
# Webhook bodies (SPEC 5): with payload set and reference not, the ref and the old SHA come from
# the body. payloads.tab runs one real body of each provider per row; the scenarios below cover
# bodies with several changes, a reference beside a payload, and bodies that cannot be read.

FIXTURES=$root/tests/fixtures/webhooks

# fixture_sha FILE OLD7 OLD-SHA NEW7 NEW-SHA: the body with every full SHA starting with OLD7 (NEW7)
# replaced by OLD-SHA (NEW-SHA); '-' or an empty replacement leaves them as they are.
fixture_sha() {
	local args=(-e "")
	[ "$2" = - ] || [ -z "$3" ] || args+=(-e "s/$2[0-9a-f]\{33\}/$3/g")
	[ "$4" = - ] || [ -z "$5" ] || args+=(-e "s/$4[0-9a-f]\{33\}/$5/g")
	sed "${args[@]}" "$FIXTURES/$1"
}

payload_row() { # the fields of a payloads.tab row
	local fixture=$2 ref=$3 fold=$4 fnew=$5 kind=$6 src=$7 tgt=$8 old=$9
	local extra=${10} result=${11} code=${12} after=${13} body
	row_seed "$kind" "$ref" "$src" "$tgt" || return
	body=$(fixture_sha "$fixture" "$fold" "$(obj "$kind" "$old")" "$fnew" "$ROW_S") ||
		{ fail "cannot read $fixture"; return; }
	row_run "$extra" "" PLUGIN_PAYLOAD="$body"
	row_check "$result" "$code" "$after"
	assert_output MIRROR_RESULTS "$ref:$result"
}

run_table "$here/payloads.tab" 13 payload_row

# bitbucket_cloud_side SHA|- TYPE NAME: one side of a Bitbucket Cloud change ('-': null)
bitbucket_cloud_side() {
	[ "$1" = - ] && { echo null; return; }
	printf '{"type": "%s", "name": "%s", "target": {"hash": "%s", "type": "commit"}}' "$2" "$3" "$1"
}

# bitbucket_cloud_change OLD-SHA|- NEW-SHA|- TYPE NAME: an element of push.changes[]
bitbucket_cloud_change() {
	printf '{"old": %s, "new": %s, "forced": false}' \
		"$(bitbucket_cloud_side "$1" "$3" "$4")" "$(bitbucket_cloud_side "$2" "$3" "$4")"
}

payload_bitbucket_three_changes() { # one body, three refs: results in order, the most severe wins
	local body feature=refs/heads/feature/x tag=refs/tags/v1 gone=refs/heads/gone
	pair branch D B "$feature"
	seed_ref "$SN" "$tag" "$(obj atag C)"
	seed_ref "$TN" "$tag" "$(obj atag A)"
	seed_ref "$TN" "$gone" "$(c B)"
	body=$(printf '{"push": {"changes": [%s, %s, %s]}, "repository": {"type": "repository", "full_name": "team/repo"}, "actor": {"type": "user"}}' \
		"$(bitbucket_cloud_change "$(c B)" "$(c D)" branch feature/x)" \
		"$(bitbucket_cloud_change "$(obj atag B)" "$(obj atag C)" tag v1)" \
		"$(bitbucket_cloud_change "$(c B)" - branch gone)")
	run_mirror "$SN" "$TN" "" PLUGIN_PAYLOAD="$body" PLUGIN_SYNC_DELETE=true
	# The tag's old value (B's tag) is not the target's (A's): out_of_sync, and it wins the exit code.
	assert_exit 3
	assert_result out_of_sync
	assert_output MIRROR_RESULTS "$feature:fast_forward,$tag:out_of_sync,$gone:deleted"
	assert_refs "$TN" "$(c D) $feature" "$(obj atag A) $tag"
	assert_fsck "$TN"
}

payload_bitbucket_dc_two_changes() { # Bitbucket Data Center: a branch update and a tag creation
	local body tag=refs/tags/v1
	pair branch D B
	seed_ref "$SN" "$tag" "$(obj atag C)"
	body=$(sed '/"changes": *\[/,$d' "$FIXTURES/bitbucket-server/push.json")
	body+=$(printf '\n  "changes": [
    {"ref": {"id": "%s", "displayId": "feature/x", "type": "BRANCH"}, "refId": "%s",
     "fromHash": "%s", "toHash": "%s", "type": "UPDATE"},
    {"ref": {"id": "%s", "displayId": "v1", "type": "TAG"}, "refId": "%s",
     "fromHash": "%s", "toHash": "%s", "type": "ADD"}
  ]
}' "$REF" "$REF" "$(c B)" "$(c D)" "$tag" "$tag" "$RM_ZERO" "$(obj atag C)")
	run_mirror "$SN" "$TN" "" PLUGIN_PAYLOAD="$body"
	assert_exit 0
	assert_result fast_forward
	assert_output MIRROR_RESULTS "$REF:fast_forward,$tag:created"
	assert_refs "$TN" "$(c D) $REF" "$(obj atag C) $tag"
	assert_tag_object "$TN" "$tag"
	assert_fsck "$TN"
}

payload_reference_wins() { # reference set: only that ref, with the body's old SHA for it
	pair branch C B
	run_mirror "$SN" "$TN" "$REF" PLUGIN_PAYLOAD="$(fixture_sha github/push.json a10867b "$(c A)" - '' |
		sed "s#refs/heads/master#$REF#")"
	# The body says the ref was A; the target holds B: out_of_sync, nothing overwritten.
	assert_exit 3
	assert_result out_of_sync
	assert_refs "$TN" "$(c B) $REF"
}

payload_reference_other_ref() { # the body is about another ref: no old SHA comes from it
	pair branch C B
	run_mirror "$SN" "$TN" "$REF" PLUGIN_PAYLOAD="$(fixture_sha github/push.json a10867b "$(c A)" - '')"
	assert_exit 2
	assert_result not_fast_forward
	assert_refs "$TN" "$(c B) $REF"
}

payload_null() { # Harness passes "null" when the trigger had no body: as if not set
	pair branch D B
	run_mirror "$SN" "$TN" "$REF" PLUGIN_PAYLOAD=null
	assert_exit 0
	assert_result fast_forward
	assert_refs "$TN" "$(c D) $REF"
}

payload_bad() { # BODY WANT-LOG: refused before any request (the /git-x server logs every request)
	local before
	pair branch D B
	before=$(wc -l <"$SERVER_DIR/access.log")
	MIRROR_BASE=$HTTP_X_BASE run_mirror "$SN" "$TN" "" PLUGIN_PAYLOAD="$1"
	assert_exit 64
	assert_result failed
	assert_refs "$TN" "$(c B) $REF"
	assert_log "$2" "a line naming what was expected"
	assert_eq 0 "$(tail -n +"$((before + 1))" "$SERVER_DIR/access.log" | grep -c "$TN")" "requests to the target"
}

t payload/bitbucket-cloud-three-changes payload_bitbucket_three_changes
t payload/bitbucket-server-two-changes payload_bitbucket_dc_two_changes
t payload/reference-wins-old-sha-from-body payload_reference_wins
t payload/reference-wins-body-about-other-ref payload_reference_other_ref
t payload/null-is-not-set payload_null
t payload/not-json payload_bad 'this is not a webhook body' 'payload'
t payload/json-of-no-known-shape payload_bad '{"zen": "Keep it logically awesome."}' 'payload: not a push event'
t payload/too-deep payload_bad "$(printf '%.0s[' {1..100000})" 'payload'
