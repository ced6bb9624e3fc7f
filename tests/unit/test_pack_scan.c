#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "pack_scan.h"

/* Packs made by git pack-objects from a generated history, as a source makes them for
 * "want S, have T": the scanner answers whether some commit in them has T as a parent. The
 * history: 30 commits on main whose long, nearly equal messages deltify against each other
 * (ofs-delta or ref-delta), a side branch from main~25, and a commit with a 1 MiB random blob;
 * annotated tags: t1 on main~20, nested on t1, t2 on side, tree on main~20's tree. */

static char repo[256];

static const char history[] =
	"set -e; cd \"$1\"; git init -q -b main .; git config user.email t@t; git config user.name "
	"t;"
	"msg=$(for i in $(seq 60); do echo \"line $i of a long message, so that commits deltify\"; "
	"done);"
	"for i in $(seq 30); do echo $i >>f; git add f; git commit -qm \"commit $i\n$msg\"; done;"
	"git checkout -q -b side main~25; echo s >s; git add s; git commit -qm side;"
	"git checkout -q -b big main; head -c 1048576 /dev/urandom >b; git add b; git commit -qm "
	"big;"
	"git checkout -q main;"
	"git tag -a -m t1 t1 main~20; git tag -a -m nested nested t1; git tag -a -m t2 t2 side;"
	"git tag -a -m tree tree main~20^{tree}";

typedef struct scan_case {
	const char *name;
	const char *revs;   /* rev-list arguments for pack-objects, ';'-separated */
	const char *flags;  /* pack-objects options */
	const char *parent; /* a rev of the generated history */
	rm_pack_scan_answer expected;
} scan_case;

#define OFS "--delta-base-offset --window=10 --depth=50 --no-reuse-delta"
#define REF "--window=10 --depth=50 --no-reuse-delta"

static const scan_case cases[] = {
	{"fast-forward, ofs-delta commits", "main;^main~20", OFS, "main~20", RM_PACK_SCAN_YES},
	{"fast-forward, ref-delta commits", "main;^main~20", REF, "main~20", RM_PACK_SCAN_YES},
	{"fast-forward by one commit", "main;^main~1", OFS, "main~1", RM_PACK_SCAN_YES},
	{"no deltas at all", "main;^main~20", "--window=0", "main~20", RM_PACK_SCAN_YES},
	{"a diverged target, ofs-delta", "main;^side", OFS, "side", RM_PACK_SCAN_NO},
	/* Without ofs-delta a blob's delta names its base by id, which is not kept: "unknown". */
	{"a diverged target, ref-delta", "main;^side", REF, "side", RM_PACK_SCAN_UNKNOWN},
	{"a target ahead: an empty pack", "main~3;^main", OFS, "main", RM_PACK_SCAN_NO},
	{"the whole history, from the root", "main", OFS, "main~29", RM_PACK_SCAN_YES},
	{"a big blob streams past", "big;^main", OFS, "main", RM_PACK_SCAN_YES},
	{"a big blob, not the parent", "big;^side", OFS, "side", RM_PACK_SCAN_NO},
};

static int sh(const char *cmd)
{
	int rc = system(cmd);
	return rc == 0 ? 0 : -1;
}

