/* Mirroring one ref: read both sides, decide, move the pack, push, and say what happened.
 * This is the only module that knows the order of the steps (SPEC 4). */
#ifndef RM_MIRROR_H
#define RM_MIRROR_H

#include "error.h"
#include "outputs.h"
#include "settings.h"

/* Mirrors `refname` with old SHA `old` (absent when not given) by the settings `s`. Fills *out
 * whatever happens and returns the exit code; on a failure *err holds the one-line reason.
 * Each value is set as soon as it is known: the source SHA once the source was read, the target
 * SHAs once the target was read (empty before that), the SHA after as read back after a failed
 * push (empty when a lost answer left it unknown). out->pack_bytes is added to, not replaced:
 * the pack bytes this call sent to the target, accepted or not, so that the count of a run's
 * retries adds up (zero it before the first call). */
int rm_mirror_ref(const rm_settings *s, const char *refname, const rm_oid *old, rm_outputs *out,
		  rm_error *err);

#endif
