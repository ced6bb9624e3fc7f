#include "refs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where an info/refs body is. The service header and the version line are optional: a line
 * that is not one goes on to the next state. */
enum advert_state {
	EXPECT_SERVICE,	  /* "# service=git-upload-pack" may come first */
	IN_SERVICE,	  /* the header lines up to its flush */
	EXPECT_VERSION,	  /* "version 2", "version 1", or no version line (v0) */
	EXPECT_FIRST_REF, /* the v0 ref line that carries the capabilities */
	IN_REFS,
	IN_V2_CAPS,
	DONE, /* the final flush was seen */
};

/* v2 capabilities, joined: as much as the v0 list can say in one packet. */
#define CAPS_MAX RM_PKT_DATA_MAX

static int fail(char *error, size_t size, const char *why)
{
	snprintf(error, size, "%s", why);
	return -1;
}

/* On a match, moves *line past `prefix`. */
static bool skip_prefix(const char **line, size_t *len, const char *prefix)
{
	size_t n = strlen(prefix);

	if (*len < n || memcmp(*line, prefix, n) != 0)
		return false;
	*line += n;
	*len -= n;
	return true;
}

static bool is_text(const char *line, size_t len, const char *text)
{
	return len == strlen(text) && memcmp(line, text, len) == 0;
}

static char *copy_text(const char *text, size_t len)
{
	char *copy = malloc(len + 1);

	if (copy) {
		memcpy(copy, text, len);
		copy[len] = '\0';
	}
	return copy;
}

/* git writes object ids in lowercase; rm_oid_parse would also take uppercase. */
static int parse_wire_oid(rm_oid *oid, const char *hex, size_t len)
{
	if (rm_oid_parse(oid, hex, len) < 0 || memcmp(oid->hex, hex, len) != 0)
		return -1;
	return 0;
}

/* Splits "<oid> <name>[ <rest>]": the name ends at a space; *rest keeps that space. */
static int parse_ref_line(const char *line, size_t len, rm_oid *oid, const char **name,
			  size_t *name_len, const char **rest, size_t *rest_len)
{
	const char *space;

	if (len < RM_OID_HEXSZ + 2 || line[RM_OID_HEXSZ] != ' ' ||
	    parse_wire_oid(oid, line, RM_OID_HEXSZ) < 0)
		return -1;
	*name = line + RM_OID_HEXSZ + 1;
	len -= RM_OID_HEXSZ + 1;
	space = memchr(*name, ' ', len);
	*name_len = space ? (size_t)(space - *name) : len;
	*rest = *name + *name_len;
	*rest_len = len - *name_len;
	if (*name_len == 0 || memchr(*name, '\0', *name_len))
		return -1;
	return 0;
}

void rm_advert_init(rm_advert *a)
{
	memset(a, 0, sizeof(*a));
	a->state = EXPECT_SERVICE;
}

void rm_advert_free(rm_advert *a)
{
	for (size_t i = 0; i < a->nrefs; i++)
		free(a->refs[i].name);
	free(a->refs);
	free(a->caps);
	rm_advert_init(a);
}

static int add_ref(rm_advert *a, const char *name, size_t name_len, const rm_oid *oid)
{
	rm_ref *ref;

	if (a->nrefs == RM_REFS_MAX)
		return fail(a->error, sizeof(a->error), "too many refs");
	if (a->nrefs == a->alloc) {
		size_t alloc = a->alloc ? 2 * a->alloc : 64;
		rm_ref *refs = realloc(a->refs, alloc * sizeof(*refs));
		if (!refs)
			return fail(a->error, sizeof(a->error), "out of memory");
		a->refs = refs;
		a->alloc = alloc;
	}
	ref = &a->refs[a->nrefs];
	ref->name = copy_text(name, name_len);
	if (!ref->name)
		return fail(a->error, sizeof(a->error), "out of memory");
	ref->oid = *oid;
	ref->peeled.hex[0] = '\0';
	a->nrefs++;
	return 0;
}

static int set_caps(rm_advert *a, const char *caps, size_t len)
{
	if (memchr(caps, '\0', len))
		return fail(a->error, sizeof(a->error), "malformed capabilities");
	a->caps = copy_text(caps, len);
	return a->caps ? 0 : fail(a->error, sizeof(a->error), "out of memory");
}

