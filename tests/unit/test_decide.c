#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "array.h"
#include "decide.h"

#define A "1111111111111111111111111111111111111111"
#define B "2222222222222222222222222222222222222222"
#define C "3333333333333333333333333333333333333333"
#define NONE "" /* absent */

enum kind { BRANCH, TAG };
enum sync { KEEP, SYNC_DELETE };

typedef struct row {
	const char *name;
	const char *source, *target, *old;
	enum kind kind;
	enum sync sync;
	rm_ancestry ancestry;
	rm_action action;
	rm_result result; /* not checked when action is RM_ACTION_NEED_ANCESTRY */
} row;

#define UNKNOWN RM_ANCESTRY_UNKNOWN
#define YES RM_ANCESTRY_YES
#define NO RM_ANCESTRY_NO
/* The expected outcomes: an action and a result. */
#define SKIPPED RM_ACTION_NONE, RM_RESULT_SKIPPED
#define UNCHANGED RM_ACTION_NONE, RM_RESULT_UNCHANGED
#define DELETED RM_ACTION_DELETE, RM_RESULT_DELETED
#define CREATED RM_ACTION_CREATE, RM_RESULT_CREATED
#define FAST_FORWARD RM_ACTION_UPDATE, RM_RESULT_FAST_FORWARD
#define FORCED RM_ACTION_UPDATE, RM_RESULT_FORCED
#define NOT_FAST_FORWARD RM_ACTION_NONE, RM_RESULT_NOT_FAST_FORWARD
#define OUT_OF_SYNC RM_ACTION_NONE, RM_RESULT_OUT_OF_SYNC
#define NEED RM_ACTION_NEED_ANCESTRY, RM_RESULT_FAILED

