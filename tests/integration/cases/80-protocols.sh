# shellcheck shell=bash
# The same decisions with servers that speak only protocol v0 (/git-v0: the Git-Protocol header
# is hidden from git http-backend), as the source, the target, or both.

v0_row() { MIRROR_BASE=$HTTP_V0_BASE decision_row "$@"; }
t v0/branch/create v0_row v0/branch/create branch D - - - created 0 D
t v0/branch/ff v0_row v0/branch/ff branch D B - - fast_forward 0 D
t v0/branch/nff v0_row v0/branch/nff branch C B - - not_fast_forward 2 B
t v0/branch/forced v0_row v0/branch/forced branch C B B - forced 0 C
t v0/branch/oos v0_row v0/branch/oos branch C B zero - out_of_sync 3 B
t v0/branch/delete v0_row v0/branch/delete branch - B B sync_delete=true deleted 0 -
t v0/branch/skipped v0_row v0/branch/skipped branch - B - - skipped 0 B
t v0/branch/unchanged v0_row v0/branch/unchanged branch B B - - unchanged 0 B
t v0/atag/create v0_row v0/atag/create atag C - - - created 0 C
t v0/atag/moved-no-old v0_row v0/atag/moved-no-old atag B A - - not_fast_forward 2 A
t v0/tag/forced v0_row v0/tag/forced tag D B B - forced 0 D

mixed() { # SRC-BASE TGT-BASE: a v0 source and a v2 target, and the reverse
	pair branch D B
	run_mirror "$1/$SN.git" "$2/$TN.git" "$REF"
	assert_exit 0
	assert_result fast_forward
	assert_refs "$TN" "$(c D) $REF"
	assert_fsck "$TN"
}
t v0/source-v0-target-v2 mixed "$HTTP_V0_BASE" "$HTTP_BASE"
t v0/source-v2-target-v0 mixed "$HTTP_BASE" "$HTTP_V0_BASE"

v0_https() {
	pair atag D -
	MIRROR_BASE=$HTTPS_V0_BASE run_mirror "$SN" "$TN" "$REF" PLUGIN_CA_CERT="$TEST_CA"
	assert_exit 0
	assert_result created
	assert_tag_object "$TN" "$REF"
	assert_refs "$TN" "$(obj atag D) $REF"
}
t v0/https-atag-create v0_https
