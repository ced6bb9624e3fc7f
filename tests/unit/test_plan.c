#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "array.h"
#include "plan.h"

#define A "1111111111111111111111111111111111111111"
#define B "2222222222222222222222222222222222222222"
#define C "3333333333333333333333333333333333333333"
#define NONE "" /* absent */

enum kind { BRANCH, TAG };
enum sync { KEEP, SYNC_DELETE };
enum run { PUSH, DRY_RUN };

/* The servers a row runs against (see servers_for). */
enum servers {
	STANDARD,	  /* git's receive-pack with a few tips; a v2 source */
	V0_SOURCE,	  /* a v0 source that offers ofs-delta */
	V0_SOURCE_NO_OFS, /* a v0 source that does not */
	TARGET_NO_OFS,	  /* a target without ofs-delta */
	TARGET_EMPTY,	  /* a target with no refs at all */
	TARGET_MANY_TIPS, /* a target with more than RM_PLAN_MAX_HAVES branches */
	SOURCE_LACKS_T,	  /* STANDARD, and the source said it does not hold T (negotiate.h) */
};

/* The haves expected: none, exactly T, or the target's branch and tag tips (at most
 * RM_PLAN_MAX_HAVES, in the advertisement's order). */
enum haves { NO_HAVES, HAVE_T, HAVE_TIPS };

typedef struct row {
	const char *name;
	const char *source, *target, *old;
	enum kind kind;
	enum sync sync;
	rm_ancestry ancestry; /* what rm_decide is told: unknown, as before any fetch */
	enum run run;
	enum servers servers;
	/* expected */
	rm_transfer transfer; /* a fetch of S exactly when not RM_TRANSFER_NONE */
	enum haves haves;
	bool ofs_delta;
	const char *push_old, *push_new; /* the command's wire form; NULL: no push */
	bool awaits_ancestry;
} row;

#define UNKNOWN RM_ANCESTRY_UNKNOWN
#define YES RM_ANCESTRY_YES
#define NO RM_ANCESTRY_NO
/* The expected transfer: how the pack travels, the haves, ofs-delta. */
#define NO_FETCH RM_TRANSFER_NONE, NO_HAVES, false
#define RELAY(haves) RM_TRANSFER_RELAY, haves, true
#define READ(haves) RM_TRANSFER_READ, haves, true
#define RELAY_NO_OFS(haves) RM_TRANSFER_RELAY, haves, false
/* The expected push command. */
#define NO_PUSH NULL, NULL, false
#define PUSHES(old, new) old, new, false
#define PUSHES_IF_ANCESTRY_ALLOWS(old, new) old, new, true

/* SPEC 2's outcomes as SPEC 4 carries them out; S = source, T = target, O = old SHA. Every
 * pack that is pushed is relayed. A branch that both sides hold with different values waits on
 * ancestry (whatever O says, today): its push stands only on the answer "yes", unless O = T
 * allows it either way; a dry run reads the pack only for the answer. */
