/* refmirror: mirrors git refs from a source repository to a target repository.
 * Settings come from PLUGIN_* variables (settings.h); this file only wires the modules. */
#include <git2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "http.h"
#include "jobs.h"
#include "log.h"
#include "mirror.h"
#include "outputs.h"
#include "retry.h"
#include "settings.h"
#include "version.h"

static const char usage[] =
	"usage: refmirror [--version]\n"
	"Mirrors git refs between two smart-HTTP servers. Settings come from environment\n"
	"variables such as PLUGIN_SOURCE_URL, PLUGIN_TARGET_URL, PLUGIN_TARGET_TOKEN and\n"
	"PLUGIN_REFERENCE (see the README); tokens are never taken from the command line.\n";

static const char *lookup(const char *name)
{
	return getenv(name);
}

/* How each ref is mirrored: the settings that rm_mirror_ref needs. */
static rm_run_options run_options(const rm_settings *s)
{
	rm_run_options o = {.dry_run = s->dry_run,
			    .sync_delete = s->sync_delete,
			    .max_pack_size = s->max_pack_size,
			    .ca_pem = s->ca_cert,
			    .timeout = s->timeout,
			    .deadline = s->deadline,
			    .deadline_at_ms = s->deadline_at_ms};
	return o;
}

/* A retry starts over from reading both sides, so it is always safe (SPEC 6). */
static void mirror_with_retries(const rm_settings *s, rm_retry *retry, const rm_job *job,
				rm_outputs *out)
{
	rm_run_options o = run_options(s);
	rm_error err;

	for (int attempt = 1;; attempt++) {
		rm_error_clear(&err);
		out->exit_code = rm_mirror_ref(&o, &s->source, &s->target, job->ref, &job->old_sha,
					       out, &err);
		if (out->exit_code == 0 || !err.transient || attempt >= retry->attempts ||
		    !rm_retry_wait(retry, &err, attempt))
			break;
	}
	if (rm_error_is_set(&err))
		rm_log("error: %s", err.msg);
	rm_log("result: %s: %s (exit %d)", job->ref, rm_result_name(out->result), out->exit_code);
}

static int mirror_all(const rm_settings *s, const rm_jobs *jobs)
{
	rm_outputs *runs = calloc(jobs->n, sizeof(*runs));
	const char *path = getenv("DRONE_OUTPUT");
	rm_retry retry = {.attempts = s->retries + 1,
			  .delay_s = s->retry_delay,
			  .deadline_s = s->deadline,
			  .deadline_at_ms = s->deadline_at_ms,
			  .jitter = rm_retry_seed()};
	size_t worst;
	int code;

	if (!runs) {
		rm_log("error: out of memory");
		return RM_EXIT_SOURCE;
	}
	for (size_t i = 0; i < jobs->n; i++) {
		rm_log("mirroring %s%s%s", jobs->jobs[i].ref,
		       rm_oid_is_set(&jobs->jobs[i].old_sha) ? ", old SHA " : "",
		       jobs->jobs[i].old_sha.hex);
		mirror_with_retries(s, &retry, &jobs->jobs[i], &runs[i]);
	}
	worst = rm_outputs_most_severe(runs, jobs->n);
	code = runs[worst].exit_code;
	if (path && *path && rm_outputs_write_runs(path, runs, jobs->n) < 0)
		rm_log("warning: cannot write the step outputs to %s", path);
	if (jobs->n > 1)
		rm_log("result: %s over %zu refs (exit %d)", rm_result_name(runs[worst].result),
		       jobs->n, code);
	free(runs);
	return code;
}

/* A run that ends before mirroring anything still reports, in outputs too; `dry_run` as the
 * settings said, false when they could not be read. */
static int end_early(rm_result result, int exit_code, bool dry_run)
{
	rm_outputs out = {.result = result, .exit_code = exit_code, .dry_run = dry_run};
	const char *path = getenv("DRONE_OUTPUT");

	if (path && *path && rm_outputs_write_runs(path, &out, 1) < 0)
		rm_log("warning: cannot write the step outputs to %s", path);
	rm_log("result: %s (exit %d)", rm_result_name(result), exit_code);
	return exit_code;
}

static int fail_early(const rm_error *err, bool dry_run)
{
	rm_log("error: %s", err->msg);
	return end_early(RM_RESULT_FAILED, rm_exit_code_for(err), dry_run);
}

int main(int argc, char **argv)
{
	rm_settings s;
	rm_jobs jobs;
	rm_error err = {0};
	int code;

	if (argc > 1) {
		bool help = strcmp(argv[1], "--help") == 0;
		if (strcmp(argv[1], "--version") == 0) {
			rm_version_print(stdout);
			return 0;
		}
		fputs(usage, help ? stdout : stderr);
		return help ? 0 : RM_EXIT_USAGE;
	}
	if (rm_settings_load(&s, lookup, &err) < 0)
		return fail_early(&err, false);
	rm_log_add_secret(s.source.token);
	rm_log_add_secret(s.target.token);
	if (rm_jobs_from_settings(&jobs, &s, &err) < 0) {
		code = fail_early(&err, s.dry_run);
	} else if (jobs.n == 0) { /* an event that is not a push */
		code = end_early(RM_RESULT_SKIPPED, RM_EXIT_OK, s.dry_run);
	} else if (git_libgit2_init() < 0 || rm_http_global_init() < 0) {
		rm_error_set(&err, RM_SIDE_NONE, RM_ERR_NO_MEMORY,
			     "cannot initialise libgit2 or libcurl");
		code = fail_early(&err, s.dry_run);
	} else {
		rm_log("refmirror %s: from %s to %s%s", RM_VERSION, s.source.url, s.target.url,
		       s.dry_run ? " (dry run)" : "");
		code = mirror_all(&s, &jobs);
		git_libgit2_shutdown();
	}
	rm_jobs_free(&jobs); /* empty after a failure or a non-push event */
	rm_settings_free(&s);
	return code;
}
