/* receive-pack's answer to a push (gitprotocol-pack): report-status, or report-status-v2 whose
 * "option" lines are skipped, either as plain pkt-lines or carried by side-band channel 1 (whose
 * bytes are pkt-lines of their own, in pieces). The parser reads one ref's verdict.
 *
 * Ownership: the parser is the caller's (rm_report_parser_free); rm_report is a plain value.
 * Errors: a feed that fails returns -1 and keeps the reason, a short phrase such as "malformed
 * report line", for rm_report_parser_error; the parser then accepts nothing more. */
#ifndef RM_REPORT_STATUS_H
#define RM_REPORT_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include "pktline.h"

/* Bytes accepted in the answer to a push: report-status and the hooks' messages. */
#define RM_REPORT_MAX_BYTES (16ull << 20)

/* The verdict for one ref. */
typedef struct rm_report {
	bool unpack_ok;
	char unpack_error[256]; /* "unpack <reason>" when not ok */
	bool ref_seen;		/* the report names the ref */
	bool ref_ok;		/* ... as "ok" */
	char ref_error[256];	/* the server's reason from "ng <ref> <reason>" */
} rm_report;

typedef struct rm_report_parser rm_report_parser;

/* A parser for a push of `refname` (not copied: it must outlive the parser), or NULL when out
 * of memory. Reports of other refs are not its business. */
rm_report_parser *rm_report_parser_new(const char *refname);

/* rm_pkt_cb: the next packet of a plain report. Returns 0, or -1 on a malformed line or any
 * packet after the final flush. */
int rm_report_parser_feed(void *parser, rm_pkt_type type, const char *data, size_t len);

/* rm_band_data_fn (sideband.h): the next bytes of side-band channel 1, which may end anywhere
 * inside a packet. 0, or -1 as rm_report_parser_feed, or on a malformed pkt-line length. */
int rm_report_parser_feed_band(void *parser, const char *data, size_t len);

/* Why the last feed failed; "" while none did. The text belongs to the parser and is updated in
 * place, so the pointer may be taken before feeding (rm_smart_request's parser_error). */
const char *rm_report_parser_error(const rm_report_parser *p);

/* Copies the verdict read so far to *out, in any case. Returns 0 when the report ended properly
 * (its final flush was seen; then the unpack status was too), else -1: it was cut short or lost,
 * or a feed failed. */
int rm_report_parser_finish(const rm_report_parser *p, rm_report *out);

/* NULL is fine. */
void rm_report_parser_free(rm_report_parser *p);

#endif
