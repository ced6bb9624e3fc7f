/* What servers say about refs: the v0 ref advertisement (info/refs), the v2 capability
 * advertisement, the v2 ls-refs answer, and receive-pack's report-status. Each parser consumes
 * decoded pkt-lines (pktline.h) one at a time, so it works on a response as it streams in. */
#ifndef RM_REFS_H
#define RM_REFS_H

#include <stdbool.h>
#include <stddef.h>
#include "oid.h"
#include "pktline.h"

#define RM_REFS_MAX 1000000 /* refs accepted in one advertisement */
/* Bytes accepted in one advertisement or ls-refs answer: room for RM_REFS_MAX refs of ordinary
 * names, a bound on what a hostile server makes us read. */
#define RM_ADVERT_MAX_BYTES (256ull << 20)
/* Bytes accepted in the answer to a push: report-status and the hooks' messages. */
#define RM_REPORT_MAX_BYTES (16ull << 20)

typedef struct rm_ref {
	char *name;
	rm_oid oid;
	rm_oid peeled;	/* the tagged object for an annotated tag, when the server said it */
} rm_ref;

/* What an info/refs answer told: protocol v2 capabilities, or v0 refs and capabilities. */
typedef struct rm_advert {
	int version;		/* 0 (also for "version 1") or 2 */
	char *caps;		/* v0: the capability list after the NUL, space separated;
				 * v2: the capability lines joined by "\n". Never NULL after a
				 * successful parse. */
	rm_ref *refs;		/* v0 only */
	size_t nrefs;
	size_t alloc;
	/* parser state */
	int state;
	char error[160];
} rm_advert;

void rm_advert_init(rm_advert *a);
void rm_advert_free(rm_advert *a);

/* rm_pkt_cb for an info/refs body (either "# service=" first or not). Returns 0, or -1 with
 * a reason in a->error on a malformed line or past RM_REFS_MAX refs. */
int rm_advert_on_pkt(void *a, rm_pkt_type type, const char *data, size_t len);

/* True once the advertisement ended properly (its final flush was seen). */
bool rm_advert_complete(const rm_advert *a);

/* The ref named exactly `name`, or NULL. */
const rm_ref *rm_advert_find(const rm_advert *a, const char *name);

/* True when the capability list holds `cap`, alone or as "cap=value". If value is not NULL
 * it receives a pointer to the value's first char (not NUL-terminated; ends at a space or
 * newline) or NULL when the capability has none. */
bool rm_caps_has(const char *caps, const char *cap, const char **value);

/* rm_pkt_cb for a v2 ls-refs answer: "<oid> <name>[ peeled:<oid>][ symref-target:...]"
 * lines then a flush; "unborn" lines are skipped. Appends to a->refs. 0 or -1 as above. */
int rm_lsrefs_on_pkt(void *a, rm_pkt_type type, const char *data, size_t len);

/* receive-pack's verdict (report-status). */
typedef struct rm_report {
	bool unpack_ok;
	char unpack_error[256];	/* "unpack <reason>" when not ok */
	bool seen_unpack;
	bool ref_ok;		/* the ref we pushed was reported "ok" */
	bool ref_seen;
	char ref_error[256];	/* the server's reason from "ng <ref> <reason>" */
	bool complete;		/* the final flush was seen */
	const char *refname;	/* the ref pushed, set by the caller */
	char error[160];
} rm_report;

/* Starts a report for a push of `refname` (not copied; must outlive the report). */
void rm_report_init(rm_report *r, const char *refname);

/* rm_pkt_cb for report-status lines. 0, or -1 with r->error on a malformed line. */
int rm_report_on_pkt(void *r, rm_pkt_type type, const char *data, size_t len);

#endif
