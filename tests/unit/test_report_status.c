#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>

#include "report_status.h"
#include "wire_pkts.h"

typedef struct report_row {
	const char *name;
	wire_pkt pkts[MAX_PKTS];
	int rc;
	bool complete, unpack_ok, ref_seen, ref_ok;
	const char *unpack_error, *ref_error, *error;
} report_row;

/* clang-format off */
static const report_row report_rows[] = {
	{"ok", {L("unpack ok\n"), L("ok refs/heads/main\n"), FLUSH}, 0, true, true, true, true, "",
	 "", ""},
	{"refused", {L("unpack ok\n"), L("ng refs/heads/main non-fast-forward\n"), FLUSH}, 0, true,
	 true, true, false, "", "non-fast-forward", ""},
	{"refused by a hook",
	 {L("unpack ok\n"), L("ng refs/heads/main pre-receive hook declined\n"), FLUSH}, 0, true,
	 true, true, false, "", "pre-receive hook declined", ""},
	{"unpack failed",
	 {L("unpack index-pack abnormal exit\n"), L("ng refs/heads/main unpacker error\n"), FLUSH},
	 0, true, false, true, false, "index-pack abnormal exit", "unpacker error", ""},
	{"other refs",
	 {L("unpack ok\n"), L("ng refs/heads/other failed\n"), L("ok refs/heads/main\n"),
	  L("ng refs/heads/main2 failed\n"), L("ok refs/heads/mai\n"), FLUSH},
	 0, true, true, true, true, "", "", ""},
	{"only other refs", {L("unpack ok\n"), L("ok refs/heads/other\n"), FLUSH}, 0, true, true,
	 false, false, "", "", ""},
	{"report-status-v2",
	 {L("unpack ok\n"), L("ok refs/heads/main\n"), L("option refname refs/heads/main\n"),
	  L("option old-oid " OID_A "\n"), L("option new-oid " OID_B "\n"), FLUSH},
	 0, true, true, true, true, "", "", ""},
	{"without newlines", {L("unpack ok"), L("ng refs/heads/main nope"), FLUSH}, 0, true, true,
	 true, false, "", "nope", ""},
	{"cut short", {L("unpack ok\n"), L("ok refs/heads/main\n")}, 0, false, true, true, true, "",
	 "", ""},
	{"nothing", {END}, 0, false, false, false, false, "", "", ""},
	{"no unpack line", {L("ok refs/heads/main\n"), FLUSH}, -1, false, false, false, false, "",
	 "", "report does not start with unpack status"},
	{"unpack without space", {L("unpack\n"), FLUSH}, -1, false, false, false, false, "", "",
	 "report does not start with unpack status"},
	{"flush first", {FLUSH}, -1, false, false, false, false, "", "",
	 "report without unpack status"},
	{"unknown line", {L("unpack ok\n"), L("what refs/heads/main\n"), FLUSH}, -1, false, true,
	 false, false, "", "", "malformed report line"},
	{"empty ref name", {L("unpack ok\n"), L("ok \n"), FLUSH}, -1, false, true, false, false, "",
	 "", "malformed ref status"},
	{"delim", {L("unpack ok\n"), DELIM}, -1, false, true, false, false, "", "",
	 "unexpected delim or response-end packet"},
	{"after the final flush", {L("unpack ok\n"), L("ok refs/heads/main\n"), FLUSH, L("x\n")},
	 -1, false, true, true, true, "", "", "data after the final flush"},
};
/* clang-format on */

/* Feeds side-band channel 1's bytes, as rm_push routes them there. */
static int feed_band(void *parser, const char *data, size_t len)
{
	return rm_report_parser_feed_band(parser, data, len);
}

/* Reads the row's answer, plain or as channel 1's bytes, `chunk` bytes at a time. */
static void check_row(const report_row *row, bool framed, size_t chunk)
{
	rm_report_parser *p = rm_report_parser_new("refs/heads/main");
	rm_report rep;
	bool complete;
	int rc;

	assert_non_null(p);
	rc = framed ? feed_bytes(feed_band, p, row->pkts, chunk)
		    : parse(rm_report_parser_feed, p, row->pkts, chunk);
	complete = rm_report_parser_finish(p, &rep) == 0;
	if (rc != row->rc || complete != row->complete || rep.ref_ok != row->ref_ok)
		print_message("row \"%s\"%s: %d \"%s\"\n", row->name, framed ? " framed" : "", rc,
			      rm_report_parser_error(p));
	assert_int_equal(rc, row->rc);
	assert_int_equal(complete, row->complete);
	assert_int_equal(rep.unpack_ok, row->unpack_ok);
	assert_int_equal(rep.ref_seen, row->ref_seen);
	assert_int_equal(rep.ref_ok, row->ref_ok);
	assert_string_equal(rep.unpack_error, row->unpack_error);
	assert_string_equal(rep.ref_error, row->ref_error);
	assert_string_equal(rm_report_parser_error(p), row->error);
	rm_report_parser_free(p);
}

static void test_report_status(void **state)
{
	(void)state;
	for (size_t r = 0; r < RM_ARRAY_SIZE(report_rows); r++)
		for (size_t i = 0; i < NCHUNKS; i++) {
			check_row(&report_rows[r], false, chunks[i]);
			check_row(&report_rows[r], true, chunks[i]);
		}
}

/* In channel 1, the report's pkt-lines have lengths of their own, which may be bad. */
static void test_framed_bad_length(void **state)
{
	static const char bytes[] = "000eunpack ok\nzzzz";
	rm_report_parser *p = rm_report_parser_new("refs/heads/main");
	const char *error;
	rm_report rep;

	(void)state;
	assert_non_null(p);
	error = rm_report_parser_error(p); /* read later: the text is updated in place */
	assert_int_equal(rm_report_parser_feed_band(p, bytes, sizeof(bytes) - 1), -1);
	assert_string_equal(error, "bad pkt-line length \"zzzz\"");
	assert_int_equal(rm_report_parser_finish(p, &rep), -1);
	assert_true(rep.unpack_ok);
	rm_report_parser_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_status),
		cmocka_unit_test(test_framed_bad_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
