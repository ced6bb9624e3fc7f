#include "upload_pack.h"

#include <stdlib.h>
#include <string.h>

#include "advert.h"
#include "buf.h"
#include "log.h"
#include "pktline.h"
#include "request.h"
#include "sideband.h"
#include "smart_http.h"

#define REQUEST_LIMIT (4u << 20)

/* Requests refs and parses the pkt-line answer, a body of `kind`, into *advert (overwritten). */
static int request_refs(rm_remote *src, const rm_smart_req *req, rm_advert_kind kind,
			rm_advert *advert, const char *what, rm_error *err)
{
	rm_advert_parser *parser = rm_advert_parser_new(kind);
	bool complete;
	int rc;

	if (!parser)
		return rm_error_set(err, RM_SIDE_SOURCE, RM_ERR_NO_MEMORY, "out of memory");
	rc = rm_smart_request(src, req, rm_advert_parser_feed, parser, what,
			      rm_advert_parser_error(parser), err);
	complete = rm_advert_parser_finish(parser, advert) == 0;
	rm_advert_parser_free(parser);
	if (rc == 0 && !complete)
		rc = rm_error_set_transient(err, RM_SIDE_SOURCE, RM_ERR_NETWORK, "%s was cut short",
					    what);
	return rc;
}

/* The server named its object format (sha1, checked): it is named back. */
static bool names_object_format(const char *caps)
{
	return rm_caps_has(caps, "object-format", NULL);
}

static int list_ref_v2(rm_remote *src, const char *refname, const char *caps, rm_advert *found,
		       rm_error *err)
{
	rm_smart_req req = {
		.service = RM_UPLOAD_PACK, .protocol_v2 = true, .max_bytes = RM_ADVERT_MAX_BYTES};
	rm_request_caps request_caps = {.object_format = names_object_format(caps)};
	rm_buf body;
	int rc;

	rm_buf_init(&body, REQUEST_LIMIT);
	/* The prefix keeps the answer to the refs that start with our name, however many refs
	 * the source holds; rm_advert_find then picks the exact one. */
	if (rm_request_ls_refs(&body, &request_caps, refname) < 0) {
		rm_buf_free(&body);
		return rm_error_set(err, RM_SIDE_SOURCE, RM_ERR_PROTOCOL, "ref name too long");
	}
	req.body = body.data;
	req.body_len = body.len;
	rc = request_refs(src, &req, RM_ADVERT_LS_REFS, found, "ls-refs answer", err);
	rm_buf_free(&body);
	return rc;
}

static int check_object_format(const char *caps, rm_error *err)
{
	char why[160];

	if (rm_caps_check_object_format(caps, why, sizeof(why)) < 0)
		return rm_error_set(err, RM_SIDE_SOURCE, RM_ERR_PROTOCOL, "%s", why);
	return 0;
}

int rm_source_read_ref(rm_remote *src, const char *refname, rm_oid *value, rm_source_info *info,
		       rm_error *err)
{
	rm_smart_req req = {.service = RM_UPLOAD_PACK,
			    .discovery = true,
			    .protocol_v2 = true,
			    .max_bytes = RM_ADVERT_MAX_BYTES};
	rm_advert advert, listed;
	const rm_advert *where = &advert;
	int rc;

	value->hex[0] = '\0';
	memset(info, 0, sizeof(*info));
	rm_advert_init(&advert);
	rm_advert_init(&listed);
	rc = request_refs(src, &req, RM_ADVERT_INFO_REFS, &advert, "ref advertisement", err);
	if (rc == 0)
		rc = check_object_format(advert.caps, err);
	if (rc == 0 && advert.version == 2) {
		if (!rm_caps_has(advert.caps, "ls-refs", NULL) ||
		    !rm_caps_has(advert.caps, "fetch", NULL))
			rc = rm_error_set(err, RM_SIDE_SOURCE, RM_ERR_PROTOCOL,
					  "protocol v2 server offers no ls-refs or fetch");
		else
			rc = list_ref_v2(src, refname, advert.caps, &listed, err);
		where = &listed;
	}
	if (rc == 0) {
		const rm_ref *ref = rm_advert_find(where, refname);
		if (ref)
			*value = ref->oid;
		info->version = advert.version;
		info->caps = strdup(advert.caps ? advert.caps : "");
		if (!info->caps)
			rc = rm_error_set(err, RM_SIDE_SOURCE, RM_ERR_NO_MEMORY, "out of memory");
	}
	rm_advert_free(&advert);
	rm_advert_free(&listed);
	return rc;
}

void rm_source_info_free(rm_source_info *info)
{
	free(info->caps);
	info->caps = NULL;
}

/* The fetch request: "want S", the haves, "done" (one round: we know what the target has).
 * Its answer is read multiplexed: v2 always is, v0 only with side-band-64k. */
