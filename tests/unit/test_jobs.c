/* What a run mirrors: the reference setting, a payload's changes, or the reference with the
 * payload's old SHA. One row per case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "array.h"
#include "jobs.h"

#define A40 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define B40 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define C40 "cccccccccccccccccccccccccccccccccccccccc"

/* GitHub push bodies: one change each. */
#define GITHUB_PUSH(ref, before)                                                                   \
	"{\"ref\":\"" ref "\",\"before\":\"" before "\",\"after\":\"" C40 "\",\"deleted\":false}"
#define BITBUCKET_TWO                                                                              \
	"{\"push\":{\"changes\":[{\"old\":{\"type\":\"branch\",\"name\":\"a\",\"target\":{"        \
	"\"hash\":\"" A40                                                                          \
	"\"}},\"new\":{\"type\":\"branch\",\"name\":\"a\",\"target\":{\"hash\":\"" C40 "\"}}},"    \
	"{\"old\":null,\"new\":{\"type\":\"tag\",\"name\":\"v1\",\"target\":{\"hash\":\"" B40      \
	"\"}}}]}}"

#define GITHUB_PING "{\"zen\":\"Design for failure.\",\"hook_id\":1,\"hook\":{}}"

struct row {
	const char *name;
	const char *reference;	 /* the setting, or NULL */
	const char *old_setting; /* reference_sha_old, or NULL */
	const char *payload;	 /* or NULL */
	int exit_code;		 /* 0 or 64 */
	const char *jobs[2][2];	 /* expected (ref, old SHA) pairs; "" = absent; none: the payload
				  * is not a push */
};

/* clang-format off */
static const struct row rows[] = {
	{"reference alone", "refs/heads/main", NULL, NULL, 0, {{"refs/heads/main", ""}}},
	{"reference and old", "refs/heads/main", A40, NULL, 0, {{"refs/heads/main", A40}}},
	{"payload alone", NULL, NULL, GITHUB_PUSH("refs/heads/x", A40), 0, {{"refs/heads/x", A40}}},
	{"payload with several changes", NULL, NULL, BITBUCKET_TWO, 0,
	 {{"refs/heads/a", A40}, {"refs/tags/v1", RM_ZERO_OID}}},
	{"reference wins, payload gives its old SHA", "refs/heads/x", NULL,
	 GITHUB_PUSH("refs/heads/x", B40), 0, {{"refs/heads/x", B40}}},
	{"reference wins, payload names another ref", "refs/heads/main", NULL,
	 GITHUB_PUSH("refs/heads/x", B40), 0, {{"refs/heads/main", ""}}},
	{"reference_sha_old wins over the payload", "refs/heads/x", A40,
	 GITHUB_PUSH("refs/heads/x", B40), 0, {{"refs/heads/x", A40}}},
	{"a ping: nothing to mirror", NULL, NULL, GITHUB_PING, 0, {{NULL}}},
	{"a ping: nothing to mirror, whatever reference says", "refs/heads/main", NULL, GITHUB_PING,
	 0, {{NULL}}},
	{"neither reference nor payload", NULL, NULL, NULL, 64, {{NULL}}},
	{"unreadable payload", NULL, NULL, "not json", 64, {{NULL}}},
	{"payload names an invalid ref", NULL, NULL, GITHUB_PUSH("refs/heads/a..b", A40), 64, {{NULL}}},
	{"payload ref with a control character", NULL, NULL, GITHUB_PUSH("refs/heads/ma\\u0007in", A40),
	 64, {{NULL}}},
	{"payload ref with an escaped backslash, then u0000: no NUL", NULL, NULL,
	 GITHUB_PUSH("refs/heads/a\\\\u0000", A40), 64, {{NULL}}},
	{"payload stash ref", NULL, NULL, GITHUB_PUSH("refs/stash", A40), 0, {{"refs/stash", A40}}},
};
/* clang-format on */

static void check_row(const struct row *row)
{
	rm_settings s = {0};
	rm_jobs jobs;
	rm_error err = {0};
	size_t expected = 0;
	int rc;

	s.reference = (char *)row->reference;
	s.payload = (char *)row->payload;
	if (row->old_setting)
		rm_oid_parse(&s.old_sha, row->old_setting, strlen(row->old_setting));
	rc = rm_jobs_from_settings(&jobs, &s, &err);
	if (row->exit_code) {
		assert_int_equal(rc, -1);
		assert_int_equal(rm_exit_code_for(&err), row->exit_code);
		assert_int_equal(jobs.n, 0);
		return;
	}
	assert_int_equal(rc, 0);
	while (expected < 2 && row->jobs[expected][0])
		expected++;
	assert_int_equal(jobs.n, expected);
	for (size_t i = 0; i < expected; i++) {
		assert_string_equal(jobs.jobs[i].ref, row->jobs[i][0]);
		assert_string_equal(jobs.jobs[i].old_sha.hex, row->jobs[i][1]);
	}
	rm_jobs_free(&jobs);
}

static void test_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(rows); i++) {
		print_message("  %s\n", rows[i].name);
		check_row(&rows[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_rows)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
