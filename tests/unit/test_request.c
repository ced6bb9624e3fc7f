#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#define MAX_PKTS 14
#include "request.h"
#include "version.h"
#include "wire_pkts.h"

#define AGENT "agent=refmirror/" RM_VERSION

static const rm_oid A = {OID_A}, B = {OID_B}, absent = {""};
static const rm_oid two_wants[] = {{OID_A}, {OID_B}};
static const rm_oid two_haves[] = {{OID_C}, {OID_T}};

/* A request and the exact packets it is. */
typedef struct request_row {
	const char *name;
	enum { LS_REFS, FETCH, PUSH } kind;
	rm_request_caps caps;
	int version; /* FETCH */
	const rm_oid *wants, *haves;
	size_t nwants, nhaves;
	const rm_oid *old, *new_value; /* PUSH */
	const char *ref;	       /* PUSH: the ref; LS_REFS: the prefix */
	wire_pkt pkts[MAX_PKTS];
} request_row;

/* clang-format off */
static const request_row rows[] = {
	{"ls-refs", LS_REFS, {.object_format = true}, .ref = "refs/heads/main",
	 .pkts = {L("command=ls-refs\n"), L(AGENT "\n"), L("object-format=sha1\n"), DELIM, L("peel\n"),
		  L("ref-prefix refs/heads/main\n"), FLUSH, END}},
	{"ls-refs, the server names no object format", LS_REFS, {0}, .ref = "refs/tags/v1",
	 .pkts = {L("command=ls-refs\n"), L(AGENT "\n"), DELIM, L("peel\n"),
		  L("ref-prefix refs/tags/v1\n"), FLUSH, END}},
	{"v2 fetch", FETCH, {.ofs_delta = true, .object_format = true}, 2, &A, &B, 1, 1,
	 .pkts = {L("command=fetch\n"), L(AGENT "\n"), L("object-format=sha1\n"), DELIM,
		  L("ofs-delta\n"), L("want " OID_A "\n"), L("have " OID_B "\n"), L("done\n"), FLUSH,
		  END}},
	{"v2 fetch, many, no ofs-delta", FETCH, {0}, 2, two_wants, two_haves, 2, 2,
	 .pkts = {L("command=fetch\n"), L(AGENT "\n"), DELIM, L("want " OID_A "\n"),
		  L("want " OID_B "\n"), L("have " OID_C "\n"), L("have " OID_T "\n"), L("done\n"),
		  FLUSH, END}},
	{"v2 fetch, no haves", FETCH, {.ofs_delta = true}, 2, &A, NULL, 1, 0,
	 .pkts = {L("command=fetch\n"), L(AGENT "\n"), DELIM, L("ofs-delta\n"),
		  L("want " OID_A "\n"), L("done\n"), FLUSH, END}},
	{"v0 fetch", FETCH, {.side_band_64k = true, .ofs_delta = true, .object_format = true}, 0,
	 &A, &B, 1, 1,
	 .pkts = {L("want " OID_A " side-band-64k ofs-delta " AGENT " object-format=sha1\n"), FLUSH,
		  L("have " OID_B "\n"), L("done\n"), END}},
	{"v0 fetch, many, no haves", FETCH, {.side_band_64k = true}, 0, two_wants, NULL, 2, 0,
	 .pkts = {L("want " OID_A " side-band-64k " AGENT "\n"), L("want " OID_B "\n"), FLUSH,
		  L("done\n"), END}},
	{"push: update", PUSH,
	 {.report_status = true, .side_band_64k = true, .object_format = true},
	 .old = &A, .new_value = &B, .ref = "refs/heads/main",
	 .pkts = {L(OID_A " " OID_B " refs/heads/main\0report-status side-band-64k " AGENT
		    " object-format=sha1\n"), FLUSH, END}},
	{"push: create", PUSH, {.report_status = true}, .old = &absent, .new_value = &A,
	 .ref = "refs/tags/v1",
	 .pkts = {L(RM_ZERO_OID " " OID_A " refs/tags/v1\0report-status " AGENT "\n"), FLUSH, END}},
	{"push: delete", PUSH, {.report_status = true, .side_band_64k = true}, .old = &B,
	 .new_value = &absent, .ref = "refs/heads/main",
	 .pkts = {L(OID_B " " RM_ZERO_OID " refs/heads/main\0report-status side-band-64k " AGENT
		    "\n"), FLUSH, END}},
};
/* clang-format on */

static int build(rm_buf *body, const request_row *row)
{
	rm_fetch_request fetch = {.version = row->version,
				  .caps = row->caps,
				  .wants = row->wants,
				  .nwants = row->nwants,
				  .haves = row->haves,
				  .nhaves = row->nhaves};

	switch (row->kind) {
	case LS_REFS:
		return rm_request_ls_refs(body, &row->caps, row->ref);
	case FETCH:
		return rm_request_fetch(body, &fetch);
	default:
		return rm_request_push(body, &row->caps, row->old, row->new_value, row->ref);
	}
}

static void test_exact_bytes(void **state)
{
	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(rows); i++) {
		rm_buf body, want;
		int rc;

		rm_buf_init(&body, 1 << 20);
		encode(&want, rows[i].pkts);
		rc = build(&body, &rows[i]);
		if (rc != 0 || body.len != want.len || memcmp(body.data, want.data, want.len) != 0)
			print_message("row \"%s\": %d, %zu bytes \"%.*s\"\n", rows[i].name, rc,
				      body.len, (int)body.len, body.data ? body.data : "");
		assert_int_equal(rc, 0);
		assert_int_equal(body.len, want.len);
		assert_memory_equal(body.data, want.data, want.len);
		rm_buf_free(&body);
		rm_buf_free(&want);
	}
}

/* A request that cannot be sent whole is refused: a ref name longer than a packet holds, a body
 * past its limit, a fetch of nothing. */
static void test_too_large_or_empty(void **state)
{
	static char long_name[RM_PKT_DATA_MAX + 1];
	rm_request_caps caps = {.report_status = true};
	rm_fetch_request many_haves = {
		.version = 2, .wants = &A, .nwants = 1, .haves = two_haves, .nhaves = 2};
	rm_fetch_request nothing = {.version = 0, .caps = {.side_band_64k = true}};
	rm_buf body;

	(void)state;
	memset(long_name, 'x', sizeof(long_name) - 1);
	rm_buf_init(&body, 1 << 20);
	assert_int_equal(rm_request_push(&body, &caps, &A, &B, long_name), -1);
	assert_int_equal(rm_request_ls_refs(&body, &caps, long_name), -1);
	rm_buf_free(&body);
	rm_buf_init(&body, 160);
	assert_int_equal(rm_request_fetch(&body, &many_haves), -1);
	rm_buf_free(&body);
	rm_buf_init(&body, 1 << 20);
	assert_int_equal(rm_request_fetch(&body, &nothing), -1);
	for (int version = 0; version <= 2; version += 2) {
		nothing.version = version;
		assert_int_equal(rm_request_fetch(&body, &nothing), -1);
	}
	rm_buf_free(&body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_bytes),
		cmocka_unit_test(test_too_large_or_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
