# shellcheck shell=bash
# Ref names at the edges of git check-ref-format: every valid refs/... is mirrored (refs/stash has
# a single component under refs/), and a payload's ref name is taken whole or refused: a NUL
# (\u0000) or another control character is bad input, exit 64 before any request.

# refs/stash is a valid name (git check-ref-format accepts it), so the run reads, decides and
# pushes it; git's receive-pack then refuses it ("funny refname": it wants refs/<kind>/<name>),
# and the run ends with the target's reason, exit 4. A dry run reports what it would do.
ref_names_stash() {
	pair branch B - refs/heads/main
	git -C "$(repo_path "$SN")" update-ref refs/stash "$(c B)" || fail "cannot make refs/stash"
	run_mirror "$SN" "$TN" refs/stash PLUGIN_DRY_RUN=true
	assert_exit 0
	assert_result created
	run_mirror "$SN" "$TN" refs/stash
	assert_exit 4
	assert_result failed
	assert_output MIRROR_SOURCE_SHA "$(c B)"
	assert_log 'funny refname' "the target's reason"
	assert_refs "$TN"
}
t ref-names/stash ref_names_stash

# BODY-REF MESSAGE-REGEX: a GitHub push naming BODY-REF (JSON text) is refused with exit 64, and
# neither side sees a request.
ref_names_bad_payload() {
	local ref=$1 message=$2 before
	pair branch D B refs/heads/main
	before=$(wc -l <"$SERVER_DIR/access.log")
	MIRROR_BASE=$HTTP_X_BASE run_mirror "$SN" "$TN" "" \
		PLUGIN_PAYLOAD="{\"ref\":\"$ref\",\"before\":\"$(c B)\",\"after\":\"$(c D)\",\"deleted\":false}"
	assert_exit 64
	assert_result failed
	assert_log "$message" "the reason"
	assert_refs "$TN" "$(c B) refs/heads/main"
	assert_eq 0 "$(tail -n +"$((before + 1))" "$SERVER_DIR/access.log" | grep -cE "$SN|$TN")" "requests to either side"
}
t ref-names/payload-nul ref_names_bad_payload 'refs/heads/main\u0000x' \
	'payload: a string holds a NUL character \(\\u0000 at byte [0-9]+\)'
t ref-names/payload-control-character ref_names_bad_payload 'refs/heads/ma\u0007in' \
	'is not a valid full ref name'
t ref-names/payload-newline ref_names_bad_payload 'refs/heads/main\nx' \
	'is not a valid full ref name'
