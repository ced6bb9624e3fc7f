/* Talking to the source's git-upload-pack: reading one ref (protocol v2 ls-refs with a ref
 * prefix where offered, else the v0 advertisement) and fetching the pack of what the target
 * lacks, demultiplexing side-band-64k into the pack (rm_pack: a relay to the target). */
#ifndef RM_UPLOAD_PACK_H
#define RM_UPLOAD_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"
#include "http.h"
#include "oid.h"
#include "pack.h"

/* What discovery learnt about the source, needed again to fetch. */
typedef struct rm_source_info {
	int version; /* protocol spoken: 0 or 2 */
	char *caps;  /* capabilities as advertised */
} rm_source_info;

/* Reads the value of `refname` on the source into *value (absent when there is no such ref).
 * Returns 0, or -1 with *err (on RM_SIDE_SOURCE). Free *info with rm_source_info_free. */
int rm_source_read_ref(rm_remote *src, const char *refname, rm_oid *value, rm_source_info *info,
		       rm_error *err);

void rm_source_info_free(rm_source_info *info);

/* Fetches a pack with "want `want`" and "have" each of `haves`, without thin-pack, with
 * ofs-delta only when `ofs_delta`, and writes its bytes to `pack` as they arrive. The server's
 * progress (band 2) is asked for and its latest line shown in the throttled progress lines
 * ("source: preparing the pack (server: ...)" until the pack starts, then "relaying: <amount>"
 * or "fetching: <amount>"); errors it sends on band 3 end the fetch with its words.
 * Does not call rm_pack_finish. 0, or -1 with *err (on RM_SIDE_SOURCE). */
int rm_fetch_pack(rm_remote *src, const rm_source_info *info, const rm_oid *want,
		  const rm_oid *haves, size_t nhaves, bool ofs_delta, rm_pack *pack, rm_error *err);

#endif
