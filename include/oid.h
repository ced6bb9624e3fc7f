/* Object ids as the git protocols carry them: 40 lowercase hex digits (SHA-1 only). */
#ifndef RM_OID_H
#define RM_OID_H

#include <stdbool.h>
#include <stddef.h>

#define RM_OID_HEXSZ 40
/* An absent id on the wire: a creation's old value, a deletion's new one, an empty
 * repository's advertisement. A string literal, so that it joins other literals. */
#define RM_ZERO_OID "0000000000000000000000000000000000000000"

/* An object id, or "absent" when hex is the empty string. Plain value type, copy freely. */
typedef struct rm_oid {
	char hex[RM_OID_HEXSZ + 1];
} rm_oid;

/* The value of one hex digit (either case), or -1. */
int rm_hex_value(char c);

/* Parses exactly `len` characters of 40 hex digits (either case) into *out, lowercased.
 * Returns 0, or -1 (and leaves *out absent) if the text is not an object id. */
int rm_oid_parse(rm_oid *out, const char *text, size_t len);

/* True when the id is set (not absent). */
bool rm_oid_is_set(const rm_oid *oid);

/* True when both are absent or both hold the same id. */
bool rm_oid_equal(const rm_oid *a, const rm_oid *b);

/* The wire form of an id for push commands: the id itself, or 40 zeros when absent. */
const char *rm_oid_wire(const rm_oid *oid);

/* An id shortened for logs. A value: each call returns its own, on any thread. */
typedef struct rm_oid_abbrev {
	char hex[13]; /* the first 12 digits, or "(absent)" */
} rm_oid_abbrev;

/* The id shortened for logs: rm_oid_short(&oid).hex, valid to the end of the statement that
 * holds the call (or copy the value to keep it). */
rm_oid_abbrev rm_oid_short(const rm_oid *oid);

#endif
