#include "upload_pack.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "pktline.h"
#include "refs.h"
#include "sideband.h"
#include "smart_http.h"
#include "version.h"

#define REQUEST_LIMIT (4u << 20)

/* Requests refs and parses the pkt-line answer into `advert` with `on_pkt`. */
static int request_refs(rm_remote *src, const rm_smart_req *req, rm_pkt_cb on_pkt, rm_advert *advert,
			const char *what, rm_error *err)
{
	if (rm_smart_request(src, req, on_pkt, advert, what, advert->error, err) < 0)
		return -1;
	if (!rm_advert_complete(advert))
		return rm_error_set_transient(err, RM_EXIT_SOURCE, "source: %s was cut short", what);
	return 0;
}

/* Capability lines every v2 command starts with. */
static int append_v2_command(rm_buf *body, const char *command, const char *caps)
{
	const char *format;
	int rc = rm_pkt_appendf(body, "command=%s\n", command);

	rc |= rm_pkt_appendf(body, "agent=refmirror/%s\n", RM_VERSION);
	if (rm_caps_has(caps, "object-format", &format))
		rc |= rm_pkt_appendf(body, "object-format=sha1\n");
	return rc | rm_pkt_delim(body);
}

static int list_ref_v2(rm_remote *src, const char *refname, const char *caps, rm_advert *found,
		       rm_error *err)
{
	rm_smart_req req = {.service = RM_UPLOAD_PACK, .protocol_v2 = true,
			   .max_bytes = RM_ADVERT_MAX_BYTES};
	rm_buf body;
	int rc;

	rm_buf_init(&body, REQUEST_LIMIT);
	/* The prefix keeps the answer to the refs that start with our name, however many refs
	 * the source holds; rm_advert_find then picks the exact one. */
	if (append_v2_command(&body, "ls-refs", caps) < 0 || rm_pkt_appendf(&body, "peel\n") < 0 ||
	    rm_pkt_appendf(&body, "ref-prefix %s\n", refname) < 0 || rm_pkt_flush(&body) < 0) {
		rm_buf_free(&body);
		return rm_error_set(err, RM_EXIT_SOURCE, "source: ref name too long");
	}
	req.body = body.data;
	req.body_len = body.len;
	rc = request_refs(src, &req, rm_lsrefs_on_pkt, found, "ls-refs answer", err);
	rm_buf_free(&body);
	return rc;
}

static int check_object_format(const char *caps, rm_error *err)
{
	const char *format;

	if (rm_caps_has(caps, "object-format", &format) && format && strncmp(format, "sha1", 4) != 0)
		return rm_error_set(err, RM_EXIT_SOURCE,
				    "source: repositories with object format other than sha1 are not "
				    "supported");
	return 0;
}

