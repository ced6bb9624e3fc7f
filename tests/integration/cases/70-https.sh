# shellcheck shell=bash
# HTTPS with the test CA: ca_cert as a file path or as PEM text; without it, TLS verification
# fails (exit 1 for the source, 4 for the target). Credentials written into URLs.

https_row() { # decision_row over HTTPS, trusting the test CA given as EXTRA (a ca_cert setting)
	MIRROR_BASE=$HTTPS_BASE decision_row "$@"
}
t https/ca-cert-file-create https_row https/ca-cert-file-create branch D - - "ca_cert=$TEST_CA" created 0 D
t https/ca-cert-file-ff https_row https/ca-cert-file-ff branch D B - "ca_cert=$TEST_CA" fast_forward 0 D
t https/ca-cert-file-atag-forced https_row https/ca-cert-file-atag-forced atag B A A "ca_cert=$TEST_CA" forced 0 B
t https/ca-cert-file-delete https_row https/ca-cert-file-delete branch - B - "ca_cert=$TEST_CA sync_delete=true" deleted 0 -

https_pem_text() {
	pair branch D -
	MIRROR_BASE=$HTTPS_BASE run_mirror "$SN" "$TN" "$REF" PLUGIN_CA_CERT="$(cat "$TEST_CA")"
	assert_exit 0
	assert_result created
	assert_refs "$TN" "$(c D) $REF"
	assert_fsck "$TN"
}
t https/ca-cert-pem-text https_pem_text

https_bundle() { # a bundle of several certificates, the test CA among them
	pair branch D B
	cat "$SERVER_DIR/certs/server.pem" "$TEST_CA" >"$TEST_DIR/bundle.pem"
	MIRROR_BASE=$HTTPS_BASE run_mirror "$SN" "$TN" "$REF" PLUGIN_CA_CERT="$TEST_DIR/bundle.pem"
	assert_exit 0
	assert_result fast_forward
}
t https/ca-cert-bundle https_bundle

https_ssl_cert_file() { # the system store can be replaced as OpenSSL's tools allow
	pair branch D B
	MIRROR_BASE=$HTTPS_BASE run_mirror "$SN" "$TN" "$REF" SSL_CERT_FILE="$TEST_CA"
	assert_exit 0
	assert_result fast_forward
	assert_refs "$TN" "$(c D) $REF"
	assert_fsck "$TN"
}
t https/ssl-cert-file-is-the-system-store https_ssl_cert_file

https_no_ca() {
	pair branch D B
	MIRROR_BASE=$HTTPS_BASE run_mirror "$SN" "$TN" "$REF" PLUGIN_RETRIES=0
	assert_exit 1
	assert_result failed
	assert_log 'certificate|tls|ssl|verif' "a TLS verification error"
	assert_refs "$TN" "$(c B) $REF"
}
t https/no-ca-cert-fails-verification https_no_ca

https_no_ca_target() { # the source over HTTP, the target over HTTPS without the CA
	pair branch D B
	run_mirror "$SN" "$HTTPS_BASE/$TN.git" "$REF" PLUGIN_RETRIES=0
	assert_exit 4
	assert_result failed
	assert_log 'certificate|tls|ssl|verif' "a TLS verification error"
	assert_refs "$TN" "$(c B) $REF"
}
t https/no-ca-cert-target-fails-verification https_no_ca_target

https_wrong_ca() {
	pair branch D B
	openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-keyout "$TEST_DIR/other.key" -out "$TEST_DIR/other.pem" -days 2 -subj "/CN=other CA" \
		-addext "basicConstraints=critical,CA:TRUE" 2>/dev/null
	MIRROR_BASE=$HTTPS_BASE run_mirror "$SN" "$TN" "$REF" PLUGIN_CA_CERT="$TEST_DIR/other.pem" PLUGIN_RETRIES=0
	assert_exit 1
	assert_refs "$TN" "$(c B) $REF"
}
t https/other-ca-fails-verification https_wrong_ca

creds_in_url() { # BASE-URL: https://git:TOKEN@localhost:PORT/git/NAME.git, no token settings
	local scheme=${1%%://*} hostpath=${1#*://}
	pair atag D A
	run_mirror "$scheme://git:$TEST_TOKEN@$hostpath/$SN.git" "$scheme://git:$TEST_TOKEN@$hostpath/$TN.git" "$REF" \
		-PLUGIN_SOURCE_TOKEN -PLUGIN_TARGET_TOKEN PLUGIN_CA_CERT="$TEST_CA" \
		PLUGIN_REFERENCE_SHA_OLD="$(obj atag A)"
	assert_exit 0
	assert_result forced
	assert_refs "$TN" "$(obj atag D) $REF"
	assert_tag_object "$TN" "$REF"
	assert_fsck "$TN"
	assert_no_log "$TEST_TOKEN" "the token"
	assert_no_log "git:\*\*\*@|git:@" "credentials in a URL"
}
t https/credentials-in-url creds_in_url "$HTTPS_BASE"
t http/credentials-in-url creds_in_url "$HTTP_BASE"

creds_in_url_wrong() { # a wrong token in the target URL: refused, and not printed
	pair branch D B
	local hostpath=${HTTPS_BASE#https://}
	run_mirror "$SN" "https://git:rmtok-inurl-bad@$hostpath/$TN.git" "$REF" -PLUGIN_TARGET_TOKEN \
		PLUGIN_CA_CERT="$TEST_CA"
	assert_exit 4
	assert_no_log 'rmtok-inurl-bad' "the token"
	assert_refs "$TN" "$(c B) $REF"
}
t https/wrong-credentials-in-url creds_in_url_wrong
register_token rmtok-inurl-bad
