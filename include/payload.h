/* Webhook payloads (SPEC 5): the ref changes a provider's push-like event announces, read from
 * its body. Recognises Harness Code, GitHub, GitLab, Gitea/Forgejo/Gogs, Bitbucket Cloud,
 * Bitbucket Data Center and Azure DevOps by the body's keys, and their known events that are not
 * pushes (a ping, a pull request, ...), which announce no ref change; no I/O. */
#ifndef RM_PAYLOAD_H
#define RM_PAYLOAD_H

#include <stddef.h>
#include "error.h"
#include "oid.h"

/* Bodies beyond these limits are refused before or instead of being parsed. */
#define RM_PAYLOAD_MAX_BYTES (25u * 1024 * 1024) /* GitHub's own cap on a webhook body */
#define RM_PAYLOAD_MAX_DEPTH 64			 /* arrays and objects nested in one another */
#define RM_PAYLOAD_MAX_CHANGES 1000		 /* ref changes in one body */

/* One ref changed by the event. */
typedef struct rm_ref_change {
	char *ref;	/* full ref name: refs/... as the body gives it, or refs/heads/ or
			 * refs/tags/ + a short name by its type; not checked against git's
			 * naming rules (rm_refname_is_valid does that) */
	rm_oid old_sha; /* absent when the body does not say; zeros = the ref did not exist */
	rm_oid new_sha; /* absent when the body does not say; zeros = the ref was deleted */
} rm_ref_change;

typedef struct rm_payload {
	const char *provider;	/* which shape the body had, for logs: "Harness Code", "GitHub",
				 * "GitLab", "Gitea" (also Forgejo and Gogs), "GitHub/Gitea" (their
				 * create and delete events, alike), "Bitbucket Cloud",
				 * "Bitbucket Data Center" or "Azure DevOps"; static storage; NULL for
				 * an event that is not a push */
	rm_ref_change *changes; /* in the body's order, owned by the rm_payload */
	size_t nchanges;	/* at least 1, or 0 for an event that is not a push */
	char not_a_push[96];	/* when nchanges is 0: what the event was, for the log: "a GitHub
				 * ping event", "a GitLab merge_request event", ... */
} rm_payload;

/* Reads the `len` bytes of `body` (no terminating NUL needed) into *out. A body that is not JSON,
 * not a push, create or delete event of a known provider nor one of its known other events, that
 * holds no ref change or a bad one (no ref name, a SHA that is not 40 hex digits), or that is
 * beyond the limits above: returns -1 with an RM_ERR_USAGE error, a one-line "payload: ..."
 * message in *err; *out then holds nothing that needs freeing. On success returns 0, with
 * nchanges 0 and not_a_push set for a known event that is not a push (GitHub's ping, a pull or
 * merge request, GitLab's other hooks, Bitbucket's, Azure DevOps' and Harness Code's other
 * events); the caller frees *out with rm_payload_free. */
int rm_payload_parse(rm_payload *out, const char *body, size_t len, rm_error *err);

/* Frees what *p owns and empties it; safe on an emptied or failed rm_payload. */
void rm_payload_free(rm_payload *p);

#endif
