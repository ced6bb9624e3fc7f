#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "refs.h"

#define OID_A "1111111111111111111111111111111111111111"
#define OID_B "2222222222222222222222222222222222222222"
#define OID_C "3333333333333333333333333333333333333333"
#define OID_T "abcdef0123456789abcdef0123456789abcdef01"

/* A response as the server writes it: packets, until one with no data and type DATA. */
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
#define MAX_PKTS 12

static void encode(rm_buf *wire, const wire_pkt *pkts)
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

/* Both ways each response is parsed: whole, and as libcurl might hand it over at worst. */
static const size_t chunks[] = {SIZE_MAX, 1};
#define NCHUNKS RM_ARRAY_SIZE(chunks)

/* Decodes the response into `ctx` with `cb`, `chunk` bytes at a time; the feed's result. */
static int parse(rm_pkt_cb cb, void *ctx, const wire_pkt *pkts, size_t chunk)
{
	rm_pkt_reader *r = rm_pkt_reader_new(cb, ctx);
	rm_buf wire;
	int rc = 0;

	assert_non_null(r);
	encode(&wire, pkts);
	for (size_t off = 0; off < wire.len && rc == 0; off += chunk) {
		size_t n = wire.len - off < chunk ? wire.len - off : chunk;
		rc = rm_pkt_reader_feed(r, wire.data + off, n);
	}
	if (rc == 0)
		assert_true(rm_pkt_reader_at_boundary(r));
	rm_pkt_reader_free(r);
	rm_buf_free(&wire);
	return rc;
}

static void assert_ref(const rm_advert *a, const char *name, const char *oid, const char *peeled)
{
	const rm_ref *ref = rm_advert_find(a, name);

	assert_non_null(ref);
	assert_string_equal(ref->name, name);
	assert_string_equal(ref->oid.hex, oid);
	assert_string_equal(ref->peeled.hex, peeled);
}

/* v0 advertisements */

static const char upload_caps[] =
	"multi_ack thin-pack side-band side-band-64k ofs-delta shallow deepen-since deepen-not "
	"deepen-relative no-progress include-tag multi_ack_detailed allow-tip-sha1-in-want "
	"symref=HEAD:refs/heads/main object-format=sha1 agent=git/2.39.2";

static void test_upload_pack_v0(void **state)
{
	static const wire_pkt pkts[] = {
		L("# service=git-upload-pack\n"),
		FLUSH,
		L(OID_A " HEAD\0multi_ack thin-pack side-band side-band-64k ofs-delta shallow "
		  "deepen-since deepen-not deepen-relative no-progress include-tag "
		  "multi_ack_detailed allow-tip-sha1-in-want symref=HEAD:refs/heads/main "
		  "object-format=sha1 agent=git/2.39.2\n"),
		L(OID_A " refs/heads/main\n"),
		L(OID_B " refs/heads/topic\n"),
		L(OID_T " refs/tags/v1.0\n"),
		L(OID_C " refs/tags/v1.0^{}\n"),
		L(OID_B " refs/tags/light\n"),
		FLUSH,
		END,
	};

	(void)state;
	for (size_t i = 0; i < NCHUNKS; i++) {
		rm_advert a;
		rm_advert_init(&a);
		assert_int_equal(parse(rm_advert_on_pkt, &a, pkts, chunks[i]), 0);
		assert_true(rm_advert_complete(&a));
		assert_int_equal(a.version, 0);
		assert_string_equal(a.caps, upload_caps);
		assert_int_equal(a.nrefs, 5);
		assert_string_equal(a.refs[0].name, "HEAD");
		assert_ref(&a, "refs/heads/main", OID_A, "");
		assert_ref(&a, "refs/heads/topic", OID_B, "");
		assert_ref(&a, "refs/tags/v1.0", OID_T, OID_C);
		assert_ref(&a, "refs/tags/light", OID_B, "");
		rm_advert_free(&a);
	}
}

static void test_find_is_exact(void **state)
{
	static const wire_pkt pkts[] = {
		L(OID_A " refs/heads/main2\0agent=x\n"),
		L(OID_B " refs/heads/main\n"),
		FLUSH,
		END,
	};
	rm_advert a;

	(void)state;
	rm_advert_init(&a);
	assert_int_equal(parse(rm_advert_on_pkt, &a, pkts, SIZE_MAX), 0);
	assert_ref(&a, "refs/heads/main", OID_B, "");
	assert_ref(&a, "refs/heads/main2", OID_A, "");
	assert_null(rm_advert_find(&a, "refs/heads/mai"));
	assert_null(rm_advert_find(&a, "refs/heads/main22"));
	assert_null(rm_advert_find(&a, "main"));
	rm_advert_free(&a);
	/* A freed advertisement is empty, and freeing it again is harmless. */
	assert_null(rm_advert_find(&a, "refs/heads/main"));
	rm_advert_free(&a);
}

