/* Mirroring one ref: read both sides, decide, move the pack, push, and say what happened.
 * This is the only module that knows the order of the steps (SPEC 4). */
#ifndef RM_MIRROR_H
#define RM_MIRROR_H

#include <stdbool.h>
#include <stdint.h>
#include "endpoint.h"
#include "error.h"
#include "oid.h"
#include "outputs.h"

/* How one run mirrors, the same for each of its refs and attempts (main.c makes it from the
 * settings). Strings borrowed. */
typedef struct rm_run_options {
	bool dry_run;		/* decide and report; push nothing */
	bool sync_delete;	/* mirror a deletion of the ref */
	uint64_t max_pack_size; /* bytes of pack data the source may send */
	const char *ca_pem;	/* extra trusted CA certificates (PEM text), or NULL */
	long timeout;		/* seconds a request may go without progress */
	long deadline;		/* seconds the whole run may take, for messages; 0: no limit */
	int64_t deadline_at_ms; /* rm_now_ms() when the deadline passes; 0: none */
} rm_run_options;

/* Mirrors `refname` with old SHA `old` (absent when not given) from `source` to `target` as `o`
 * says (all borrowed). Fills *out whatever happens and returns the exit code; on a failure *err
 * holds the one-line reason. Each value is set as soon as it is known: the source SHA once the
 * source was read, the target SHAs once the target was read (empty before that), the SHA after
 * as read back after a failed push (empty when a lost answer left it unknown). out->pack_bytes
 * is added to, not replaced: the pack bytes this call sent to the target, accepted or not, so
 * that the count of a run's retries adds up (zero it before the first call). */
int rm_mirror_ref(const rm_run_options *o, const rm_endpoint *source, const rm_endpoint *target,
		  const char *refname, const rm_oid *old, rm_outputs *out, rm_error *err);

#endif
