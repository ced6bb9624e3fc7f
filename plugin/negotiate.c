#include "negotiate.h"

#include <string.h>

#include "advert.h"
#include "buf.h"
#include "pack.h"
#include "pktline.h"
#include "request.h"
#include "smart_http.h"

#define REQUEST_LIMIT (64u << 10)
/* The answer is a few lines; a v2 server without wait-for-done may start a pack after them,
 * which is not read. */
#define ANSWER_LIMIT (64u << 10)

typedef struct negotiation {
	int version;
	const rm_oid *have;
	bool header_seen; /* v2: "acknowledgments" */
	bool ended;	  /* the acknowledgments are over */
	bool acked;
	rm_error *err;
} negotiation;

static int bad_answer(negotiation *n, const char *why, const char *text, size_t len)
{
	return rm_error_set(n->err, RM_SIDE_SOURCE, RM_ERR_PROTOCOL,
			    "bad negotiation answer: %s: %.*s", why, (int)(len > 80 ? 80 : len),
			    text);
}

/* "ACK <oid>[ common|ready|continue]", "NAK", "ready" (v2). */
static int on_line(negotiation *n, const char *text, size_t len)
{
	if (rm_pkt_skip_prefix(&text, &len, "ERR "))
		return rm_error_set(n->err, RM_SIDE_SOURCE, RM_ERR_REFUSED, "server error: %.*s",
				    (int)len, text);
	if (n->version == 2 && !n->header_seen) {
		n->header_seen = true;
		return rm_pkt_text_is(text, len, "acknowledgments")
			       ? 0
			       : bad_answer(n, "no acknowledgments section", text, len);
	}
	if (rm_pkt_skip_prefix(&text, &len, "ACK ")) {
		if (len >= RM_OID_HEXSZ && memcmp(text, n->have->hex, RM_OID_HEXSZ) == 0)
			n->acked = true;
		return 0;
	}
	if (rm_pkt_text_is(text, len, "NAK")) {
		n->ended = n->version != 2;
		return 0;
	}
	if (n->version == 2 && rm_pkt_text_is(text, len, "ready"))
		return 0;
	return bad_answer(n, "unexpected line", text, len);
}

static int on_pkt(void *ctx, rm_pkt_type type, const char *data, size_t len)
{
	negotiation *n = ctx;

	if (n->ended)
		return 1; /* a pack after "ready": not wanted */
	if (type == RM_PKT_DATA)
		return on_line(n, data, rm_pkt_chomp(data, len));
	if (n->version == 2 && n->header_seen && (type == RM_PKT_FLUSH || type == RM_PKT_DELIM))
		n->ended = true;
	return 0;
}

static bool wait_for_done_offered(const char *caps)
{
	const char *value;

	if (!rm_caps_has(caps, "fetch", &value) || !value)
		return false;
	for (const char *w = value; *w && *w != '\n';) {
		size_t len = strcspn(w, " \n");
		if (len == 13 && memcmp(w, "wait-for-done", 13) == 0)
			return true;
		w += len;
		w += *w == ' ';
	}
	return false;
}

int rm_source_holds_object(rm_remote *src, const rm_source_info *info, const rm_oid *want,
			   const rm_oid *have, rm_source_holds *answer, rm_error *err)
{
	negotiation n = {.version = info->version, .have = have, .err = err};
	rm_fetch_request f = {
		.version = info->version,
		.caps = {.multi_ack_detailed = info->version != 2,
			 .object_format = rm_caps_has(info->caps, "object-format", NULL)},
		.wants = want,
		.nwants = 1,
		.haves = have,
		.nhaves = 1,
		.negotiate_only = true,
		.wait_for_done = wait_for_done_offered(info->caps)};
	rm_smart_req req = {.service = RM_UPLOAD_PACK,
			    .protocol_v2 = info->version == 2,
			    .max_bytes = ANSWER_LIMIT};
	rm_buf body;
	int rc;

	*answer = RM_SOURCE_HOLDS_UNASKED;
	if (info->version != 2 && !rm_caps_has(info->caps, "multi_ack_detailed", NULL))
		return 0;
	rm_buf_init(&body, REQUEST_LIMIT);
	if (rm_request_fetch(&body, &f) < 0) {
		rm_buf_free(&body);
		return rm_error_set(err, RM_SIDE_SOURCE, RM_ERR_NO_MEMORY, "out of memory");
	}
	req.body = body.data;
	req.body_len = body.len;
	rc = rm_smart_request(src, &req, on_pkt, &n, "negotiation answer", NULL, err);
	rm_buf_free(&body);
	if (rc < 0 && n.ended && !err->transient) { /* stopped reading at a pack: no error */
		rm_error_clear(err);
		rc = 0;
	}
	if (rc == 0 && !n.ended)
		return rm_error_set_transient(err, RM_SIDE_SOURCE, RM_ERR_NETWORK,
					      "the negotiation answer was cut short");
	if (rc == 0)
		*answer = n.acked ? RM_SOURCE_HOLDS_YES : RM_SOURCE_HOLDS_NO;
	return rc;
}

/* The pack of "want T, have S" is T's chain of tags when T peels to a commit that S reaches:
 * small. Past this, it holds more than tags, and its first object already said so. */
#define PEEL_PACK_LIMIT (64u << 10)

/* Reads the peel pack: an answer, or -1 with *err. "Not in the history" at the first object
 * other than a tag stands even when the fetch then failed (at the limit): the pack is not read
 * further. Every other answer needs the whole pack, its checksum right. */
static int read_peel_pack(rm_remote *src, const rm_source_info *info, const rm_oid *target,
			  const rm_oid *source, rm_pack *pack, rm_pack_scan_peel *answer,
			  rm_error *err)
{
	const char *why;
	int rc = rm_fetch_pack(src, info, target, source, 1, false, pack, err);

	if (rc == 0)
		rc = rm_pack_finish(pack, err);
	*answer = rm_pack_peel(pack, &why);
	if (*answer == RM_PACK_SCAN_PEEL_NOT_IN_HISTORY) {
		rm_error_clear(err);
		return 0;
	}
	if (rc < 0)
		return -1;
	if (*answer == RM_PACK_SCAN_PEEL_UNKNOWN)
		return rm_error_set(err, RM_SIDE_SOURCE, RM_ERR_PACK,
				    "cannot tell what %s peels to (%s); nothing was pushed",
				    rm_oid_short(target).hex, why);
	return 0;
}

int rm_source_peel_target(rm_remote *src, const rm_source_info *info, const rm_oid *target,
			  const rm_oid *source, rm_pack_scan_peel *answer, rm_error *err)
{
	rm_pack *pack = NULL;
	int rc = rm_pack_open_sink(&pack, PEEL_PACK_LIMIT, err);

	if (rc == 0)
		rc = rm_pack_scan_for_peel(pack, err);
	if (rc == 0)
		rc = read_peel_pack(src, info, target, source, pack, answer, err);
	rm_pack_free(pack);
	return rc;
}
