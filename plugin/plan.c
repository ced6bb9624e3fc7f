/* The transfer plan of SPEC 4: each ref's decision turned into wants, haves, a way for the
 * pack to travel and push commands. */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include "refname.h"

static bool is_branch_or_tag(const char *name)
{
	return rm_refname_is_branch(name) || rm_refname_is_tag(name);
}

/* The ref needs the source's pack: to push it, or, even in a dry run, to learn ancestry. */
static bool wants_pack(const rm_plan_ref *r, bool dry_run)
{
	switch (r->decision.action) {
	case RM_ACTION_NEED_ANCESTRY:
		return true;
	case RM_ACTION_CREATE:
	case RM_ACTION_UPDATE:
		return !dry_run;
	case RM_ACTION_NONE:
	case RM_ACTION_DELETE:
		break;
	}
	return false;
}

/* Every action but RM_ACTION_NONE ends in a push, unless the run is dry. A ref that waits on
 * ancestry is pushed only if the decision made again says so. */
static bool pushes(const rm_plan_ref *r, bool dry_run)
{
	return !dry_run && r->decision.action != RM_ACTION_NONE;
}

/* The push of a ref that waits on ancestry stands unless the answer "no" would forbid it (it
 * does not when O = T: the answer then only names the result). */
static bool awaits_ancestry(const rm_plan_ref *r)
{
	rm_decision_input if_not = r->in;

	if (r->decision.action != RM_ACTION_NEED_ANCESTRY)
		return false;
	if_not.ancestry = RM_ANCESTRY_NO;
	return rm_decide(&if_not).action != RM_ACTION_UPDATE;
}

/* "T S ref": the target applies it only if the ref still holds T (SPEC 2, "only if still T"). */
static rm_push_command command_for(const rm_plan_ref *r)
{
	rm_push_command c = {
		.refname = r->refname, .old = r->in.target, .awaits_ancestry = awaits_ancestry(r)};

	if (r->decision.action != RM_ACTION_DELETE)
		c.new_value = r->in.source;
	return c;
}

static void add_unique(rm_oid *set, size_t *n, const rm_oid *oid)
{
	for (size_t i = 0; i < *n; i++)
		if (rm_oid_equal(&set[i], oid))
			return;
	set[(*n)++] = *oid;
}

/* Allocates `n` ids, or leaves *out NULL when n is 0. -1 when out of memory. */
static int alloc_oids(rm_oid **out, size_t n)
{
	*out = n ? calloc(n, sizeof(**out)) : NULL;
	return n && !*out ? -1 : 0;
}

/* The ref's T is a have: the target holds a ref whose pack is wanted, and the source holds T. */
static bool target_is_have(const rm_plan_ref *r, bool dry_run)
{
	return wants_pack(r, dry_run) && rm_oid_is_set(&r->in.target) && !r->source_lacks_target;
}

/* "have T" for each wanted ref the target holds; for one ref, T alone: the pack then holds a
 * commit whose parent is T exactly when T is an ancestor of S. */
static int have_targets(rm_plan *plan, const rm_plan_input *in, size_t n)
{
	if (alloc_oids(&plan->haves, n) < 0)
		return -1;
	for (size_t i = 0; i < in->nrefs; i++)
		if (target_is_have(&in->refs[i], in->dry_run))
			add_unique(plan->haves, &plan->nhaves, &in->refs[i].in.target);
	return 0;
}

/* The target's branch and tag tips, which spare what it already has. */
static int have_tips(rm_plan *plan, const rm_advert *target)
{
	size_t n = 0;

	for (size_t i = 0; i < target->nrefs && n < RM_PLAN_MAX_HAVES; i++)
		n += is_branch_or_tag(target->refs[i].name);
	if (alloc_oids(&plan->haves, n) < 0)
		return -1;
	for (size_t i = 0; i < target->nrefs && plan->nhaves < n; i++)
		if (is_branch_or_tag(target->refs[i].name))
			plan->haves[plan->nhaves++] = target->refs[i].oid;
	return 0;
}

static int choose_haves(rm_plan *plan, const rm_plan_input *in)
{
	size_t targets = 0;

	for (size_t i = 0; i < in->nrefs; i++)
		targets += target_is_have(&in->refs[i], in->dry_run);
	return targets ? have_targets(plan, in, targets) : have_tips(plan, in->target);
}

/* One pack for all refs, relayed to the target; a dry run fetches only to learn ancestry. */
static rm_transfer transfer_for(const rm_plan *plan, const rm_plan_input *in)
{
	if (plan->nwants == 0)
		return RM_TRANSFER_NONE;
	return in->dry_run ? RM_TRANSFER_READ : RM_TRANSFER_RELAY;
}

/* ofs-delta only where the target can store it; a v2 source always may send it. */
static bool ofs_delta_for(const rm_plan_input *in)
{
	return rm_caps_has(in->target->caps, "ofs-delta", NULL) &&
	       (in->source_version == 2 || rm_caps_has(in->source_caps, "ofs-delta", NULL));
}

static rm_push_caps push_caps_for(const char *caps)
{
	rm_push_caps c = {.report_status = rm_caps_has(caps, "report-status", NULL),
			  .side_band_64k = rm_caps_has(caps, "side-band-64k", NULL),
			  .delete_refs = rm_caps_has(caps, "delete-refs", NULL),
			  .object_format = rm_caps_has(caps, "object-format", NULL)};
	return c;
}

int rm_plan_make(rm_plan *plan, const rm_plan_input *in)
{
	memset(plan, 0, sizeof(*plan));
	if (alloc_oids(&plan->wants, in->nrefs) < 0)
		return -1;
	plan->commands = in->nrefs ? calloc(in->nrefs, sizeof(*plan->commands)) : NULL;
	if (in->nrefs && !plan->commands) {
		rm_plan_free(plan);
		return -1;
	}
	for (size_t i = 0; i < in->nrefs; i++) {
		const rm_plan_ref *r = &in->refs[i];
		if (wants_pack(r, in->dry_run))
			add_unique(plan->wants, &plan->nwants, &r->in.source);
		if (pushes(r, in->dry_run))
			plan->commands[plan->ncommands++] = command_for(r);
	}
	if (plan->nwants && choose_haves(plan, in) < 0) {
		rm_plan_free(plan);
		return -1;
	}
	plan->transfer = transfer_for(plan, in);
	plan->ofs_delta = plan->nwants && ofs_delta_for(in);
	plan->push_caps = push_caps_for(in->target->caps);
	return 0;
}

void rm_plan_free(rm_plan *plan)
{
	free(plan->wants);
	free(plan->haves);
	free(plan->commands);
	memset(plan, 0, sizeof(*plan));
}
