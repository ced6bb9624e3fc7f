#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outputs.h"

#define S_HEX "1111111111111111111111111111111111111111"
#define T_HEX "2222222222222222222222222222222222222222"

/* Each test gets a fresh directory for its output files. */
typedef struct fixture {
	char dir[64];
	char path[128];
} fixture;

static int make_dir(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_outputs.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	*state = f;
	return 0;
}

static int remove_dir(void **state)
{
	fixture *f = *state;

	if (f->path[0])
		unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static const char *path_in(fixture *f, const char *name)
{
	snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, name);
	return f->path;
}

/* The whole file, in a buffer reused by the next call. */
static char *slurp(const char *path)
{
	static char text[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	return text;
}

static rm_oid oid(const char *hex)
{
	rm_oid o;

	assert_int_equal(rm_oid_parse(&o, hex, strlen(hex)), 0);
	return o;
}

static rm_outputs created(void)
{
	return (rm_outputs){.result = RM_RESULT_CREATED,
			    .reference = "refs/heads/main",
			    .source_sha = oid(S_HEX),
			    .target_sha_after = oid(S_HEX),
			    .pack_bytes = 1234};
}

static void test_key_equals_value(void **state)
{
	const char *path = path_in(*state, "outputs.env");
	rm_outputs o = created();

	assert_int_equal(rm_outputs_write_runs(path, &o, 1), 0);
	assert_string_equal(slurp(path), "MIRROR_RESULT=created\n"
					 "MIRROR_REFERENCE=refs/heads/main\n"
					 "MIRROR_SOURCE_SHA=" S_HEX "\n"
					 "MIRROR_TARGET_SHA_BEFORE=\n"
					 "MIRROR_TARGET_SHA_AFTER=" S_HEX "\n"
					 "MIRROR_PACK_BYTES=1234\n"
					 "MIRROR_DRY_RUN=false\n"
					 "MIRROR_RESULTS=refs/heads/main:created\n");
}

static void test_key_space_value_for_dot_out(void **state)
{
	const char *path = path_in(*state, "step.out");
	rm_outputs o = {.result = RM_RESULT_FAILED};

	assert_int_equal(rm_outputs_write_runs(path, &o, 1), 0);
	assert_string_equal(slurp(path), "MIRROR_RESULT failed\n"
					 "MIRROR_REFERENCE \n"
					 "MIRROR_SOURCE_SHA \n"
					 "MIRROR_TARGET_SHA_BEFORE \n"
					 "MIRROR_TARGET_SHA_AFTER \n"
					 "MIRROR_PACK_BYTES 0\n"
					 "MIRROR_DRY_RUN false\n"
					 "MIRROR_RESULTS \n");
}

static void test_appends(void **state)
{
	const char *path = path_in(*state, "outputs");
	rm_outputs o = created();
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("EARLIER=step\n", f);
	fclose(f);
	o.result = RM_RESULT_FAST_FORWARD;
	o.target_sha_before = oid(T_HEX);
	assert_int_equal(rm_outputs_write_runs(path, &o, 1), 0);
	assert_string_equal(slurp(path), "EARLIER=step\n"
					 "MIRROR_RESULT=fast_forward\n"
					 "MIRROR_REFERENCE=refs/heads/main\n"
					 "MIRROR_SOURCE_SHA=" S_HEX "\n"
					 "MIRROR_TARGET_SHA_BEFORE=" T_HEX "\n"
					 "MIRROR_TARGET_SHA_AFTER=" S_HEX "\n"
					 "MIRROR_PACK_BYTES=1234\n"
					 "MIRROR_DRY_RUN=false\n"
					 "MIRROR_RESULTS=refs/heads/main:fast_forward\n");
}

static void test_newlines_become_spaces(void **state)
{
	const char *path = path_in(*state, "outputs.env");
	rm_outputs o = {.result = RM_RESULT_FAILED, .reference = "a\nb\r\nc\r"};

	assert_int_equal(rm_outputs_write_runs(path, &o, 1), 0);
	assert_non_null(strstr(slurp(path), "\nMIRROR_REFERENCE=a b  c \n"));
	assert_non_null(strstr(slurp(path), "\nMIRROR_RESULTS=a b  c :failed\n"));
}

static void test_null_path_writes_nothing(void **state)
{
	rm_outputs o = created();

	(void)state;
	assert_int_equal(rm_outputs_write_runs(NULL, &o, 1), 0);
}

static void test_unwritable_path_fails(void **state)
{
	fixture *f = *state;
	rm_outputs o = created();
	char path[160];

	snprintf(path, sizeof(path), "%s/no/such/dir/outputs", f->dir);
	assert_int_equal(rm_outputs_write_runs(path, &o, 1), -1);
}

/* Several refs: the most severe run speaks for all, its pack bytes summed, each listed. */
static void test_runs_summary(void **state)
{
	const char *path = path_in(*state, "outputs.env");
	rm_outputs runs[3] = {created(), created(), created()};

	runs[1].result = RM_RESULT_OUT_OF_SYNC;
	runs[1].reference = "refs/tags/v1";
	runs[1].target_sha_before = oid(T_HEX);
	runs[1].target_sha_after = oid(T_HEX);
	runs[1].pack_bytes = 0;
	runs[2].result = RM_RESULT_FORCED;
	runs[2].reference = "refs/heads/dev";
	runs[2].pack_bytes = 6;
	assert_int_equal(rm_outputs_most_severe(runs, 3), 1);
	assert_int_equal(rm_outputs_write_runs(path, runs, 3), 0);
	assert_string_equal(slurp(path),
			    "MIRROR_RESULT=out_of_sync\n"
			    "MIRROR_REFERENCE=refs/tags/v1\n"
			    "MIRROR_SOURCE_SHA=" S_HEX "\n"
			    "MIRROR_TARGET_SHA_BEFORE=" T_HEX "\n"
			    "MIRROR_TARGET_SHA_AFTER=" T_HEX "\n"
			    "MIRROR_PACK_BYTES=1240\n"
			    "MIRROR_DRY_RUN=false\n"
			    "MIRROR_RESULTS=refs/heads/main:created,refs/tags/v1:out_of_sync,"
			    "refs/heads/dev:forced\n");
}

/* A run that failed before it knew its ref lists none. */
static void test_runs_without_reference(void **state)
{
	const char *path = path_in(*state, "outputs.env");
	rm_outputs failed = {.result = RM_RESULT_FAILED};

	assert_int_equal(rm_outputs_write_runs(path, &failed, 1), 0);
	assert_non_null(strstr(slurp(path), "MIRROR_RESULT=failed\n"));
	assert_non_null(strstr(slurp(path), "MIRROR_RESULTS=\n"));
}

/* A dry run says so; the result stays the one decided. */
static void test_dry_run(void **state)
{
	const char *path = path_in(*state, "outputs.env");
	rm_outputs o = created();

	o.dry_run = true;
	o.target_sha_after.hex[0] = '\0';
	o.pack_bytes = 0;
	assert_int_equal(rm_outputs_write_runs(path, &o, 1), 0);
	assert_non_null(strstr(slurp(path), "MIRROR_RESULT=created\n"));
	assert_non_null(strstr(slurp(path), "MIRROR_DRY_RUN=true\n"));
}

#define IN_TEMP_DIR(test) cmocka_unit_test_setup_teardown(test, make_dir, remove_dir)

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		IN_TEMP_DIR(test_key_equals_value),
		IN_TEMP_DIR(test_key_space_value_for_dot_out),
		IN_TEMP_DIR(test_appends),
		IN_TEMP_DIR(test_newlines_become_spaces),
		IN_TEMP_DIR(test_null_path_writes_nothing),
		IN_TEMP_DIR(test_unwritable_path_fails),
		IN_TEMP_DIR(test_runs_summary),
		IN_TEMP_DIR(test_runs_without_reference),
		IN_TEMP_DIR(test_dry_run),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
