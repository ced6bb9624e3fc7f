# shellcheck shell=bash
# Webhooks that are not pushes (a ping when the webhook is saved, a pull request, ...): nothing to
# mirror. The run ends `skipped`, exit 0, with one line saying what the event was, its outputs
# written, and no request to either side. Bodies: tests/fixtures/webhooks-not-push (hand-written).

NOT_PUSH_FIXTURES=$root/tests/fixtures/webhooks-not-push

# not_push FIXTURE EVENT [VAR=VALUE...]: the body of FIXTURE is read as EVENT ("a GitHub ping event")
not_push() {
	local fixture=$1 event=$2 before
	shift 2
	pair branch D B
	before=$(wc -l <"$SERVER_DIR/access.log")
	MIRROR_BASE=$HTTP_X_BASE run_mirror "$SN" "$TN" "" PLUGIN_PAYLOAD="$(cat "$NOT_PUSH_FIXTURES/$fixture")" "$@"
	assert_exit 0
	assert_result skipped
	assert_output MIRROR_REFERENCE ""
	assert_output MIRROR_RESULTS ""
	assert_output MIRROR_SOURCE_SHA ""
	assert_output MIRROR_DRY_RUN false
	assert_pack_bytes zero
	assert_eq 1 "$(grep -cF "payload: $event, not a push: nothing to mirror" "$M_LOG")" "lines saying what the event was"
	assert_no_log 'error|mirroring' "an error or a mirror"
	assert_log '^refmirror: result: skipped \(exit 0\)$' "the result line"
	assert_refs "$TN" "$(c B) $REF"
	assert_eq 0 "$(tail -n +"$((before + 1))" "$SERVER_DIR/access.log" | grep -cE "$SN|$TN")" "requests to either side"
}
t payload-not-push/github-ping not_push github/ping.json 'a GitHub ping event'
t payload-not-push/github-pull-request not_push github/pull_request_opened.json 'a GitHub/Gitea pull request event'
t payload-not-push/gitlab-merge-request not_push gitlab/merge_request.json 'a GitLab merge_request event'
t payload-not-push/gitea-pull-request not_push gitea/pull_request_opened.json 'a GitHub/Gitea pull request event'
t payload-not-push/bitbucket-cloud-pull-request not_push bitbucket/pullrequest_created.json 'a Bitbucket Cloud pull request event'
t payload-not-push/bitbucket-server-test-connection not_push bitbucket-server/diagnostics_ping.json 'a Bitbucket Data Center test connection (diagnostics:ping) event'
t payload-not-push/bitbucket-server-pull-request not_push bitbucket-server/pr_opened.json 'a Bitbucket Data Center pr:opened event'
t payload-not-push/azure-pull-request not_push azure/pullrequest_created.json 'an Azure DevOps git.pullrequest.created event'
t payload-not-push/harness-pull-request not_push harness/pullreq_created.json 'a Harness Code pullreq_created event'
# An input set that also passes the reference: the event still changed no ref.
t payload-not-push/github-ping-with-reference not_push github/ping.json 'a GitHub ping event' PLUGIN_REFERENCE=refs/heads/main