static void test_version_1_and_shallow(void **state)
{
	static const wire_pkt pkts[] = {
		L("# service=git-upload-pack\n"),
		FLUSH,
		L("version 1\n"),
		L(OID_A " refs/heads/main\0shallow agent=git/2.39.2\n"),
		L(OID_B " refs/heads/next\n"),
		L("shallow " OID_C "\n"),
		FLUSH,
		END,
	};

	(void)state;
	for (size_t i = 0; i < NCHUNKS; i++) {
		rm_advert a;
		rm_advert_init(&a);
		assert_int_equal(parse(rm_advert_on_pkt, &a, pkts, chunks[i]), 0);
		assert_true(rm_advert_complete(&a));
		assert_int_equal(a.version, 0);
		assert_string_equal(a.caps, "shallow agent=git/2.39.2");
		assert_int_equal(a.nrefs, 2);
		assert_ref(&a, "refs/heads/next", OID_B, "");
		rm_advert_free(&a);
	}
}

static void test_receive_pack_empty_repository(void **state)
{
	static const wire_pkt pkts[] = {
		L("# service=git-receive-pack\n"),
		FLUSH,
		L(RM_ZERO_OID " capabilities^{}\0report-status report-status-v2 delete-refs "
		  "side-band-64k quiet atomic ofs-delta object-format=sha1 agent=git/2.39.2\n"),
		FLUSH,
		END,
	};

	(void)state;
	for (size_t i = 0; i < NCHUNKS; i++) {
		rm_advert a;
		rm_advert_init(&a);
		assert_int_equal(parse(rm_advert_on_pkt, &a, pkts, chunks[i]), 0);
		assert_true(rm_advert_complete(&a));
		assert_int_equal(a.nrefs, 0);
		assert_true(rm_caps_has(a.caps, "report-status", NULL));
		assert_true(rm_caps_has(a.caps, "delete-refs", NULL));
		assert_null(rm_advert_find(&a, "capabilities^{}"));
		rm_advert_free(&a);
	}
}

/* Older servers say nothing at all about an empty repository. */
static void test_no_refs_at_all(void **state)
{
	static const wire_pkt pkts[] = {L("# service=git-upload-pack\n"), FLUSH, FLUSH, END};
	rm_advert a;

	(void)state;
	rm_advert_init(&a);
	assert_int_equal(parse(rm_advert_on_pkt, &a, pkts, 1), 0);
	assert_true(rm_advert_complete(&a));
	assert_int_equal(a.nrefs, 0);
	assert_string_equal(a.caps, "");
	rm_advert_free(&a);
}

static void test_cut_short(void **state)
{
	static const wire_pkt pkts[] = {
		L("# service=git-upload-pack\n"),
		FLUSH,
		L(OID_A " refs/heads/main\0agent=git/2.39.2\n"),
		END,
	};
	rm_advert a;

	(void)state;
	rm_advert_init(&a);
	assert_int_equal(parse(rm_advert_on_pkt, &a, pkts, 1), 0);
	assert_false(rm_advert_complete(&a));
	rm_advert_free(&a);
}

/* v2 */

static void test_v2_capabilities(void **state)
{
	static const wire_pkt with_service[] = {
		L("# service=git-upload-pack\n"),
		FLUSH,
		L("version 2\n"),
		L("agent=git/2.39.2\n"),
		L("ls-refs=unborn\n"),
		L("fetch=shallow wait-for-done\n"),
		L("server-option\n"),
		L("object-format=sha1\n"),
		L("object-info\n"),
		FLUSH,
		END,
	};
	/* git http-backend leaves the service header out for v2. */
	static const wire_pkt without_service[] = {
		L("version 2\n"),
		L("agent=git/2.39.2\n"),
		L("ls-refs=unborn\n"),
		L("fetch=shallow wait-for-done\n"),
		L("server-option\n"),
		L("object-format=sha1\n"),
		L("object-info\n"),
		FLUSH,
		END,
	};
	static const wire_pkt *bodies[] = {with_service, without_service};

	(void)state;
	for (size_t b = 0; b < 2; b++) {
		for (size_t i = 0; i < NCHUNKS; i++) {
			rm_advert a;
			rm_advert_init(&a);
			assert_int_equal(parse(rm_advert_on_pkt, &a, bodies[b], chunks[i]), 0);
			assert_true(rm_advert_complete(&a));
			assert_int_equal(a.version, 2);
			assert_int_equal(a.nrefs, 0);
			assert_string_equal(a.caps, "agent=git/2.39.2\nls-refs=unborn\n"
						    "fetch=shallow wait-for-done\nserver-option\n"
						    "object-format=sha1\nobject-info");
			rm_advert_free(&a);
		}
	}
}