static int build_fetch(rm_buf *body, const rm_source_info *info, const rm_oid *want,
		       const rm_oid *haves, size_t nhaves, bool ofs_delta, rm_error *err)
{
	rm_fetch_request f = {.version = info->version,
			      .caps = {.side_band_64k = info->version != 2,
				       .ofs_delta = ofs_delta,
				       .object_format = names_object_format(info->caps)},
			      .wants = want,
			      .nwants = 1,
			      .haves = haves,
			      .nhaves = nhaves};

	if (info->version != 2 && !rm_caps_has(info->caps, "side-band-64k", NULL))
		return rm_error_set(err, RM_SIDE_SOURCE, RM_ERR_PROTOCOL,
				    "server does not offer side-band-64k");
	if (rm_request_fetch(body, &f) < 0)
		return rm_error_set(err, RM_SIDE_SOURCE, RM_ERR_PROTOCOL,
				    "fetch request too large");
	return 0;
}

/* Where the answer to a fetch is: before the pack (v2 section headers, v0 ACK/NAK lines), in
 * the side-band-multiplexed pack, or past its final flush. */
enum fetch_state { BEFORE_PACK, SKIPPING_SECTION, IN_PACK, AFTER_PACK };

typedef struct fetch_reader {
	enum fetch_state state;
	int version;
	rm_pack *pack;
	rm_sideband band;    /* channel 1 is the pack */
	rm_server_note note; /* channel 2: the server's progress while it makes the pack */
	rm_error *err;
} fetch_reader;

static int write_pack(void *reader, const char *data, size_t len)
{
	fetch_reader *f = reader;
	return rm_pack_write(f->pack, data, len, f->err);
}

/* Lines before the pack. v2: section headers, we skip all but "packfile". v0: ACK/NAK. */
static int before_pack(fetch_reader *f, const char *data, size_t len)
{
	const char *text = data;
	size_t text_len = rm_pkt_chomp(data, len);

	if (rm_pkt_skip_prefix(&text, &text_len, "ERR "))
		return rm_error_set(f->err, RM_SIDE_SOURCE, RM_ERR_REFUSED, "server error: %.*s",
				    (int)text_len, text);
	if (f->version == 2) {
		f->state = rm_pkt_text_is(text, text_len, "packfile") ? IN_PACK : SKIPPING_SECTION;
		return 0;
	}
	if (rm_pkt_skip_prefix(&text, &text_len, "ACK ") || rm_pkt_text_is(text, text_len, "NAK"))
		return 0;
	f->state = IN_PACK;
	return rm_sideband_route(&f->band, data, len);
}

static int on_fetch_pkt(void *ctx, rm_pkt_type type, const char *data, size_t len)
{
	fetch_reader *f = ctx;

	switch (f->state) {
	case BEFORE_PACK:
		return type == RM_PKT_DATA ? before_pack(f, data, len) : 0;
	case SKIPPING_SECTION:
		if (type == RM_PKT_DELIM)
			f->state = BEFORE_PACK;
		return 0;
	case IN_PACK:
		if (type == RM_PKT_FLUSH) {
			f->state = AFTER_PACK;
			return 0;
		}
		return type == RM_PKT_DATA ? rm_sideband_route(&f->band, data, len) : 0;
	case AFTER_PACK:
		break;
	}
	return type == RM_PKT_RESPONSE_END ? 0
					   : rm_error_set(f->err, RM_SIDE_SOURCE, RM_ERR_PROTOCOL,
							  "data after the pack");
}

/* Until the pack's first bytes, the server is still counting and compressing objects: its own
 * progress says how far; then the pack's bytes and rate. */
static void show_fetch_progress(void *reader, const char *amount)
{
	fetch_reader *f = reader;

	if (rm_pack_size(f->pack) == 0)
		rm_log("source: preparing the pack%s%s%s", *f->note.last ? " (server: " : "",
		       f->note.last, *f->note.last ? ")" : "");
	else
		rm_log("%s: %s", rm_pack_is_relay(f->pack) ? "relaying" : "fetching", amount);
}

int rm_fetch_pack(rm_remote *src, const rm_source_info *info, const rm_oid *want,
		  const rm_oid *haves, size_t nhaves, bool ofs_delta, rm_pack *pack, rm_error *err)
{
	fetch_reader reader = {
		.state = BEFORE_PACK, .version = info->version, .pack = pack, .err = err};
	rm_sideband band = {.side = RM_SIDE_SOURCE,
			    .on_data = write_pack,
			    .ctx = &reader,
			    .note = &reader.note,
			    .err = err};
	rm_smart_req req = {.service = RM_UPLOAD_PACK,
			    .protocol_v2 = info->version == 2,
			    .progress = show_fetch_progress,
			    .progress_ctx = &reader};
	rm_buf body;
	int rc;

	rm_buf_init(&body, REQUEST_LIMIT);
	rc = build_fetch(&body, info, want, haves, nhaves, ofs_delta, err);
	reader.band = band;
	if (rc == 0) {
		req.body = body.data;
		req.body_len = body.len;
		rc = rm_smart_request(src, &req, on_fetch_pkt, &reader, "fetch answer", NULL, err);
	}
	if (rc == 0 && reader.state != AFTER_PACK)
		rc = rm_error_set_transient(err, RM_SIDE_SOURCE, RM_ERR_NETWORK,
					    "the pack was cut short");
	rm_buf_free(&body);
	return rc;
}