int rm_source_read_ref(rm_remote *src, const char *refname, rm_oid *value, rm_source_info *info,
		       rm_error *err)
{
	rm_smart_req req = {.service = RM_UPLOAD_PACK, .discovery = true, .protocol_v2 = true,
			   .max_bytes = RM_ADVERT_MAX_BYTES};
	rm_advert advert, listed;
	const rm_advert *where = &advert;
	int rc;

	value->hex[0] = '\0';
	memset(info, 0, sizeof(*info));
	rm_advert_init(&advert);
	rm_advert_init(&listed);
	rc = request_refs(src, &req, rm_advert_on_pkt, &advert, "ref advertisement", err);
	if (rc == 0)
		rc = check_object_format(advert.caps, err);
	if (rc == 0 && advert.version == 2) {
		if (!rm_caps_has(advert.caps, "ls-refs", NULL) || !rm_caps_has(advert.caps, "fetch", NULL))
			rc = rm_error_set(err, RM_EXIT_SOURCE,
					  "source: protocol v2 server offers no ls-refs or fetch");
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
			rc = rm_error_set(err, RM_EXIT_SOURCE, "source: out of memory");
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

/* The fetch request: "want S", the haves, "done" (one round: we know what the target has). */
static int build_fetch_v2(rm_buf *body, const rm_source_info *info, const rm_oid *want,
			  const rm_oid *haves, size_t nhaves, bool ofs_delta)
{
	int rc = append_v2_command(body, "fetch", info->caps);

	if (ofs_delta)
		rc |= rm_pkt_appendf(body, "ofs-delta\n");
	rc |= rm_pkt_appendf(body, "want %s\n", want->hex);
	for (size_t i = 0; i < nhaves; i++)
		rc |= rm_pkt_appendf(body, "have %s\n", haves[i].hex);
	rc |= rm_pkt_appendf(body, "done\n");
	return rc | rm_pkt_flush(body);
}

static int build_fetch_v0(rm_buf *body, const rm_source_info *info, const rm_oid *want,
			  const rm_oid *haves, size_t nhaves, bool ofs_delta, rm_error *err)
{
	const char *format;
	int rc;

	if (!rm_caps_has(info->caps, "side-band-64k", NULL))
		return rm_error_set(err, RM_EXIT_SOURCE, "source: server does not offer side-band-64k");
	rc = rm_pkt_appendf(body, "want %s side-band-64k%s agent=refmirror/%s%s\n",
			    want->hex, ofs_delta ? " ofs-delta" : "", RM_VERSION,
			    rm_caps_has(info->caps, "object-format", &format) ? " object-format=sha1" : "");
	rc |= rm_pkt_flush(body);
	for (size_t i = 0; i < nhaves; i++)
		rc |= rm_pkt_appendf(body, "have %s\n", haves[i].hex);
	rc |= rm_pkt_appendf(body, "done\n");
	return rc < 0 ? rm_error_set(err, RM_EXIT_SOURCE, "source: fetch request too large") : 0;
}

/* Where the answer to a fetch is: before the pack (v2 section headers, v0 ACK/NAK lines), in
 * the side-band-multiplexed pack, or past its final flush. */
enum fetch_state { BEFORE_PACK, SKIPPING_SECTION, IN_PACK, AFTER_PACK };

typedef struct fetch_reader {
	enum fetch_state state;
	int version;
	rm_pack *pack;
	rm_sideband band;	/* channel 1 is the pack */
	rm_server_note note;	/* channel 2: the server's progress while it makes the pack */
	rm_error *err;
} fetch_reader;

static bool line_is(const char *data, size_t len, const char *text)
{
	len = rm_pkt_chomp(data, len);
	return len == strlen(text) && memcmp(data, text, len) == 0;
}

static bool line_starts(const char *data, size_t len, const char *prefix)
{
	return len >= strlen(prefix) && memcmp(data, prefix, strlen(prefix)) == 0;
}

static int write_pack(void *reader, const char *data, size_t len)
{
	fetch_reader *f = reader;
	return rm_pack_write(f->pack, data, len, f->err);
}

/* Lines before the pack. v2: section headers, we skip all but "packfile". v0: ACK/NAK. */
static int before_pack(fetch_reader *f, const char *data, size_t len)
{
	if (line_starts(data, len, "ERR "))
		return rm_error_set(f->err, RM_EXIT_SOURCE, "source: server error: %.*s",
				    (int)rm_pkt_chomp(data + 4, len - 4), data + 4);
	if (f->version == 2) {
		f->state = line_is(data, len, "packfile") ? IN_PACK : SKIPPING_SECTION;
		return 0;
	}
	if (line_starts(data, len, "ACK ") || line_is(data, len, "NAK"))
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
	return type == RM_PKT_RESPONSE_END
		       ? 0
		       : rm_error_set(f->err, RM_EXIT_SOURCE, "source: data after the pack");
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
	fetch_reader reader = {.state = BEFORE_PACK, .version = info->version, .pack = pack, .err = err};
	rm_sideband band = {.side = "source", .fail_exit = RM_EXIT_SOURCE, .on_data = write_pack,
			    .ctx = &reader, .note = &reader.note, .err = err};
	rm_smart_req req = {.service = RM_UPLOAD_PACK, .protocol_v2 = info->version == 2,
			   .progress = show_fetch_progress, .progress_ctx = &reader};
	rm_buf body;
	int rc;

	rm_buf_init(&body, REQUEST_LIMIT);
	if (info->version == 2)
		rc = build_fetch_v2(&body, info, want, haves, nhaves, ofs_delta) < 0
			     ? rm_error_set(err, RM_EXIT_SOURCE, "source: fetch request too large")
			     : 0;
	else
		rc = build_fetch_v0(&body, info, want, haves, nhaves, ofs_delta, err);
	reader.band = band;
	if (rc == 0) {
		req.body = body.data;
		req.body_len = body.len;
		rc = rm_smart_request(src, &req, on_fetch_pkt, &reader, "fetch answer", NULL, err);
	}
	if (rc == 0 && reader.state != AFTER_PACK)
		rc = rm_error_set_transient(err, RM_EXIT_SOURCE, "source: the pack was cut short");
	rm_buf_free(&body);
	return rc;
}
