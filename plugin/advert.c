#include "advert.h"

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
	IN_OTHER_FORMAT, /* v0 refs of another object format than SHA-1: skipped */
	IN_V2_CAPS,
	DONE, /* the final flush was seen */
};

/* v2 capabilities, joined: as much as the v0 list can say in one packet. */
#define CAPS_MAX RM_PKT_DATA_MAX

struct rm_advert_parser {
	rm_advert_kind kind;
	enum advert_state state;
	rm_advert found;
	size_t alloc;	 /* refs allocated in found.refs */
	char error[160]; /* "" until a feed fails */
};

/* Keeps the reason; the parser accepts nothing more. */
static int fail(rm_advert_parser *p, const char *why)
{
	snprintf(p->error, sizeof(p->error), "%s", why);
	return -1;
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
}

void rm_advert_free(rm_advert *a)
{
	for (size_t i = 0; i < a->nrefs; i++)
		free(a->refs[i].name);
	free(a->refs);
	free(a->caps);
	rm_advert_init(a);
}

static int add_ref(rm_advert_parser *p, const char *name, size_t name_len, const rm_oid *oid)
{
	rm_advert *a = &p->found;
	rm_ref *ref;

	if (a->nrefs == RM_REFS_MAX)
		return fail(p, "too many refs");
	if (a->nrefs == p->alloc) {
		size_t alloc = p->alloc ? 2 * p->alloc : 64;
		rm_ref *refs = realloc(a->refs, alloc * sizeof(*refs));
		if (!refs)
			return fail(p, "out of memory");
		a->refs = refs;
		p->alloc = alloc;
	}
	ref = &a->refs[a->nrefs];
	ref->name = copy_text(name, name_len);
	if (!ref->name)
		return fail(p, "out of memory");
	ref->oid = *oid;
	ref->peeled.hex[0] = '\0';
	a->nrefs++;
	return 0;
}

static int set_caps(rm_advert_parser *p, const char *caps, size_t len)
{
	if (memchr(caps, '\0', len))
		return fail(p, "malformed capabilities");
	p->found.caps = copy_text(caps, len);
	return p->found.caps ? 0 : fail(p, "out of memory");
}

/* One v2 capability line, added to the list. */
static int append_cap(rm_advert_parser *p, const char *line, size_t len)
{
	size_t old = strlen(p->found.caps);
	char *caps;

	if (memchr(line, '\0', len) || len == 0)
		return fail(p, "malformed capability line");
	if (old + 1 + len > CAPS_MAX)
		return fail(p, "too many capabilities");
	caps = realloc(p->found.caps, old + 1 + len + 1);
	if (!caps)
		return fail(p, "out of memory");
	if (old)
		caps[old++] = '\n';
	memcpy(caps + old, line, len);
	caps[old + len] = '\0';
	p->found.caps = caps;
	return 0;
}

/* True when the capabilities name no object format (SHA-1, as before object-format existed) or
 * exactly sha1. *value, unless value is NULL, receives the named format as rm_caps_has gives it. */
static bool names_sha1(const char *caps, const char **value)
{
	const char *format;

	if (!rm_caps_has(caps, "object-format", &format))
		return true;
	if (value)
		*value = format;
	return format && strcspn(format, " \n") == 4 && memcmp(format, "sha1", 4) == 0;
}

/* "<oid> <name>", or "<oid> <name>^{}": the object the tag just before points to. */
static int on_v0_ref(rm_advert_parser *p, const char *line, size_t len)
{
	rm_oid oid;
	const char *name, *rest;
	size_t name_len, rest_len;
	rm_ref *last = p->found.nrefs ? &p->found.refs[p->found.nrefs - 1] : NULL;

	if (parse_ref_line(line, len, &oid, &name, &name_len, &rest, &rest_len) < 0 || rest_len)
		return fail(p, "malformed ref line");
	if (name_len < 3 || memcmp(name + name_len - 3, "^{}", 3) != 0)
		return add_ref(p, name, name_len, &oid);
	if (!last || !rm_pkt_text_is(name, name_len - 3, last->name))
		return fail(p, "peeled ref without its ref");
	last->peeled = oid;
	return 0;
}

/* The first line holds the capabilities after a NUL; an empty repository's names no ref. */
static int on_first_ref(rm_advert_parser *p, const char *line, size_t len)
{
	static const char no_refs[] = RM_ZERO_OID " capabilities^{}";
	const char *nul = memchr(line, '\0', len);
	const char *caps = nul ? nul + 1 : line + len;
	size_t ref_len = nul ? (size_t)(nul - line) : len;

	if (set_caps(p, caps, (size_t)(line + len - caps)) < 0)
		return -1;
	if (!names_sha1(p->found.caps, NULL)) {
		p->state = IN_OTHER_FORMAT;
		return 0;
	}
	if (rm_pkt_text_is(line, ref_len, no_refs))
		return 0;
	return on_v0_ref(p, line, ref_len);
}

