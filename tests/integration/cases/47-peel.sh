# shellcheck shell=bash
# A ref outside refs/tags/ whose target value T is an annotated tag object (refs/heads/ cannot hold
# one: git refuses to write a non-commit to a branch): T is peeled to its commit before the
# ancestry question (SPEC 4), as git's push does (remote.c's ref_newer). The source holds the tag
# object too (as refs/tags/v1), so that it can answer what T peels to.

peel_row() { # SRC-LETTER TAGGED-LETTER OLD RESULT EXIT AFTER-LETTER-OR-atag [LOG-REGEX]
	local sn tn ref old=()
	ref=refs/custom/x sn=$(rname src) tn=$(rname tgt)
	seed_repo "$sn" branch "$1" "$ref"
	seed_ref "$sn" refs/tags/v1 "$(obj atag "$2")"
	seed_repo "$tn" atag "$2" "$ref"
	[ "$3" = - ] || old=(PLUGIN_REFERENCE_SHA_OLD="$(obj atag "$3")")
	run_mirror "$sn" "$tn" "$ref" "${old[@]}"
	assert_exit "$5"
	assert_result "$4"
	if [ "$6" = atag ]; then
		assert_target_ref "$tn" "$ref" "$(obj atag "$2")"
	else
		assert_target_ref "$tn" "$ref" "$(c "$6")"
	fi
	[ -z "${7:-}" ] || assert_log "$7" "the peel answer"
	assert_fsck "$tn"
}
t peel/tag-of-ancestor-fast-forward peel_row D B - fast_forward 0 D 'peeled, is a commit in'
t peel/tag-of-source-itself-fast-forward peel_row B B - fast_forward 0 B 'peeled, is a commit in'
t peel/tag-of-root-fast-forward peel_row D A - fast_forward 0 D 'peeled, is a commit in'
t peel/tag-not-ancestor-not-fast-forward peel_row C B - not_fast_forward 2 atag 'peeled, is not in'
t peel/tag-not-ancestor-old-forced peel_row C B B forced 0 C 'peeled, is not in'
