/* Step outputs (SPEC 3), appended to the DRONE_OUTPUT file. */
#include "outputs.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "array.h"
#include "buf.h"

/* The local Docker runner reads "KEY value" lines from files named *.out; others "KEY=value". */
static bool uses_space_format(const char *path)
{
	size_t len = strlen(path);

	return len >= 4 && strcmp(path + len - 4, ".out") == 0;
}

/* Writes `value` with CR and LF turned into spaces, so that it stays on its line. */
static void write_one_line(FILE *f, const char *value)
{
	for (const char *c = value; *c; c++)
		fputc(*c == '\n' || *c == '\r' ? ' ' : *c, f);
}

/* Appends one KEY/value pair in the file's format. */
static int write_pair(const char *path, const char *key, const char *value)
{
	FILE *f;
	int failed;

	f = fopen(path, "a");
	if (!f)
		return -1;
	fprintf(f, "%s%c", key, uses_space_format(path) ? ' ' : '=');
	write_one_line(f, value ? value : "");
	fputc('\n', f);
	failed = ferror(f);
	if (fclose(f) != 0 || failed)
		return -1;
	return 0;
}

/* Appends the MIRROR_* keys of one run. */
static int write_run(const char *path, const rm_outputs *o)
{
	char pack_bytes[24];
	const struct {
		const char *key;
		const char *value;
		/* clang-format off */
	} pairs[] = {
		{"MIRROR_RESULT", rm_result_name(o->result)},
		{"MIRROR_REFERENCE", o->reference},
		{"MIRROR_SOURCE_SHA", o->source_sha.hex},
		{"MIRROR_TARGET_SHA_BEFORE", o->target_sha_before.hex},
		{"MIRROR_TARGET_SHA_AFTER", o->target_sha_after.hex},
		{"MIRROR_PACK_BYTES", pack_bytes},
		{"MIRROR_DRY_RUN", o->dry_run ? "true" : "false"},
	};
	/* clang-format on */

	snprintf(pack_bytes, sizeof(pack_bytes), "%" PRIu64, o->pack_bytes);
	for (size_t i = 0; i < RM_ARRAY_SIZE(pairs); i++)
		if (write_pair(path, pairs[i].key, pairs[i].value) < 0)
			return -1;
	return 0;
}

size_t rm_outputs_most_severe(const rm_outputs *runs, size_t n)
{
	size_t worst = 0;

	for (size_t i = 1; i < n; i++)
		if (rm_result_severity(runs[i].result) > rm_result_severity(runs[worst].result))
			worst = i;
	return worst;
}

int rm_outputs_write_runs(const char *path, const rm_outputs *runs, size_t n)
{
	rm_outputs summary = runs[rm_outputs_most_severe(runs, n)];
	rm_buf results;
	int rc = 0;

	if (!path)
		return 0;
	summary.pack_bytes = 0;
	rm_buf_init(&results, SIZE_MAX);
	for (size_t i = 0; i < n; i++) {
		summary.pack_bytes += runs[i].pack_bytes;
		if (runs[i].reference) /* none when the settings were bad */
			rc |= rm_buf_printf(&results, "%s%s:%s", results.len ? "," : "",
					    runs[i].reference, rm_result_name(runs[i].result));
	}
	if (rc == 0 &&
	    (write_run(path, &summary) < 0 || write_pair(path, "MIRROR_RESULTS", results.data) < 0))
		rc = -1;
	rm_buf_free(&results);
	return rc;
}
