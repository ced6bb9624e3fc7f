#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advert.h"
#include "wire_pkts.h"

/* Parses the body of `kind`, `chunk` bytes at a time, into *a (rm_advert_free it): the feed's
 * result; *complete tells whether the body ended properly, *error why a feed failed. */
static int parse_advert(rm_advert_kind kind, const wire_pkt *pkts, size_t chunk, rm_advert *a,
			bool *complete, char *error, size_t error_size)
{
	rm_advert_parser *p = rm_advert_parser_new(kind);
	int rc;

	assert_non_null(p);
	rc = parse(rm_advert_parser_feed, p, pkts, chunk);
	snprintf(error, error_size, "%s", rm_advert_parser_error(p));
	*complete = rm_advert_parser_finish(p, a) == 0;
	rm_advert_parser_free(p);
	return rc;
}

static void assert_same_advert(const rm_advert *a, const rm_advert *b)
{
	assert_int_equal(a->version, b->version);
	assert_string_equal(a->caps, b->caps);
	assert_int_equal(a->nrefs, b->nrefs);
	for (size_t i = 0; i < a->nrefs; i++) {
		assert_string_equal(a->refs[i].name, b->refs[i].name);
		assert_string_equal(a->refs[i].oid.hex, b->refs[i].oid.hex);
		assert_string_equal(a->refs[i].peeled.hex, b->refs[i].peeled.hex);
	}
}

/* Parses a body that must end properly into *a (rm_advert_free it), whole and a byte at a time:
 * both ways find the same. */
static void parse_whole(rm_advert_kind kind, const wire_pkt *pkts, rm_advert *a)
{
	for (size_t i = 0; i < NCHUNKS; i++) {
		rm_advert found;
		bool complete;
		char error[160];

		assert_int_equal(parse_advert(kind, pkts, chunks[i], &found, &complete, error,
					      sizeof(error)),
				 0);
		assert_string_equal(error, "");
		assert_true(complete);
		if (i == 0) {
			*a = found;
			continue;
		}
		assert_same_advert(a, &found);
		rm_advert_free(&found);
	}
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
	rm_advert a;

	(void)state;
	parse_whole(RM_ADVERT_INFO_REFS, pkts, &a);
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
	parse_whole(RM_ADVERT_INFO_REFS, pkts, &a);
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
	rm_advert a;

	(void)state;
	parse_whole(RM_ADVERT_INFO_REFS, pkts, &a);
	assert_int_equal(a.version, 0);
	assert_string_equal(a.caps, "shallow agent=git/2.39.2");
	assert_int_equal(a.nrefs, 2);
	assert_ref(&a, "refs/heads/next", OID_B, "");
	rm_advert_free(&a);
}

static void test_receive_pack_empty_repository(void **state)
{
	static const wire_pkt pkts[] = {
		L("# service=git-receive-pack\n"),
		FLUSH,
		L(RM_ZERO_OID
		  " capabilities^{}\0report-status report-status-v2 delete-refs "
		  "side-band-64k quiet atomic ofs-delta object-format=sha1 agent=git/2.39.2\n"),
		FLUSH,
		END,
	};
	rm_advert a;

	(void)state;
	parse_whole(RM_ADVERT_INFO_REFS, pkts, &a);
	assert_int_equal(a.nrefs, 0);
	assert_true(rm_caps_has(a.caps, "report-status", NULL));
	assert_true(rm_caps_has(a.caps, "delete-refs", NULL));
	assert_null(rm_advert_find(&a, "capabilities^{}"));
	rm_advert_free(&a);
}

/* Older servers say nothing at all about an empty repository. */
static void test_no_refs_at_all(void **state)
{
	static const wire_pkt pkts[] = {L("# service=git-upload-pack\n"), FLUSH, FLUSH, END};
	rm_advert a;

	(void)state;
	parse_whole(RM_ADVERT_INFO_REFS, pkts, &a);
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
	bool complete;
	char error[160];

	(void)state;
	assert_int_equal(
		parse_advert(RM_ADVERT_INFO_REFS, pkts, 1, &a, &complete, error, sizeof(error)), 0);
	assert_false(complete);
	assert_int_equal(a.nrefs, 1);
	rm_advert_free(&a);
}

