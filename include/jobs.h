/* What one run mirrors: the `reference` setting, or each ref change a webhook body announces
 * (SPEC 5), each with the old SHA that goes with it. */
#ifndef RM_JOBS_H
#define RM_JOBS_H

#include <stddef.h>
#include "error.h"
#include "oid.h"
#include "settings.h"

typedef struct rm_job {
	char *ref;	/* full, valid ref name */
	rm_oid old_sha; /* absent when not given */
} rm_job;

typedef struct rm_jobs {
	rm_job *jobs; /* in the body's order; owned by the rm_jobs */
	size_t n;     /* after a successful rm_jobs_from_settings: at least 1, or 0 when
		       * the payload is an event that is not a push (nothing to mirror) */
} rm_jobs;

/* Lists the refs to mirror. With `reference` set it is the one job, and a payload only supplies
 * its old SHA, when the body names that ref and reference_sha_old is not set. Without it, the
 * payload's changes are the jobs. A payload of a known event that is not a push (a ping, a pull
 * request, ...) gives no job, whatever `reference` says, and one log line saying what it was.
 * Fails with an RM_ERR_USAGE error (one line) when neither is set, the payload cannot be
 * read, or it names an invalid ref; *jobs then holds nothing. On success the caller frees *jobs
 * with rm_jobs_free (also fine on a failed or empty rm_jobs). */
int rm_jobs_from_settings(rm_jobs *jobs, const rm_settings *s, rm_error *err);

void rm_jobs_free(rm_jobs *jobs);

#endif