static void test_caps_has(void **state)
{
	static const char v2_caps[] = "agent=git/2.39.2\nls-refs=unborn\nfetch=shallow "
				      "wait-for-done\nserver-option\nobject-format=sha1";
	static const struct {
		const char *caps;
		const char *cap;
		bool has;
		const char *value; /* up to the next space or newline; NULL: none */
	} rows[] = {
		{upload_caps, "multi_ack", true, NULL},
		{upload_caps, "multi_ack_detailed", true, NULL},
		{upload_caps, "side-band", true, NULL},
		{upload_caps, "side-band-64k", true, NULL},
		{upload_caps, "side-band-6", false, NULL},
		{upload_caps, "ack", false, NULL},
		{upload_caps, "thin", false, NULL},
		{upload_caps, "symref", true, "HEAD:refs/heads/main"},
		{upload_caps, "object-format", true, "sha1"},
		{upload_caps, "agent", true, "git/2.39.2"},
		{upload_caps, "git/2.39.2", false, NULL},
		{upload_caps, "report-status", false, NULL},
		{v2_caps, "agent", true, "git/2.39.2"},
		{v2_caps, "ls-refs", true, "unborn"},
		{v2_caps, "fetch", true, "shallow"},
		{v2_caps, "server-option", true, NULL},
		{v2_caps, "server", false, NULL},
		{v2_caps, "object-format", true, "sha1"},
		{v2_caps, "object-info", false, NULL},
		{" a  b\n\nc=1 ", "c", true, "1"},
		{"", "a", false, NULL},
		{NULL, "a", false, NULL},
	};

	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(rows); i++) {
		const char *value = "unset";
		bool has = rm_caps_has(rows[i].caps, rows[i].cap, &value);

		if (has != rows[i].has)
			print_message("row %zu: \"%s\"\n", i, rows[i].cap);
		assert_int_equal(has, rows[i].has);
		assert_int_equal(has, rm_caps_has(rows[i].caps, rows[i].cap, NULL));
		if (!rows[i].value) {
			assert_null(value);
			continue;
		}
		assert_non_null(value);
		assert_int_equal(strcspn(value, " \n"), strlen(rows[i].value));
		assert_memory_equal(value, rows[i].value, strlen(rows[i].value));
	}
}

static void test_ls_refs(void **state)
{
	static const wire_pkt pkts[] = {
		L("unborn HEAD symref-target:refs/heads/main\n"),
		L(OID_A " refs/heads/main\n"),
		L(OID_A " refs/heads/main-old symref-target:refs/heads/main\n"),
		L(OID_T " refs/tags/v1.0 peeled:" OID_C "\n"),
		L(OID_T " refs/tags/v2.0 some-future-attribute peeled:" OID_B " x:y\n"),
		L(OID_B " refs/tags/light"),
		FLUSH,
		END,
	};

	(void)state;
	for (size_t i = 0; i < NCHUNKS; i++) {
		rm_advert a;
		rm_advert_init(&a);
		assert_int_equal(parse(rm_lsrefs_on_pkt, &a, pkts, chunks[i]), 0);
		assert_true(rm_advert_complete(&a));
		assert_int_equal(a.version, 2);
		assert_int_equal(a.nrefs, 5);
		assert_null(rm_advert_find(&a, "HEAD"));
		assert_ref(&a, "refs/heads/main", OID_A, "");
		assert_ref(&a, "refs/heads/main-old", OID_A, "");
		assert_ref(&a, "refs/tags/v1.0", OID_T, OID_C);
		assert_ref(&a, "refs/tags/v2.0", OID_T, OID_B);
		assert_ref(&a, "refs/tags/light", OID_B, "");
		rm_advert_free(&a);
	}
}

