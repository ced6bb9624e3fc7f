#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "payload.h"

#define FIXTURES "tests/fixtures/webhooks"
#define NOT_PUSH_FIXTURES "tests/fixtures/webhooks-not-push" /* hand-written */
#define NONE ""						     /* absent */
#define OID_A "1111111111111111111111111111111111111111"
#define OID_B "2222222222222222222222222222222222222222"
#define MAX_CHANGES 3

/* A change as the tests expect it: SHAs as hex, "" for absent. */
typedef struct change {
	const char *ref, *old_sha, *new_sha;
} change;

/* A body and what it must yield: MAX_CHANGES changes, or fewer ending at a NULL ref. */
typedef struct good_row {
	const char *name; /* a fixture's path under FIXTURES, or a name for an inline body */
	const char *body; /* NULL: read the fixture */
	const char *provider;
	change changes[MAX_CHANGES];
} good_row;

/* Every fixture file, each with the changes it yields. */
/* clang-format off */
static const good_row fixtures[] = {
	{"harness/branch_create.json", NULL, "Harness Code",
	 {{"refs/heads/new2", RM_ZERO_OID, "aeafa0e2e4ec6909ad75cb8fad57c0b1eb5986e6"}}},
	{"harness/branch_delete.json", NULL, "Harness Code",
	 {{"refs/heads/das", "0f1835abe08473e07863540712d8389984b72dad", RM_ZERO_OID}}},
	{"harness/branch_updated.json", NULL, "Harness Code",
	 {{"refs/heads/master", "a273c385628167932e10caaa58e12550c491f241",
	   "92e21bfcddc1418079cddbb518ad6fd72917798a"}}},
	{"harness/tag_create.json", NULL, "Harness Code",
	 {{"refs/tags/asd", RM_ZERO_OID, "3e4da2d65c3631c3e84b52fabe714c978aff540b"}}},
	{"harness/tag_delete.json", NULL, "Harness Code",
	 {{"refs/tags/asd", "3e4da2d65c3631c3e84b52fabe714c978aff540b", RM_ZERO_OID}}},

	{"github/push.json", NULL, "GitHub",
	 {{"refs/heads/master", "a10867b14bb761a232cd80139fbd4c0d33264240",
	   "199eddf46df50de8d02e99bf1c5fdb4101338224"}}},
	{"github/push_branch_create.json", NULL, "GitHub",
	 {{"refs/heads/feature-branch", RM_ZERO_OID, "d2b75aa7797ec26b088fa2dd527e9d2c052fcedd"}}},
	{"github/push_branch_delete.json", NULL, "GitHub",
	 {{"refs/heads/feature-branch", "d2b75aa7797ec26b088fa2dd527e9d2c052fcedd", RM_ZERO_OID}}},
	{"github/push_tag_delete.json", NULL, "GitHub",
	 {{"refs/tags/v0.0.1", "d2b75aa7797ec26b088fa2dd527e9d2c052fcedd", RM_ZERO_OID}}},
	{"github/branch_create.json", NULL, "GitHub/Gitea", {{"refs/heads/feature-branch", NONE, NONE}}},
	{"github/branch_delete.json", NULL, "GitHub/Gitea", {{"refs/heads/feature-branch", NONE, NONE}}},
	{"github/tag_create.json", NULL, "GitHub/Gitea", {{"refs/tags/v0.0.1", NONE, NONE}}},
	{"github/tag_delete.json", NULL, "GitHub/Gitea", {{"refs/tags/v0.0.1", NONE, NONE}}},

	{"gitlab/push.json", NULL, "GitLab",
	 {{"refs/heads/master", "9217710ce8c7e1eae7a5d1c45f6e43e1c769f866",
	   "2adc9465c4edfc33834e173fe89436a7cb899a1d"}}},
	{"gitlab/push_merge.json", NULL, "GitLab",
	 {{"refs/heads/master", "2adc9465c4edfc33834e173fe89436a7cb899a1d",
	   "78a76ee6b4992a6baf64c59fc4c44c7323d60438"}}},
	{"gitlab/branch_create.json", NULL, "GitLab",
	 {{"refs/heads/feature", RM_ZERO_OID, "c4c79227ed610f1151f05bbc5be33b4f340d39c8"}}},
	{"gitlab/branch_delete.json", NULL, "GitLab",
	 {{"refs/heads/feature", "c4c79227ed610f1151f05bbc5be33b4f340d39c8", RM_ZERO_OID}}},
	{"gitlab/tag_create.json", NULL, "GitLab",
	 {{"refs/tags/v1.0.0", RM_ZERO_OID, "2adc9465c4edfc33834e173fe89436a7cb899a1d"}}},
	{"gitlab/tag_delete.json", NULL, "GitLab",
	 {{"refs/tags/v1.0.0", "2adc9465c4edfc33834e173fe89436a7cb899a1d", RM_ZERO_OID}}},

	{"gitea/push.json", NULL, "Gitea",
	 {{"refs/heads/master", "9836a96a253cce25d17988fcf41b8c4205cf779f",
	   "4522cbcefc20728a5b72b3a86af35e608622c514"}}},
	{"gitea/branch_create.json", NULL, "GitHub/Gitea", {{"refs/heads/feature", NONE, NONE}}},
	{"gitea/branch_delete.json", NULL, "GitHub/Gitea", {{"refs/heads/feature", NONE, NONE}}},
	{"gitea/tag_delete.json", NULL, "GitHub/Gitea", {{"refs/tags/v1.0.0", NONE, NONE}}},
	{"gogs/branch_create.json", NULL, "GitHub/Gitea", {{"refs/heads/feature", NONE, NONE}}},
	{"gogs/branch_delete.json", NULL, "GitHub/Gitea", {{"refs/heads/feature", NONE, NONE}}},
	{"gogs/tag_create.json", NULL, "GitHub/Gitea", {{"refs/tags/v1.0.0", NONE, NONE}}},
	{"gogs/tag_delete.json", NULL, "GitHub/Gitea", {{"refs/tags/v1.0.0", NONE, NONE}}},

	{"bitbucket/push.json", NULL, "Bitbucket Cloud",
	 {{"refs/heads/master", "40e7580cf11311d84a6e5e97e2cbba6df1675750",
	   "141977fedf5cf35aa290ac87d4b5177ac4cd9de1"}}},
	{"bitbucket/push_branch_create.json", NULL, "Bitbucket Cloud",
	 {{"refs/heads/develop", RM_ZERO_OID, "141977fedf5cf35aa290ac87d4b5177ac4cd9de1"}}},
	{"bitbucket/push_branch_delete.json", NULL, "Bitbucket Cloud",
	 {{"refs/heads/develop", "141977fedf5cf35aa290ac87d4b5177ac4cd9de1", RM_ZERO_OID}}},
	{"bitbucket/push_tag_delete.json", NULL, "Bitbucket Cloud",
	 {{"refs/tags/feature/x", "141977fedf5cf35aa290ac87d4b5177ac4cd9de1", RM_ZERO_OID}}},

	{"bitbucket-server/push.json", NULL, "Bitbucket Data Center",
	 {{"refs/heads/master", "5c64a07cd6c0f21b753bf261ef059c7e7633c50a",
	   "823b2230a56056231c9425d63758fa87078a66b4"}}},
	{"bitbucket-server/push_branch_create.json", NULL, "Bitbucket Data Center",
	 {{"refs/heads/develop", RM_ZERO_OID, "208b0a5c05eddadad01f2aed8802fe0c3b3eaf5e"}}},
	{"bitbucket-server/push_branch_delete.json", NULL, "Bitbucket Data Center",
	 {{"refs/heads/develop", "208b0a5c05eddadad01f2aed8802fe0c3b3eaf5e", RM_ZERO_OID}}},
	{"bitbucket-server/push_tag_create.json", NULL, "Bitbucket Data Center",
	 {{"refs/tags/v1.1.0", RM_ZERO_OID, "823b2230a56056231c9425d63758fa87078a66b4"}}},
	{"bitbucket-server/push_tag_delete.json", NULL, "Bitbucket Data Center",
	 {{"refs/tags/v1.1.0", "823b2230a56056231c9425d63758fa87078a66b4", RM_ZERO_OID}}},

	{"azure/push.json", NULL, "Azure DevOps",
	 {{"refs/heads/master", "aad331d8d3b131fa9ae03cf5e53965b51942618a",
	   "33b55f7cb7e7e245323987634f960cf4a6e6bc74"}}},
};