/* SPEC 2, row by row; S = source, T = target, O = old SHA. */
/* clang-format off */
static const row rows[] = {
	/* source absent, sync_delete not true */
	{"absent, T, no sync_delete", NONE, A, NONE, BRANCH, KEEP, UNKNOWN, SKIPPED},
	{"absent, T = O, no sync_delete", NONE, A, A, BRANCH, KEEP, UNKNOWN, SKIPPED},
	{"absent/absent, no sync_delete", NONE, NONE, NONE, BRANCH, KEEP, UNKNOWN, SKIPPED},
	{"tag absent, T, no sync_delete", NONE, A, NONE, TAG, KEEP, UNKNOWN, SKIPPED},
	/* source absent, target absent */
	{"absent/absent", NONE, NONE, NONE, BRANCH, SYNC_DELETE, UNKNOWN, UNCHANGED},
	{"absent/absent, O given", NONE, NONE, A, BRANCH, SYNC_DELETE, UNKNOWN, UNCHANGED},
	{"tag absent/absent", NONE, NONE, RM_ZERO_OID, TAG, SYNC_DELETE, UNKNOWN, UNCHANGED},
	/* source absent, target T */
	{"delete, no O", NONE, A, NONE, BRANCH, SYNC_DELETE, UNKNOWN, DELETED},
	{"delete, no O, ancestry known", NONE, A, NONE, BRANCH, SYNC_DELETE, NO, DELETED},
	{"delete tag, no O", NONE, A, NONE, TAG, SYNC_DELETE, UNKNOWN, DELETED},
	{"delete, O = T", NONE, A, A, BRANCH, SYNC_DELETE, UNKNOWN, DELETED},
	{"delete tag, O = T", NONE, A, A, TAG, SYNC_DELETE, UNKNOWN, DELETED},
	{"delete, O != T", NONE, A, B, BRANCH, SYNC_DELETE, UNKNOWN, OUT_OF_SYNC},
	{"delete, O zeros", NONE, A, RM_ZERO_OID, BRANCH, SYNC_DELETE, UNKNOWN, OUT_OF_SYNC},
	{"delete tag, O != T", NONE, A, B, TAG, SYNC_DELETE, UNKNOWN, OUT_OF_SYNC},
	/* S = T */
	{"equal", A, A, NONE, BRANCH, KEEP, UNKNOWN, UNCHANGED},
	{"equal, O != T", A, A, B, BRANCH, SYNC_DELETE, UNKNOWN, UNCHANGED},
	{"equal tag, O zeros", A, A, RM_ZERO_OID, TAG, KEEP, UNKNOWN, UNCHANGED},
	/* S, target absent */
	{"create", A, NONE, NONE, BRANCH, KEEP, UNKNOWN, CREATED},
	{"create, O zeros", A, NONE, RM_ZERO_OID, BRANCH, KEEP, UNKNOWN, CREATED},
	{"create, O stale", A, NONE, B, BRANCH, KEEP, UNKNOWN, CREATED},
	{"create tag", A, NONE, RM_ZERO_OID, TAG, KEEP, UNKNOWN, CREATED},
	/* branch, S and T differ: ancestry first, so it is needed whatever O says */
	{"branch, no O, ancestry unknown", A, B, NONE, BRANCH, KEEP, UNKNOWN, NEED},
	{"branch, O = T, ancestry unknown", A, B, B, BRANCH, KEEP, UNKNOWN, NEED},
	{"branch, O != T, ancestry unknown", A, B, C, BRANCH, KEEP, UNKNOWN, NEED},
	{"branch, O zeros, ancestry unknown", A, B, RM_ZERO_OID, BRANCH, SYNC_DELETE, UNKNOWN, NEED},
	{"fast-forward, no O", A, B, NONE, BRANCH, KEEP, YES, FAST_FORWARD},
	{"fast-forward, O = T", A, B, B, BRANCH, KEEP, YES, FAST_FORWARD},
	{"fast-forward, O != T", A, B, C, BRANCH, KEEP, YES, FAST_FORWARD},
	{"fast-forward, O zeros", A, B, RM_ZERO_OID, BRANCH, SYNC_DELETE, YES, FAST_FORWARD},
	{"not ancestor, no O", A, B, NONE, BRANCH, KEEP, NO, NOT_FAST_FORWARD},
	{"not ancestor, O = T", A, B, B, BRANCH, KEEP, NO, FORCED},
	{"not ancestor, O = T, sync_delete", A, B, B, BRANCH, SYNC_DELETE, NO, FORCED},
	{"not ancestor, O != T", A, B, C, BRANCH, KEEP, NO, OUT_OF_SYNC},
	{"not ancestor, O = S", A, B, A, BRANCH, KEEP, NO, OUT_OF_SYNC},
	{"not ancestor, O zeros", A, B, RM_ZERO_OID, BRANCH, KEEP, NO, OUT_OF_SYNC},
	/* tag, S and T differ: never fast-forwards, so ancestry is never asked for */
	{"tag, no O, ancestry unknown", A, B, NONE, TAG, KEEP, UNKNOWN, NOT_FAST_FORWARD},
	{"tag, no O, T ancestor", A, B, NONE, TAG, KEEP, YES, NOT_FAST_FORWARD},
	{"tag, no O, not ancestor", A, B, NONE, TAG, KEEP, NO, NOT_FAST_FORWARD},
	{"tag, O = T, ancestry unknown", A, B, B, TAG, KEEP, UNKNOWN, FORCED},
	{"tag, O = T, T ancestor", A, B, B, TAG, KEEP, YES, FORCED},
	{"tag, O != T", A, B, C, TAG, KEEP, UNKNOWN, OUT_OF_SYNC},
	{"tag, O != T, T ancestor", A, B, C, TAG, KEEP, YES, OUT_OF_SYNC},
	{"tag, O zeros", A, B, RM_ZERO_OID, TAG, SYNC_DELETE, UNKNOWN, OUT_OF_SYNC},
};
/* clang-format on */