static void test_ls_refs_empty_and_cut_short(void **state)
{
	static const wire_pkt empty[] = {FLUSH, END};
	static const wire_pkt cut[] = {L(OID_A " refs/heads/main\n"), END};
	rm_advert a;

	(void)state;
	rm_advert_init(&a);
	assert_int_equal(parse(rm_lsrefs_on_pkt, &a, empty, 1), 0);
	assert_true(rm_advert_complete(&a));
	assert_int_equal(a.nrefs, 0);
	rm_advert_free(&a);
	assert_int_equal(parse(rm_lsrefs_on_pkt, &a, cut, 1), 0);
	assert_false(rm_advert_complete(&a));
	assert_int_equal(a.nrefs, 1);
	rm_advert_free(&a);
}

/* Rejected responses: {parser, packets, the reason}. */
static const struct bad_row {
	const char *name;
	rm_pkt_cb cb;
	wire_pkt pkts[MAX_PKTS];
	const char *error;
} bad_rows[] = {
	{"no space after oid", rm_advert_on_pkt, {L(OID_A "\trefs/heads/main\0a\n")},
	 "malformed ref line"},
	{"no name", rm_advert_on_pkt, {L(OID_A " \0a\n")}, "malformed ref line"},
	{"name cut at oid", rm_advert_on_pkt, {L(OID_A)}, "malformed ref line"},
	{"short oid", rm_advert_on_pkt,
	 {L("111111111111111111111111111111111111111 refs/heads/main\0a\n")}, "malformed ref line"},
	{"long oid", rm_advert_on_pkt,
	 {L("11111111111111111111111111111111111111111 refs/heads/main\0a\n")},
	 "malformed ref line"},
	{"uppercase oid", rm_advert_on_pkt,
	 {L("ABCDEF0123456789ABCDEF0123456789ABCDEF01 refs/heads/main\0a\n")},
	 "malformed ref line"},
	{"not hex", rm_advert_on_pkt,
	 {L("g111111111111111111111111111111111111111 refs/heads/main\0a\n")},
	 "malformed ref line"},
	{"uppercase oid on a later line", rm_advert_on_pkt,
	 {L(OID_A " refs/heads/main\0a\n"), L("ABCDEF0123456789abcdef0123456789abcdef01 refs/x\n")},
	 "malformed ref line"},
	{"space in a v0 name", rm_advert_on_pkt,
	 {L(OID_A " refs/heads/main\0a\n"), L(OID_B " refs/heads/a b\n")}, "malformed ref line"},
	{"NUL in a later name", rm_advert_on_pkt,
	 {L(OID_A " refs/heads/main\0a\n"), L(OID_B " refs/heads/a\0b\n")}, "malformed ref line"},
	{"NUL in capabilities", rm_advert_on_pkt, {L(OID_A " refs/heads/main\0a\0b\n")},
	 "malformed capabilities"},
	{"peeled first", rm_advert_on_pkt, {L(OID_A " refs/tags/v1^{}\0a\n")},
	 "peeled ref without its ref"},
	{"peeled other ref", rm_advert_on_pkt,
	 {L(OID_A " refs/tags/v1\0a\n"), L(OID_B " refs/tags/v2^{}\n")},
	 "peeled ref without its ref"},
	{"capabilities^{} with an id", rm_advert_on_pkt, {L(OID_A " capabilities^{}\0a\n")},
	 "peeled ref without its ref"},
	{"delim in v0", rm_advert_on_pkt, {L(OID_A " refs/heads/main\0a\n"), DELIM},
	 "unexpected delim or response-end packet"},
	{"delim in v2", rm_advert_on_pkt, {L("version 2\n"), L("agent=x\n"), DELIM},
	 "unexpected delim or response-end packet"},
	{"empty v2 line", rm_advert_on_pkt, {L("version 2\n"), L("\n")},
	 "malformed capability line"},
	{"line after the final flush", rm_advert_on_pkt,
	 {L(OID_A " refs/heads/main\0a\n"), FLUSH, L(OID_B " refs/heads/next\n")},
	 "data after the final flush"},
	{"flush after the final flush", rm_advert_on_pkt, {L("version 2\n"), FLUSH, FLUSH},
	 "data after the final flush"},
	{"garbage", rm_advert_on_pkt, {L("# service=git-upload-pack\n"), FLUSH, L("hello\n")},
	 "malformed ref line"},
	{"ls-refs: short oid", rm_lsrefs_on_pkt,
	 {L("111111111111111111111111111111111111111 refs/heads/main\n")}, "malformed ref line"},
	{"ls-refs: no name", rm_lsrefs_on_pkt, {L(OID_A "\n")}, "malformed ref line"},
	{"ls-refs: double space", rm_lsrefs_on_pkt, {L(OID_A "  refs/heads/main\n")},
	 "malformed ref line"},
	{"ls-refs: bad peeled", rm_lsrefs_on_pkt,
	 {L(OID_T " refs/tags/v1 peeled:" RM_ZERO_OID "0\n")}, "malformed peeled object id"},
	{"ls-refs: uppercase peeled", rm_lsrefs_on_pkt,
	 {L(OID_T " refs/tags/v1 peeled:ABCDEF0123456789ABCDEF0123456789ABCDEF01\n")},
	 "malformed peeled object id"},
	{"ls-refs: delim", rm_lsrefs_on_pkt, {DELIM}, "unexpected delim or response-end packet"},
	{"ls-refs: after the final flush", rm_lsrefs_on_pkt, {FLUSH, L(OID_A " refs/heads/main\n")},
	 "data after the final flush"},
};

