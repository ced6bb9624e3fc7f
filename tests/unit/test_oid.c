#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "oid.h"

#define OID_A "1234567890abcdef1234567890abcdef12345678"

static void test_short(void **state)
{
	rm_oid a, absent = {""};
	rm_oid_abbrev held[5];

	(void)state;
	assert_int_equal(rm_oid_parse(&a, OID_A, strlen(OID_A)), 0);
	assert_string_equal(rm_oid_short(&a).hex, "1234567890ab");
	assert_string_equal(rm_oid_short(&absent).hex, "(absent)");
	/* Each call is a value of its own: none overwrites another, however many are held. */
	for (size_t i = 0; i < 5; i++)
		held[i] = rm_oid_short(i % 2 ? &absent : &a);
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(held[i].hex, i % 2 ? "(absent)" : "1234567890ab");
}

static void test_parse(void **state)
{
	rm_oid o;

	(void)state;
	assert_int_equal(rm_oid_parse(&o, "1234567890ABCDEF1234567890ABCDEF12345678", 40), 0);
	assert_string_equal(o.hex, OID_A);
	assert_int_equal(rm_oid_parse(&o, OID_A, 39), -1);
	assert_false(rm_oid_is_set(&o));
	assert_int_equal(rm_oid_parse(&o, "g234567890abcdef1234567890abcdef12345678", 40), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short),
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
