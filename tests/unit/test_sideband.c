#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "array.h"
#include "sideband.h"

#define TWENTY "0123456789abcdefghij"
#define LONG_LINE_KEPT TWENTY TWENTY TWENTY TWENTY TWENTY TWENTY TWENTY TWENTY /* 160 */
#define LONG_LINE LONG_LINE_KEPT TWENTY TWENTY

/* A server's progress on channel 2, fed whole and byte by byte (packets end anywhere): the last
 * finished line. */
static void test_server_note(void **state)
{
	/* clang-format off */
	static const struct {
		const char *name;
		const char *data;
		size_t len; /* 0: strlen(data) */
		const char *last;
	} cases[] = {
		{"nothing", "", 0, ""},
		{"unfinished line", "Counting objects:  45% (123/271)", 0, ""},
		{"carriage return", "Counting objects:  45% (123/271)\r", 0,
		 "Counting objects:  45% (123/271)"},
		{"redraws", "Counting objects:  10% (27/271)\rCounting objects:  45% (123/271)\r"
		 "Counting obj", 0, "Counting objects:  45% (123/271)"},
		{"newline", "Enumerating objects: 5, done.\n", 0, "Enumerating objects: 5, done."},
		{"crlf", "Total 3 (delta 0), reused 0 (delta 0)\r\n", 0,
		 "Total 3 (delta 0), reused 0 (delta 0)"},
		{"blank lines keep the last", "done.\n\r\n  \r\t\n", 0, "done."},
		{"spaces trimmed, tabs", "  \tCompressing\tobjects \t\n", 0, "Compressing objects"},
		{"ANSI colour", "\x1b[31mred\x1b[0m\x1b[K plain\n", 0, "red plain"},
		{"ESC and one byte", "a\x1b" "7b\n", 0, "ab"},
		{"control characters", "a\x07" "b\x7f" "c\x01\n", 0, "abc"},
		{"NUL", "a\0b\n", 4, "ab"},
		{"UTF-8 becomes one ?", "Z\xc3\xa4hlen\n", 0, "Z?hlen"},
		{"other bytes", "\xff\xfe\xfd x \x80\n", 0, "? x ?"},
		{"long line cut", LONG_LINE "\n", 0, LONG_LINE_KEPT},
		{"long then short", LONG_LINE "\rshort\r", 0, "short"},
	};
	/* clang-format on */

	(void)state;
	assert_int_equal(strlen(LONG_LINE_KEPT), RM_SERVER_NOTE_MAX);
	for (size_t i = 0; i < RM_ARRAY_SIZE(cases); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].data);
		rm_server_note whole, bytes;

		memset(&whole, 0, sizeof(whole));
		memset(&bytes, 0, sizeof(bytes));
		rm_server_note_feed(&whole, cases[i].data, len);
		for (size_t j = 0; j < len; j++)
			rm_server_note_feed(&bytes, cases[i].data + j, 1);
		if (strcmp(whole.last, cases[i].last) || strcmp(bytes.last, cases[i].last))
			fail_msg("%s: \"%s\" / \"%s\", expected \"%s\"", cases[i].name, whole.last,
				 bytes.last, cases[i].last);
	}
}

static int no_data(void *ctx, const char *data, size_t len)
{
	(void)ctx, (void)data, (void)len;
	fail_msg("channel 1 got bytes");
	return -1;
}

/* With a note, channel 2 is kept there, not printed; channel 3 still ends the fetch. */
static void test_route_to_note(void **state)
{
	rm_server_note note;
	rm_error err = {0};
	rm_sideband sb = {.side = RM_SIDE_SOURCE, .on_data = no_data, .note = &note, .err = &err};
	static const char progress[] = "\x02"
				       "Compressing objects: 100% (2/2), done.\n";
	static const char fatal[] = "\x03"
				    "upload-pack: not our ref\n";

	(void)state;
	memset(&note, 0, sizeof(note));
	assert_int_equal(rm_sideband_route(&sb, progress, sizeof(progress) - 1), 0);
	assert_string_equal(note.last, "Compressing objects: 100% (2/2), done.");
	assert_int_equal(rm_sideband_route(&sb, fatal, sizeof(fatal) - 1), -1);
	assert_int_equal(err.side, RM_SIDE_SOURCE);
	assert_int_equal(err.kind, RM_ERR_REFUSED);
	assert_string_equal(err.msg, "source: server error: upload-pack: not our ref");
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_note),
		cmocka_unit_test(test_route_to_note),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
