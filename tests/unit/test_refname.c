#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>

#include "array.h"
#include "refname.h"

static void test_valid_names(void **state)
{
	/* clang-format off */
	static const struct {
		const char *name;
		bool valid;
	} cases[] = {
		{"refs/heads/main", true},
		{"refs/tags/v1.0.0", true},
		{"refs/heads/feature/x-y_z", true},
		{"refs/x/y", true},
		{"refs/stash", true}, /* git check-ref-format accepts it */
		{"refs/notes/commits", true},
		{"refs/heads/a.b", true},
		{"refs/heads/a@b", true},
		{"refs/heads/@", true},
		{"refs/heads/caf\xc3\xa9", true},
		{"", false},
		{"@", false},
		{"main", false},
		{"refs/", false},
		{"refs/heads", false},
		{"refs/tags", false},
		{"refs/heads/", false},
		{"refs//main", false},
		{"heads/main", false},
		{"/refs/heads/main", false},
		{"refs/heads/a..b", false},
		{"refs/heads/a b", false},
		{"refs/heads/a\tb", false},
		{"refs/heads/a\x7f", false},
		{"refs/heads/a~1", false},
		{"refs/heads/a^", false},
		{"refs/heads/a:b", false},
		{"refs/heads/a?", false},
		{"refs/heads/a*", false},
		{"refs/heads/a[b", false},
		{"refs/heads/a\\b", false},
		{"refs/heads/.hidden", false},
		{"refs/heads/x.lock", false},
		{"refs/heads/x.lock/y", false},
		{"refs/heads//x", false},
		{"refs/heads/x.", false},
		{"refs/heads/x/", false},
		{"refs/heads/a@{1}", false},
	};
	/* clang-format on */
	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(cases); i++)
		if (rm_refname_is_valid(cases[i].name) != cases[i].valid)
			fail_msg("\"%s\" should be %s", cases[i].name,
				 cases[i].valid ? "valid" : "invalid");
}

/* The settings word their two errors apart: a short name, or a full one against the rules. */
static void test_problems(void **state)
{
	(void)state;
	assert_int_equal(rm_refname_check("refs/heads/main"), RM_REFNAME_OK);
	assert_int_equal(rm_refname_check("main"), RM_REFNAME_NOT_FULL);
	assert_int_equal(rm_refname_check("refs/heads"), RM_REFNAME_NOT_FULL);
	assert_int_equal(rm_refname_check("refs/heads/a..b"), RM_REFNAME_BAD_FORMAT);
}

static void test_kinds(void **state)
{
	(void)state;
	assert_true(rm_refname_is_tag("refs/tags/v1"));
	assert_false(rm_refname_is_tag("refs/heads/tags/v1"));
	assert_false(rm_refname_is_tag("refs/tagsx/v1"));
	assert_true(rm_refname_is_branch("refs/heads/main"));
	assert_false(rm_refname_is_branch("refs/tags/heads/v1"));
	assert_false(rm_refname_is_branch("refs/headsx/main"));
	assert_true(rm_refname_is_short("main"));
	assert_false(rm_refname_is_short("refs/x/y"));
}

static void test_full(void **state)
{
	/* clang-format off */
	static const struct {
		const char *name;
		rm_ref_kind kind;
		const char *full; /* NULL: none */
	} cases[] = {
		{"main", RM_REF_BRANCH, "refs/heads/main"},
		{"feature/x", RM_REF_BRANCH, "refs/heads/feature/x"},
		{"v1", RM_REF_TAG, "refs/tags/v1"},
		{"refs/heads/main", RM_REF_TAG, "refs/heads/main"},
		{"refs/x/y", RM_REF_OTHER, "refs/x/y"},
		{"main", RM_REF_OTHER, NULL},
	};
	/* clang-format on */

	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(cases); i++) {
		char *full = rm_refname_full(cases[i].name, cases[i].kind);

		if (cases[i].full)
			assert_string_equal(full, cases[i].full);
		else
			assert_null(full);
		free(full);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_names),
		cmocka_unit_test(test_problems),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
