/* Talking to the target's git-receive-pack: its ref advertisement, and the push of one
 * compare-and-swap command "old new ref" with the pack, reading back report-status. */
#ifndef RM_RECEIVE_PACK_H
#define RM_RECEIVE_PACK_H

#include <stdio.h>
#include "advert.h"
#include "error.h"
#include "http.h"
#include "oid.h"
#include "pack.h"
#include "plan.h"

/* Reads the target's refs and capabilities into *adv (rm_advert_init'ed by the caller, freed by
 * it with rm_advert_free). 0, or -1 with *err (on RM_SIDE_TARGET), also when the target
 * names an object format other than SHA-1 (rm_caps_check_object_format). */
int rm_target_read_refs(rm_remote *tgt, rm_advert *adv, rm_error *err);

/* Pushes the plan's `command` "old new ref" (an absent id goes as 40 zeros) with the
 * capabilities `caps` of the plan, and the bytes of `pack` (NULL for a deletion) exactly as the
 * source sent them, read with rm_pack_read: a relayed pack goes as it comes, in chunked transfer
 * encoding. The target applies it only if the ref still holds the command's old value. Messages
 * the target's hooks print are logged as they come. Returns 0 when the target reported the ref
 * "ok"; -1 with *err (on RM_SIDE_TARGET, the server's reason in the message) otherwise,
 * also before any request when the target lacks report-status, or delete-refs for a deletion. */
int rm_push(rm_remote *tgt, const rm_push_caps *caps, const rm_push_command *command, rm_pack *pack,
	    rm_error *err);

#endif
