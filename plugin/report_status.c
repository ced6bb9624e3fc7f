#include "report_status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rm_report_parser {
	const char *refname;
	rm_report verdict;
	bool seen_unpack;
	bool complete;	     /* the final flush was seen */
	rm_pkt_reader *band; /* decodes the pkt-lines of side-band channel 1 */
	char error[160];     /* "" until a feed fails */
};

/* Keeps the reason; the parser accepts nothing more. */
static int fail(rm_report_parser *p, const char *why)
{
	snprintf(p->error, sizeof(p->error), "%s", why);
	return -1;
}

/* "unpack ok" or "unpack <why the pack was refused>". */
static int on_unpack_line(rm_report_parser *p, const char *line, size_t len)
{
	rm_report *r = &p->verdict;

	if (!rm_pkt_skip_prefix(&line, &len, "unpack "))
		return fail(p, "report does not start with unpack status");
	p->seen_unpack = true;
	r->unpack_ok = rm_pkt_text_is(line, len, "ok");
	if (!r->unpack_ok)
		snprintf(r->unpack_error, sizeof(r->unpack_error), "%.*s", (int)len, line);
	return 0;
}

/* "<refname>" after "ok ", "<refname> <reason>" after "ng "; other refs than ours are not
 * our business. */
static int on_ref_status(rm_report_parser *p, bool ok, const char *line, size_t len)
{
	rm_report *r = &p->verdict;
	const char *space = memchr(line, ' ', len);
	const char *reason = space ? space + 1 : line + len;
	size_t name_len = space ? (size_t)(space - line) : len;

	if (name_len == 0)
		return fail(p, "malformed ref status");
	if (!rm_pkt_text_is(line, name_len, p->refname))
		return 0;
	r->ref_seen = true;
	r->ref_ok = ok;
	snprintf(r->ref_error, sizeof(r->ref_error), "%.*s", (int)(line + len - reason), reason);
	return 0;
}

static int on_report_line(rm_report_parser *p, const char *line, size_t len)
{
	if (!p->seen_unpack)
		return on_unpack_line(p, line, len);
	if (rm_pkt_skip_prefix(&line, &len, "ok "))
		return on_ref_status(p, true, line, len);
	if (rm_pkt_skip_prefix(&line, &len, "ng "))
		return on_ref_status(p, false, line, len);
	/* report-status-v2: details of the line before */
	if (rm_pkt_skip_prefix(&line, &len, "option "))
		return 0;
	return fail(p, "malformed report line");
}

rm_report_parser *rm_report_parser_new(const char *refname)
{
	rm_report_parser *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->refname = refname;
	p->band = rm_pkt_reader_new(rm_report_parser_feed, p);
	if (!p->band) {
		free(p);
		return NULL;
	}
	return p;
}

int rm_report_parser_feed(void *parser, rm_pkt_type type, const char *data, size_t len)
{
	rm_report_parser *p = parser;

	if (*p->error)
		return -1;
	if (p->complete)
		return fail(p, "data after the final flush");
	if (type == RM_PKT_DATA)
		return on_report_line(p, data, rm_pkt_chomp(data, len));
	if (type != RM_PKT_FLUSH)
		return fail(p, "unexpected delim or response-end packet");
	if (!p->seen_unpack)
		return fail(p, "report without unpack status");
	p->complete = true;
	return 0;
}

int rm_report_parser_feed_band(void *parser, const char *data, size_t len)
{
	rm_report_parser *p = parser;

	if (rm_pkt_reader_feed(p->band, data, len) == 0)
		return 0;
	if (!*p->error)
		fail(p, rm_pkt_reader_error(p->band));
	return -1;
}

const char *rm_report_parser_error(const rm_report_parser *p)
{
	return p->error;
}

int rm_report_parser_finish(const rm_report_parser *p, rm_report *out)
{
	*out = p->verdict;
	return p->complete && !*p->error ? 0 : -1;
}

void rm_report_parser_free(rm_report_parser *p)
{
	if (!p)
		return;
	rm_pkt_reader_free(p->band);
	free(p);
}