/* clang-format off */
static const row rows[] = {
	/* created: relayed, with the target's tips as haves */
	{"create", A, NONE, NONE, BRANCH, KEEP, UNKNOWN, PUSH, STANDARD, RELAY(HAVE_TIPS), PUSHES(RM_ZERO_OID, A)},
	{"create, O zeros", A, NONE, RM_ZERO_OID, BRANCH, KEEP, UNKNOWN, PUSH, STANDARD, RELAY(HAVE_TIPS), PUSHES(RM_ZERO_OID, A)},
	{"create, O stale", A, NONE, B, BRANCH, KEEP, UNKNOWN, PUSH, STANDARD, RELAY(HAVE_TIPS), PUSHES(RM_ZERO_OID, A)},
	{"create tag", A, NONE, RM_ZERO_OID, TAG, KEEP, UNKNOWN, PUSH, STANDARD, RELAY(HAVE_TIPS), PUSHES(RM_ZERO_OID, A)},
	{"create, dry run", A, NONE, NONE, BRANCH, KEEP, UNKNOWN, DRY_RUN, STANDARD, NO_FETCH, NO_PUSH},
	{"create, target without ofs-delta", A, NONE, NONE, BRANCH, KEEP, UNKNOWN, PUSH, TARGET_NO_OFS, RELAY_NO_OFS(HAVE_TIPS), PUSHES(RM_ZERO_OID, A)},
	{"create, v0 source", A, NONE, NONE, BRANCH, KEEP, UNKNOWN, PUSH, V0_SOURCE, RELAY(HAVE_TIPS), PUSHES(RM_ZERO_OID, A)},
	{"create, v0 source without ofs-delta", A, NONE, NONE, BRANCH, KEEP, UNKNOWN, PUSH, V0_SOURCE_NO_OFS, RELAY_NO_OFS(HAVE_TIPS), PUSHES(RM_ZERO_OID, A)},
	{"create, target with no refs", A, NONE, NONE, BRANCH, KEEP, UNKNOWN, PUSH, TARGET_EMPTY, RELAY(NO_HAVES), PUSHES(RM_ZERO_OID, A)},
	{"create tag, target with no refs", A, NONE, RM_ZERO_OID, TAG, KEEP, UNKNOWN, PUSH, TARGET_EMPTY, RELAY(NO_HAVES), PUSHES(RM_ZERO_OID, A)},
	{"create, target with too many tips", A, NONE, NONE, BRANCH, KEEP, UNKNOWN, PUSH, TARGET_MANY_TIPS, RELAY(HAVE_TIPS), PUSHES(RM_ZERO_OID, A)},
	/* branch update, fast-forward or forced: relayed, its commits read for ancestry, "have T"
	 * alone */
	{"fast-forward, no O", A, B, NONE, BRANCH, KEEP, UNKNOWN, PUSH, STANDARD, RELAY(HAVE_T), PUSHES_IF_ANCESTRY_ALLOWS(B, A)},
	{"fast-forward or forced, O = T", A, B, B, BRANCH, KEEP, UNKNOWN, PUSH, STANDARD, RELAY(HAVE_T), PUSHES(B, A)},
	{"fast-forward or out of sync, O != T", A, B, C, BRANCH, KEEP, UNKNOWN, PUSH, STANDARD, RELAY(HAVE_T), PUSHES_IF_ANCESTRY_ALLOWS(B, A)},
	{"fast-forward or out of sync, O zeros", A, B, RM_ZERO_OID, BRANCH, SYNC_DELETE, UNKNOWN, PUSH, STANDARD, RELAY(HAVE_T), PUSHES_IF_ANCESTRY_ALLOWS(B, A)},
	{"branch update, dry run", A, B, NONE, BRANCH, KEEP, UNKNOWN, DRY_RUN, STANDARD, READ(HAVE_T), NO_PUSH},
	{"branch update, dry run, O = T", A, B, B, BRANCH, KEEP, UNKNOWN, DRY_RUN, STANDARD, READ(HAVE_T), NO_PUSH},
	{"branch update, target without ofs-delta", A, B, NONE, BRANCH, KEEP, UNKNOWN, PUSH, TARGET_NO_OFS, RELAY_NO_OFS(HAVE_T), PUSHES_IF_ANCESTRY_ALLOWS(B, A)},
	{"branch update, v0 source", A, B, B, BRANCH, KEEP, UNKNOWN, PUSH, V0_SOURCE, RELAY(HAVE_T), PUSHES(B, A)},
	{"branch update, target with too many tips", A, B, NONE, BRANCH, KEEP, UNKNOWN, PUSH, TARGET_MANY_TIPS, RELAY(HAVE_T), PUSHES_IF_ANCESTRY_ALLOWS(B, A)},
	/* branch update with ancestry already known (no caller knows it yet): nothing to learn,
	 * so relayed */
	{"fast-forward, ancestry known", A, B, NONE, BRANCH, KEEP, YES, PUSH, STANDARD, RELAY(HAVE_T), PUSHES(B, A)},
	{"forced, ancestry known, O = T", A, B, B, BRANCH, KEEP, NO, PUSH, STANDARD, RELAY(HAVE_T), PUSHES(B, A)},
	/* the source does not hold T: T is no ancestor, and no have either: the tips spare what
	 * the target shares with S */
	{"forced, O = T, the source lacks T", A, B, B, BRANCH, KEEP, NO, PUSH, SOURCE_LACKS_T, RELAY(HAVE_TIPS), PUSHES(B, A)},
	{"not fast-forward, the source lacks T", A, B, NONE, BRANCH, KEEP, NO, PUSH, SOURCE_LACKS_T, NO_FETCH, NO_PUSH},
	{"not fast-forward, ancestry known", A, B, NONE, BRANCH, KEEP, NO, PUSH, STANDARD, NO_FETCH, NO_PUSH},
	{"out of sync, ancestry known", A, B, C, BRANCH, KEEP, NO, PUSH, STANDARD, NO_FETCH, NO_PUSH},
	/* tags never ask for ancestry: moved with O = T, relayed; else nothing */
	{"tag moved, O = T", A, B, B, TAG, KEEP, UNKNOWN, PUSH, STANDARD, RELAY(HAVE_T), PUSHES(B, A)},
	{"tag moved, O = T, dry run", A, B, B, TAG, KEEP, UNKNOWN, DRY_RUN, STANDARD, NO_FETCH, NO_PUSH},
	{"tag moved, O = T, target without ofs-delta", A, B, B, TAG, KEEP, UNKNOWN, PUSH, TARGET_NO_OFS, RELAY_NO_OFS(HAVE_T), PUSHES(B, A)},
	{"tag moved, O = T, too many tips", A, B, B, TAG, KEEP, UNKNOWN, PUSH, TARGET_MANY_TIPS, RELAY(HAVE_T), PUSHES(B, A)},
	{"tag moved, no O", A, B, NONE, TAG, KEEP, UNKNOWN, PUSH, STANDARD, NO_FETCH, NO_PUSH},
	{"tag moved, O != T", A, B, C, TAG, KEEP, UNKNOWN, PUSH, STANDARD, NO_FETCH, NO_PUSH},
	/* deleted: a command, no pack */
	{"delete, no O", NONE, A, NONE, BRANCH, SYNC_DELETE, UNKNOWN, PUSH, STANDARD, NO_FETCH, PUSHES(A, RM_ZERO_OID)},
	{"delete, O = T", NONE, A, A, BRANCH, SYNC_DELETE, UNKNOWN, PUSH, STANDARD, NO_FETCH, PUSHES(A, RM_ZERO_OID)},
	{"delete tag", NONE, A, NONE, TAG, SYNC_DELETE, UNKNOWN, PUSH, STANDARD, NO_FETCH, PUSHES(A, RM_ZERO_OID)},
	{"delete, dry run", NONE, A, NONE, BRANCH, SYNC_DELETE, UNKNOWN, DRY_RUN, STANDARD, NO_FETCH, NO_PUSH},
	{"delete, O != T (out of sync)", NONE, A, B, BRANCH, SYNC_DELETE, UNKNOWN, PUSH, STANDARD, NO_FETCH, NO_PUSH},
	/* skipped and unchanged: nothing at all */
	{"skipped, no sync_delete", NONE, A, NONE, BRANCH, KEEP, UNKNOWN, PUSH, STANDARD, NO_FETCH, NO_PUSH},
	{"skipped, O = T", NONE, A, A, BRANCH, KEEP, UNKNOWN, PUSH, STANDARD, NO_FETCH, NO_PUSH},
	{"unchanged, S = T", A, A, NONE, BRANCH, KEEP, UNKNOWN, PUSH, STANDARD, NO_FETCH, NO_PUSH},
	{"unchanged tag, S = T", A, A, B, TAG, KEEP, UNKNOWN, PUSH, STANDARD, NO_FETCH, NO_PUSH},
	{"unchanged, neither side", NONE, NONE, NONE, BRANCH, SYNC_DELETE, UNKNOWN, PUSH, STANDARD, NO_FETCH, NO_PUSH},
};
/* clang-format on */

