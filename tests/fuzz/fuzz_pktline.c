/* Arbitrary bytes into a pkt-line reader, cut in chunks of sizes drawn from the input itself
 * (so that a crash replays): the packets must be the same however the input is cut. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pktline.h"

/* What a decoding produced, summed up: a hash of every packet, their count, the result. */
typedef struct digest {
	uint64_t hash;
	size_t packets;
	int rc;
} digest;

static void mix(digest *d, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		d->hash = (d->hash ^ p[i]) * 0x100000001b3ull;
}

static int on_pkt(void *ctx, rm_pkt_type type, const char *data, size_t len)
{
	digest *d = ctx;

	if (len > RM_PKT_DATA_MAX || (type != RM_PKT_DATA && (data || len)))
		abort();
	mix(d, &type, sizeof(type));
	mix(d, &len, sizeof(len));
	mix(d, data, len);
	d->packets++;
	return 0;
}

static digest decode(const uint8_t *data, size_t size, uint32_t seed)
{
	digest d = {0xcbf29ce484222325ull, 0, 0};
	rm_pkt_reader *r = rm_pkt_reader_new(on_pkt, &d);

	if (!r)
		abort();
	while (size && d.rc == 0) {
		/* seed 0: all at once; otherwise a xorshift picks each chunk's size */
		size_t chunk = size;
		if (seed) {
			seed ^= seed << 13;
			seed ^= seed >> 17;
			seed ^= seed << 5;
			chunk = 1 + seed % (seed & 1 ? 8 : 70000);
			chunk = chunk < size ? chunk : size;
		}
		d.rc = rm_pkt_reader_feed(r, (const char *)data, chunk);
		data += chunk;
		size -= chunk;
	}
	if (d.rc != 0 && rm_pkt_reader_feed(r, "0000", 4) != d.rc)
		abort();
	mix(&d, &d.rc, sizeof(d.rc));
	rm_pkt_reader_free(r);
	return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t seed = 2463534242u ^ (size ? data[0] * 0x9e3779b9u : 0);
	digest whole, cut;

	whole = decode(data, size, 0);
	cut = decode(data, size, seed);
	if (whole.hash != cut.hash || whole.packets != cut.packets || whole.rc != cut.rc)
		abort();
	return 0;
}
