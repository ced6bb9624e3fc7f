# shellcheck shell=bash
# refmirror mirrors SHA-1 repositories only: a repository of another object format (SHA-256), on
# either side and in either protocol, ends the run with a one-line error on that side, before any
# fetch or push, and the target keeps its refs.

# sha256_repo NAME [REF]: a fresh bare SHA-256 repository, holding REF=one commit when REF is given.
sha256_repo() {
	local p tree commit
	p=$(repo_path "$1")
	rm -rf "$p"
	if ! git init -q --bare --object-format=sha256 "$p" ||
		! git -C "$p" config http.receivepack true; then
		fail "cannot create the SHA-256 repo $1"
		return 1
	fi
	[ -n "${2:-}" ] || return 0
	if ! tree=$(git -C "$p" mktree </dev/null) ||
		! commit=$(git -C "$p" commit-tree -m one "$tree") ||
		! git -C "$p" update-ref "$2" "$commit"; then
		fail "cannot seed $1 $2"
		return 1
	fi
}

ONLY_SHA1='the repository uses object-format sha256; refmirror mirrors SHA-1 repositories only'

source_sha256() { # BASE: the source speaks protocol v2 (capabilities) or v0 (its first ref line)
	local sn tn ref=refs/heads/main
	sn=$(rname src) tn=$(rname tgt)
	sha256_repo "$sn" "$ref" && seed_repo "$tn" branch B "$ref" || return
	MIRROR_BASE=$1 run_mirror "$sn" "$tn" "$ref"
	assert_exit 1
	assert_log "^refmirror: error: source: $ONLY_SHA1\$" "the source's object-format error"
	assert_refs "$tn" "$(c B) $ref"
}
t object-format/source-sha256-v2 source_sha256 "$HTTP_BASE"
t object-format/source-sha256-v0 source_sha256 "$HTTP_V0_BASE"

target_sha256() { # REF|-: the target is empty (its advertisement names no ref) or holds REF
	local sn tn ref=refs/heads/main before seeded=()
	sn=$(rname src) tn=$(rname tgt)
	[ "$1" = - ] || seeded=("$1")
	seed_repo "$sn" branch D "$ref" && sha256_repo "$tn" "${seeded[@]}" || return
	before=$(ref_value "$tn" "$ref")
	run_mirror "$sn" "$tn" "$ref"
	assert_exit 4
	assert_log "^refmirror: error: target: $ONLY_SHA1\$" "the target's object-format error"
	assert_eq "$before" "$(ref_value "$tn" "$ref")" "the target's $ref"
}
t object-format/target-sha256-empty target_sha256 -
t object-format/target-sha256-with-refs target_sha256 refs/heads/main
