/* Arbitrary bytes as receive-pack's answer to a push: plain report-status, and multiplexed as with
 * side-band-64k (report-status pkt-lines inside band 1, the server's messages on band 2, its fatal
 * error on band 3), routed as rm_push routes them; and as a fetch's band 2, the server's progress
 * whose last line a progress line shows. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "report_status.h"
#include "sideband.h"

/* What the callers rely on, however the report ended. */
static void check(const rm_report_parser *p)
{
	rm_report report;

	rm_report_parser_finish(p, &report);
	if ((report.ref_ok && !report.ref_seen) ||
	    strlen(report.unpack_error) >= sizeof(report.unpack_error) ||
	    strlen(report.ref_error) >= sizeof(report.ref_error))
		abort();
}

static void plain(const uint8_t *data, size_t size)
{
	rm_report_parser *p = rm_report_parser_new("refs/heads/main");
	rm_pkt_reader *r = rm_pkt_reader_new(rm_report_parser_feed, p);

	if (!p || !r)
		abort();
	if (rm_pkt_reader_feed(r, (const char *)data, size) != 0 && !*rm_report_parser_error(p) &&
	    !*rm_pkt_reader_error(r))
		abort(); /* every failure says why */
	check(p);
	rm_pkt_reader_free(r);
	rm_report_parser_free(p);
}

typedef struct answer {
	rm_sideband band;
	rm_report_parser *report; /* from band 1's bytes */
	rm_remote_log messages;
	rm_error err;
} answer;

static int on_band_data(void *ctx, const char *data, size_t len)
{
	answer *a = ctx;

	if (rm_report_parser_feed_band(a->report, data, len) == 0)
		return 0;
	if (!*rm_report_parser_error(a->report))
		abort(); /* every failure says why */
	return rm_error_set(&a->err, RM_SIDE_TARGET, RM_ERR_PROTOCOL, "bad report-status");
}

static int on_outer_pkt(void *ctx, rm_pkt_type type, const char *data, size_t len)
{
	answer *a = ctx;

	return type == RM_PKT_DATA ? rm_sideband_route(&a->band, data, len) : 0;
}

static void multiplexed(const uint8_t *data, size_t size)
{
	answer a;
	rm_pkt_reader *outer;
	int rc;

	memset(&a, 0, sizeof(a));
	rm_remote_log_init(&a.messages, "target");
	a.band = (rm_sideband){.side = RM_SIDE_TARGET,
			       .on_data = on_band_data,
			       .ctx = &a,
			       .messages = &a.messages,
			       .err = &a.err};
	a.report = rm_report_parser_new("refs/heads/main");
	outer = rm_pkt_reader_new(on_outer_pkt, &a);
	if (!a.report || !outer)
		abort();
	rc = rm_pkt_reader_feed(outer, (const char *)data, size);
	rm_log_remote_end(&a.messages);
	if (rc != 0 && !*a.err.msg && !*rm_pkt_reader_error(outer))
		abort(); /* every failure says why */
	if (rc != 0 && *a.err.msg &&
	    (rm_exit_code_for(&a.err) != RM_EXIT_TARGET || strpbrk(a.err.msg, "\r\n")))
		abort(); /* a server's words make one line of the error */
	check(a.report);
	rm_pkt_reader_free(outer);
	rm_report_parser_free(a.report);
}

/* The kept line is bounded, printable ASCII, without spaces at its ends. */
static void check_note(const char *line)
{
	size_t len = strlen(line);

	if (len > RM_SERVER_NOTE_MAX || (len > 0 && (line[0] == ' ' || line[len - 1] == ' ')))
		abort();
	for (size_t i = 0; i < len; i++)
		if (line[i] < 0x20 || line[i] > 0x7e)
			abort();
}

static void server_note(const uint8_t *data, size_t size)
{
	rm_server_note note;

	memset(&note, 0, sizeof(note));
	for (size_t at = 0; at < size; at += 7) /* in pieces, as packets split it */
		rm_server_note_feed(&note, (const char *)data + at, size - at < 7 ? size - at : 7);
	if (note.len > RM_SERVER_NOTE_MAX)
		abort();
	check_note(note.last);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int once;

	if (!once++)
		rm_log_add_secret("hunter2"); /* the server's messages are masked */
	plain(data, size);
	multiplexed(data, size);
	server_note(data, size);
	return 0;
}
