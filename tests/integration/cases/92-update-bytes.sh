# shellcheck shell=bash
# The transfer is the size of the change (SPEC 4), counted by the server: after a first mirror of
# a history of megabytes, a one-commit update makes the target receive only a small pack of the
# new objects, HTTP requests included (lighttpd's access log: bytes received per request).

# A marker in the access log: a request of its own, waited for (at most 10 s) since lighttpd
# writes its log lazily.
update_bytes_mark() { # ID
	local i
	curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$SERVER_PORT/rm-mark-$TEST_ID-$1" || true
	for ((i = 0; i < 200; i++)); do
		grep -q " /rm-mark-$TEST_ID-$1 " "$SERVER_DIR/access.log" && return 0
		sleep 0.05
	done
	fail "the access log lacks marker $1 after 10 s"
	return 1
}
# The bytes lighttpd received for NAME's requests between markers FROM and TO.
update_bytes_received() { # NAME FROM TO
	awk -v repo="/git/$1.git/" -v from=" /rm-mark-$TEST_ID-$2 " -v to=" /rm-mark-$TEST_ID-$3 " '
		index($0, from) { on = 1; next }
		index($0, to) { on = 0 }
		on && index($0, repo) { for (i = 1; i <= NF; i++) if (sub(/^in=/, "", $i)) n += $i }
		END { print n + 0 }' "$SERVER_DIR/access.log"
}

# update_bytes_history PATH: 400 commits on main in a tree 4 levels deep, and 40 incompressible
# 64 KiB blobs over them (2.5 MiB); the same commits every time.
update_bytes_history() {
	local i
	{
		for ((i = 1; i <= 40; i++)); do
			printf 'blob\nmark :%d\ndata 65536\n' "$i"
			head -c 65536 /dev/zero | openssl enc -aes-128-ctr -nosalt \
				-K 000102030405060708090a0b0c0d0e0f -iv "$(printf '%016x%016x' $((i + 4096)) 0)"
			printf '\n'
		done
		for ((i = 1; i <= 400; i++)); do
			printf 'commit refs/heads/main\nmark :%d\n' $((i + 100))
			printf 'committer T <t@example.com> %d +0000\ndata 11\ncommit %04d\n' $((1700000000 + i * 60)) "$i"
			[ "$i" = 1 ] || printf 'from :%d\n' $((i + 99))
			printf 'M 100644 inline src/d%d/d%d/file%d.txt\ndata <<EOT\nrevision %d of file %d\nEOT\n' \
				$((i % 4)) $((i % 7)) $((i % 23)) "$i" $((i % 23))
			[ $((i % 10)) != 0 ] || printf 'M 100644 :%d assets/blob%02d.bin\n' $((i / 10)) $((i / 10))
			printf '\n'
		done
	} | git -C "$1" fast-import --quiet || { fail "fast-import failed"; return 1; }
}

update_bytes() {
	local sn tn p tip first second pack
	sn=$(rname src) tn=$(rname tgt)
	repo_create "$sn" >/dev/null
	repo_create "$tn" >/dev/null
	p=$(repo_path "$sn")
	update_bytes_history "$p" || return
	tip=$(ref_value "$sn" refs/heads/main)

	update_bytes_mark 0 || return
	run_mirror "$sn" "$tn" refs/heads/main
	assert_exit 0
	assert_result created
	assert_refs "$tn" "$tip refs/heads/main"
	update_bytes_mark 1 || return
	first=$(update_bytes_received "$tn" 0 1)
	[ "$first" -gt 2500000 ] || fail "the first mirror sent $first bytes for 2.5 MiB of history"

	# One small commit: a changed file deep in the tree.
	printf 'commit refs/heads/main\ncommitter T <t@example.com> 1800000000 +0000\ndata 8\none more\nfrom %s\nM 100644 inline src/d1/d1/file1.txt\ndata 9\nchanged!\n\n' \
		"$tip" | git -C "$p" fast-import --quiet || { fail "fast-import failed"; return; }
	run_mirror "$sn" "$tn" refs/heads/main
	assert_exit 0
	assert_result fast_forward
	assert_refs "$tn" "$(ref_value "$sn" refs/heads/main) refs/heads/main"
	assert_fsck "$tn"
	update_bytes_mark 2 || return
	second=$(update_bytes_received "$tn" 1 2)
	pack=$(output MIRROR_PACK_BYTES)
	# A commit, 4 trees and a blob: a few hundred bytes of pack; the requests' headers and
	# pkt-lines about as much again.
	[ "$pack" -gt 0 ] && [ "$pack" -lt 1024 ] || fail "MIRROR_PACK_BYTES $pack for one small commit"
	[ "$second" -gt 0 ] && [ "$second" -lt 4096 ] ||
		fail "the target received $second bytes for a one-commit update (first mirror: $first)"
}
t transfer/one-commit-update-sends-only-new-objects update_bytes

