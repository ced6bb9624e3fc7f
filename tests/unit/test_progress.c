#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "array.h"
#include "progress.h"

static void test_sizes(void **state)
{
	/* clang-format off */
	static const struct {
		double bytes;
		const char *text;
	} cases[] = {
		{0, "0 B"},
		{512, "512 B"},
		{1023, "1023 B"},
		{1024, "1.0 KiB"},
		{1536, "1.5 KiB"},
		{1048575, "1024.0 KiB"},
		{1048576, "1.0 MiB"},
		{126248550.4, "120.4 MiB"},
		{2147483648.0, "2.0 GiB"},
		{1099511627776.0 * 3, "3.0 TiB"},
		{1099511627776.0 * 2048, "2048.0 TiB"},
	};
	/* clang-format on */
	char out[32];

	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(cases); i++) {
		rm_format_size(out, sizeof(out), cases[i].bytes);
		assert_string_equal(out, cases[i].text);
	}
}

/* A line is due RM_PROGRESS_INTERVAL_MS after the start or the last line, not before. */
static void test_throttle(void **state)
{
	/* clang-format off */
	static const struct {
		int64_t last, now;
		bool due;
	} cases[] = {
		{0, 0, false},
		{0, RM_PROGRESS_INTERVAL_MS - 1, false},
		{0, RM_PROGRESS_INTERVAL_MS, true},
		{5000, 5000 + RM_PROGRESS_INTERVAL_MS - 1, false},
		{5000, 5000 + RM_PROGRESS_INTERVAL_MS, true},
		{5000, 5000 + 10 * RM_PROGRESS_INTERVAL_MS, true},
		{-3000, RM_PROGRESS_INTERVAL_MS - 3000, true},
	};
	/* clang-format on */

	(void)state;
	assert_int_equal(RM_PROGRESS_INTERVAL_MS, 10000);
	for (size_t i = 0; i < RM_ARRAY_SIZE(cases); i++) {
		rm_meter m;

		rm_meter_start(&m, cases[i].last);
		if (rm_meter_due(&m, cases[i].now) != cases[i].due)
			fail_msg("last %lld, now %lld", (long long)cases[i].last,
				 (long long)cases[i].now);
	}
}

/* The rate is that since the last line; a line restarts the throttle. */
static void test_lines(void **state)
{
	/* clang-format off */
	static const struct {
		int64_t now;
		uint64_t bytes;
		const char *text;
	} steps[] = { /* one transfer, from a meter started at 1000 */
		{11000, 0, "0 B, 0 B/s"},
		{21000, 398458880, "380.0 MiB, 38.0 MiB/s"},
		{41000, 419430400, "400.0 MiB, 1.0 MiB/s"},
		{41000, 419430400, "400.0 MiB, 0 B/s"},	/* no time passed: no rate */
		{51000, 1024, "1.0 KiB, 0 B/s"},		/* fewer bytes: no rate */
	};
	/* clang-format on */
	rm_meter m;
	char out[80];

	(void)state;
	rm_meter_start(&m, 1000);
	for (size_t i = 0; i < RM_ARRAY_SIZE(steps); i++) {
		rm_meter_format(&m, steps[i].now, steps[i].bytes, out, sizeof(out));
		assert_string_equal(out, steps[i].text);
		assert_false(rm_meter_due(&m, steps[i].now + RM_PROGRESS_INTERVAL_MS - 1));
		assert_true(rm_meter_due(&m, steps[i].now + RM_PROGRESS_INTERVAL_MS));
	}
}

static void test_line_is_cut_to_its_buffer(void **state)
{
	rm_meter m;
	char out[8];

	(void)state;
	rm_meter_start(&m, 0);
	rm_meter_format(&m, 10000, 126248550, out, sizeof(out));
	assert_string_equal(out, "120.4 M");
}

static void test_clock_goes_forward(void **state)
{
	int64_t a = rm_now_ms(), b = rm_now_ms();

	(void)state;
	assert_true(a > 0);
	assert_true(b >= a);
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_throttle),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_line_is_cut_to_its_buffer),
		cmocka_unit_test(test_clock_goes_forward),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