static int make_history(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char cmd[sizeof(history) + 600];

	(void)state;
	snprintf(repo, sizeof(repo), "%s/test-pack-scan-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(repo))
		return -1;
	snprintf(cmd, sizeof(cmd), "sh -c '%s' - '%s' >/dev/null 2>&1", history, repo);
	return sh(cmd);
}

static int remove_history(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", repo);
	return sh(cmd);
}

/* Reads a command's whole output into a malloc'd buffer. */
static unsigned char *run_output(const char *cmd, size_t *len)
{
	FILE *f = popen(cmd, "r");
	unsigned char *data = NULL;
	size_t cap = 0;

	assert_non_null(f);
	*len = 0;
	for (;;) {
		if (*len == cap) {
			cap = cap ? cap * 2 : 65536;
			data = realloc(data, cap);
			assert_non_null(data);
		}
		size_t n = fread(data + *len, 1, cap - *len, f);
		if (n == 0)
			break;
		*len += n;
	}
	assert_int_equal(pclose(f), 0);
	return data;
}

static unsigned char *make_pack(const scan_case *c, size_t *len)
{
	char cmd[1024], revs[256];

	snprintf(revs, sizeof(revs), "%s", c->revs);
	for (char *p = revs; *p; p++)
		if (*p == ';')
			*p = '\n';
	snprintf(cmd, sizeof(cmd),
		 "printf '%s\\n' | git -C '%s' pack-objects -q --revs --stdout %s", revs, repo,
		 c->flags);
	return run_output(cmd, len);
}

static rm_oid rev(const char *name)
{
	char cmd[512];
	size_t len;
	unsigned char *out;
	rm_oid oid;

	snprintf(cmd, sizeof(cmd), "git -C '%s' rev-parse '%s'", repo, name);
	out = run_output(cmd, &len);
	assert_true(len >= RM_OID_HEXSZ);
	assert_int_equal(rm_oid_parse(&oid, (const char *)out, RM_OID_HEXSZ), 0);
	free(out);
	return oid;
}

/* Feeds the bytes to the scanner in pieces of `piece`, or (0) of random sizes up to `most`. */
static void feed(rm_pack_scan *s, const unsigned char *data, size_t len, size_t piece, size_t most)
{
	for (size_t at = 0; at < len;) {
		size_t n = piece ? piece : 1 + (size_t)rand() % most;
		if (n > len - at)
			n = len - at;
		rm_pack_scan_update(s, data + at, n);
		at += n;
	}
}

/* Feeds the bytes in pieces of `piece` (0: random sizes) and returns the answer. */
static rm_pack_scan_answer scan(const rm_oid *parent, const unsigned char *data, size_t len,
				size_t piece, const char **why)
{
	rm_pack_scan *s = rm_pack_scan_new(parent);
	rm_pack_scan_answer a;
	static char why_copy[200];

	assert_non_null(s);
	feed(s, data, len, piece, 5000);
	a = rm_pack_scan_answer_now(s, why);
	if (why) {
		snprintf(why_copy, sizeof(why_copy), "%s", *why);
		*why = why_copy;
	}
	rm_pack_scan_free(s);
	return a;
}

static void test_answers(void **state)
{
	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(cases); i++) {
		const scan_case *c = &cases[i];
		rm_oid parent = rev(c->parent);
		size_t len;
		unsigned char *pack = make_pack(c, &len);
		const char *why;

		print_message("# %s (%zu bytes)\n", c->name, len);
		assert_int_equal(scan(&parent, pack, len, len, &why), c->expected);
		assert_int_equal(scan(&parent, pack, len, 1, NULL), c->expected);
		assert_int_equal(scan(&parent, pack, len, 0, NULL), c->expected);
		/* The trailer is not the scanner's: the answer is there without it. */
		assert_int_equal(scan(&parent, pack, len - 20, 0, NULL), c->expected);
		free(pack);
	}
}

/* A pack cut anywhere before its last object ends never answers "no". */
static void test_cut_packs(void **state)
{
	const scan_case *c = &cases[4]; /* a diverged target: the whole answer is "no" */
	rm_oid parent = rev(c->parent);
	size_t len;
	unsigned char *pack = make_pack(c, &len);

	(void)state;
	for (size_t cut = 0; cut < len - 20; cut += 1 + cut / 50) {
		const char *why;
		assert_int_equal(scan(&parent, pack, cut, 0, &why), RM_PACK_SCAN_UNKNOWN);
		assert_true(*why);
	}
	free(pack);
}

/* Damaged bytes never crash it; a damaged pack that still parses may answer either way, but
 * rm_pack_check refuses it by its checksum. Garbage is no pack. */
static void test_damage_and_garbage(void **state)
{
	const scan_case *c = &cases[0];
	rm_oid parent = rev(c->parent);
	size_t len;
	unsigned char *pack = make_pack(c, &len);
	static unsigned char garbage[100000];

	(void)state;
	srand(12);
	for (int round = 0; round < 300; round++) {
		unsigned char *copy = malloc(len);
		assert_non_null(copy);
		memcpy(copy, pack, len);
		for (int flips = 1 + rand() % 4; flips > 0; flips--)
			copy[12 + (size_t)rand() % (len - 12)] ^= (unsigned char)(1 + rand() % 255);
		scan(&parent, copy, len, 0, NULL);
		free(copy);
	}
	for (size_t i = 0; i < sizeof(garbage); i++)
		garbage[i] = (unsigned char)rand();
	assert_int_equal(scan(&parent, garbage, sizeof(garbage), 0, NULL), RM_PACK_SCAN_UNKNOWN);
	memcpy(garbage, "PACK\0\0\0\2\0\0\0\5", 12);
	assert_int_equal(scan(&parent, garbage, sizeof(garbage), 0, NULL), RM_PACK_SCAN_UNKNOWN);
	free(pack);
}

