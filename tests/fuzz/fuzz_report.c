/* Arbitrary bytes as receive-pack's report-status. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "refs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rm_report report;
	rm_pkt_reader *r;
	int rc;

	rm_report_init(&report, "refs/heads/main");
	r = rm_pkt_reader_new(rm_report_on_pkt, &report);
	if (!r)
		abort();
	rc = rm_pkt_reader_feed(r, (const char *)data, size);
	if (rc != 0 && !*report.error && !*rm_pkt_reader_error(r))
		abort(); /* every failure says why */
	if ((report.complete && !report.seen_unpack) || (report.ref_ok && !report.ref_seen) ||
	    strlen(report.unpack_error) >= sizeof(report.unpack_error) ||
	    strlen(report.ref_error) >= sizeof(report.ref_error))
		abort();
	rm_pkt_reader_free(r);
	return 0;
}
