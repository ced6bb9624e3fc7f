/* Arbitrary bytes as a pack streaming past the ancestry scanner (rm_pack_scan): never a crash, a
 * leak or a hang, and the same answer however the bytes are split (for the peel question too). The
 * parent looked for is the id the seeds' packs name as a parent (tests/fuzz/corpus/pack_scan: 8
 * commits made with fixed dates, then git pack-objects), so that every answer is reachable. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pack_scan.h"

/* Feeds the bytes to the scanner in pieces of `piece`. */
static void feed(rm_pack_scan *s, const uint8_t *data, size_t size, size_t piece)
{
	for (size_t at = 0; at < size; at += piece)
		rm_pack_scan_update(s, data + at, size - at < piece ? size - at : piece);
}

static rm_pack_scan_answer scan(const rm_oid *parent, const uint8_t *data, size_t size,
				size_t piece)
{
	rm_pack_scan *s = rm_pack_scan_new(parent);
	rm_pack_scan_answer a;
	const char *why;

	if (!s)
		abort();
	feed(s, data, size, piece);
	a = rm_pack_scan_answer_now(s, &why);
	if (a == RM_PACK_SCAN_UNKNOWN && (!why || !*why))
		abort(); /* every "unknown" says why */
	rm_pack_scan_free(s);
	return a;
}

/* The same bytes read for the peel question. */
static rm_pack_scan_peel scan_peel(const uint8_t *data, size_t size, size_t piece)
{
	rm_pack_scan *s = rm_pack_scan_new_peel();
	rm_pack_scan_peel a;
	const char *why;

	if (!s)
		abort();
	feed(s, data, size, piece);
	a = rm_pack_scan_peel_now(s, &why);
	if (a == RM_PACK_SCAN_PEEL_UNKNOWN && (!why || !*why))
		abort();
	rm_pack_scan_free(s);
	return a;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rm_oid parent;

	if (rm_oid_parse(&parent, "9e7ae3838c4f7a9cd75ad8a0e97069234cf48b78", RM_OID_HEXSZ) < 0)
		abort();
	if (scan(&parent, data, size, size ? size : 1) != scan(&parent, data, size, 7))
		abort();
	if (scan_peel(data, size, size ? size : 1) != scan_peel(data, size, 7))
		abort();
	return 0;
}
