# shellcheck shell=bash
# Webhook bodies (SPEC 5): with payload set and reference not, the ref and the old SHA come from
# the body. The bodies are the shared fixtures (../shared/fixtures/webhooks) with the ref and the
# old SHA rewritten to this run's repositories.

FIXTURES=${RM_FIXTURES:-$root/../shared/fixtures/webhooks}

# fixture FILE FIELD=VALUE...: the fixture with the first "FIELD": "..." of each field replaced
fixture() {
	local f=$FIXTURES/$1 kv args=()
	shift
	for kv in "$@"; do
		args+=(-e "0,/\"${kv%%=*}\": *\"[^\"]*\"/s##\"${kv%%=*}\": \"${kv#*=}\"#")
	done
	sed "${args[@]}" "$f"
}

payload_github_push() { # OLD-LETTER SRC TGT WANT-RESULT WANT-EXIT AFTER
	pair branch "$2" "$3"
	run_mirror "$SN" "$TN" "" PLUGIN_PAYLOAD="$(fixture github/push.json ref="$REF" before="$(c "$1")")"
	assert_exit "$5"
	assert_result "$4"
	assert_output MIRROR_REFERENCE "$REF"
	assert_refs "$TN" "$(c "$6") $REF"
	assert_fsck "$TN"
}

payload_gitea_create() { # short ref name + ref_type
	pair branch D - refs/heads/feature
	run_mirror "$SN" "$TN" "" PLUGIN_PAYLOAD="$(fixture gitea/branch_create.json ref=feature)"
	assert_exit 0
	assert_result created
	assert_refs "$TN" "$(c D) refs/heads/feature"
}

payload_github_delete() { # a branch deletion event (after = zeros) with sync_delete
	pair branch - B
	run_mirror "$SN" "$TN" "" PLUGIN_SYNC_DELETE=true \
		PLUGIN_PAYLOAD="$(fixture github/push_branch_delete.json ref="$REF" before="$(c B)")"
	assert_exit 0
	assert_result deleted
	assert_refs "$TN"
}

# fixture_sub FILE OLD=NEW...: the fixture with every OLD replaced by NEW
fixture_sub() {
	local f=$FIXTURES/$1 kv args=()
	shift
	for kv in "$@"; do
		args+=(-e "s#${kv%%=*}#${kv#*=}#g")
	done
	sed "${args[@]}" "$f"
}

payload_harness_create() { # Harness Code: ref.name
	pair branch D -
	run_mirror "$SN" "$TN" "" PLUGIN_PAYLOAD="$(fixture harness/branch_create.json name="$REF")"
	assert_exit 0
	assert_result created
	assert_refs "$TN" "$(c D) $REF"
}

payload_gitlab_push() {
	pair branch C B
	run_mirror "$SN" "$TN" "" PLUGIN_PAYLOAD="$(fixture_sub gitlab/push.json \
		refs/heads/master="$REF" 9217710ce8c7e1eae7a5d1c45f6e43e1c769f866="$(c B)")"
	assert_exit 0
	assert_result forced
	assert_refs "$TN" "$(c C) $REF"
}

payload_azure_push() { # Azure DevOps: resource.refUpdates[] name, oldObjectId
	pair branch C B
	run_mirror "$SN" "$TN" "" PLUGIN_PAYLOAD="$(fixture_sub azure/push.json \
		refs/heads/master="$REF" aad331d8d3b131fa9ae03cf5e53965b51942618a="$(c A)")"
	assert_exit 3
	assert_result out_of_sync
	assert_refs "$TN" "$(c B) $REF"
}

payload_two_changes() { # Bitbucket Data Center: a body with two ref changes mirrors each
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
	assert_refs "$TN" "$(c D) $REF" "$(obj atag C) $tag"
	assert_tag_object "$TN" "$tag"
	assert_fsck "$TN"
	assert_log 'fast_forward' "the branch's result"
	assert_log 'created' "the tag's result"
}

payload_bad() {
	pair branch D B
	MIRROR_BASE=$HTTP_X_BASE run_mirror "$SN" "$TN" "" PLUGIN_PAYLOAD='this is not a webhook body'
	assert_exit 64
	assert_result failed
	assert_refs "$TN" "$(c B) $REF"
	assert_log 'payload' "a line naming the payload"
}

if [ -f "$FIXTURES/github/push.json" ]; then
	t payload/github-push-fast-forward payload_github_push B D B fast_forward 0 D
	t payload/github-push-out-of-sync payload_github_push A C B out_of_sync 3 B
	t payload/github-push-forced payload_github_push B C B forced 0 C
	t payload/github-branch-delete payload_github_delete
	t payload/gitea-branch-create-short-ref payload_gitea_create
	t payload/harness-branch-create payload_harness_create
	t payload/gitlab-push-forced payload_gitlab_push
	t payload/azure-push-out-of-sync payload_azure_push
	t payload/bitbucket-server-two-changes payload_two_changes
	t payload/unreadable-body payload_bad
else
	echo "# payload tests skipped: no fixtures at $FIXTURES"
fi
