# shellcheck shell=bash
# Two-way mirroring is two one-way runs (SPEC 2), and repeated events replay the truth.

twoway_back_unchanged() { # a change on X is mirrored to Y; Y's event then finds X already equal
	local x y ref
	ref=$(ref_for branch) x=$(rname x) y=$(rname y)
	seed_repo "$x" branch D
	seed_repo "$y" branch B
	run_mirror "$x" "$y" "$ref" PLUGIN_REFERENCE_SHA_OLD="$(c B)"
	assert_exit 0
	assert_result fast_forward
	assert_target_ref "$y" "$ref" "$(c D)"
	run_mirror "$y" "$x" "$ref" PLUGIN_REFERENCE_SHA_OLD="$(c B)"
	assert_exit 0
	assert_result unchanged
	assert_pack_bytes zero
	assert_target_ref "$x" "$ref" "$(c D)"
	assert_target_ref "$y" "$ref" "$(c D)"
	assert_fsck "$x"
	assert_fsck "$y"
}
t twoway/mirror-back-is-unchanged twoway_back_unchanged

twoway_forced_back() { # X force-pushed B -> C
	local x y ref
	ref=$(ref_for branch) x=$(rname x) y=$(rname y)
	seed_repo "$x" branch C
	seed_repo "$y" branch B
	run_mirror "$x" "$y" "$ref" PLUGIN_REFERENCE_SHA_OLD="$(c B)"
	assert_exit 0
	assert_result forced
	run_mirror "$y" "$x" "$ref" PLUGIN_REFERENCE_SHA_OLD="$(c B)"
	assert_exit 0
	assert_result unchanged
	assert_target_ref "$x" "$ref" "$(c C)"
	assert_target_ref "$y" "$ref" "$(c C)"
	assert_fsck "$y"
}
t twoway/forced-then-back-is-unchanged twoway_forced_back

twoway_delete_back() { # X deleted the ref (it was B)
	local x y ref
	ref=$(ref_for branch) x=$(rname x) y=$(rname y)
	seed_repo "$x" branch -
	seed_repo "$y" branch B
	run_mirror "$x" "$y" "$ref" PLUGIN_REFERENCE_SHA_OLD="$(c B)" PLUGIN_SYNC_DELETE=true
	assert_exit 0
	assert_result deleted
	run_mirror "$y" "$x" "$ref" PLUGIN_REFERENCE_SHA_OLD="$(c B)" PLUGIN_SYNC_DELETE=true
	assert_exit 0
	assert_result unchanged
	assert_refs "$x"
	assert_refs "$y"
}
t twoway/delete-then-back-is-unchanged twoway_delete_back

twoway_race() { # both sides moved the ref away from B before either run: X to C, Y to D
	local x y ref
	ref=$(ref_for branch) x=$(rname x) y=$(rname y)
	seed_repo "$x" branch C
	seed_repo "$y" branch D
	run_mirror "$x" "$y" "$ref" PLUGIN_REFERENCE_SHA_OLD="$(c B)"
	assert_exit 3
	assert_result out_of_sync
	run_mirror "$y" "$x" "$ref" PLUGIN_REFERENCE_SHA_OLD="$(c B)"
	assert_exit 3
	assert_result out_of_sync
	assert_refs "$x" "$(c C) $ref"
	assert_refs "$y" "$(c D) $ref"
	assert_fsck "$x"
	assert_fsck "$y"
}
t twoway/race-both-out-of-sync twoway_race

twoway_race_tags() { # the same with an annotated tag moved on both sides from A
	local x y ref
	ref=$(ref_for atag) x=$(rname x) y=$(rname y)
	seed_repo "$x" atag B
	seed_repo "$y" atag C
	run_mirror "$x" "$y" "$ref" PLUGIN_REFERENCE_SHA_OLD="$(obj atag A)"
	assert_exit 3
	assert_result out_of_sync
	run_mirror "$y" "$x" "$ref" PLUGIN_REFERENCE_SHA_OLD="$(obj atag A)"
	assert_exit 3
	assert_result out_of_sync
	assert_refs "$x" "$(obj atag B) $ref"
	assert_refs "$y" "$(obj atag C) $ref"
}
t twoway/race-annotated-tag-both-out-of-sync twoway_race_tags

replay_repeated() { # the same event delivered twice, and a late event: the source's state decides
	pair branch D -
	run_mirror "$SN" "$TN" "$REF" PLUGIN_REFERENCE_SHA_OLD=$RM_ZERO
	assert_exit 0
	assert_result created
	run_mirror "$SN" "$TN" "$REF" PLUGIN_REFERENCE_SHA_OLD=$RM_ZERO
	assert_exit 0
	assert_result unchanged
	run_mirror "$SN" "$TN" "$REF" PLUGIN_REFERENCE_SHA_OLD="$(c A)" # an old event (A -> B)
	assert_exit 0
	assert_result unchanged
	assert_refs "$TN" "$(c D) $REF"
	assert_fsck "$TN"
}
t replay/repeated-and-late-events replay_repeated