static rm_oid oid(const char *hex)
{
	rm_oid o = {{0}};

	if (*hex)
		assert_int_equal(rm_oid_parse(&o, hex, strlen(hex)), 0);
	return o;
}

static void test_decision_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(rows); i++) {
		const row *r = &rows[i];
		rm_decision_input in = {.source = oid(r->source),
					.target = oid(r->target),
					.old = oid(r->old),
					.is_tag = r->kind == TAG,
					.sync_delete = r->sync == SYNC_DELETE,
					.ancestry = r->ancestry};
		rm_decision d = rm_decide(&in);

		if (d.action != r->action)
			fail_msg("%s: action %d, expected %d", r->name, d.action, r->action);
		if (d.action != RM_ACTION_NEED_ANCESTRY && d.result != r->result)
			fail_msg("%s: result %s, expected %s", r->name, rm_result_name(d.result),
				 rm_result_name(r->result));
		if (!d.why || !*d.why)
			fail_msg("%s: no reason given", r->name);
	}
}

/* Ancestry is asked for exactly when the ref is a branch that both sides hold with different
 * values, and never once it is known. */
static void check_need_ancestry(const char *source, const char *target, const char *old,
				bool is_tag, bool sync_delete)
{
	rm_decision_input in = {.source = oid(source),
				.target = oid(target),
				.old = oid(old),
				.is_tag = is_tag,
				.sync_delete = sync_delete};
	bool matters = !is_tag && *source && *target && strcmp(source, target) != 0;

	if ((rm_decide(&in).action == RM_ACTION_NEED_ANCESTRY) != matters)
		fail_msg("S=%s T=%s O=%s tag=%d: need ancestry should be %d", source, target, old,
			 is_tag, matters);
	in.ancestry = RM_ANCESTRY_YES;
	assert_int_not_equal(rm_decide(&in).action, RM_ACTION_NEED_ANCESTRY);
	in.ancestry = RM_ANCESTRY_NO;
	assert_int_not_equal(rm_decide(&in).action, RM_ACTION_NEED_ANCESTRY);
}

static void test_need_ancestry_exactly_when_it_matters(void **state)
{
	static const char *const sources[] = {NONE, A};
	static const char *const targets[] = {NONE, A, B};
	static const char *const olds[] = {NONE, RM_ZERO_OID, A, B, C};

	(void)state;
	for (size_t s = 0; s < RM_ARRAY_SIZE(sources); s++)
		for (size_t t = 0; t < RM_ARRAY_SIZE(targets); t++)
			for (size_t o = 0; o < RM_ARRAY_SIZE(olds); o++)
				for (int flags = 0; flags < 4; flags++)
					check_need_ancestry(sources[s], targets[t], olds[o],
							    flags & 1, flags & 2);
}

static void test_result_names_and_exit_codes(void **state)
{
	/* clang-format off */
	static const struct {
		rm_result result;
		const char *name;
		int exit_code;
	} results[] = {
		{RM_RESULT_UNCHANGED, "unchanged", 0},
		{RM_RESULT_SKIPPED, "skipped", 0},
		{RM_RESULT_CREATED, "created", 0},
		{RM_RESULT_FAST_FORWARD, "fast_forward", 0},
		{RM_RESULT_FORCED, "forced", 0},
		{RM_RESULT_DELETED, "deleted", 0},
		{RM_RESULT_NOT_FAST_FORWARD, "not_fast_forward", 2},
		{RM_RESULT_OUT_OF_SYNC, "out_of_sync", 3},
		{RM_RESULT_FAILED, "failed", 1},
	};
	/* clang-format on */

	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(results); i++) {
		assert_string_equal(rm_result_name(results[i].result), results[i].name);
		assert_int_equal(rm_result_exit_code(results[i].result), results[i].exit_code);
	}
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decision_table),
		cmocka_unit_test(test_need_ancestry_exactly_when_it_matters),
		cmocka_unit_test(test_result_names_and_exit_codes),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
