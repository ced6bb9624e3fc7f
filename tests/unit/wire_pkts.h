/* Pkt-line exchanges written as data for the wire tests: a list of packets, encoded as they go
 * on the wire; a server's answer is fed to a parser whole and a byte at a time (as libcurl might
 * hand it over at worst). Header-only: each test file uses what it needs. */
#ifndef RM_TEST_WIRE_PKTS_H
#define RM_TEST_WIRE_PKTS_H

#include <stdint.h>

#include "array.h"
#include "buf.h"
#include "pktline.h"

/* One packet; a list ends with END. */
typedef struct wire_pkt {
	rm_pkt_type type;
	const char *data;
	size_t len;
} wire_pkt;

/* clang-format off */
#define L(lit) {RM_PKT_DATA, lit, sizeof(lit) - 1}
#define FLUSH {RM_PKT_FLUSH, NULL, 0}
#define DELIM {RM_PKT_DELIM, NULL, 0}
#define END {RM_PKT_DATA, NULL, 0}
/* clang-format on */
#ifndef MAX_PKTS
#define MAX_PKTS 12 /* packets in a row of a table */
#endif

#define OID_A "1111111111111111111111111111111111111111"
#define OID_B "2222222222222222222222222222222222222222"
#define OID_C "3333333333333333333333333333333333333333"
#define OID_T "abcdef0123456789abcdef0123456789abcdef01"

/* The bytes of the packets into *wire (rm_buf_free it). */
static inline void encode(rm_buf *wire, const wire_pkt *pkts)
{
	rm_buf_init(wire, 1 << 20);
	rm_buf_append(wire, "", 0);
	for (; pkts->data || pkts->type != RM_PKT_DATA; pkts++) {
		switch (pkts->type) {
		case RM_PKT_DATA:
			assert_int_equal(rm_pkt_append(wire, pkts->data, pkts->len), 0);
			break;
		case RM_PKT_FLUSH:
			assert_int_equal(rm_pkt_flush(wire), 0);
			break;
		default:
			assert_int_equal(rm_pkt_delim(wire), 0);
			break;
		}
	}
}

/* Both ways each answer is fed: whole, and a byte at a time. */
static const size_t chunks[] = {SIZE_MAX, 1};
#define NCHUNKS RM_ARRAY_SIZE(chunks)

/* Feeds the bytes of the packets to `feed`, `chunk` bytes at a time, until it fails; its
 * result. */
static inline int feed_bytes(int (*feed)(void *ctx, const char *data, size_t len), void *ctx,
			     const wire_pkt *pkts, size_t chunk)
{
	rm_buf wire;
	int rc = 0;

	encode(&wire, pkts);
	for (size_t off = 0; off < wire.len && rc == 0; off += chunk) {
		size_t n = wire.len - off < chunk ? wire.len - off : chunk;
		rc = feed(ctx, wire.data + off, n);
	}
	rm_buf_free(&wire);
	return rc;
}

static inline int feed_reader(void *reader, const char *data, size_t len)
{
	return rm_pkt_reader_feed(reader, data, len);
}

/* Decodes the packets into `ctx` with `cb`, `chunk` bytes at a time; the feed's result. */
static inline int parse(rm_pkt_cb cb, void *ctx, const wire_pkt *pkts, size_t chunk)
{
	rm_pkt_reader *r = rm_pkt_reader_new(cb, ctx);
	int rc;

	assert_non_null(r);
	rc = feed_bytes(feed_reader, r, pkts, chunk);
	if (rc == 0)
		assert_true(rm_pkt_reader_at_boundary(r));
	rm_pkt_reader_free(r);
	return rc;
}

#endif
