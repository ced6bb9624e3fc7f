# shellcheck shell=bash
# The test server itself, checked with the git CLI (no refmirror involved): auth, HTTPS with the
# test CA, protocol v2 on /git and v0 on /git-v0, the update hook, receive.denyDeletes and the
# race injection of /git-x all behave as the other tests assume.

server_v2() {
	local r trace
	r=$(rname r)
	seed_repo "$r" branch B refs/heads/main
	trace=$(GIT_TRACE_PACKET=1 git_auth -c protocol.version=2 ls-remote "$HTTP_BASE/$r.git" 2>&1)
	grep -qE '< version 2$' <<<"$trace" || fail "no 'version 2' from $HTTP_BASE"
	grep -qE '> command=ls-refs$' <<<"$trace" || fail "ls-refs not used on $HTTP_BASE"
	grep -q "${W_COMMIT[B]}"$'\trefs/heads/main' <<<"$trace" || fail "ls-remote did not list main"
	trace=$(GIT_TRACE_PACKET=1 git_auth -c protocol.version=2 ls-remote "$HTTPS_BASE/$r.git" 2>&1)
	grep -qE '< version 2$' <<<"$trace" || fail "no 'version 2' from $HTTPS_BASE"
}
t server/protocol-v2-on-git server_v2

server_v0() {
	local r trace
	r=$(rname r)
	seed_repo "$r" branch B refs/heads/main
	trace=$(GIT_TRACE_PACKET=1 git_auth -c protocol.version=2 ls-remote "$HTTP_V0_BASE/$r.git" 2>&1)
	! grep -q 'version 2' <<<"$trace" || fail "$HTTP_V0_BASE spoke v2"
	grep -qF "< ${W_COMMIT[B]} HEAD\\0" <<<"$trace" || fail "no v0 advertisement from $HTTP_V0_BASE: $trace"
	git_auth clone -q --bare "$HTTP_V0_BASE/$r.git" "$TEST_DIR/clone.git" || fail "clone over v0 failed"
}
t server/protocol-v0-on-git-v0 server_v0

server_auth() {
	local r code
	r=$(rname r)
	seed_repo "$r" branch B refs/heads/main
	code=$(curl -s -o /dev/null -w '%{http_code}' "$HTTP_BASE/$r.git/info/refs?service=git-upload-pack")
	assert_eq 401 "$code" "anonymous fetch"
	code=$(curl -s -o /dev/null -w '%{http_code}' --data-binary '' "$HTTP_V0_BASE/$r.git/git-receive-pack")
	assert_eq 401 "$code" "anonymous push"
	code=$(curl -s -o /dev/null -w '%{http_code}' -u "git:rmtok-wrong" "$HTTP_BASE/$r.git/info/refs?service=git-upload-pack")
	assert_eq 401 "$code" "wrong token"
	code=$(curl -s -o /dev/null -w '%{http_code}' -u "git:$TEST_TOKEN" "$HTTP_BASE/$r.git/info/refs?service=git-receive-pack")
	assert_eq 200 "$code" "receive-pack advertisement with the token"
	code=$(curl -s -o /dev/null -w '%{http_code}' -u "git:$TEST_TOKEN" "$HTTP_BASE/nosuch.git/info/refs?service=git-upload-pack")
	assert_eq 404 "$code" "missing repository"
	! git ls-remote "$HTTP_BASE/$r.git" >/dev/null 2>&1 || fail "git ls-remote without credentials worked"
}
t server/basic-auth-required server_auth

server_https() {
	local r
	r=$(rname r)
	repo_create "$r" >/dev/null
	git -C "$RUN_DIR/world" -c credential.helper= push -q "$HTTPS_BASE/$r.git" "${W_COMMIT[D]}:refs/heads/main" 2>/dev/null &&
		fail "push over HTTPS worked without the test CA or credentials"
	git_auth -C "$RUN_DIR/world" push -q "$HTTPS_BASE/$r.git" "${W_COMMIT[D]}:refs/heads/main" || fail "push over HTTPS failed"
	assert_target_ref "$r" refs/heads/main "${W_COMMIT[D]}"
	assert_fsck "$r"
	git_auth clone -q --bare "$HTTPS_BASE/$r.git" "$TEST_DIR/clone.git" || fail "clone over HTTPS failed"
	assert_eq "${W_COMMIT[D]}" "$(git -C "$TEST_DIR/clone.git" rev-parse refs/heads/main)" "cloned main"
	curl -s -o /dev/null --cacert "$TEST_CA" "https://127.0.0.1:$SERVER_TLS_PORT/" ||
		fail "the server certificate does not cover 127.0.0.1"
	! curl -s -o /dev/null "https://localhost:$SERVER_TLS_PORT/" ||
		fail "the server certificate verified without the test CA"
}
t server/https-push-and-clone server_https

server_hook() {
	local r out
	r=$(rname r)
	seed_repo "$r" branch B refs/heads/main
	repo_protect "$r" refs/heads/main
	out=$(git_auth -C "$RUN_DIR/world" push "$HTTP_BASE/$r.git" "${W_COMMIT[D]}:refs/heads/main" 2>&1) &&
		fail "push to a protected branch worked"
	grep -q 'rmhook: refs/heads/main is a protected branch' <<<"$out" || fail "hook message not relayed: $out"
	git_auth -C "$RUN_DIR/world" push -q "$HTTP_BASE/$r.git" "${W_COMMIT[D]}:refs/heads/other" ||
		fail "push to an unprotected branch failed"
	assert_target_ref "$r" refs/heads/main "${W_COMMIT[B]}"
}
t server/update-hook-refuses server_hook

server_deny_deletes() {
	local r out
	r=$(rname r)
	seed_repo "$r" branch B refs/heads/main
	repo_deny_deletes "$r"
	out=$(git_auth -C "$RUN_DIR/world" push "$HTTP_BASE/$r.git" :refs/heads/main 2>&1) &&
		fail "deletion worked"
	grep -q 'deletion prohibited' <<<"$out" || fail "no 'deletion prohibited': $out"
	assert_target_ref "$r" refs/heads/main "${W_COMMIT[B]}"
}
t server/deny-deletes server_deny_deletes

server_race() {
	local r out
	r=$(rname r)
	seed_repo "$r" branch B refs/heads/main
	seed_ref "$r" refs/keep/c "${W_COMMIT[C]}" # the raced value must be an object the server has
	server_race_next_push "$r" refs/heads/main "${W_COMMIT[C]}"
	out=$(git_auth -C "$RUN_DIR/world" push "$HTTP_X_BASE/$r.git" "${W_COMMIT[D]}:refs/heads/main" 2>&1) &&
		fail "the raced push succeeded: $out"
	assert_target_ref "$r" refs/heads/main "${W_COMMIT[C]}"
	grep -q "^POST /$r.git/git-receive-pack" "$SERVER_REQUEST_LOG" || fail "requests through /git-x were not logged"
	[ ! -e "$(repo_path "$r")/rm-race" ] || fail "the race was not consumed"
}
t server/race-injection server_race
