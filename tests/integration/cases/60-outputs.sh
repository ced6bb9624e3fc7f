# shellcheck shell=bash
# Step outputs (SPEC 3): KEY=value lines appended to DRONE_OUTPUT, "KEY value" when it ends in .out,
# written on failure too, nothing when DRONE_OUTPUT is unset.

OUTPUT_KEYS="MIRROR_RESULT MIRROR_REFERENCE MIRROR_SOURCE_SHA MIRROR_TARGET_SHA_BEFORE MIRROR_TARGET_SHA_AFTER MIRROR_PACK_BYTES MIRROR_DRY_RUN"

outputs_env() {
	local k
	pair branch D B
	printf 'EARLIER_STEP=kept\n' >"$TEST_DIR/outputs.env"
	M_OUT_NAME=outputs.env run_mirror "$SN" "$TN" "$REF"
	assert_exit 0
	for k in $OUTPUT_KEYS; do
		[ "$(grep -c "^$k=" "$M_OUT")" = 1 ] || fail "want one $k= line in the outputs"
	done
	grep -qx 'EARLIER_STEP=kept' "$M_OUT" || fail "the outputs file was not appended to"
	grep -vqE '^[A-Z_]+=' "$M_OUT" && fail "a line is not KEY=value: $(grep -vE '^[A-Z_]+=' "$M_OUT" | head -1)"
	assert_result fast_forward
	assert_output MIRROR_REFERENCE "$REF"
	assert_output MIRROR_SOURCE_SHA "$(c D)"
	assert_output MIRROR_TARGET_SHA_BEFORE "$(c B)"
	assert_output MIRROR_TARGET_SHA_AFTER "$(c D)"
	assert_pack_bytes positive
}
t outputs/env-format outputs_env

outputs_dot_out() {
	local k
	pair branch D -
	M_OUT_NAME=outputs.out run_mirror "$SN" "$TN" "$REF"
	assert_exit 0
	for k in $OUTPUT_KEYS; do
		grep -qE "^$k( |\$)" "$M_OUT" || fail "no '$k value' line in the .out file"
	done
	grep -q '^MIRROR_[A-Z_]*=' "$M_OUT" && fail "KEY=value lines in a .out file"
	assert_result created
	assert_output MIRROR_SOURCE_SHA "$(c D)"
	assert_output MIRROR_TARGET_SHA_BEFORE ""
	assert_output MIRROR_TARGET_SHA_AFTER "$(c D)"
	assert_pack_bytes positive
}
t outputs/dot-out-format outputs_dot_out

outputs_on_failure() {
	pair branch D B
	run_mirror "$SN" "$TN" "$REF" PLUGIN_TARGET_TOKEN=rmtok-bad
	assert_exit 4
	assert_result failed
	assert_output MIRROR_REFERENCE "$REF"
	assert_output MIRROR_TARGET_SHA_AFTER "$(output MIRROR_TARGET_SHA_BEFORE)"
	M_OUT_NAME=failed.out run_mirror "$SN" "$TN" "$REF" PLUGIN_SOURCE_TOKEN=rmtok-bad
	assert_exit 1
	assert_result failed
}
t outputs/written-on-failure outputs_on_failure
register_token rmtok-bad

outputs_unset() {
	pair branch D B
	run_mirror "$SN" "$TN" "$REF" -DRONE_OUTPUT
	assert_exit 0
	[ ! -e "$M_OUT" ] || fail "outputs written without DRONE_OUTPUT"
	assert_refs "$TN" "$(c D) $REF"
}
t outputs/none-without-DRONE_OUTPUT outputs_unset

outputs_log() { # the log says what was decided and why, in short lines without carriage returns
	pair branch C B
	run_mirror "$SN" "$TN" "$REF"
	assert_exit 2
	assert_log 'not_fast_forward' "the decision"
	grep -q $'\r' "$M_LOG" && fail "carriage returns in the log"
	awk 'length > 300 { exit 1 }' "$M_LOG" || fail "a log line longer than 300 characters"
}
t outputs/log-lines outputs_log
