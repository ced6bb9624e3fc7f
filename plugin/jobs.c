#include "jobs.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "payload.h"
#include "refname.h"

static int add_job(rm_jobs *jobs, const char *ref, const rm_oid *old_sha, rm_error *err)
{
	rm_job *job = &jobs->jobs[jobs->n];

	if (!rm_refname_is_valid(ref))
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE,
				    "payload: '%.200s' is not a valid full ref name", ref);
	job->ref = strdup(ref);
	if (!job->ref)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_NO_MEMORY, "out of memory");
	job->old_sha = *old_sha;
	jobs->n++;
	return 0;
}

/* The old SHA the body gives for `ref`, or absent when it names no such change. */
static rm_oid old_sha_in_payload(const rm_payload *p, const char *ref)
{
	rm_oid none = {""};

	for (size_t i = 0; i < p->nchanges; i++)
		if (strcmp(p->changes[i].ref, ref) == 0)
			return p->changes[i].old_sha;
	return none;
}

static int jobs_from_payload(rm_jobs *jobs, const rm_settings *s, const rm_payload *p,
			     rm_error *err)
{
	rm_log("payload: %s event with %zu ref change%s", p->provider, p->nchanges,
	       p->nchanges == 1 ? "" : "s");
	if (s->reference) {
		rm_oid old = rm_oid_is_set(&s->old_sha) ? s->old_sha
							: old_sha_in_payload(p, s->reference);
		return add_job(jobs, s->reference, &old, err);
	}
	for (size_t i = 0; i < p->nchanges; i++)
		if (add_job(jobs, p->changes[i].ref, &p->changes[i].old_sha, err) < 0)
			return -1;
	return 0;
}

int rm_jobs_from_settings(rm_jobs *jobs, const rm_settings *s, rm_error *err)
{
	rm_payload p = {0};
	int rc;

	memset(jobs, 0, sizeof(*jobs));
	if (!s->reference && !s->payload)
		return rm_error_set(
			err, RM_SIDE_NONE, RM_ERR_USAGE,
			"reference: required (a full ref name such as refs/heads/main), "
			"unless payload gives it");
	if (s->payload && rm_payload_parse(&p, s->payload, strlen(s->payload), err) < 0)
		return -1;
	if (s->payload && p.nchanges == 0) {
		/* Whatever `reference` says: the event that started the run changed no ref. */
		rm_log("payload: %s, not a push: nothing to mirror", p.not_a_push);
		rm_payload_free(&p);
		return 0;
	}
	jobs->jobs = calloc(s->payload ? p.nchanges : 1, sizeof(*jobs->jobs));
	if (!jobs->jobs)
		rc = rm_error_set(err, RM_SIDE_NONE, RM_ERR_NO_MEMORY, "out of memory");
	else if (s->payload)
		rc = jobs_from_payload(jobs, s, &p, err);
	else
		rc = add_job(jobs, s->reference, &s->old_sha, err);
	rm_payload_free(&p);
	if (rc < 0)
		rm_jobs_free(jobs);
	return rc;
}

void rm_jobs_free(rm_jobs *jobs)
{
	for (size_t i = 0; i < jobs->n; i++)
		free(jobs->jobs[i].ref);
	free(jobs->jobs);
	memset(jobs, 0, sizeof(*jobs));
}
