# shellcheck shell=bash
# Bad settings (SPEC 1): exit 64 before any network traffic, one line naming the setting, the
# outputs say "failed", nothing pushed. Each run starts from a valid mirror (D over B, which would
# fast-forward) through the request-logging path /git-x, and breaks one thing.

bad_setting() { # SETTING-REGEX VAR=VALUE|-VAR...
	local want=$1 n lines
	shift
	pair branch D B
	n=$(server_requests)
	MIRROR_BASE=$HTTP_X_BASE run_mirror "$SN" "$TN" "$REF" "$@"
	assert_exit 64
	assert_result failed
	assert_eq "$n" "$(server_requests)" "requests to the server (bad settings stop the run before any)"
	assert_refs "$TN" "$(c B) $REF"
	lines=$(grep -ciE 'error' "$M_LOG")
	assert_eq 1 "$lines" "log lines saying error"
	grep -iE 'error' "$M_LOG" | grep -qiE "$want" || fail "the error line does not name the setting (/$want/)"
}

t settings/missing-source_url bad_setting 'source_?url' -PLUGIN_SOURCE_URL
t settings/missing-target_url bad_setting 'target_?url' -PLUGIN_TARGET_URL
t settings/empty-source_url bad_setting 'source_?url' PLUGIN_SOURCE_URL=
t settings/missing-reference bad_setting 'reference' -PLUGIN_REFERENCE
t settings/ftp-scheme bad_setting 'source_?url' PLUGIN_SOURCE_URL=ftp://127.0.0.1/git/x.git
t settings/ftp-scheme-target bad_setting 'target_?url' PLUGIN_TARGET_URL=ftp://127.0.0.1/git/x.git
t settings/ssh-scheme bad_setting 'source_?url' PLUGIN_SOURCE_URL=ssh://git@127.0.0.1/x.git
t settings/url-without-scheme bad_setting 'target_?url' PLUGIN_TARGET_URL=127.0.0.1/git/x.git
t settings/short-ref bad_setting 'reference' PLUGIN_REFERENCE=main
t settings/invalid-ref-dotdot bad_setting 'reference' PLUGIN_REFERENCE=refs/heads/a..b
t settings/invalid-ref-lock bad_setting 'reference' PLUGIN_REFERENCE=refs/heads/x.lock
t settings/invalid-ref-space bad_setting 'reference' 'PLUGIN_REFERENCE=refs/heads/a b'
t settings/invalid-ref-trailing-slash bad_setting 'reference' PLUGIN_REFERENCE=refs/heads/x/
t settings/invalid-ref-HEAD bad_setting 'reference' PLUGIN_REFERENCE=HEAD
t settings/old-sha-abc bad_setting 'reference_?sha_?old' PLUGIN_REFERENCE_SHA_OLD=abc
t settings/old-sha-41-hex bad_setting 'reference_?sha_?old' PLUGIN_REFERENCE_SHA_OLD=${RM_ZERO}1
t settings/old-sha-not-hex bad_setting 'reference_?sha_?old' PLUGIN_REFERENCE_SHA_OLD=zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz
t settings/bool-yes-sync_delete bad_setting 'sync_?delete' PLUGIN_SYNC_DELETE=yes
t settings/bool-yes-dry_run bad_setting 'dry_?run' PLUGIN_DRY_RUN=yes
t settings/bool-1-dry_run bad_setting 'dry_?run' PLUGIN_DRY_RUN=1
t settings/no-target-token bad_setting 'target_?token' -PLUGIN_TARGET_TOKEN

# Both spellings set, and different.
t settings/both-differ-source_url bad_setting 'source_?url' PLUGIN_SOURCEURL="$HTTP_X_BASE/other.git"
t settings/both-differ-target_url bad_setting 'target_?url' PLUGIN_TARGETURL="$HTTP_X_BASE/other.git"
t settings/both-differ-source_token bad_setting 'source_?token' PLUGIN_SOURCETOKEN=rmtok-other
t settings/both-differ-target_token bad_setting 'target_?token' PLUGIN_TARGETTOKEN=rmtok-other
t settings/both-differ-source_username bad_setting 'source_?username' PLUGIN_SOURCE_USERNAME=git PLUGIN_SOURCEUSERNAME=other
t settings/both-differ-target_username bad_setting 'target_?username' PLUGIN_TARGET_USERNAME=git PLUGIN_TARGETUSERNAME=other
t settings/both-differ-reference_sha_old bad_setting 'reference_?sha_?old' PLUGIN_REFERENCE_SHA_OLD="$(c B)" PLUGIN_REFERENCESHAOLD="$(c A)"
t settings/both-differ-sync_delete bad_setting 'sync_?delete' PLUGIN_SYNC_DELETE=true PLUGIN_SYNCDELETE=false
t settings/both-differ-dry_run bad_setting 'dry_?run' PLUGIN_DRY_RUN=false PLUGIN_DRYRUN=true
t settings/both-differ-ca_cert bad_setting 'ca_?cert' PLUGIN_CA_CERT="$TEST_CA" PLUGIN_CACERT="$SERVER_DIR/certs/server.pem"
register_token rmtok-other

settings_both_same() { # every setting under both spellings, with the same values: works
	pair branch D B
	run_mirror "$SN" "$TN" "$REF" \
		PLUGIN_SOURCEURL="$(url_of "$SN")" PLUGIN_TARGETURL="$(url_of "$TN")" \
		PLUGIN_SOURCETOKEN="$TEST_TOKEN" PLUGIN_TARGETTOKEN="$TEST_TOKEN" \
		PLUGIN_SOURCE_USERNAME=git PLUGIN_SOURCEUSERNAME=git \
		PLUGIN_TARGET_USERNAME=git PLUGIN_TARGETUSERNAME=git \
		PLUGIN_REFERENCE_SHA_OLD="$(c B)" PLUGIN_REFERENCESHAOLD="$(c B)" \
		PLUGIN_SYNC_DELETE=true PLUGIN_SYNCDELETE=true \
		PLUGIN_DRY_RUN=false PLUGIN_DRYRUN=false \
		PLUGIN_CA_CERT="$TEST_CA" PLUGIN_CACERT="$TEST_CA"
	assert_exit 0
	assert_result fast_forward
	assert_refs "$TN" "$(c D) $REF"
}
t settings/both-spellings-same-value settings_both_same
