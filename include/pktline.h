/* pkt-line framing (gitprotocol-common): a 4-hex-digit length that counts itself, then the data;
 * 0000 flush, 0001 delim, 0002 response-end. Encoding appends to an rm_buf; decoding is
 * incremental, so that a response can be parsed as libcurl hands it over, in pieces. */
#ifndef RM_PKTLINE_H
#define RM_PKTLINE_H

#include <stdbool.h>
#include <stddef.h>
#include "buf.h"

#define RM_PKT_MAX 65520 /* largest packet, header included */
#define RM_PKT_DATA_MAX (RM_PKT_MAX - 4)

typedef enum rm_pkt_type {
	RM_PKT_DATA,
	RM_PKT_FLUSH,
	RM_PKT_DELIM,
	RM_PKT_RESPONSE_END,
} rm_pkt_type;

/* Appends one data packet holding `len` bytes. Returns 0, or -1 if len is 0 or above
 * RM_PKT_DATA_MAX or the buffer is full. */
int rm_pkt_append(rm_buf *out, const void *data, size_t len);

/* Appends one data packet of printf-formatted text (the caller adds any "\n"). 0 or -1. */
int rm_pkt_appendf(rm_buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends a flush (0000) or delim (0001) packet. 0 or -1. */
int rm_pkt_flush(rm_buf *out);
int rm_pkt_delim(rm_buf *out);

/* Called once per decoded packet. `data`/`len` are the payload of a data packet (not
 * NUL-terminated; valid only during the call), NULL/0 for the special packets.
 * Return 0 to go on; any other value stops decoding and is returned by rm_pkt_reader_feed. */
typedef int (*rm_pkt_cb)(void *ctx, rm_pkt_type type, const char *data, size_t len);

typedef struct rm_pkt_reader rm_pkt_reader;

/* A decoder that calls `cb` for each packet. Returns NULL when out of memory.
 * Owned by the caller: free with rm_pkt_reader_free. */
rm_pkt_reader *rm_pkt_reader_new(rm_pkt_cb cb, void *ctx);

/* Feeds the next `len` bytes of the stream; they may end anywhere inside a packet.
 * Returns 0; -1 on a malformed length (not hex, 0003, above RM_PKT_MAX) with the reason in
 * rm_pkt_reader_error; or the callback's nonzero return. After a nonzero return the reader
 * accepts no more input. */
int rm_pkt_reader_feed(rm_pkt_reader *r, const char *data, size_t len);

/* True when no packet is half-read: at the end of a response, false means it was cut short. */
int rm_pkt_reader_at_boundary(const rm_pkt_reader *r);

/* Why the last feed failed, for an error message; "" if it did not. */
const char *rm_pkt_reader_error(const rm_pkt_reader *r);

void rm_pkt_reader_free(rm_pkt_reader *r);

/* Strips one trailing "\n" from a packet's payload: returns the new length. */
size_t rm_pkt_chomp(const char *data, size_t len);

/* True when the `len` bytes at `line` are exactly `text`. */
bool rm_pkt_text_is(const char *line, size_t len, const char *text);

/* True when the `len` bytes at `line` start with `prefix`; then moves *line and *len past it. */
bool rm_pkt_skip_prefix(const char **line, size_t *len, const char *prefix);

#endif