static rm_oid oid(const char *hex)
{
	rm_oid o = {{0}};

	if (*hex)
		assert_int_equal(rm_oid_parse(&o, hex, strlen(hex)), 0);
	return o;
}

/* Capability lists as git's receive-pack and upload-pack advertise them. */
#define TARGET_CAPS                                                                                \
	"report-status report-status-v2 delete-refs side-band-64k quiet atomic ofs-delta "         \
	"object-format=sha1 agent=git/2.43.0"
#define TARGET_CAPS_NO_OFS                                                                         \
	"report-status delete-refs side-band-64k quiet atomic object-format=sha1 agent=git/2.43.0"
#define SOURCE_CAPS_V2                                                                             \
	"agent=git/2.43.0\nls-refs=unborn\nfetch=shallow wait-for-done\nobject-format=sha1"
#define SOURCE_CAPS_V0                                                                             \
	"multi_ack thin-pack side-band side-band-64k ofs-delta shallow no-progress include-tag "   \
	"object-format=sha1 agent=git/2.43.0"
#define SOURCE_CAPS_V0_NO_OFS "multi_ack side-band-64k shallow no-progress agent=git/2.43.0"

#define MANY_TIPS (RM_PLAN_MAX_HAVES + 100)

/* A target's advertisement, and its branch and tag tips in order. */
typedef struct servers_fixture {
	rm_advert target;
	rm_ref refs[MANY_TIPS + 4];
	char names[MANY_TIPS + 4][32];
	rm_oid tips[MANY_TIPS + 4];
	size_t ntips;
	int source_version;
	const char *source_caps;
} servers_fixture;

