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

# T, on the source's other branch, is a commit with a 256 KiB incompressible blob that is not in
# the history of S: the peel fetch's first object, the commit, says "no"; the fetch stops at its
# 64 KiB limit instead of reading the blob.
peel_stops_early() {
	local sn tn sp big received
	sn=$(rname src) tn=$(rname tgt)
	seed_repo "$sn" branch D refs/custom/x
	repo_create "$tn" >/dev/null || { fail "cannot create repo $tn"; return; }
	sp=$(repo_path "$sn")
	{
		printf 'blob\nmark :1\ndata 262144\n'
		head -c 262144 /dev/zero | openssl enc -aes-128-ctr -nosalt \
			-K 000102030405060708090a0b0c0d0e0f -iv 0000000000000000000000000000abcd
		printf '\ncommit refs/heads/other\nmark :2\ncommitter T <t@example.com> 1800000000 +0000\n'
		printf 'data 4\nbig\nfrom %s\nM 100644 :1 big.bin\n\n' "$(c A)"
	} | git -C "$sp" fast-import --quiet || { fail "fast-import failed"; return; }
	big=$(ref_value "$sn" refs/heads/other)
	git -C "$sp" push -q "$(repo_path "$tn")" "$big:refs/custom/x" || { fail "seeding $tn failed"; return; }
	run_mirror "$sn" "$tn" refs/custom/x
	assert_exit 2
	assert_result not_fast_forward
	assert_log 'peeled, is not in the history of' "the peel answer"
	assert_pack_bytes zero
	assert_target_ref "$tn" refs/custom/x "$big"
	received=$(sed -n 's/.*transfer: \([0-9]*\) bytes received from the source.*/\1/p' "$M_LOG")
	[ -n "$received" ] && [ "$received" -lt 131072 ] ||
		fail "$received bytes from the source to learn not_fast_forward (T holds a 256 KiB blob)"
}
t peel/commit-not-ancestor-read-no-further peel_stops_early
