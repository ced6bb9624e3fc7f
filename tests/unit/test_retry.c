#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>

#include "retry.h"

/* Backoff: 1 s, 2 s, 4 s ... doubled at most 6 times, each plus up to half again at random. */
static void test_backoff(void **state)
{
	rm_retry r = {.attempts = 21, .delay_s = 1, .jitter = 1};

	(void)state;
	for (int attempt = 1; attempt <= 20; attempt++) {
		int64_t base = INT64_C(1000) << (attempt < 7 ? attempt - 1 : 6);
		int64_t ms = rm_retry_wait_ms(&r, attempt, 0);

		if (ms < base || ms > base + base / 2)
			fail_msg("attempt %d: %lld ms, not from %lld to %lld", attempt,
				 (long long)ms, (long long)base, (long long)(base + base / 2));
	}
}

static void test_no_delay(void **state)
{
	rm_retry r = {.delay_s = 0, .jitter = 5};

	(void)state;
	assert_int_equal(rm_retry_wait_ms(&r, 1, 0), 0);
	assert_int_equal(rm_retry_wait_ms(&r, 9, 0), 0);
}

/* The server's Retry-After wins, up to RM_RETRY_AFTER_MAX seconds, with no jitter. */
static void test_retry_after(void **state)
{
	rm_retry r = {.delay_s = 1, .jitter = 3};

	(void)state;
	assert_int_equal(rm_retry_wait_ms(&r, 1, 7), 7000);
	assert_int_equal(rm_retry_wait_ms(&r, 5, 7), 7000);
	assert_int_equal(rm_retry_wait_ms(&r, 1, 3600), RM_RETRY_AFTER_MAX * 1000);
}

/* The jitter comes from the caller's state alone: one seed, one sequence; two seeds, two. */
static void test_jitter_is_the_states(void **state)
{
	rm_retry a = {.delay_s = 60, .jitter = 42}, b = a, c = {.delay_s = 60, .jitter = 43};
	bool differ = false;

	(void)state;
	for (int i = 0; i < 8; i++) {
		int64_t wa = rm_retry_wait_ms(&a, 6, 0), wc = rm_retry_wait_ms(&c, 6, 0);

		assert_int_equal(wa, rm_retry_wait_ms(&b, 6, 0));
		differ |= wa != wc;
	}
	assert_true(differ);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_no_delay),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_jitter_is_the_states),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
