/* refmirror: mirrors one git ref from a source repository to a target repository.
 * Settings come from PLUGIN_* variables (settings.h); this file only wires the modules. */
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "http.h"
#include "log.h"
#include "mirror.h"
#include "outputs.h"
#include "settings.h"
#include "version.h"

static const char usage[] =
	"usage: refmirror [--version]\n"
	"Mirrors one git ref between two smart-HTTP servers. Settings come from environment\n"
	"variables such as PLUGIN_SOURCE_URL, PLUGIN_TARGET_URL, PLUGIN_TARGET_TOKEN and\n"
	"PLUGIN_REFERENCE (see the README); tokens are never taken from the command line.\n";

static const char *lookup(const char *name)
{
	return getenv(name);
}

/* Exponential backoff with jitter (SPEC 6): 1 s, 2 s, 4 s ... plus up to half again. */
static void back_off(int attempt)
{
	unsigned base = 1u << (attempt < 6 ? attempt : 6);
	unsigned jitter = (unsigned)rand() % (base * 500 + 1);
	struct timespec ts = {.tv_sec = base + jitter / 1000, .tv_nsec = (long)(jitter % 1000) * 1000000};

	rm_log("retrying in %.1f s", base + jitter / 1000.0);
	nanosleep(&ts, NULL);
}

/* A retry starts over from reading both sides, so it is always safe (SPEC 6). */
static int mirror_with_retries(const rm_settings *s, rm_outputs *out, rm_error *err)
{
	for (int attempt = 0;; attempt++) {
		int code;

		rm_error_clear(err);
		code = rm_mirror_ref(s, s->reference, &s->old_sha, out, err);
		if (code == 0 || !err->transient || attempt >= s->retries)
			return code;
		rm_log("error: %s", err->msg);
		back_off(attempt);
	}
}

static int finish(const rm_outputs *out, int code, const rm_error *err)
{
	const char *path = getenv("DRONE_OUTPUT");

	if (err->exit_code)
		rm_log("error: %s", err->msg);
	if (path && *path && rm_outputs_write(path, out) < 0)
		rm_log("warning: cannot write the step outputs to %s", path);
	rm_log("result: %s (exit %d)", rm_result_name(out->result), code);
	return code;
}

int main(int argc, char **argv)
{
	rm_settings s;
	rm_error err = {0};
	rm_outputs out = {.result = RM_RESULT_FAILED};
	int code;

	if (argc > 1) {
		if (strcmp(argv[1], "--version") == 0) {
			printf("refmirror %s\n", RM_VERSION);
			return 0;
		}
		fputs(usage, strcmp(argv[1], "--help") == 0 ? stdout : stderr);
		return strcmp(argv[1], "--help") == 0 ? 0 : RM_EXIT_USAGE;
	}
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	if (rm_settings_load(&s, lookup, &err) < 0)
		return finish(&out, RM_EXIT_USAGE, &err);
	rm_log_add_secret(s.source.token);
	rm_log_add_secret(s.target.token);
	if (!s.reference) {
		rm_error_set(&err, RM_EXIT_USAGE, "reference: required (a full ref name such as "
						  "refs/heads/main)");
		code = finish(&out, RM_EXIT_USAGE, &err);
	} else if (git_libgit2_init() < 0 || rm_http_global_init() < 0) {
		rm_error_set(&err, RM_EXIT_SOURCE, "cannot initialise libgit2 or libcurl");
		code = finish(&out, RM_EXIT_SOURCE, &err);
	} else {
		rm_log("refmirror %s: %s from %s to %s%s", RM_VERSION, s.reference, s.source.url,
		       s.target.url, s.dry_run ? " (dry run)" : "");
		code = finish(&out, mirror_with_retries(&s, &out, &err), &err);
		git_libgit2_shutdown();
	}
	rm_settings_free(&s);
	return code;
}