static void test_bad_adverts(void **state)
{
	(void)state;
	for (size_t r = 0; r < RM_ARRAY_SIZE(bad_rows); r++) {
		for (size_t i = 0; i < NCHUNKS; i++) {
			rm_advert a;
			int rc;

			rm_advert_init(&a);
			rc = parse(bad_rows[r].cb, &a, bad_rows[r].pkts, chunks[i]);
			if (rc != -1 || strcmp(a.error, bad_rows[r].error) != 0)
				print_message("row \"%s\": %d \"%s\"\n", bad_rows[r].name, rc,
					      a.error);
			assert_int_equal(rc, -1);
			assert_string_equal(a.error, bad_rows[r].error);
			rm_advert_free(&a);
		}
	}
}

static void test_too_many_refs(void **state)
{
	static const char one_more[] = OID_B " refs/heads/one-more";
	rm_advert a;
	char line[80];

	(void)state;
	rm_advert_init(&a);
	for (int i = 0; i < RM_REFS_MAX; i++) {
		int n = snprintf(line, sizeof(line), "%s refs/heads/b%d", OID_A, i);
		if (rm_lsrefs_on_pkt(&a, RM_PKT_DATA, line, (size_t)n) != 0)
			fail_msg("ref %d refused: %s", i, a.error);
	}
	assert_int_equal(rm_lsrefs_on_pkt(&a, RM_PKT_DATA, one_more, sizeof(one_more) - 1), -1);
	assert_string_equal(a.error, "too many refs");
	assert_int_equal(a.nrefs, RM_REFS_MAX);
	rm_advert_free(&a);
}

/* report-status */

typedef struct report_row {
	const char *name;
	wire_pkt pkts[MAX_PKTS];
	int rc;
	bool complete, unpack_ok, ref_seen, ref_ok;
	const char *unpack_error, *ref_error, *error;
} report_row;

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
	 -1, true, true, true, true, "", "", "data after the final flush"},
};

static void test_report_status(void **state)
{
	(void)state;
	for (size_t r = 0; r < RM_ARRAY_SIZE(report_rows); r++) {
		const report_row *row = &report_rows[r];
		for (size_t i = 0; i < NCHUNKS; i++) {
			rm_report rep;
			int rc;

			rm_report_init(&rep, "refs/heads/main");
			rc = parse(rm_report_on_pkt, &rep, row->pkts, chunks[i]);
			if (rc != row->rc || rep.complete != row->complete ||
			    rep.ref_ok != row->ref_ok)
				print_message("row \"%s\": %d \"%s\"\n", row->name, rc, rep.error);
			assert_int_equal(rc, row->rc);
			assert_int_equal(rep.complete, row->complete);
			assert_int_equal(rep.seen_unpack, row->unpack_ok || *row->unpack_error);
			assert_int_equal(rep.unpack_ok, row->unpack_ok);
			assert_int_equal(rep.ref_seen, row->ref_seen);
			assert_int_equal(rep.ref_ok, row->ref_ok);
			assert_string_equal(rep.unpack_error, row->unpack_error);
			assert_string_equal(rep.ref_error, row->ref_error);
			assert_string_equal(rep.error, row->error);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_upload_pack_v0),
		cmocka_unit_test(test_find_is_exact),
		cmocka_unit_test(test_version_1_and_shallow),
		cmocka_unit_test(test_receive_pack_empty_repository),
		cmocka_unit_test(test_no_refs_at_all),
		cmocka_unit_test(test_cut_short),
		cmocka_unit_test(test_v2_capabilities),
		cmocka_unit_test(test_caps_has),
		cmocka_unit_test(test_ls_refs),
		cmocka_unit_test(test_ls_refs_empty_and_cut_short),
		cmocka_unit_test(test_bad_adverts),
		cmocka_unit_test(test_too_many_refs),
		cmocka_unit_test(test_report_status),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
