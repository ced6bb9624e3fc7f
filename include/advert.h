/* What servers say about refs: the v0 ref advertisement (info/refs), the v2 capability
 * advertisement and the v2 ls-refs answer. A parser consumes decoded pkt-lines (pktline.h) one
 * at a time, so it works on a response as it streams in; what it found is an rm_advert.
 *
 * Ownership: an rm_advert owns its refs and capability text (rm_advert_free); a parser owns what
 * it found until rm_advert_parser_finish hands it over, and is freed with rm_advert_parser_free.
 * Errors: a feed that fails returns -1 and keeps the reason, a short phrase such as "malformed ref
 * line", for rm_advert_parser_error; the parser then accepts nothing more. */
#ifndef RM_ADVERT_H
#define RM_ADVERT_H

#include <stdbool.h>
#include <stddef.h>
#include "oid.h"
#include "pktline.h"

#define RM_REFS_MAX 1000000 /* refs accepted in one advertisement */
/* Bytes accepted in one advertisement or ls-refs answer: room for RM_REFS_MAX refs of ordinary
 * names, a bound on what a hostile server makes us read. */
#define RM_ADVERT_MAX_BYTES (256ull << 20)

typedef struct rm_ref {
	char *name;
	rm_oid oid;
	rm_oid peeled; /* the tagged object for an annotated tag, when the server said it */
} rm_ref;

/* What an info/refs answer told: protocol v2 capabilities, or v0 refs and capabilities; or what
 * an ls-refs answer listed. */
typedef struct rm_advert {
	int version;  /* 0 (also for "version 1") or 2 */
	char *caps;   /* v0: the capability list after the NUL, space separated;
		       * v2: the capability lines joined by "\n". Never NULL once a parser
		       * finished successfully. */
	rm_ref *refs; /* v0 and ls-refs */
	size_t nrefs;
} rm_advert;

/* Empties *a without freeing anything (a new rm_advert). */
void rm_advert_init(rm_advert *a);

/* Frees what *a holds and empties it; freeing an empty one again is harmless. */
void rm_advert_free(rm_advert *a);

/* The ref named exactly `name`, or NULL. */
const rm_ref *rm_advert_find(const rm_advert *a, const char *name);

/* True when the capability list holds `cap`, alone or as "cap=value". If value is not NULL
 * it receives a pointer to the value's first char (not NUL-terminated; ends at a space or
 * newline) or NULL when the capability has none. */
bool rm_caps_has(const char *caps, const char *cap, const char **value);

/* SHA-1 is the only object format refmirror handles. Returns 0 when `caps` name none (SHA-1, as
 * before object-format existed) or exactly "object-format=sha1"; else -1 with "the repository
 * uses object-format <name>; refmirror mirrors SHA-1 repositories only" in `why` (`size` bytes,
 * NUL-terminated), the server's <name> cut to RM_OBJECT_FORMAT_SHOWN printable ASCII chars. */
#define RM_OBJECT_FORMAT_SHOWN 32
int rm_caps_check_object_format(const char *caps, char *why, size_t size);

/* What a parser reads. */
typedef enum rm_advert_kind {
	RM_ADVERT_INFO_REFS, /* an info/refs body, with or without "# service=" first: v0 (or
			      * "version 1") refs and capabilities, or v2 capabilities. When
			      * the v0 capabilities name another object format than SHA-1, the
			      * refs are skipped unread (rm_caps_check_object_format tells the
			      * caller why to stop). */
	RM_ADVERT_LS_REFS,   /* a v2 ls-refs answer: "<oid> <name>[ peeled:<oid>][ ...]" lines
			      * then a flush; "unborn" lines are skipped */
} rm_advert_kind;

typedef struct rm_advert_parser rm_advert_parser;

/* A parser for a body of `kind`, or NULL when out of memory. */
rm_advert_parser *rm_advert_parser_new(rm_advert_kind kind);

/* rm_pkt_cb: the next packet of the body. Returns 0, or -1 on a malformed line, past RM_REFS_MAX
 * refs, out of memory, or any packet after the final flush. */
int rm_advert_parser_feed(void *parser, rm_pkt_type type, const char *data, size_t len);

/* Why the last feed failed; "" while none did. The text belongs to the parser and is updated in
 * place, so the pointer may be taken before feeding (rm_smart_request's parser_error). */
const char *rm_advert_parser_error(const rm_advert_parser *p);

/* Hands what was found over to *out (overwritten; the caller frees it with rm_advert_free), in
 * any case. Returns 0 when the body ended properly (its final flush was seen), else -1: it was
 * cut short, or a feed failed. */
int rm_advert_parser_finish(rm_advert_parser *p, rm_advert *out);

/* Frees the parser and what it found and did not hand over. NULL is fine. */
void rm_advert_parser_free(rm_advert_parser *p);

#endif
