# shellcheck shell=bash
# Every setting under its flattened camelCase spelling (sourceURL -> PLUGIN_SOURCEURL) works the
# same as the snake_case one (SPEC 1). run_mirror_raw: only the camelCase variables are set.

camel() { # the base camelCase settings for SN -> TN on REF, then the given ones
	run_mirror_raw PLUGIN_SOURCEURL="$(url_of "$SN")" PLUGIN_TARGETURL="$(url_of "$TN")" \
		PLUGIN_SOURCETOKEN="$TEST_TOKEN" PLUGIN_TARGETTOKEN="$TEST_TOKEN" PLUGIN_REFERENCE="$REF" "$@"
}

camel_create() {
	pair atag D -
	camel
	assert_exit 0
	assert_result created
	assert_refs "$TN" "$(obj atag D) $REF"
	assert_tag_object "$TN" "$REF"
	assert_fsck "$TN"
}
t spelling/camel-urls-and-tokens camel_create

camel_old_forced() {
	pair branch C B
	camel PLUGIN_REFERENCESHAOLD="$(c B)"
	assert_exit 0
	assert_result forced
	assert_refs "$TN" "$(c C) $REF"
	assert_fsck "$TN"
}
t spelling/camel-referenceShaOld camel_old_forced

camel_old_oos() {
	pair branch C B
	camel PLUGIN_REFERENCESHAOLD="$(c A)"
	assert_exit 3
	assert_result out_of_sync
	assert_refs "$TN" "$(c B) $REF"
}
t spelling/camel-referenceShaOld-out-of-sync camel_old_oos

camel_sync_delete() {
	pair branch - B
	camel PLUGIN_SYNCDELETE=true
	assert_exit 0
	assert_result deleted
	assert_refs "$TN"
}
t spelling/camel-syncDelete camel_sync_delete

camel_dry_run() {
	pair branch D B
	camel PLUGIN_DRYRUN=true
	assert_exit 0
	assert_result fast_forward
	assert_refs "$TN" "$(c B) $REF"
	assert_pack_bytes zero
}
t spelling/camel-dryRun camel_dry_run

camel_ca_cert() {
	pair branch D B
	MIRROR_BASE=$HTTPS_BASE camel PLUGIN_CACERT="$TEST_CA"
	assert_exit 0
	assert_result fast_forward
	assert_refs "$TN" "$(c D) $REF"
}
t spelling/camel-caCert camel_ca_cert

camel_usernames() { # a wrong user name under the camelCase spelling is used, so it fails
	pair branch D B
	camel PLUGIN_SOURCEUSERNAME=nobody
	assert_exit 1
	camel PLUGIN_TARGETUSERNAME=nobody
	assert_exit 4
	camel PLUGIN_SOURCEUSERNAME=git PLUGIN_TARGETUSERNAME=git
	assert_exit 0
	assert_refs "$TN" "$(c D) $REF"
}
t spelling/camel-usernames camel_usernames