/* What the fixtures don't show: several changes, odd but valid values. */
static const good_row bodies[] = {
	{"azure, two updates in order",
	 "{\"resource\":{\"refUpdates\":["
	 "{\"name\":\"refs/heads/a\",\"oldObjectId\":\"" OID_A "\",\"newObjectId\":\"" OID_B "\"},"
	 "{\"name\":\"refs/tags/t\",\"oldObjectId\":\"" RM_ZERO_OID "\",\"newObjectId\":\"" OID_A "\"}]}}",
	 "Azure DevOps",
	 {{"refs/heads/a", OID_A, OID_B}, {"refs/tags/t", RM_ZERO_OID, OID_A}}},
	{"bitbucket cloud, branch and tag, old missing rather than null",
	 "{\"push\":{\"changes\":["
	 "{\"new\":{\"name\":\"main\",\"type\":\"branch\",\"target\":{\"hash\":\"" OID_B "\"}}},"
	 "{\"old\":{\"name\":\"v1\",\"type\":\"tag\",\"target\":{\"hash\":\"" OID_A "\"}},"
	 "\"new\":null}]}}",
	 "Bitbucket Cloud",
	 {{"refs/heads/main", NONE, OID_B}, {"refs/tags/v1", OID_A, RM_ZERO_OID}}},
	{"bitbucket data center, ref.id without refId",
	 "{\"changes\":[{\"ref\":{\"id\":\"refs/heads/x\"},\"fromHash\":\"" OID_A "\","
	 "\"toHash\":\"" OID_B "\"}]}",
	 "Bitbucket Data Center", {{"refs/heads/x", OID_A, OID_B}}},
	{"upper-case SHAs are lowercased",
	 "{\"object_kind\":\"push\",\"ref\":\"refs/heads/m\","
	 "\"before\":\"ABCDEFABCDEFABCDEFABCDEFABCDEFABCDEFABCD\","
	 "\"after\":\"0123456789ABCDEF0123456789ABCDEF01234567\"}",
	 "GitLab",
	 {{"refs/heads/m", "abcdefabcdefabcdefabcdefabcdefabcdefabcd",
	   "0123456789abcdef0123456789abcdef01234567"}}},
	{"github deleted without after",
	 "{\"ref\":\"refs/heads/m\",\"before\":\"" OID_A "\",\"after\":null,\"deleted\":true}",
	 "GitHub", {{"refs/heads/m", OID_A, RM_ZERO_OID}}},
	{"github deleted wins over after",
	 "{\"ref\":\"refs/heads/m\",\"before\":\"" OID_A "\",\"after\":\"" OID_B "\","
	 "\"deleted\":true}",
	 "GitHub", {{"refs/heads/m", OID_A, RM_ZERO_OID}}},
	{"null before and after are absent",
	 "{\"ref\":\"refs/heads/m\",\"before\":null,\"after\":null}",
	 "Gitea", {{"refs/heads/m", NONE, NONE}}},
	{"create event with a full name keeps it",
	 "{\"ref\":\"refs/heads/m\",\"ref_type\":\"branch\"}",
	 "GitHub/Gitea", {{"refs/heads/m", NONE, NONE}}},
	{"white space around the value, brackets inside strings don't nest",
	 " \r\n\t{\"object_kind\":\"push\",\"ref\":\"refs/heads/[[[[\",\"before\":null,"
	 "\"after\":null,\"message\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	 "[[[[[[[[[[[[[[[[[[\\\"[[[[\"}\n",
	 "GitLab", {{"refs/heads/[[[[", NONE, NONE}}},
};

/* A known event that is not a push: no change, and what it was. */
typedef struct not_push_row {
	const char *name;  /* a fixture's path under NOT_PUSH_FIXTURES, or a name for an inline body */
	const char *body;  /* NULL: read the fixture */
	const char *event; /* the description it must yield */
} not_push_row;

#define LONG_NAME "a_kind_of_event_whose_name_is_longer_than_48_characters"

static const not_push_row not_pushes[] = {
	{"github/ping.json", NULL, "a GitHub ping event"},
	{"github/pull_request_opened.json", NULL, "a GitHub/Gitea pull request event"},
	{"gitlab/merge_request.json", NULL, "a GitLab merge_request event"},
	{"gitea/pull_request_opened.json", NULL, "a GitHub/Gitea pull request event"},
	{"bitbucket/pullrequest_created.json", NULL, "a Bitbucket Cloud pull request event"},
	{"bitbucket-server/diagnostics_ping.json", NULL,
	 "a Bitbucket Data Center test connection (diagnostics:ping) event"},
	{"bitbucket-server/pr_opened.json", NULL, "a Bitbucket Data Center pr:opened event"},
	{"azure/pullrequest_created.json", NULL, "an Azure DevOps git.pullrequest.created event"},
	{"harness/pullreq_created.json", NULL, "a Harness Code pullreq_created event"},
};

static const not_push_row not_push_bodies[] = {
	{"gitlab merge request naming a ref", "{\"object_kind\":\"merge_request\",\"ref\":\"refs/heads/m\"}",
	 "a GitLab merge_request event"},
	{"gitlab pipeline", "{\"object_kind\":\"pipeline\"}", "a GitLab pipeline event"},
	{"harness pull request naming a ref", "{\"trigger\":\"pullreq_branch_updated\",\"ref\":"
	 "{\"name\":\"refs/heads/m\"},\"sha\":\"" OID_A "\"}",
	 "a Harness Code pullreq_branch_updated event"},
	{"bitbucket data center ping by its key", "{\"eventKey\":\"diagnostics:ping\"}",
	 "a Bitbucket Data Center diagnostics:ping event"},
	{"a name with a newline is not printed", "{\"object_kind\":\"merge\\nrequest\"}",
	 "a GitLab non-push event"},
	{"a name too long is not printed", "{\"eventType\":\"" LONG_NAME "\"}",
	 "an Azure DevOps non-push event"},
};

/* A body that must be refused with exit code 64 and this message. */
typedef struct bad_row {
	const char *name;
	const char *body;
	const char *message;
} bad_row;

#define UNKNOWN                                                                                    \
	"payload: not a push event of a known provider (expected Harness Code, GitHub, GitLab, "  \
	"Gitea/Forgejo/Gogs, Bitbucket Cloud, Bitbucket Data Center or Azure DevOps)"

static const bad_row bad_bodies[] = {
	{"empty", "", "payload: not JSON (empty)"},
	{"white space", " \n\t ", "payload: not JSON (empty)"},
	{"not JSON", "ref=refs/heads/main", "payload: not JSON (syntax error at byte 0)"},
	{"cut short", "{\"ref\": \"refs/he", "payload: not JSON (syntax error at byte 9)"},
	{"text after the value", "{\"ref\":\"x\"} {}", "payload: not JSON (text after the value at byte 12)"},
	{"JSON array", "[{\"ref\":\"refs/heads/m\",\"before\":null,\"after\":null}]", UNKNOWN},
	{"JSON string", "\"refs/heads/main\"", UNKNOWN},
	{"unknown object", "{\"action\":\"opened\",\"widget\":{}}", UNKNOWN},
	{"pull_request without an action", "{\"pull_request\":{}}", UNKNOWN},
	{"zen without hook_id", "{\"zen\":\"Keep it logically awesome.\"}", UNKNOWN},
	{"bitbucket test with more keys", "{\"test\":true,\"ref\":\"refs/heads/m\"}", UNKNOWN},
	{"azure push without refUpdates", "{\"eventType\":\"git.push\",\"resource\":{}}", UNKNOWN},
	{"bitbucket refs_changed without changes", "{\"eventKey\":\"repo:refs_changed\"}", UNKNOWN},
	{"harness branch trigger without ref", "{\"trigger\":\"branch_updated\",\"sha\":\"" OID_A "\"}",
	 UNKNOWN},
	{"github repository create", "{\"ref\":null,\"ref_type\":\"repository\"}", UNKNOWN},
	{"ref without SHAs", "{\"ref\":\"refs/heads/m\"}", UNKNOWN},
	{"short SHA", "{\"ref\":\"refs/heads/m\",\"before\":\"abc\",\"after\":null,\"deleted\":false}",
	 "payload: GitHub: bad SHA in before"},
	{"SHA not hex", "{\"ref\":\"refs/heads/m\",\"before\":null,\"after\":"
	 "\"g111111111111111111111111111111111111111\"}", "payload: Gitea: bad SHA in after"},
	{"SHA a number", "{\"trigger\":\"tag_created\",\"ref\":{\"name\":\"refs/tags/t\"},\"sha\":1}",
	 "payload: Harness Code: bad SHA in sha"},
	{"SHA too long", "{\"changes\":[{\"refId\":\"refs/heads/m\",\"fromHash\":\"" OID_A "0\"}]}",
	 "payload: Bitbucket Data Center: bad SHA in fromHash"},
	{"SHA with a NUL", "{\"resource\":{\"refUpdates\":[{\"name\":\"refs/heads/m\","
	 "\"newObjectId\":\"111111111111111111111111111111111111111\\u0000\"}]}}",
	 "payload: a string holds a NUL character (\\u0000 at byte 104)"},
	{"ref with a NUL", "{\"ref\":\"refs/heads/main\\u0000x\",\"before\":null,\"after\":null}",
	 "payload: a string holds a NUL character (\\u0000 at byte 23)"},
	{"bitbucket hash", "{\"push\":{\"changes\":[{\"old\":null,\"new\":{\"name\":\"m\","
	 "\"type\":\"branch\",\"target\":{\"hash\":\"zz\"}}}]}}",
	 "payload: Bitbucket Cloud: bad SHA in new.target.hash"},
	{"missing ref", "{\"resource\":{\"refUpdates\":[{\"oldObjectId\":\"" OID_A "\"}]}}",
	 "payload: Azure DevOps: a change has no ref name"},
	{"empty ref", "{\"object_kind\":\"tag_push\",\"ref\":\"\",\"before\":null,\"after\":null}",
	 "payload: GitLab: a change has no ref name"},
	{"harness ref without name", "{\"trigger\":\"branch_created\",\"ref\":{}}",
	 "payload: Harness Code: a change has no ref name"},
	{"bitbucket old and new null", "{\"push\":{\"changes\":[{\"old\":null,\"new\":null}]}}",
	 "payload: Bitbucket Cloud: a change has no ref name"},
	{"change not an object", "{\"changes\":[1]}",
	 "payload: Bitbucket Data Center: a change has no ref name"},
	{"short name where a full one is due", "{\"ref\":\"main\",\"before\":null,\"after\":null}",
	 "payload: Gitea: a ref name is neither full (refs/...) nor of type branch or tag"},
	{"unknown ref type", "{\"push\":{\"changes\":[{\"new\":{\"name\":\"m\",\"type\":\"bookmark\"}}]}}",
	 "payload: Bitbucket Cloud: a ref name is neither full (refs/...) nor of type branch or tag"},
	{"no changes", "{\"resource\":{\"refUpdates\":[]}}", "payload: Azure DevOps: no ref changes"},
	{"65 levels: the object and 64 arrays, not the string's",
	 "{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\",\"b\":"
	 "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
	 "payload: nested deeper than 64 levels"},
};
/* clang-format on */

/* --- Helpers --- */

/* The whole file in a buffer of exactly its size, without a terminating NUL: the parser must
 * stay within the length it is given. */
static char *read_fixture(const char *dir, const char *name, size_t *len)
{
	char path[512];
	FILE *f;
	char *buf;
	long size;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("%s: can't open (tests run from the repository root)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > 0);
	rewind(f);
	buf = malloc((size_t)size);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	*len = (size_t)size;
	return buf;
}

/* Parses the body and fails the test unless it yields exactly the row's changes. */
static void check_good(const good_row *r, const char *body, size_t len)
{
	rm_payload p;
	rm_error err = {0};
	size_t n = 0;

	if (rm_payload_parse(&p, body, len, &err) != 0)
		fail_msg("%s: refused: %s", r->name, err.msg);
	assert_false(rm_error_is_set(&err));
	assert_string_equal(p.provider, r->provider);
	while (n < MAX_CHANGES && r->changes[n].ref)
		n++;
	if (p.nchanges != n)
		fail_msg("%s: %zu changes, expected %zu", r->name, p.nchanges, n);
	for (size_t i = 0; i < n; i++) {
		const change *want = &r->changes[i];
		const rm_ref_change *got = &p.changes[i];

		if (strcmp(got->ref, want->ref) != 0 ||
		    strcmp(got->old_sha.hex, want->old_sha) != 0 ||
		    strcmp(got->new_sha.hex, want->new_sha) != 0)
			fail_msg("%s: change %zu is %s '%s' -> '%s', expected %s '%s' -> '%s'",
				 r->name, i, got->ref, got->old_sha.hex, got->new_sha.hex,
				 want->ref, want->old_sha, want->new_sha);
	}
	rm_payload_free(&p);
	assert_int_equal(p.nchanges, 0);
	assert_null(p.changes);
}

/* Parses the body and fails the test unless it is refused with exactly this message, leaving
 * nothing to free. */
static void check_bad(const char *name, const char *body, size_t len, const char *message)
{
	rm_payload p;
	rm_error err = {0};

	if (rm_payload_parse(&p, body, len, &err) != -1)
		fail_msg("%s: accepted", name);
	if (rm_exit_code_for(&err) != RM_EXIT_USAGE || strcmp(err.msg, message) != 0)
		fail_msg("%s: exit %d \"%s\", expected 64 \"%s\"", name, rm_exit_code_for(&err),
			 err.msg, message);
	assert_null(p.provider);
	assert_null(p.changes);
	assert_int_equal(p.nchanges, 0);
	rm_payload_free(&p);
}

/* --- Tests --- */

static void test_fixtures(void **state)
{
	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(fixtures); i++) {
		size_t len;
		char *body = read_fixture(FIXTURES, fixtures[i].name, &len);

		check_good(&fixtures[i], body, len);
		free(body);
	}
}

static bool has_fixture_row(const char *name)
{
	for (size_t i = 0; i < RM_ARRAY_SIZE(fixtures); i++)
		if (strcmp(fixtures[i].name, name) == 0)
			return true;
	return false;
}

static bool has_not_push_row(const char *name)
{
	for (size_t i = 0; i < RM_ARRAY_SIZE(not_pushes); i++)
		if (strcmp(not_pushes[i].name, name) == 0)
			return true;
	return false;
}

/* A file of `dir`/<provider>/ added without a row in its table fails here; `rows`: the table's
 * length. */
static void check_every_file_has_a_row(const char *top_dir, bool (*has_row)(const char *),
				       size_t rows)
{
	DIR *top = opendir(top_dir);
	struct dirent *provider;
	size_t seen = 0;

	assert_non_null(top);
	while ((provider = readdir(top))) {
		char path[512];
		DIR *dir;
		struct dirent *file;

		snprintf(path, sizeof(path), "%s/%s", top_dir, provider->d_name);
		if (provider->d_name[0] == '.' || !(dir = opendir(path)))
			continue;
		while ((file = readdir(dir))) {
			char name[512];

			if (!strstr(file->d_name, ".json"))
				continue;
			snprintf(name, sizeof(name), "%s/%s", provider->d_name, file->d_name);
			if (!has_row(name))
				fail_msg("%s/%s has no row in its table", top_dir, name);
			seen++;
		}
		closedir(dir);
	}
	closedir(top);
	assert_int_equal(seen, rows);
}

static void test_every_fixture_has_a_row(void **state)
{
	(void)state;
	check_every_file_has_a_row(FIXTURES, has_fixture_row, RM_ARRAY_SIZE(fixtures));
	check_every_file_has_a_row(NOT_PUSH_FIXTURES, has_not_push_row, RM_ARRAY_SIZE(not_pushes));
}

/* Parses the body and fails the test unless it is read as the row's event that is not a push:
 * success, no change, nothing to free. */
static void check_not_push(const not_push_row *r, const char *body, size_t len)
{
	rm_payload p;
	rm_error err = {0};

	if (rm_payload_parse(&p, body, len, &err) != 0)
		fail_msg("%s: refused: %s", r->name, err.msg);
	assert_false(rm_error_is_set(&err));
	assert_int_equal(p.nchanges, 0);
	assert_null(p.changes);
	assert_null(p.provider);
	if (strcmp(p.not_a_push, r->event) != 0)
		fail_msg("%s: read as \"%s\", expected \"%s\"", r->name, p.not_a_push, r->event);
	rm_payload_free(&p);
}

static void test_not_push_fixtures(void **state)
{
	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(not_pushes); i++) {
		size_t len;
		char *body = read_fixture(NOT_PUSH_FIXTURES, not_pushes[i].name, &len);

		check_not_push(&not_pushes[i], body, len);
		free(body);
	}
}

static void test_not_push_bodies(void **state)
{
	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(not_push_bodies); i++)
		check_not_push(&not_push_bodies[i], not_push_bodies[i].body,
			       strlen(not_push_bodies[i].body));
}

static void test_bodies(void **state)
{
	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(bodies); i++)
		check_good(&bodies[i], bodies[i].body, strlen(bodies[i].body));
}

static void test_bad_bodies(void **state)
{
	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(bad_bodies); i++)
		check_bad(bad_bodies[i].name, bad_bodies[i].body, strlen(bad_bodies[i].body),
			  bad_bodies[i].message);
}

/* `depth` nested arrays, closed. */
static char *nested(size_t depth, size_t *len)
{
	char *body = malloc(2 * depth);

	assert_non_null(body);
	memset(body, '[', depth);
	memset(body + depth, ']', depth);
	*len = 2 * depth;
	return body;
}

static void test_nesting_limit(void **state)
{
	size_t len;
	char *body;

	(void)state;
	body = nested(RM_PAYLOAD_MAX_DEPTH, &len);
	check_bad("64 levels: parsed, not a push", body, len, UNKNOWN);
	free(body);
	body = nested(RM_PAYLOAD_MAX_DEPTH + 1, &len);
	check_bad("65 levels", body, len, "payload: nested deeper than 64 levels");
	free(body);
	body = nested(100000, &len);
	check_bad("100000 levels", body, len, "payload: nested deeper than 64 levels");
	free(body);
	body = nested(100000, &len);
	check_bad("100000 levels, never closed", body, len / 2,
		  "payload: nested deeper than 64 levels");
	free(body);
}

/* A GitLab push padded with spaces to `len` bytes. */
static char *padded_push(size_t len)
{
	static const char push[] = "{\"object_kind\":\"push\",\"ref\":\"refs/heads/m\","
				   "\"before\":null,\"after\":null}";
	char *body = malloc(len);

	assert_non_null(body);
	memset(body, ' ', len);
	memcpy(body, push, strlen(push));
	return body;
}

static void test_size_limit(void **state)
{
	static const good_row at_limit = {"25 MiB", NULL, "GitLab", {{"refs/heads/m", NONE, NONE}}};
	char *body = padded_push(RM_PAYLOAD_MAX_BYTES + 1);

	(void)state;
	check_good(&at_limit, body, RM_PAYLOAD_MAX_BYTES);
	check_bad("25 MiB + 1", body, RM_PAYLOAD_MAX_BYTES + 1, "payload: larger than 25 MiB");
	free(body);
}

/* An Azure DevOps push of n ref updates. */
static char *azure_push(size_t n, size_t *len)
{
	static const char head[] = "{\"resource\":{\"refUpdates\":[", tail[] = "]}}";
	static const char update[] = "{\"name\":\"refs/heads/b\",\"newObjectId\":\"" OID_A "\"},";
	size_t size = strlen(head) + n * strlen(update) + strlen(tail) + 1;
	char *body = malloc(size), *end = body;

	assert_non_null(body);
	end += sprintf(end, "%s", head);
	for (size_t i = 0; i < n; i++)
		end += sprintf(end, "%s", update);
	end[-1] = ']'; /* replaces the last comma */
	end += sprintf(end, "%s", tail + 1);
	*len = (size_t)(end - body);
	return body;
}

static void test_changes_limit(void **state)
{
	rm_payload p;
	rm_error err = {0};
	size_t len;
	char *body;

	(void)state;
	body = azure_push(RM_PAYLOAD_MAX_CHANGES, &len);
	assert_int_equal(rm_payload_parse(&p, body, len, &err), 0);
	assert_int_equal(p.nchanges, RM_PAYLOAD_MAX_CHANGES);
	assert_string_equal(p.changes[RM_PAYLOAD_MAX_CHANGES - 1].ref, "refs/heads/b");
	rm_payload_free(&p);
	free(body);
	body = azure_push(RM_PAYLOAD_MAX_CHANGES + 1, &len);
	check_bad("1001 changes", body, len, "payload: Azure DevOps: more than 1000 ref changes");
	free(body);
}

/* The first error set wins (error.h): a parse must not overwrite an earlier one. */
static void test_earlier_error_kept(void **state)
{
	rm_payload p;
	rm_error err = {0};

	(void)state;
	rm_error_set(&err, RM_SIDE_SOURCE, RM_ERR_NETWORK, "earlier");
	assert_int_equal(rm_payload_parse(&p, "x", 1, &err), -1);
	assert_int_equal(err.kind, RM_ERR_NETWORK);
	assert_string_equal(err.msg, "source: earlier");
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_every_fixture_has_a_row),
		cmocka_unit_test(test_bodies),
		cmocka_unit_test(test_bad_bodies),
		cmocka_unit_test(test_not_push_fixtures),
		cmocka_unit_test(test_not_push_bodies),
		cmocka_unit_test(test_nesting_limit),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_changes_limit),
		cmocka_unit_test(test_earlier_error_kept),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
