/* The request bodies refmirror sends, as pkt-lines: the v2 ls-refs and fetch commands, the v0
 * fetch and the push command. The capabilities a request names are written in one place, in
 * the three forms the protocols have: the v2 command's capability lines, the v0 first want line
 * ("want <oid> <caps>") and the push command ("<old> <new> <ref>\0<caps>").
 *
 * Pure: no I/O. Each function appends to `body`, whose limit bounds the request, and returns 0,
 * or -1 when the body would pass its limit or a line would pass RM_PKT_DATA_MAX (a ref name too
 * long), or out of memory; the body's content is then not to be sent. */
#ifndef RM_REQUEST_H
#define RM_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "oid.h"

/* The capabilities a request asks for, each only where the server offered it (the caller
 * decides). "agent=refmirror/<version>" always goes. */
typedef struct rm_request_caps {
	bool report_status;	 /* push */
	bool side_band_64k;	 /* v0 fetch, push */
	bool multi_ack_detailed; /* v0 fetch: an ACK for each have the server holds */
	bool ofs_delta;		 /* fetch (in v2 an argument of the command, not a capability) */
	bool object_format;	 /* the server named its object format, sha1
				  * (rm_caps_check_object_format): "object-format=sha1" names it back */
} rm_request_caps;

/* v2 "command=ls-refs", its capability lines, a delim, "peel", "ref-prefix <prefix>", a flush:
 * the refs whose names start with `prefix`, tags peeled. */
int rm_request_ls_refs(rm_buf *body, const rm_request_caps *caps, const char *prefix);

/* One round of a fetch: `wants` (at least one), `haves`, "done"; or, `negotiate_only`, the same
 * without "done": the server answers which haves it holds (v2 "acknowledgments", v0 ACK/NAK
 * lines) and, v2 without "wait-for-done", may send the pack after "ready". */
typedef struct rm_fetch_request {
	int version; /* 2: "command=fetch", its capability lines, a delim, the arguments, a flush;
		      * 0: want lines (the first with the capabilities), a flush, the haves */
	rm_request_caps caps;
	const rm_oid *wants;
	size_t nwants;
	const rm_oid *haves;
	size_t nhaves;
	bool negotiate_only;
	bool wait_for_done; /* v2, negotiating: ask for no pack (the server offers wait-for-done) */
} rm_fetch_request;

int rm_request_fetch(rm_buf *body, const rm_fetch_request *f);

/* The push command "<old> <new> <refname>\0<caps>" then a flush; an absent id goes as
 * RM_ZERO_OID. */
int rm_request_push(rm_buf *body, const rm_request_caps *caps, const rm_oid *old,
		    const rm_oid *new_value, const char *refname);

#endif