/* A repository of another object format: its capabilities, so that the caller can say why it
 * stops, and none of its refs, whose ids are not SHA-1's. */
static void test_other_object_format(void **state)
{
#define OID256 "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
#define ZERO256 "0000000000000000000000000000000000000000000000000000000000000000"
	static const wire_pkt upload[] = {
		L("# service=git-upload-pack\n"),
		FLUSH,
		L(OID256 " HEAD\0side-band-64k object-format=sha256 agent=git/2.39.5\n"),
		L(OID256 " refs/heads/main\n"),
		L(OID256 " refs/tags/v1\n"),
		L(OID256 " refs/tags/v1^{}\n"),
		FLUSH,
		END,
	};
	static const wire_pkt receive_empty[] = {
		L("# service=git-receive-pack\n"),
		FLUSH,
		L(ZERO256 " capabilities^{}\0report-status delete-refs object-format=sha256\n"),
		FLUSH,
		END,
	};
	static const wire_pkt *bodies[] = {upload, receive_empty};
#undef OID256
#undef ZERO256

	(void)state;
	for (size_t b = 0; b < RM_ARRAY_SIZE(bodies); b++) {
		rm_advert a;
		char why[160];

		parse_whole(RM_ADVERT_INFO_REFS, bodies[b], &a);
		assert_int_equal(a.nrefs, 0);
		assert_true(rm_caps_has(a.caps, "object-format", NULL));
		assert_int_equal(rm_caps_check_object_format(a.caps, why, sizeof(why)), -1);
		rm_advert_free(&a);
	}
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
	for (size_t b = 0; b < RM_ARRAY_SIZE(bodies); b++) {
		rm_advert a;

		parse_whole(RM_ADVERT_INFO_REFS, bodies[b], &a);
		assert_int_equal(a.version, 2);
		assert_int_equal(a.nrefs, 0);
		assert_string_equal(a.caps, "agent=git/2.39.2\nls-refs=unborn\n"
					    "fetch=shallow wait-for-done\nserver-option\n"
					    "object-format=sha1\nobject-info");
		rm_advert_free(&a);
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

static void test_object_format(void **state)
{
#define ONLY_SHA1 "; refmirror mirrors SHA-1 repositories only"
	static const struct {
		const char *caps;
		const char *why; /* NULL: accepted */
	} rows[] = {
		{upload_caps, NULL},
		{"agent=git/2.39.2 ofs-delta", NULL},
		{"", NULL},
		{NULL, NULL},
		{"x-object-format=sha256", NULL},
		{"agent=git/2.39.2\nobject-format=sha1\nfetch", NULL},
		{"ofs-delta object-format=sha256 agent=x",
		 "the repository uses object-format sha256" ONLY_SHA1},
		{"agent=git/2.42.0\nls-refs=unborn\nobject-format=sha256\nfetch",
		 "the repository uses object-format sha256" ONLY_SHA1},
		{"object-format=sha1x", "the repository uses object-format sha1x" ONLY_SHA1},
		{"object-format=sha agent=x", "the repository uses object-format sha" ONLY_SHA1},
		{"object-format=SHA1", "the repository uses object-format SHA1" ONLY_SHA1},
		{"object-format", "the repository uses object-format (none)" ONLY_SHA1},
		{"object-format= x", "the repository uses object-format (none)" ONLY_SHA1},
		{"object-format=sha\x1b[1m256\r\x80",
		 "the repository uses object-format sha?[1m256??" ONLY_SHA1},
		{"object-format=0123456789abcdef0123456789abcdefTOO-LONG",
		 "the repository uses object-format 0123456789abcdef0123456789abcdef" ONLY_SHA1},
	};
#undef ONLY_SHA1

	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(rows); i++) {
		char why[160] = "untouched";
		int rc = rm_caps_check_object_format(rows[i].caps, why, sizeof(why));

		if (rc != (rows[i].why ? -1 : 0))
			print_message("row %zu: %d \"%s\"\n", i, rc, why);
		assert_int_equal(rc, rows[i].why ? -1 : 0);
		assert_string_equal(why, rows[i].why ? rows[i].why : "untouched");
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
	rm_advert a;

	(void)state;
	parse_whole(RM_ADVERT_LS_REFS, pkts, &a);
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

static void test_ls_refs_empty_and_cut_short(void **state)
{
	static const wire_pkt empty[] = {FLUSH, END};
	static const wire_pkt cut[] = {L(OID_A " refs/heads/main\n"), END};
	rm_advert a;
	bool complete;
	char error[160];

	(void)state;
	parse_whole(RM_ADVERT_LS_REFS, empty, &a);
	assert_int_equal(a.nrefs, 0);
	assert_string_equal(a.caps, "");
	rm_advert_free(&a);
	assert_int_equal(
		parse_advert(RM_ADVERT_LS_REFS, cut, 1, &a, &complete, error, sizeof(error)), 0);
	assert_false(complete);
	assert_int_equal(a.nrefs, 1);
	rm_advert_free(&a);
}

/* Rejected responses: {parser, packets, the reason}. */
static const struct bad_row {
	const char *name;
	rm_advert_kind kind;
	wire_pkt pkts[MAX_PKTS];
	const char *error;
} bad_rows[] = {
	{"no space after oid",
	 RM_ADVERT_INFO_REFS,
	 {L(OID_A "\trefs/heads/main\0a\n")},
	 "malformed ref line"},
	{"no name", RM_ADVERT_INFO_REFS, {L(OID_A " \0a\n")}, "malformed ref line"},
	{"name cut at oid", RM_ADVERT_INFO_REFS, {L(OID_A)}, "malformed ref line"},
	{"short oid",
	 RM_ADVERT_INFO_REFS,
	 {L("111111111111111111111111111111111111111 refs/heads/main\0a\n")},
	 "malformed ref line"},
	{"long oid",
	 RM_ADVERT_INFO_REFS,
	 {L("11111111111111111111111111111111111111111 refs/heads/main\0a\n")},
	 "malformed ref line"},
	{"uppercase oid",
	 RM_ADVERT_INFO_REFS,
	 {L("ABCDEF0123456789ABCDEF0123456789ABCDEF01 refs/heads/main\0a\n")},
	 "malformed ref line"},
	{"not hex",
	 RM_ADVERT_INFO_REFS,
	 {L("g111111111111111111111111111111111111111 refs/heads/main\0a\n")},
	 "malformed ref line"},
	{"uppercase oid on a later line",
	 RM_ADVERT_INFO_REFS,
	 {L(OID_A " refs/heads/main\0a\n"), L("ABCDEF0123456789abcdef0123456789abcdef01 refs/x\n")},
	 "malformed ref line"},
	{"space in a v0 name",
	 RM_ADVERT_INFO_REFS,
	 {L(OID_A " refs/heads/main\0a\n"), L(OID_B " refs/heads/a b\n")},
	 "malformed ref line"},
	{"NUL in a later name",
	 RM_ADVERT_INFO_REFS,
	 {L(OID_A " refs/heads/main\0a\n"), L(OID_B " refs/heads/a\0b\n")},
	 "malformed ref line"},
	{"NUL in capabilities",
	 RM_ADVERT_INFO_REFS,
	 {L(OID_A " refs/heads/main\0a\0b\n")},
	 "malformed capabilities"},
	{"peeled first",
	 RM_ADVERT_INFO_REFS,
	 {L(OID_A " refs/tags/v1^{}\0a\n")},
	 "peeled ref without its ref"},
	{"peeled other ref",
	 RM_ADVERT_INFO_REFS,
	 {L(OID_A " refs/tags/v1\0a\n"), L(OID_B " refs/tags/v2^{}\n")},
	 "peeled ref without its ref"},
	{"capabilities^{} with an id",
	 RM_ADVERT_INFO_REFS,
	 {L(OID_A " capabilities^{}\0a\n")},
	 "peeled ref without its ref"},
	{"delim in v0",
	 RM_ADVERT_INFO_REFS,
	 {L(OID_A " refs/heads/main\0a\n"), DELIM},
	 "unexpected delim or response-end packet"},
	{"delim in v2",
	 RM_ADVERT_INFO_REFS,
	 {L("version 2\n"), L("agent=x\n"), DELIM},
	 "unexpected delim or response-end packet"},
	{"empty v2 line",
	 RM_ADVERT_INFO_REFS,
	 {L("version 2\n"), L("\n")},
	 "malformed capability line"},
	{"line after the final flush",
	 RM_ADVERT_INFO_REFS,
	 {L(OID_A " refs/heads/main\0a\n"), FLUSH, L(OID_B " refs/heads/next\n")},
	 "data after the final flush"},
	{"flush after the final flush",
	 RM_ADVERT_INFO_REFS,
	 {L("version 2\n"), FLUSH, FLUSH},
	 "data after the final flush"},
	{"garbage",
	 RM_ADVERT_INFO_REFS,
	 {L("# service=git-upload-pack\n"), FLUSH, L("hello\n")},
	 "malformed ref line"},
	{"ls-refs: short oid",
	 RM_ADVERT_LS_REFS,
	 {L("111111111111111111111111111111111111111 refs/heads/main\n")},
	 "malformed ref line"},
	{"ls-refs: no name", RM_ADVERT_LS_REFS, {L(OID_A "\n")}, "malformed ref line"},
	{"ls-refs: double space",
	 RM_ADVERT_LS_REFS,
	 {L(OID_A "  refs/heads/main\n")},
	 "malformed ref line"},
	{"ls-refs: bad peeled",
	 RM_ADVERT_LS_REFS,
	 {L(OID_T " refs/tags/v1 peeled:" RM_ZERO_OID "0\n")},
	 "malformed peeled object id"},
	{"ls-refs: uppercase peeled",
	 RM_ADVERT_LS_REFS,
	 {L(OID_T " refs/tags/v1 peeled:ABCDEF0123456789ABCDEF0123456789ABCDEF01\n")},
	 "malformed peeled object id"},
	{"ls-refs: delim", RM_ADVERT_LS_REFS, {DELIM}, "unexpected delim or response-end packet"},
	{"ls-refs: after the final flush",
	 RM_ADVERT_LS_REFS,
	 {FLUSH, L(OID_A " refs/heads/main\n")},
	 "data after the final flush"},
};

static void test_bad_adverts(void **state)
{
	(void)state;
	for (size_t r = 0; r < RM_ARRAY_SIZE(bad_rows); r++) {
		for (size_t i = 0; i < NCHUNKS; i++) {
			rm_advert a;
			bool complete;
			char error[160];
			int rc = parse_advert(bad_rows[r].kind, bad_rows[r].pkts, chunks[i], &a,
					      &complete, error, sizeof(error));

			if (rc != -1 || strcmp(error, bad_rows[r].error) != 0)
				print_message("row \"%s\": %d \"%s\"\n", bad_rows[r].name, rc,
					      error);
			assert_int_equal(rc, -1);
			assert_string_equal(error, bad_rows[r].error);
			assert_false(complete);
			rm_advert_free(&a);
		}
	}
}

static void test_too_many_refs(void **state)
{
	static const char one_more[] = OID_B " refs/heads/one-more";
	rm_advert_parser *p = rm_advert_parser_new(RM_ADVERT_LS_REFS);
	rm_advert a;
	char line[80];

	(void)state;
	assert_non_null(p);
	for (int i = 0; i < RM_REFS_MAX; i++) {
		int n = snprintf(line, sizeof(line), "%s refs/heads/b%d", OID_A, i);
		if (rm_advert_parser_feed(p, RM_PKT_DATA, line, (size_t)n) != 0)
			fail_msg("ref %d refused: %s", i, rm_advert_parser_error(p));
	}
	assert_int_equal(rm_advert_parser_feed(p, RM_PKT_DATA, one_more, sizeof(one_more) - 1), -1);
	assert_string_equal(rm_advert_parser_error(p), "too many refs");
	/* A failed parser takes nothing more, not even the final flush. */
	assert_int_equal(rm_advert_parser_feed(p, RM_PKT_FLUSH, NULL, 0), -1);
	assert_int_equal(rm_advert_parser_finish(p, &a), -1);
	assert_int_equal(a.nrefs, RM_REFS_MAX);
	rm_advert_parser_free(p);
	rm_advert_free(&a);
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
		cmocka_unit_test(test_other_object_format),
		cmocka_unit_test(test_v2_capabilities),
		cmocka_unit_test(test_caps_has),
		cmocka_unit_test(test_object_format),
		cmocka_unit_test(test_ls_refs),
		cmocka_unit_test(test_ls_refs_empty_and_cut_short),
		cmocka_unit_test(test_bad_adverts),
		cmocka_unit_test(test_too_many_refs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