/* A REF_DELTA against an object the pack does not hold (a thin pack, which refmirror never asks
 * for) cannot be known to be no commit: the answer is "unknown", never "no". */
static void test_unknown_ref_delta_base(void **state)
{
	static const scan_case thin = {"thin", "main;^main~20", "--thin " REF, "side",
				       RM_PACK_SCAN_UNKNOWN};
	rm_oid parent = rev(thin.parent);
	size_t len;
	unsigned char *pack = make_pack(&thin, &len);
	const char *why;

	(void)state;
	assert_int_equal(scan(&parent, pack, len, 0, &why), RM_PACK_SCAN_UNKNOWN);
	print_message("# thin pack: %s\n", why);
	assert_non_null(strstr(why, "REF_DELTA"));
	free(pack);
}

/* The peel question, asked of packs made as for "want T, have S". */
typedef struct peel_case {
	const char *name;
	const char *revs;
	rm_pack_scan_peel expected;
} peel_case;

static const peel_case peel_cases[] = {
	{"a tag of a commit in the history", "t1;^main", RM_PACK_SCAN_PEEL_IN_HISTORY},
	{"a tag of a tag of a commit in the history", "nested;^main", RM_PACK_SCAN_PEEL_IN_HISTORY},
	{"a tag of S itself", "t1;^main~20", RM_PACK_SCAN_PEEL_IN_HISTORY},
	{"a tag of a commit not in the history", "t2;^main", RM_PACK_SCAN_PEEL_NOT_IN_HISTORY},
	{"a tag of a tree in the history", "tree;^main", RM_PACK_SCAN_PEEL_NOT_IN_HISTORY},
	{"a commit in the history: an empty pack", "main~20;^main", RM_PACK_SCAN_PEEL_NOT_A_TAG},
	{"a commit not in the history", "side;^main", RM_PACK_SCAN_PEEL_NOT_IN_HISTORY},
};

/* Feeds the bytes in pieces of `piece` (0: random sizes) and returns the peel answer. */
static rm_pack_scan_peel scan_peel(const unsigned char *data, size_t len, size_t piece)
{
	rm_pack_scan *s = rm_pack_scan_new_peel();
	rm_pack_scan_peel a;

	assert_non_null(s);
	feed(s, data, len, piece, 50);
	a = rm_pack_scan_peel_now(s, NULL);
	rm_pack_scan_free(s);
	return a;
}

static void test_peel_answers(void **state)
{
	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(peel_cases); i++) {
		const peel_case *pc = &peel_cases[i];
		scan_case c = {pc->name, pc->revs, OFS, NULL, RM_PACK_SCAN_NO};
		size_t len;
		unsigned char *pack = make_pack(&c, &len);

		print_message("# %s (%zu bytes)\n", pc->name, len);
		assert_int_equal(scan_peel(pack, len, len), pc->expected);
		assert_int_equal(scan_peel(pack, len, 1), pc->expected);
		assert_int_equal(scan_peel(pack, len, 0), pc->expected);
		free(pack);
	}
}

/* A pack of tags cut anywhere before its last object ends answers "unknown"; one whose first
 * object is no tag answers "not in the history" from that object's header on (3 bytes here). */
static void test_peel_cut_packs(void **state)
{
	scan_case tags = {"nested", "nested;^main", OFS, NULL, RM_PACK_SCAN_NO};
	scan_case commits = {"side", "side;^main", OFS, NULL, RM_PACK_SCAN_NO};
	size_t len, clen;
	unsigned char *pack = make_pack(&tags, &len), *cpack = make_pack(&commits, &clen);

	(void)state;
	for (size_t cut = 0; cut < len - 20; cut++)
		assert_int_equal(scan_peel(pack, cut, 0), RM_PACK_SCAN_PEEL_UNKNOWN);
	assert_int_equal(scan_peel(cpack, 12, 0), RM_PACK_SCAN_PEEL_UNKNOWN);
	assert_int_equal(scan_peel(cpack, 15, 0), RM_PACK_SCAN_PEEL_NOT_IN_HISTORY);
	free(pack);
	free(cpack);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_cut_packs),
		cmocka_unit_test(test_damage_and_garbage),
		cmocka_unit_test(test_unknown_ref_delta_base),
		cmocka_unit_test(test_peel_answers),
		cmocka_unit_test(test_peel_cut_packs),
	};
	return cmocka_run_group_tests(tests, make_history, remove_history);
}
