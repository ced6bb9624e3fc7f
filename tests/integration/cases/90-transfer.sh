# shellcheck shell=bash
# The transfer (SPEC 4): what the target lacks, proportional to the change; bigger histories,
# many refs, other ref namespaces, nested and retargeted tags.

transfer_haves() { # creating a ref on a target that has other refs sends only what it lacks
	local full
	pair branch D -
	run_mirror "$SN" "$TN" "$REF"
	assert_exit 0
	assert_result created
	full=$(output MIRROR_PACK_BYTES)
	pair branch D -
	seed_ref "$TN" refs/heads/other "$(c B)"
	seed_ref "$TN" refs/tags/old "$(obj atag A)"
	run_mirror "$SN" "$TN" "$REF"
	assert_exit 0
	assert_result created
	assert_refs "$TN" "$(c D) $REF" "$(c B) refs/heads/other" "$(obj atag A) refs/tags/old"
	assert_fsck "$TN"
	[ "$(output MIRROR_PACK_BYTES)" -lt $((full / 2)) ] ||
		fail "pack bytes with the target's tips as haves: $(output MIRROR_PACK_BYTES), without: $full"
}
t transfer/create-uses-target-tips-as-haves transfer_haves

# A source with a bigger history: N commits and a few MiB of incompressible data, by fast-import.
big_history() { # REPO COMMITS KIB
	local repo=$1 n=$2 kib=$3 i
	{
		printf 'blob\nmark :1\ndata %d\n' $((kib * 1024))
		head -c $((kib * 1024)) /dev/zero | openssl enc -aes-128-ctr -nosalt \
			-K 000102030405060708090a0b0c0d0e0f -iv 0000000000000000000000000000000b
		printf '\n'
		for ((i = 1; i <= n; i++)); do
			printf 'commit refs/heads/big\nmark :%d\n' $((i + 1))
			printf 'committer T <t@example.com> %d +0000\ndata 10\ncommit %03d' $((1700000000 + i)) $((i % 1000))
			printf '\n'
			[ "$i" = 1 ] || printf 'from :%d\n' "$i"
			[ "$i" != 1 ] || printf 'M 100644 :1 data.bin\n'
			printf 'M 100644 inline dir%d/file.txt\ndata <<EOT\nline of commit %d\nEOT\n' $((i % 17)) "$i"
		done
	} | git -C "$(repo_path "$repo")" fast-import --quiet
}

transfer_big() {
	local sn tn big
	sn=$(rname src) tn=$(rname tgt)
	repo_create "$sn" >/dev/null
	repo_create "$tn" >/dev/null
	big_history "$sn" 300 3072 || fail "fast-import failed"
	big=$(ref_value "$sn" refs/heads/big)
	run_mirror "$sn" "$tn" refs/heads/big
	assert_exit 0
	assert_result created
	assert_refs "$tn" "$big refs/heads/big"
	assert_fsck "$tn"
	[ "$(output MIRROR_PACK_BYTES)" -gt 3000000 ] || fail "pack bytes $(output MIRROR_PACK_BYTES) for 3 MiB of data"
	# One more commit: the second transfer is the size of the change.
	git -C "$(repo_path "$sn")" update-ref refs/heads/big "$(
		git -C "$(repo_path "$sn")" commit-tree -p "$big" -m "one more" "$big^{tree}")"
	run_mirror "$sn" "$tn" refs/heads/big
	assert_exit 0
	assert_result fast_forward
	assert_refs "$tn" "$(ref_value "$sn" refs/heads/big) refs/heads/big"
	assert_fsck "$tn"
	[ "$(output MIRROR_PACK_BYTES)" -lt 10000 ] || fail "pack bytes $(output MIRROR_PACK_BYTES) for one commit"
}
t transfer/big-history-then-one-commit transfer_big