/* One v2 capability line, added to the list. */
static int append_cap(rm_advert *a, const char *line, size_t len)
{
	size_t old = strlen(a->caps);
	char *caps;

	if (memchr(line, '\0', len) || len == 0)
		return fail(a->error, sizeof(a->error), "malformed capability line");
	if (old + 1 + len > CAPS_MAX)
		return fail(a->error, sizeof(a->error), "too many capabilities");
	caps = realloc(a->caps, old + 1 + len + 1);
	if (!caps)
		return fail(a->error, sizeof(a->error), "out of memory");
	if (old)
		caps[old++] = '\n';
	memcpy(caps + old, line, len);
	caps[old + len] = '\0';
	a->caps = caps;
	return 0;
}

/* "<oid> <name>", or "<oid> <name>^{}": the object the tag just before points to. */
static int on_v0_ref(rm_advert *a, const char *line, size_t len)
{
	rm_oid oid;
	const char *name, *rest;
	size_t name_len, rest_len;
	rm_ref *last = a->nrefs ? &a->refs[a->nrefs - 1] : NULL;

	if (parse_ref_line(line, len, &oid, &name, &name_len, &rest, &rest_len) < 0 || rest_len)
		return fail(a->error, sizeof(a->error), "malformed ref line");
	if (name_len < 3 || memcmp(name + name_len - 3, "^{}", 3) != 0)
		return add_ref(a, name, name_len, &oid);
	if (!last || !is_text(name, name_len - 3, last->name))
		return fail(a->error, sizeof(a->error), "peeled ref without its ref");
	last->peeled = oid;
	return 0;
}

/* The first line holds the capabilities after a NUL; an empty repository's names no ref. */
static int on_first_ref(rm_advert *a, const char *line, size_t len)
{
	static const char no_refs[] = RM_ZERO_OID " capabilities^{}";
	const char *nul = memchr(line, '\0', len);
	const char *caps = nul ? nul + 1 : line + len;
	size_t ref_len = nul ? (size_t)(nul - line) : len;

	if (set_caps(a, caps, (size_t)(line + len - caps)) < 0)
		return -1;
	if (is_text(line, ref_len, no_refs))
		return 0;
	return on_v0_ref(a, line, ref_len);
}

static int on_advert_line(rm_advert *a, const char *line, size_t len)
{
	if (a->state == EXPECT_SERVICE) {
		a->state = EXPECT_VERSION;
		if (skip_prefix(&line, &len, "# service=")) {
			a->state = IN_SERVICE;
			return 0;
		}
	}
	if (a->state == IN_SERVICE)
		return 0;
	if (a->state == EXPECT_VERSION) {
		a->state = EXPECT_FIRST_REF;
		if (is_text(line, len, "version 2")) {
			a->version = 2;
			a->state = IN_V2_CAPS;
			return set_caps(a, "", 0);
		}
		if (is_text(line, len, "version 1"))
			return 0;
	}
	if (a->state == IN_V2_CAPS)
		return append_cap(a, line, len);
	if (a->state == EXPECT_FIRST_REF) {
		a->state = IN_REFS;
		return on_first_ref(a, line, len);
	}
	if (skip_prefix(&line, &len, "shallow "))
		return 0;
	return on_v0_ref(a, line, len);
}

/* The final flush: the list may have been empty, yet caps is a string from now on. */
static int finish(rm_advert *a)
{
	a->state = DONE;
	return a->caps ? 0 : set_caps(a, "", 0);
}

int rm_advert_on_pkt(void *ctx, rm_pkt_type type, const char *data, size_t len)
{
	rm_advert *a = ctx;

	if (a->state == DONE)
		return fail(a->error, sizeof(a->error), "data after the final flush");
	if (type == RM_PKT_DATA)
		return on_advert_line(a, data, rm_pkt_chomp(data, len));
	if (type != RM_PKT_FLUSH)
		return fail(a->error, sizeof(a->error), "unexpected delim or response-end packet");
	if (a->state != IN_SERVICE)
		return finish(a);
	a->state = EXPECT_VERSION;
	return 0;
}

bool rm_advert_complete(const rm_advert *a)
{
	return a->state == DONE;
}

const rm_ref *rm_advert_find(const rm_advert *a, const char *name)
{
	for (size_t i = 0; i < a->nrefs; i++)
		if (strcmp(a->refs[i].name, name) == 0)
			return &a->refs[i];
	return NULL;
}

bool rm_caps_has(const char *caps, const char *cap, const char **value)
{
	size_t cap_len = strlen(cap);

	if (value)
		*value = NULL;
	while (caps && *caps) {
		size_t len = strcspn(caps, " \n");
		if (len >= cap_len && memcmp(caps, cap, cap_len) == 0 &&
		    (len == cap_len || caps[cap_len] == '=')) {
			if (value && len > cap_len)
				*value = caps + cap_len + 1;
			return true;
		}
		caps += len;
		caps += strspn(caps, " \n");
	}
	return false;
}

