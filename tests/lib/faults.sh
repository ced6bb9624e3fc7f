# shellcheck shell=bash
# The fault cases' harness (tests/integration/cases/97-faults.sh, 05-stalls.sh): a mirror through
# the fault-injecting proxy (proxy.sh) with one rule, and what the target must hold afterwards.
# Source after server.sh and testlib.sh.

# shellcheck source=proxy.sh
. "$(dirname "${BASH_SOURCE[0]}")/proxy.sh"

FETCH='command=fetch[\s\S]*ofs-delta[\s\S]*0009done'  # the v2 fetch of the pack (ofs-delta, done)
PEEL='command=fetch(?![\s\S]*ofs-delta)[\s\S]*0009done' # the v2 fetch that asks what T peels to
NEGOTIATE='command=fetch(?![\s\S]*0009done)' # the v2 fetch round that asks whether the source holds T
PUSH='^POST\s\S*/git-receive-pack\s'   # the push request (no spaces: rules split on them)
SOURCE_ADV='service=git-upload-pack'   # the source's ref advertisement
TARGET_ADV='service=git-receive-pack'  # the target's ref advertisement

# The target holds S after exit 0 and its old value otherwise, the outputs agree (when the run got
# as far as reading the target), fsck is clean.
assert_old_or_new() { # OLD NEW (SHAs; empty = absent)
	local now
	now=$(ref_value "$TN" "$REF")
	if [ "$M_EXIT" = 0 ]; then
		assert_eq "$2" "$now" "the target after exit 0"
	else
		assert_eq "$1" "$now" "the target after exit $M_EXIT"
	fi
	# Empty when the run failed before it read the target.
	[ -z "$(output MIRROR_TARGET_SHA_AFTER)" ] || assert_output MIRROR_TARGET_SHA_AFTER "$now"
	assert_fsck "$TN"
}

# fault EXIT KIND RULE [VAR=VALUE...]: mirrors through the proxy with RULE: a fast-forward of D
# over B (KIND ff: the source is asked whether it holds B and what B peels to, an empty pack,
# then the pack's commits answer the ancestry question on the way), a fast-forward of D over a tag
# object of B (KIND peel: the peel fetch's pack, the tag, answers) or a creation of D (KIND
# create: the pack is only relayed), and wants exit code EXIT with the target consistent with it.
fault() {
	local want=$1 kind=$2 rule=$3 old result
	shift 3
	case $kind in
	ff) pair branch D B; old=$(c B) result=fast_forward ;;
	create) pair branch D -; old= result=created ;;
	peel) # refs/custom/x at a tag object of B on the target (the source holds it too), D on the source
		pair branch D - refs/custom/x
		seed_ref "$TN" "$REF" "$(obj atag B)" && seed_ref "$SN" refs/tags/v1 "$(obj atag B)"
		old=$(obj atag B) result=fast_forward ;;
	esac
	proxy_start "$rule" || return
	MIRROR_BASE=$PROXY_BASE run_mirror "$SN" "$TN" "$REF" PLUGIN_RETRIES=0 "$@"
	assert_exit "$want"
	[ "$want" = 0 ] || result=failed
	assert_result "$result"
	assert_old_or_new "$old" "$(c D)"
	[ "$(proxy_faults)" -gt 0 ] || fail "the fault never fired (rule: $rule)"
}
