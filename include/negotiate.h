/* SPEC 4's question before any pack: does the source hold T at all? One fetch round with
 * "want S", "have T" and no "done": the source acknowledges each have it holds (v2
 * "acknowledgments", v0 multi_ack_detailed ACK lines) and sends no pack. A source without T
 * cannot have T in the history of S, so the answer "no" to the ancestry question costs this one
 * small request instead of a pack. */
#ifndef RM_NEGOTIATE_H
#define RM_NEGOTIATE_H

#include "error.h"
#include "http.h"
#include "oid.h"
#include "pack_scan.h"
#include "upload_pack.h"

typedef enum rm_source_holds {
	RM_SOURCE_HOLDS_UNASKED, /* a v0 source without multi_ack_detailed cannot be asked */
	RM_SOURCE_HOLDS_YES,
	RM_SOURCE_HOLDS_NO,
} rm_source_holds;

/* Asks the source whether it holds `have` (with "want `want`"). 0 with *answer, or -1 with
 * *err (RM_SIDE_SOURCE): the request's errors, "source: server error: <its words>"
 * (RM_ERR_REFUSED), "source: bad negotiation answer: <why>" (RM_ERR_PROTOCOL), "source: the
 * negotiation answer was cut short" (RM_ERR_NETWORK, transient). */
int rm_source_holds_object(rm_remote *src, const rm_source_info *info, const rm_oid *want,
			   const rm_oid *have, rm_source_holds *answer, rm_error *err);

/* SPEC 4's T peeled to its commit, as git's push does before its ancestry question: one fetch
 * of "want `target`, have `source`, done" (protocol v2 only: a v0 source refuses a want it did
 * not advertise), its pack read for the peel question (pack_scan.h) and dropped. 0 with *answer
 * (never RM_PACK_SCAN_PEEL_UNKNOWN), or -1 with *err: the fetch's errors, a pack error, or
 * "source: cannot tell what <T> peels to (<why>); nothing was pushed" (RM_ERR_PACK). */
int rm_source_peel_target(rm_remote *src, const rm_source_info *info, const rm_oid *target,
			  const rm_oid *source, rm_pack_scan_peel *answer, rm_error *err);

#endif