static void add_ref(servers_fixture *f, const char *name, const rm_oid *value, bool is_tip)
{
	size_t i = f->target.nrefs++;

	snprintf(f->names[i], sizeof(f->names[i]), "%s", name);
	f->refs[i].name = f->names[i];
	f->refs[i].oid = *value;
	if (is_tip)
		f->tips[f->ntips++] = *value;
}

/* The servers of `which`; the target holds `refname` at `target` when that is set. */
static void servers_for(servers_fixture *f, enum servers which, const char *refname,
			const rm_oid *target)
{
	rm_oid d = oid("4444444444444444444444444444444444444444");
	rm_oid e = oid("5555555555555555555555555555555555555555");
	char name[32];

	memset(f, 0, sizeof(*f));
	f->target.refs = f->refs;
	f->target.caps = which == TARGET_NO_OFS ? TARGET_CAPS_NO_OFS : TARGET_CAPS;
	f->source_version = which == V0_SOURCE || which == V0_SOURCE_NO_OFS ? 0 : 2;
	f->source_caps = which == V0_SOURCE	     ? SOURCE_CAPS_V0
			 : which == V0_SOURCE_NO_OFS ? SOURCE_CAPS_V0_NO_OFS
						     : SOURCE_CAPS_V2;
	if (which == TARGET_EMPTY)
		return;
	add_ref(f, "refs/heads/main", &d, true);
	add_ref(f, "refs/pull/1/head", &e, false); /* neither branch nor tag: not a have */
	add_ref(f, "refs/tags/v1", &e, true);
	if (rm_oid_is_set(target))
		add_ref(f, refname, target, true);
	for (int i = 0; which == TARGET_MANY_TIPS && i < MANY_TIPS; i++) {
		snprintf(name, sizeof(name), "refs/heads/b%d", i);
		add_ref(f, name, i % 2 ? &d : &e, true);
	}
}

static void check_haves(const row *r, const rm_plan *plan, const servers_fixture *f,
			const rm_oid *target)
{
	size_t expected = r->haves == NO_HAVES ? 0 : r->haves == HAVE_T ? 1 : f->ntips;

	if (expected > RM_PLAN_MAX_HAVES)
		expected = RM_PLAN_MAX_HAVES;
	if (plan->nhaves != expected)
		fail_msg("%s: %zu haves, expected %zu", r->name, plan->nhaves, expected);
	for (size_t i = 0; i < plan->nhaves; i++) {
		const rm_oid *want = r->haves == HAVE_T ? target : &f->tips[i];
		if (!rm_oid_equal(&plan->haves[i], want))
			fail_msg("%s: have %zu is %s, expected %s", r->name, i, plan->haves[i].hex,
				 want->hex);
	}
}

static void check_command(const row *r, const rm_plan *plan, const char *refname)
{
	const rm_push_command *c = plan->commands;

	if (plan->ncommands != (r->push_old ? 1u : 0u))
		fail_msg("%s: %zu push commands, expected %d", r->name, plan->ncommands,
			 r->push_old != NULL);
	if (!r->push_old)
		return;
	if (strcmp(c->refname, refname) != 0 || strcmp(rm_oid_wire(&c->old), r->push_old) != 0 ||
	    strcmp(rm_oid_wire(&c->new_value), r->push_new) != 0)
		fail_msg("%s: pushes \"%s %s %s\", expected \"%s %s %s\"", r->name,
			 rm_oid_wire(&c->old), rm_oid_wire(&c->new_value), c->refname, r->push_old,
			 r->push_new, refname);
	if (c->awaits_ancestry != r->awaits_ancestry)
		fail_msg("%s: awaits ancestry %d, expected %d", r->name, c->awaits_ancestry,
			 r->awaits_ancestry);
}

