#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "array.h"
#include "error.h"

/* SPEC 2: the one place where an error's side and kind become an exit code. */
static void test_exit_code_for(void **state)
{
	static const struct {
		rm_side side;
		rm_error_kind kind;
		int exit_code;
	} rows[] = {
		{RM_SIDE_NONE, RM_ERR_NONE, RM_EXIT_OK},
		{RM_SIDE_NONE, RM_ERR_USAGE, RM_EXIT_USAGE},
		{RM_SIDE_SOURCE, RM_ERR_USAGE, RM_EXIT_USAGE},
		{RM_SIDE_TARGET, RM_ERR_USAGE, RM_EXIT_USAGE},
		{RM_SIDE_SOURCE, RM_ERR_NETWORK, RM_EXIT_SOURCE},
		{RM_SIDE_SOURCE, RM_ERR_AUTH, RM_EXIT_SOURCE},
		{RM_SIDE_SOURCE, RM_ERR_NOT_FOUND, RM_EXIT_SOURCE},
		{RM_SIDE_SOURCE, RM_ERR_PROTOCOL, RM_EXIT_SOURCE},
		{RM_SIDE_SOURCE, RM_ERR_REFUSED, RM_EXIT_SOURCE},
		{RM_SIDE_SOURCE, RM_ERR_NO_MEMORY, RM_EXIT_SOURCE},
		{RM_SIDE_TARGET, RM_ERR_NETWORK, RM_EXIT_TARGET},
		{RM_SIDE_TARGET, RM_ERR_AUTH, RM_EXIT_TARGET},
		{RM_SIDE_TARGET, RM_ERR_NOT_FOUND, RM_EXIT_TARGET},
		{RM_SIDE_TARGET, RM_ERR_PROTOCOL, RM_EXIT_TARGET},
		{RM_SIDE_TARGET, RM_ERR_REFUSED, RM_EXIT_TARGET},
		{RM_SIDE_TARGET, RM_ERR_NO_MEMORY, RM_EXIT_TARGET},
		{RM_SIDE_NONE, RM_ERR_PACK, RM_EXIT_SOURCE},
		{RM_SIDE_NONE, RM_ERR_NO_MEMORY, RM_EXIT_SOURCE},
		{RM_SIDE_NONE, RM_ERR_NETWORK, RM_EXIT_SOURCE},
	};

	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(rows); i++) {
		rm_error err = {.side = rows[i].side, .kind = rows[i].kind};

		if (rm_exit_code_for(&err) != rows[i].exit_code)
			fail_msg("row %zu: exit %d, expected %d", i, rm_exit_code_for(&err),
				 rows[i].exit_code);
	}
}

/* The side names the message; the first error wins; a server's newlines become spaces. */
static void test_message(void **state)
{
	static const struct {
		rm_side side;
		const char *text, *msg;
	} rows[] = {
		{RM_SIDE_SOURCE, "out of memory", "source: out of memory"},
		{RM_SIDE_TARGET, "refused a\nb\r", "target: refused a b "},
		{RM_SIDE_NONE, "pack: bad pack", "pack: bad pack"},
	};

	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(rows); i++) {
		rm_error err = {0};

		assert_false(rm_error_is_set(&err));
		assert_int_equal(
			rm_error_set(&err, rows[i].side, RM_ERR_REFUSED, "%s", rows[i].text), -1);
		assert_true(rm_error_is_set(&err));
		assert_string_equal(err.msg, rows[i].msg);
		assert_int_equal(rm_error_set_transient(&err, RM_SIDE_NONE, RM_ERR_USAGE, "later"),
				 -1);
		assert_string_equal(err.msg, rows[i].msg);
		assert_int_equal(err.kind, RM_ERR_REFUSED);
		assert_false(err.transient);
		rm_error_clear(&err);
		assert_false(rm_error_is_set(&err));
	}
	assert_string_equal(rm_side_name(RM_SIDE_SOURCE), "source");
	assert_string_equal(rm_side_name(RM_SIDE_TARGET), "target");
	assert_string_equal(rm_side_name(RM_SIDE_NONE), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_code_for),
		cmocka_unit_test(test_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
