/* Reads the commits of a pack as its bytes stream past, to answer SPEC 4's ancestry question
 * without storing the pack: does some commit in it have `parent` among its parents? For a pack
 * made with "want S, have T" that holds exactly when T is an ancestor of S.
 *
 * Every object is inflated only to find where it ends: blobs, trees and tags (and deltas of
 * them) go through a fixed scratch buffer and are forgotten. Commits are kept, because a later
 * delta may be based on one (deltas apply within one object type, so a commit's delta base is a
 * commit): an OFS_DELTA finds its base by pack offset, a REF_DELTA by the id of a commit seen
 * before it. Memory is bounded: a commit (or a commit's delta) over RM_PACK_SCAN_MAX_COMMIT,
 * kept commit contents over RM_PACK_SCAN_MAX_KEPT (the oldest are dropped first), plus a
 * 48-byte record per commit of the pack.
 *
 * The answer is never a guess: whenever it cannot be exact (a REF_DELTA whose base is not a
 * commit kept so far, a delta on a dropped commit, a commit over the limit, bytes that do not
 * parse, a pack that ended early) it is RM_PACK_SCAN_UNKNOWN with the reason. The pack's
 * checksum is not this module's concern (rm_pack_check). */
#ifndef RM_PACK_SCAN_H
#define RM_PACK_SCAN_H

#include <stddef.h>
#include "oid.h"

/* The largest commit, or delta of a commit, read: git itself makes none near it. */
#define RM_PACK_SCAN_MAX_COMMIT (16u << 20)
/* Commit contents kept as possible delta bases; pack-objects bases a delta on a nearby object
 * (its window), so the oldest go first. */
#define RM_PACK_SCAN_MAX_KEPT (32u << 20)

typedef enum rm_pack_scan_answer {
	RM_PACK_SCAN_NO,      /* the whole pack was read: no commit has the parent */
	RM_PACK_SCAN_YES,     /* a commit of the pack has the parent */
	RM_PACK_SCAN_UNKNOWN, /* the pack could not answer exactly (see `why`) */
} rm_pack_scan_answer;

typedef struct rm_pack_scan rm_pack_scan;

/* Starts reading a pack for commits whose parent is `parent` (a set id). NULL when out of
 * memory. Free with rm_pack_scan_free. */
rm_pack_scan *rm_pack_scan_new(const rm_oid *parent);

/* The peel question, asked of a pack made with "want T, have S" (T a ref's value on the target,
 * S its value on the source): what T peels to, and whether that is in the history of S. Such a
 * pack holds the objects reachable from T and not from S: nothing when T is no tag object and
 * S reaches it; only T's chain of tag objects when T peels to an object that S reaches; else
 * also that object. */
typedef enum rm_pack_scan_peel {
	RM_PACK_SCAN_PEEL_NOT_A_TAG,	  /* no objects: T is no tag object, and S reaches it */
	RM_PACK_SCAN_PEEL_IN_HISTORY,	  /* only tags, peeling to a commit that S reaches */
	RM_PACK_SCAN_PEEL_NOT_IN_HISTORY, /* an object other than a tag (answered at its header,
					   * the rest unread), or tags peeling to no commit */
	RM_PACK_SCAN_PEEL_UNKNOWN,	  /* see `why` (a delta among the tags, bytes that do not
					   * parse, a pack that ended early) */
} rm_pack_scan_peel;

/* Starts reading a pack for the peel question: tags are inflated and their "type" line read;
 * the first object of another type settles the answer. NULL when out of memory. Free with
 * rm_pack_scan_free. */
rm_pack_scan *rm_pack_scan_new_peel(void);

/* Takes the next bytes of the pack, in pieces of any size. Never fails: a problem makes the
 * answer RM_PACK_SCAN_UNKNOWN, and the bytes after the answer is settled are skipped. Bytes past
 * the last object (the trailer) are ignored. */
void rm_pack_scan_update(rm_pack_scan *s, const void *data, size_t len);

/* The answer for the bytes taken so far: YES as soon as a commit with the parent was read; NO
 * only once every object of the pack was read; else UNKNOWN, with *why (static or owned by
 * `s`, valid while it lives) saying why. `why` may be NULL. */
rm_pack_scan_answer rm_pack_scan_answer_now(const rm_pack_scan *s, const char **why);

/* The peel question's answer for the bytes taken so far (only after rm_pack_scan_new_peel);
 * *why as for rm_pack_scan_answer_now. */
rm_pack_scan_peel rm_pack_scan_peel_now(const rm_pack_scan *s, const char **why);

/* NULL is fine. */
void rm_pack_scan_free(rm_pack_scan *s);

#endif