# A target that holds a commit the source never had, no old SHA: the source says it lacks T
# before any pack (SPEC 4), so the answer not_fast_forward costs a few hundred bytes from the
# source, not its 2.5 MiB of history, and nothing goes to the target.
diverged_answered_without_history() {
	local sn tn tp received
	sn=$(rname src) tn=$(rname tgt)
	repo_create "$sn" >/dev/null
	repo_create "$tn" >/dev/null
	tp=$(repo_path "$tn")
	update_bytes_history "$(repo_path "$sn")" || return
	update_bytes_history "$tp" || return
	printf 'commit refs/heads/main\ncommitter T <t@example.com> 1800000000 +0000\ndata 12\ntarget only\nfrom %s\nM 100644 inline only.txt\ndata 5\nonly\n\n' \
		"$(ref_value "$tn" refs/heads/main)" | git -C "$tp" fast-import --quiet ||
		{ fail "fast-import failed"; return; }
	run_mirror "$sn" "$tn" refs/heads/main
	assert_exit 2
	assert_result not_fast_forward
	assert_log 'source: does not hold [0-9a-f]+, so it is no ancestor of' "the source's answer"
	assert_pack_bytes zero
	received=$(sed -n 's/.*transfer: \([0-9]*\) bytes received from the source.*/\1/p' "$M_LOG")
	[ -n "$received" ] && [ "$received" -lt 4096 ] ||
		fail "$received bytes from the source to learn not_fast_forward over 2.5 MiB of history"
}
t transfer/diverged-target-answered-without-history diverged_answered_without_history

# The source holds T (on another branch) but T is not an ancestor of S. A v2 source is asked what
# T peels to ("want T, have S, done"): the pack's first object, the commit T, says "no" before any
# pack of S (not_fast_forward, nothing relayed), and with O = T the push goes ahead (forced).
# A v0 source is not asked: the pack is relayed with "have T", its commits answer "no", and its
# trailer is held back: the target refuses the truncated pack whole and keeps T.
held_back_on_no() { # BASE OLD|- RESULT EXIT AFTER
	local vars=()
	pair branch D C
	seed_ref "$SN" refs/heads/other "$(c C)"
	[ "$2" = - ] || vars+=(PLUGIN_REFERENCE_SHA_OLD="$(c "$2")")
	MIRROR_BASE=$1 run_mirror "$SN" "$TN" "$REF" "${vars[@]}"
	assert_exit "$4"
	assert_result "$3"
	assert_no_log 'does not hold' "the source's NAK (it holds T)"
	if [ "$1" = "$HTTP_BASE" ]; then
		assert_log 'source: [0-9a-f]+, peeled, is not in the history of' "the peel answer"
	elif [ "$4" != 0 ]; then
		assert_log 'the push was abandoned before the pack.s checksum' "the abandoned push"
	fi
	[ "$1$4" != "${HTTP_BASE}2" ] || assert_pack_bytes zero
	assert_refs "$TN" "$(c "$5") $REF"
	assert_output MIRROR_TARGET_SHA_AFTER "$(c "$5")"
	assert_fsck "$TN"
}
t transfer/source-holds-t-not-ancestor-peeled held_back_on_no "$HTTP_BASE" - not_fast_forward 2 C
t transfer/source-holds-t-not-ancestor-forced held_back_on_no "$HTTP_BASE" C forced 0 D
t transfer/v0-source-holds-t-not-ancestor-held-back held_back_on_no "$HTTP_V0_BASE" - not_fast_forward 2 C
t transfer/v0-source-holds-t-not-ancestor-forced held_back_on_no "$HTTP_V0_BASE" C forced 0 D