static int on_advert_line(rm_advert_parser *p, const char *line, size_t len)
{
	if (p->state == EXPECT_SERVICE) {
		p->state = EXPECT_VERSION;
		if (rm_pkt_skip_prefix(&line, &len, "# service=")) {
			p->state = IN_SERVICE;
			return 0;
		}
	}
	if (p->state == IN_SERVICE || p->state == IN_OTHER_FORMAT)
		return 0;
	if (p->state == EXPECT_VERSION) {
		p->state = EXPECT_FIRST_REF;
		if (rm_pkt_text_is(line, len, "version 2")) {
			p->found.version = 2;
			p->state = IN_V2_CAPS;
			return set_caps(p, "", 0);
		}
		if (rm_pkt_text_is(line, len, "version 1"))
			return 0;
	}
	if (p->state == IN_V2_CAPS)
		return append_cap(p, line, len);
	if (p->state == EXPECT_FIRST_REF) {
		p->state = IN_REFS;
		return on_first_ref(p, line, len);
	}
	if (rm_pkt_skip_prefix(&line, &len, "shallow "))
		return 0;
	return on_v0_ref(p, line, len);
}

/* "<oid> <name>" then attributes: "peeled:<oid>" is kept, the others are not needed. */
static int on_lsrefs_line(rm_advert_parser *p, const char *line, size_t len)
{
	rm_oid oid, peeled = {""};
	const char *name, *attr;
	size_t name_len, attrs_len;

	if (rm_pkt_skip_prefix(&line, &len, "unborn "))
		return 0;
	if (parse_ref_line(line, len, &oid, &name, &name_len, &attr, &attrs_len) < 0)
		return fail(p, "malformed ref line");
	while (attrs_len) { /* attr is at the space before the next attribute */
		const char *end = memchr(attr + 1, ' ', attrs_len - 1);
		size_t attr_len = end ? (size_t)(end - attr) : attrs_len;
		const char *value = attr;
		size_t value_len = attr_len;

		if (rm_pkt_skip_prefix(&value, &value_len, " peeled:") &&
		    parse_wire_oid(&peeled, value, value_len) < 0)
			return fail(p, "malformed peeled object id");
		attr += attr_len;
		attrs_len -= attr_len;
	}
	if (add_ref(p, name, name_len, &oid) < 0)
		return -1;
	p->found.refs[p->found.nrefs - 1].peeled = peeled;
	return 0;
}

/* The final flush: the list may have been empty, yet caps is a string from now on. */
static int on_final_flush(rm_advert_parser *p)
{
	p->state = DONE;
	return p->found.caps ? 0 : set_caps(p, "", 0);
}

/* A flush ends the service header, else the body. */
static int on_flush(rm_advert_parser *p)
{
	if (p->state != IN_SERVICE)
		return on_final_flush(p);
	p->state = EXPECT_VERSION;
	return 0;
}

rm_advert_parser *rm_advert_parser_new(rm_advert_kind kind)
{
	rm_advert_parser *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->kind = kind;
	p->state = kind == RM_ADVERT_LS_REFS ? IN_REFS : EXPECT_SERVICE;
	p->found.version = kind == RM_ADVERT_LS_REFS ? 2 : 0;
	return p;
}

int rm_advert_parser_feed(void *parser, rm_pkt_type type, const char *data, size_t len)
{
	rm_advert_parser *p = parser;

	if (*p->error)
		return -1;
	if (p->state == DONE)
		return fail(p, "data after the final flush");
	if (type == RM_PKT_DATA) {
		len = rm_pkt_chomp(data, len);
		return p->kind == RM_ADVERT_LS_REFS ? on_lsrefs_line(p, data, len)
						    : on_advert_line(p, data, len);
	}
	if (type != RM_PKT_FLUSH)
		return fail(p, "unexpected delim or response-end packet");
	return p->kind == RM_ADVERT_LS_REFS ? on_final_flush(p) : on_flush(p);
}

const char *rm_advert_parser_error(const rm_advert_parser *p)
{
	return p->error;
}

int rm_advert_parser_finish(rm_advert_parser *p, rm_advert *out)
{
	*out = p->found;
	rm_advert_init(&p->found);
	p->alloc = 0;
	return p->state == DONE && !*p->error ? 0 : -1;
}

void rm_advert_parser_free(rm_advert_parser *p)
{
	if (!p)
		return;
	rm_advert_free(&p->found);
	free(p);
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

/* The server's name for its object format, made fit for a one-line message. */
static void show_format(char *shown, const char *value)
{
	size_t len = value ? strcspn(value, " \n") : 0;
	size_t n = 0;

	for (; n < len && n < RM_OBJECT_FORMAT_SHOWN; n++)
		shown[n] = value[n] > ' ' && value[n] < 0x7f ? value[n] : '?';
	shown[n] = '\0';
}

int rm_caps_check_object_format(const char *caps, char *why, size_t size)
{
	const char *value = NULL;
	char shown[RM_OBJECT_FORMAT_SHOWN + 1];

	if (names_sha1(caps, &value))
		return 0;
	show_format(shown, value);
	snprintf(why, size,
		 "the repository uses object-format %s; refmirror mirrors SHA-1 repositories only",
		 *shown ? shown : "(none)");
	return -1;
}
