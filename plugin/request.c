#include "request.h"

#include <stdio.h>

#include "pktline.h"
#include "version.h"

#define CAP_WORDS_MAX 6
/* Room for every capability a request may name, joined. */
#define CAPS_TEXT_MAX 160

/* The capabilities in the order git writes them. */
static size_t cap_words(const rm_request_caps *caps, const char *words[CAP_WORDS_MAX])
{
	size_t n = 0;

	if (caps->report_status)
		words[n++] = "report-status";
	if (caps->multi_ack_detailed)
		words[n++] = "multi_ack_detailed";
	if (caps->side_band_64k)
		words[n++] = "side-band-64k";
	if (caps->ofs_delta)
		words[n++] = "ofs-delta";
	words[n++] = "agent=refmirror/" RM_VERSION;
	if (caps->object_format)
		words[n++] = "object-format=sha1";
	return n;
}

/* The v0 form: one line, space separated. */
static void join_caps(const rm_request_caps *caps, char text[CAPS_TEXT_MAX])
{
	const char *words[CAP_WORDS_MAX];
	size_t n = cap_words(caps, words);
	size_t len = 0;

	text[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, CAPS_TEXT_MAX - len, "%s%s", i ? " " : "",
					words[i]);
}

/* The v2 form: "command=<name>", one packet per capability, a delim. ofs-delta is an argument
 * of the fetch command there, not a capability. */
static int append_v2_command(rm_buf *body, const char *name, const rm_request_caps *caps)
{
	rm_request_caps command_caps = {.object_format = caps->object_format};
	const char *words[CAP_WORDS_MAX];
	size_t n = cap_words(&command_caps, words);
	int rc = rm_pkt_appendf(body, "command=%s\n", name);

	for (size_t i = 0; i < n; i++)
		rc |= rm_pkt_appendf(body, "%s\n", words[i]);
	return rc | rm_pkt_delim(body);
}

int rm_request_ls_refs(rm_buf *body, const rm_request_caps *caps, const char *prefix)
{
	int rc = append_v2_command(body, "ls-refs", caps);

	rc |= rm_pkt_appendf(body, "peel\n");
	rc |= rm_pkt_appendf(body, "ref-prefix %s\n", prefix);
	return rc | rm_pkt_flush(body);
}

/* The haves, then "done", or, when only negotiating, nothing: v2 then ends the command with a
 * flush, v0 the round with one. */
static int append_haves_done(rm_buf *body, const rm_fetch_request *f)
{
	int rc = 0;

	for (size_t i = 0; i < f->nhaves; i++)
		rc |= rm_pkt_appendf(body, "have %s\n", f->haves[i].hex);
	if (f->negotiate_only)
		return f->version == 2 ? rc : rc | rm_pkt_flush(body);
	return rc | rm_pkt_appendf(body, "done\n");
}

static int fetch_v2(rm_buf *body, const rm_fetch_request *f)
{
	int rc = append_v2_command(body, "fetch", &f->caps);

	if (f->caps.ofs_delta)
		rc |= rm_pkt_appendf(body, "ofs-delta\n");
	if (f->negotiate_only && f->wait_for_done)
		rc |= rm_pkt_appendf(body, "wait-for-done\n");
	for (size_t i = 0; i < f->nwants; i++)
		rc |= rm_pkt_appendf(body, "want %s\n", f->wants[i].hex);
	rc |= append_haves_done(body, f);
	return rc | rm_pkt_flush(body);
}

/* Stateless v0 (as git's remote-curl sends it): the wants, a flush, the haves, "done" (or a
 * flush, when only negotiating). */
static int fetch_v0(rm_buf *body, const rm_fetch_request *f)
{
	char caps[CAPS_TEXT_MAX];
	int rc;

	join_caps(&f->caps, caps);
	rc = rm_pkt_appendf(body, "want %s %s\n", f->wants[0].hex, caps);
	for (size_t i = 1; i < f->nwants; i++)
		rc |= rm_pkt_appendf(body, "want %s\n", f->wants[i].hex);
	rc |= rm_pkt_flush(body);
	return rc | append_haves_done(body, f);
}

int rm_request_fetch(rm_buf *body, const rm_fetch_request *f)
{
	if (f->nwants == 0)
		return -1;
	return f->version == 2 ? fetch_v2(body, f) : fetch_v0(body, f);
}

int rm_request_push(rm_buf *body, const rm_request_caps *caps, const rm_oid *old,
		    const rm_oid *new_value, const char *refname)
{
	char text[CAPS_TEXT_MAX];

	join_caps(caps, text);
	return rm_pkt_appendf(body, "%s %s %s%c%s\n", rm_oid_wire(old), rm_oid_wire(new_value),
			      refname, '\0', text) |
	       rm_pkt_flush(body);
}
