# shellcheck shell=bash
# The target refuses: exit 4 with the server's own words, and the target keeps its value. A
# concurrent change on the target between the read and the push is never overwritten.

refuse_hook() { # KIND SRC TGT OLD|- [VAR=VALUE...]: an update hook protects the ref
	local kind=$1 s=$2 tg=$3 old=$4 vars=()
	shift 4
	pair "$kind" "$s" "$tg" refs/heads/release
	repo_protect "$TN" refs/heads/release
	[ "$old" = - ] || vars+=(PLUGIN_REFERENCE_SHA_OLD="$(c "$old")")
	run_mirror "$SN" "$TN" "$REF" "${vars[@]}" "$@"
	assert_exit 4
	assert_result failed
	assert_log 'rmhook: refs/heads/release is a protected branch, pushes are refused' "the hook's message"
	assert_refs "$TN" "$(c "$tg") $REF"
	assert_output MIRROR_TARGET_SHA_AFTER "$(c "$tg")"
	assert_fsck "$TN"
}
t refuse/protected-branch-fast-forward refuse_hook branch D B -
t refuse/protected-branch-forced refuse_hook branch C B B
t refuse/protected-branch-delete refuse_hook branch - B - PLUGIN_SYNC_DELETE=true

refuse_hook_create() { # the hook refuses the creation of a protected ref
	pair branch D - refs/heads/release
	repo_protect "$TN" refs/heads/release
	run_mirror "$SN" "$TN" "$REF"
	assert_exit 4
	assert_result failed
	assert_log 'rmhook: refs/heads/release is a protected branch' "the hook's message"
	assert_refs "$TN"
	assert_fsck "$TN"
}
t refuse/protected-branch-create refuse_hook_create

refuse_deny_deletes() {
	pair branch - B
	repo_deny_deletes "$TN"
	run_mirror "$SN" "$TN" "$REF" PLUGIN_SYNC_DELETE=true
	assert_exit 4
	assert_result failed
	assert_log 'deletion prohibited|denying ref deletion' "the server's reason"
	assert_refs "$TN" "$(c B) $REF"
	assert_fsck "$TN"
}
t refuse/receive-deny-deletes refuse_deny_deletes

# (receive.denyDeletes applies to refs/heads/ only: git deletes tags regardless.)

refuse_delete_current() { # git refuses to delete the branch HEAD names (receive.denyDeleteCurrent)
	pair branch - B refs/heads/main
	run_mirror "$SN" "$TN" "$REF" PLUGIN_SYNC_DELETE=true
	assert_exit 4
	assert_log 'refusing to delete the current branch' "the server's reason"
	assert_refs "$TN" "$(c B) $REF"
}
t refuse/delete-current-branch refuse_delete_current

# race KIND SRC TGT RACED OLD|- [VAR=VALUE...]: the target moves to RACED just before the push
race() {
	local kind=$1 s=$2 tg=$3 raced=$4 old=$5 vars=()
	shift 5
	pair "$kind" "$s" "$tg"
	seed_ref "$TN" refs/keep/raced "$(obj "$kind" "$raced")"
	server_race_next_push "$TN" "$REF" "$(obj "$kind" "$raced")"
	[ "$old" = - ] || vars+=(PLUGIN_REFERENCE_SHA_OLD="$(obj "$kind" "$old")")
	MIRROR_BASE=$HTTP_X_BASE run_mirror "$SN" "$TN" "$REF" "${vars[@]}" "$@"
	[ -e "$(repo_path "$TN")/rm-race" ] && fail "the binary never pushed (the race was not triggered)"
	case $M_EXIT in
	3 | 4) ;;
	*) fail "exit code: want 3 or 4 (the target changed under the push), got $M_EXIT" ;;
	esac
	assert_result "$([ "$M_EXIT" = 3 ] && echo out_of_sync || echo failed)"
	assert_target_ref "$TN" "$REF" "$(obj "$kind" "$raced")"
	assert_fsck "$TN"
}
t race/target-moved-before-fast-forward race branch D B C -
t race/target-moved-before-forced race branch C B D B
t race/target-moved-before-delete race branch - B D - PLUGIN_SYNC_DELETE=true
t race/target-created-before-create race branch D - C -
t race/tag-moved-before-forced race atag B A C A

race_output() { # MIRROR_TARGET_SHA_AFTER is the target's value after the run (SPEC 3), even then
	race branch D B C -
	assert_output MIRROR_TARGET_SHA_AFTER "$(c C)"
}
t race/output-target-sha-after-is-the-actual-value race_output