transfer_many_refs() { # a source with thousands of refs: the one ref is mirrored
	local i a p
	pair branch D B
	a=$(c A) p=$(repo_path "$SN")
	# Written as a packed-refs file directly: thousands of loose ref files are slow to make.
	git -C "$p" pack-refs --all
	{
		cat "$p/packed-refs" 2>/dev/null
		for ((i = 0; i < 3000; i++)); do
			printf '%s refs/heads/many/b%04d\n' "$a" "$i"
		done
	} | grep -v '^#' | sort -k2 >"$TEST_DIR/packed-refs"
	{ echo '# pack-refs with: peeled fully-peeled sorted '; cat "$TEST_DIR/packed-refs"; } >"$p/packed-refs"
	[ "$(git -C "$p" for-each-ref | wc -l)" = 3001 ] || fail "the source does not have 3001 refs"
	run_mirror "$SN" "$TN" "$REF"
	assert_exit 0
	assert_result fast_forward
	assert_refs "$TN" "$(c D) $REF"
	# A ref named like a prefix of another is not confused with it.
	pair branch - B refs/heads/feature
	seed_ref "$SN" refs/heads/feature/x "$(c D)"
	seed_ref "$SN" refs/heads/featurex "$(c D)"
	run_mirror "$SN" "$TN" "$REF" PLUGIN_SYNC_DELETE=true
	assert_exit 0
	assert_result deleted
	assert_refs "$TN"
}
t transfer/many-refs-on-source transfer_many_refs

transfer_namespace() { # any valid refs/... name
	pair branch C - refs/changes/34/1234/2
	run_mirror "$SN" "$TN" "$REF"
	assert_exit 0
	assert_result created
	assert_refs "$TN" "$(c C) $REF"
	assert_fsck "$TN"
}
t transfer/other-ref-namespace transfer_namespace

transfer_nested_tag() { # an annotated tag of an annotated tag arrives as the same object
	local nested inner
	pair atag - -
	git -C "$(repo_path "$SN")" fetch -q "$RUN_DIR/world" refs/world/atag/D:refs/tags/inner
	git -C "$(repo_path "$SN")" -c advice.nestedTag=false tag -a -m "a tag of a tag" v1 refs/tags/inner
	git -C "$(repo_path "$SN")" update-ref -d refs/tags/inner
	nested=$(ref_value "$SN" refs/tags/v1)
	run_mirror "$SN" "$TN" "$REF"
	assert_exit 0
	assert_result created
	assert_refs "$TN" "$nested $REF"
	assert_tag_object "$TN" "$REF"
	inner=$(git -C "$(repo_path "$SN")" cat-file -p "$nested" | sed -n '1s/^object //p')
	assert_eq "$(obj atag D)" "$inner" "the object the nested tag names"
	assert_eq tag "$(git -C "$(repo_path "$TN")" cat-file -t "$inner" 2>&1)" "the inner tag object on the target"
	assert_fsck "$TN"
}
t transfer/nested-annotated-tag transfer_nested_tag

transfer_tag_retargeted() { # lightweight tag on D replaced by an annotated tag on the same commit
	pair atag D -
	seed_ref "$TN" "$REF" "$(c D)"
	run_mirror "$SN" "$TN" "$REF"
	assert_exit 2
	assert_result not_fast_forward
	assert_refs "$TN" "$(c D) $REF"
	run_mirror "$SN" "$TN" "$REF" PLUGIN_REFERENCE_SHA_OLD="$(c D)"
	assert_exit 0
	assert_result forced
	assert_refs "$TN" "$(obj atag D) $REF"
	assert_tag_object "$TN" "$REF"
	assert_fsck "$TN"
}
t transfer/lightweight-tag-becomes-annotated transfer_tag_retargeted

transfer_progress() { # a CI log gets short, throttled progress: not one line per percent
	local sn tn n
	sn=$(rname src) tn=$(rname tgt)
	repo_create "$sn" >/dev/null
	repo_create "$tn" >/dev/null
	big_history "$sn" 300 1024 || fail "fast-import failed"
	run_mirror "$sn" "$tn" refs/heads/big
	assert_exit 0
	assert_result created
	n=$(wc -l <"$M_LOG")
	[ "$n" -le 30 ] || fail "$n log lines for one 1 MiB transfer (progress not throttled?)"
	grep -q $'\r' "$M_LOG" && fail "carriage returns in the log"
}
t outputs/progress-is-throttled transfer_progress