static void check_row(const row *r, servers_fixture *f)
{
	const char *refname = r->kind == TAG ? "refs/tags/v2" : "refs/heads/feature";
	rm_plan_ref ref = {.refname = refname,
			   .in = {.source = oid(r->source),
				  .target = oid(r->target),
				  .old = oid(r->old),
				  .is_tag = r->kind == TAG,
				  .sync_delete = r->sync == SYNC_DELETE,
				  .ancestry = r->ancestry},
			   .source_lacks_target = r->servers == SOURCE_LACKS_T};
	rm_plan_input in = {
		.refs = &ref, .nrefs = 1, .target = &f->target, .dry_run = r->run == DRY_RUN};
	rm_plan plan;

	servers_for(f, r->servers, refname, &ref.in.target);
	in.source_version = f->source_version;
	in.source_caps = f->source_caps;
	ref.decision = rm_decide(&ref.in);
	assert_int_equal(rm_plan_make(&plan, &in), 0);
	if (plan.transfer != r->transfer)
		fail_msg("%s: transfer %d, expected %d", r->name, plan.transfer, r->transfer);
	if (plan.nwants != (r->transfer != RM_TRANSFER_NONE ? 1u : 0u) ||
	    (plan.nwants && !rm_oid_equal(&plan.wants[0], &ref.in.source)))
		fail_msg("%s: %zu wants, expected want S exactly when there is a transfer", r->name,
			 plan.nwants);
	check_haves(r, &plan, f, &ref.in.target);
	if (plan.ofs_delta != r->ofs_delta)
		fail_msg("%s: ofs-delta %d, expected %d", r->name, plan.ofs_delta, r->ofs_delta);
	check_command(r, &plan, refname);
	rm_plan_free(&plan);
}

static void test_plan_table(void **state)
{
	static servers_fixture f;

	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(rows); i++)
		check_row(&rows[i], &f);
}

/* The push asks for what the target offers, and knows what it lacks. */
static void test_push_capabilities(void **state)
{
	static const struct {
		const char *caps;
		rm_push_caps expected;
	} cases[] = {
		{TARGET_CAPS,
		 {.report_status = true,
		  .side_band_64k = true,
		  .delete_refs = true,
		  .object_format = true}},
		{"report-status agent=dulwich", {.report_status = true}},
		{"side-band-64k delete-refs", {.side_band_64k = true, .delete_refs = true}},
		{"", {0}},
	};

	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(cases); i++) {
		rm_advert target = {.caps = (char *)cases[i].caps};
		rm_plan_input in = {.target = &target};
		rm_plan plan;

		assert_int_equal(rm_plan_make(&plan, &in), 0);
		assert_memory_equal(&plan.push_caps, &cases[i].expected, sizeof(rm_push_caps));
		assert_int_equal(plan.transfer, RM_TRANSFER_NONE);
		assert_int_equal(plan.ncommands, 0);
		rm_plan_free(&plan);
	}
}

/* Several refs in one plan (SPEC 7): one pack for all, relayed; one
 * want per distinct S; "have T" of each updated ref; the commands in the order of the refs. */
static void test_many_refs(void **state)
{
	static servers_fixture f;
	rm_plan_ref refs[] = {
		{"refs/heads/new", {.source = oid(A)}, {0}, false},
		{"refs/heads/same-as-new", {.source = oid(A)}, {0}, false},
		{"refs/heads/gone", {.target = oid(C), .sync_delete = true}, {0}, false},
		{"refs/heads/moved", {.source = oid(B), .target = oid(C)}, {0}, false},
		{"refs/heads/equal", {.source = oid(C), .target = oid(C)}, {0}, false},
	};
	rm_plan_input in = {.refs = refs,
			    .nrefs = RM_ARRAY_SIZE(refs),
			    .target = &f.target,
			    .source_version = 2};
	rm_plan plan;

	(void)state;
	servers_for(&f, STANDARD, "refs/heads/moved", &refs[3].in.target);
	for (size_t i = 0; i < RM_ARRAY_SIZE(refs); i++)
		refs[i].decision = rm_decide(&refs[i].in);
	assert_int_equal(rm_plan_make(&plan, &in), 0);
	assert_int_equal(plan.transfer, RM_TRANSFER_RELAY);
	assert_int_equal(plan.nwants, 2);
	assert_string_equal(plan.wants[0].hex, A);
	assert_string_equal(plan.wants[1].hex, B);
	assert_int_equal(plan.nhaves, 1);
	assert_string_equal(plan.haves[0].hex, C);
	assert_int_equal(plan.ncommands, 4);
	assert_string_equal(plan.commands[0].refname, "refs/heads/new");
	assert_string_equal(plan.commands[1].refname, "refs/heads/same-as-new");
	assert_string_equal(plan.commands[2].refname, "refs/heads/gone");
	assert_string_equal(rm_oid_wire(&plan.commands[2].new_value), RM_ZERO_OID);
	assert_string_equal(plan.commands[3].refname, "refs/heads/moved");
	assert_true(plan.commands[3].awaits_ancestry);
	assert_false(plan.commands[0].awaits_ancestry);
	rm_plan_free(&plan);
	assert_null(plan.wants);
	assert_int_equal(plan.ncommands, 0);
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_table),
		cmocka_unit_test(test_push_capabilities),
		cmocka_unit_test(test_many_refs),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
