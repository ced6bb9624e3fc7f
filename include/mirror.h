/* Mirroring one ref: read both sides, decide, move the pack, push, and say what happened.
 * This is the only module that knows the order of the steps (SPEC 4). */
#ifndef RM_MIRROR_H
#define RM_MIRROR_H

#include "error.h"
#include "outputs.h"
#include "settings.h"

/* Mirrors `refname` with old SHA `old` (absent when not given) by the settings `s`. Fills *out
 * (reference, SHAs, result, pack bytes) whatever happens and returns the exit code; on a failure
 * *err holds the one-line reason. */
int rm_mirror_ref(const rm_settings *s, const char *refname, const rm_oid *old, rm_outputs *out,
		  rm_error *err);

#endif