/* "<oid> <name>" then attributes: "peeled:<oid>" is kept, the others are not needed. */
static int on_lsrefs_line(rm_advert *a, const char *line, size_t len)
{
	rm_oid oid, peeled = {""};
	const char *name, *attr;
	size_t name_len, attrs_len;

	if (skip_prefix(&line, &len, "unborn "))
		return 0;
	if (parse_ref_line(line, len, &oid, &name, &name_len, &attr, &attrs_len) < 0)
		return fail(a->error, sizeof(a->error), "malformed ref line");
	while (attrs_len) { /* attr is at the space before the next attribute */
		const char *end = memchr(attr + 1, ' ', attrs_len - 1);
		size_t attr_len = end ? (size_t)(end - attr) : attrs_len;
		const char *value = attr;
		size_t value_len = attr_len;

		if (skip_prefix(&value, &value_len, " peeled:") &&
		    parse_wire_oid(&peeled, value, value_len) < 0)
			return fail(a->error, sizeof(a->error), "malformed peeled object id");
		attr += attr_len;
		attrs_len -= attr_len;
	}
	if (add_ref(a, name, name_len, &oid) < 0)
		return -1;
	a->refs[a->nrefs - 1].peeled = peeled;
	return 0;
}

int rm_lsrefs_on_pkt(void *ctx, rm_pkt_type type, const char *data, size_t len)
{
	rm_advert *a = ctx;

	a->version = 2;
	if (a->state == DONE)
		return fail(a->error, sizeof(a->error), "data after the final flush");
	if (type == RM_PKT_DATA)
		return on_lsrefs_line(a, data, rm_pkt_chomp(data, len));
	if (type != RM_PKT_FLUSH)
		return fail(a->error, sizeof(a->error), "unexpected delim or response-end packet");
	return finish(a);
}

void rm_report_init(rm_report *r, const char *refname)
{
	memset(r, 0, sizeof(*r));
	r->refname = refname;
}

/* "unpack ok" or "unpack <why the pack was refused>". */
static int on_unpack_line(rm_report *r, const char *line, size_t len)
{
	if (!skip_prefix(&line, &len, "unpack "))
		return fail(r->error, sizeof(r->error), "report does not start with unpack status");
	r->seen_unpack = true;
	r->unpack_ok = is_text(line, len, "ok");
	if (!r->unpack_ok)
		snprintf(r->unpack_error, sizeof(r->unpack_error), "%.*s", (int)len, line);
	return 0;
}

/* "<refname>" after "ok ", "<refname> <reason>" after "ng "; other refs than ours are not
 * our business. */
static int on_ref_status(rm_report *r, bool ok, const char *line, size_t len)
{
	const char *space = memchr(line, ' ', len);
	const char *reason = space ? space + 1 : line + len;
	size_t name_len = space ? (size_t)(space - line) : len;

	if (name_len == 0)
		return fail(r->error, sizeof(r->error), "malformed ref status");
	if (!is_text(line, name_len, r->refname))
		return 0;
	r->ref_seen = true;
	r->ref_ok = ok;
	snprintf(r->ref_error, sizeof(r->ref_error), "%.*s", (int)(line + len - reason), reason);
	return 0;
}

static int on_report_line(rm_report *r, const char *line, size_t len)
{
	if (!r->seen_unpack)
		return on_unpack_line(r, line, len);
	if (skip_prefix(&line, &len, "ok "))
		return on_ref_status(r, true, line, len);
	if (skip_prefix(&line, &len, "ng "))
		return on_ref_status(r, false, line, len);
	if (skip_prefix(&line, &len, "option ")) /* report-status-v2 details of the line before */
		return 0;
	return fail(r->error, sizeof(r->error), "malformed report line");
}

int rm_report_on_pkt(void *ctx, rm_pkt_type type, const char *data, size_t len)
{
	rm_report *r = ctx;

	if (r->complete)
		return fail(r->error, sizeof(r->error), "data after the final flush");
	if (type == RM_PKT_DATA)
		return on_report_line(r, data, rm_pkt_chomp(data, len));
	if (type != RM_PKT_FLUSH)
		return fail(r->error, sizeof(r->error), "unexpected delim or response-end packet");
	if (!r->seen_unpack)
		return fail(r->error, sizeof(r->error), "report without unpack status");
	r->complete = true;
	return 0;
}
