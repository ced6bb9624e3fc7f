#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "log.h"

#define MAX_SECRETS_PER_CASE 3

/* stderr goes to a temporary file between start_capture and stop_capture. Assertions come
 * after stop_capture, so that cmocka's own messages reach the real stderr. */
static FILE *capture;
static int saved_stderr = -1;

static void start_capture(void)
{
	fflush(stderr);
	capture = tmpfile();
	assert_non_null(capture);
	saved_stderr = dup(STDERR_FILENO);
	assert_true(saved_stderr >= 0);
	assert_true(dup2(fileno(capture), STDERR_FILENO) >= 0);
}

/* What was printed, in a buffer reused by the next call. */
static const char *stop_capture(void)
{
	static char text[8192];
	size_t n;

	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	saved_stderr = -1;
	rewind(capture);
	n = fread(text, 1, sizeof(text) - 1, capture);
	text[n] = '\0';
	fclose(capture);
	capture = NULL;
	return text;
}

static int forget_secrets(void **state)
{
	(void)state;
	if (saved_stderr >= 0)
		stop_capture();
	rm_log_clear_secrets();
	return 0;
}

static void add_secrets(const char *const *secrets)
{
	for (size_t i = 0; i < MAX_SECRETS_PER_CASE && secrets[i]; i++)
		rm_log_add_secret(secrets[i]);
}

static void test_mask(void **state)
{
	/* clang-format off */
	static const struct {
		const char *name;
		const char *secrets[MAX_SECRETS_PER_CASE];
		const char *text;
		const char *masked;
	} cases[] = {
		{"no secrets", {NULL}, "token abc", "token abc"},
		{"NULL and empty are ignored", {"", NULL}, "token abc", "token abc"},
		{"one secret", {"s3cr3t-t0ken"}, "Bearer s3cr3t-t0ken.", "Bearer ***."},
		{"twice", {"s3cr3t"}, "s3cr3t:s3cr3t@host", "***:***@host"},
		{"two secrets", {"ghp_source", "ghp_target"}, "ghp_target and ghp_source",
		 "*** and ***"},
		{"overlapping", {"abcdef", "defghi"}, "xabcdefghiy", "x***y"},
		{"overlapping, other order", {"defghi", "abcdef"}, "xabcdefghiy", "x***y"},
		{"one inside another", {"cre", "secret"}, "a secret", "a ***"},
		{"adjacent", {"AAAA", "BBBB"}, "-AAAABBBB-", "-***-"},
		{"self-overlapping", {"aaaa"}, "aaaaaa", "***"},
		{"short secret, no growth", {"ab"}, "xxabyy", "xx**yy"},
		{"partial match stays", {"s3cr3t"}, "s3cr3 s3cr3t", "s3cr3 ***"},
		{"whole text", {"s3cr3t"}, "s3cr3t", "***"},
	};
	/* clang-format on */

	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(cases); i++) {
		char text[128];

		rm_log_clear_secrets();
		add_secrets(cases[i].secrets);
		snprintf(text, sizeof(text), "%s", cases[i].text);
		rm_log_mask(text);
		if (strcmp(text, cases[i].masked) != 0)
			fail_msg("%s: \"%s\", expected \"%s\"", cases[i].name, text,
				 cases[i].masked);
	}
}

static void test_null_secret_is_ignored(void **state)
{
	char text[] = "nothing to hide";

	(void)state;
	rm_log_add_secret(NULL);
	rm_log_mask(text);
	assert_string_equal(text, "nothing to hide");
}

static void test_clear_forgets(void **state)
{
	char text[] = "s3cr3t";

	(void)state;
	rm_log_add_secret("s3cr3t");
	rm_log_clear_secrets();
	rm_log_mask(text);
	assert_string_equal(text, "s3cr3t");
}

static void test_log_line(void **state)
{
	(void)state;
	rm_log_add_secret("tok-123");
	start_capture();
	rm_log("pushing %s with %s (%d)", "refs/heads/main", "tok-123", 7);
	rm_log("server said: a\r\nb");
	assert_string_equal(stop_capture(), "refmirror: pushing refs/heads/main with *** (7)\n"
					    "refmirror: server said: a  b\n");
}

static void test_remote_lines(void **state)
{
	static const char data[] = "line one\nline two\r\n\r\n\nprogress 50%\rprogress 100%\n"
				   "\x1b[31mred\x07\tbell\0nul\n"
				   "echo tok-123\n"
				   "no newline at the end";

	static const char expected[] = "  target: remote: line one\n"
				       "  target: remote: line two\n"
				       "  target: remote: progress 100%\n"
				       "  target: remote: [31mred\tbellnul\n"
				       "  target: remote: echo ***\n"
				       "  target: remote: no newline at the end\n";
	rm_remote_log l;

	(void)state;
	rm_log_add_secret("tok-123");
	start_capture();
	rm_remote_log_init(&l, "target");
	rm_log_remote(&l, data, sizeof(data) - 1);
	rm_log_remote_end(&l);
	assert_string_equal(stop_capture(), expected);

	/* Side-band packets end anywhere, even between "\r" and "\n". */
	start_capture();
	rm_remote_log_init(&l, "target");
	for (size_t i = 0; i < sizeof(data) - 1; i++)
		rm_log_remote(&l, data + i, 1);
	rm_log_remote_end(&l);
	assert_string_equal(stop_capture(), expected);
}

static void test_remote_nothing_printable(void **state)
{
	rm_remote_log l;

	(void)state;
	start_capture();
	rm_remote_log_init(&l, "source");
	rm_log_remote(&l, "\r\n\x01\n", 4);
	rm_log_remote(&l, "", 0);
	rm_log_remote(&l, "progress 5%\r", 12);
	rm_log_remote_end(&l);
	assert_string_equal(stop_capture(), "");
}

/* Long lines are cut at 2048 bytes, after masking: a secret across the cut is still masked. */
static void test_long_lines_are_cut_after_masking(void **state)
{
	static char data[3000];
	char expected[2100];
	const char *secret = "0123456789abcdefghij";

	(void)state;
	rm_log_add_secret(secret);
	memset(data, 'x', sizeof(data));
	memcpy(data + 2040, secret, strlen(secret));
	snprintf(expected, sizeof(expected), "  source: remote: %.2040s***xxxxx\n", data);
	rm_remote_log l;

	start_capture();
	rm_remote_log_init(&l, "source");
	rm_log_remote(&l, data, sizeof(data));
	rm_log_remote_end(&l);
	assert_string_equal(stop_capture(), expected);
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_mask, forget_secrets),
		cmocka_unit_test_teardown(test_null_secret_is_ignored, forget_secrets),
		cmocka_unit_test_teardown(test_clear_forgets, forget_secrets),
		cmocka_unit_test_teardown(test_log_line, forget_secrets),
		cmocka_unit_test_teardown(test_remote_lines, forget_secrets),
		cmocka_unit_test_teardown(test_remote_nothing_printable, forget_secrets),
		cmocka_unit_test_teardown(test_long_lines_are_cut_after_masking, forget_secrets),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
