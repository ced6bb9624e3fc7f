/* The decision table of SPEC 2, row by row, in the order the table lists them. */
#include "decide.h"
#include "array.h"
#include "error.h"

static rm_decision decision(rm_action action, rm_result result, const char *why)
{
	return (rm_decision){.action = action, .result = result, .why = why};
}

/* The rows where the source has no such ref. */
static rm_decision decide_source_absent(const rm_decision_input *in)
{
	if (!in->sync_delete)
		return decision(RM_ACTION_NONE, RM_RESULT_SKIPPED,
				"the source has no such ref and sync_delete is not true");
	if (!rm_oid_is_set(&in->target))
		return decision(RM_ACTION_NONE, RM_RESULT_UNCHANGED, "neither side has the ref");
	if (!rm_oid_is_set(&in->old))
		return decision(RM_ACTION_DELETE, RM_RESULT_DELETED,
				"the ref was deleted on the source");
	if (rm_oid_equal(&in->old, &in->target))
		return decision(RM_ACTION_DELETE, RM_RESULT_DELETED,
				"deleted on the source; the target still holds the old SHA");
	return decision(RM_ACTION_NONE, RM_RESULT_OUT_OF_SYNC, "old SHA does not match the target");
}

/* The rows where both sides have the ref, with different values, and ancestry does not settle
 * it: only an old SHA equal to the target allows overwriting the target. */
static rm_decision decide_by_old_sha(const rm_decision_input *in)
{
	if (!rm_oid_is_set(&in->old) && in->is_tag)
		return decision(RM_ACTION_NONE, RM_RESULT_NOT_FAST_FORWARD,
				"a tag moves only when the old SHA is given");
	if (!rm_oid_is_set(&in->old))
		return decision(RM_ACTION_NONE, RM_RESULT_NOT_FAST_FORWARD,
				"target is not an ancestor of source; no old SHA given");
	if (rm_oid_equal(&in->old, &in->target))
		return decision(RM_ACTION_UPDATE, RM_RESULT_FORCED, "old SHA matches the target");
	return decision(RM_ACTION_NONE, RM_RESULT_OUT_OF_SYNC, "old SHA does not match the target");
}

rm_decision rm_decide(const rm_decision_input *in)
{
	if (!rm_oid_is_set(&in->source))
		return decide_source_absent(in);
	if (rm_oid_equal(&in->source, &in->target))
		return decision(RM_ACTION_NONE, RM_RESULT_UNCHANGED,
				"the target already holds the source's value");
	if (!rm_oid_is_set(&in->target))
		return decision(RM_ACTION_CREATE, RM_RESULT_CREATED, "the target has no such ref");
	if (in->is_tag)
		return decide_by_old_sha(in);
	switch (in->ancestry) {
	case RM_ANCESTRY_UNKNOWN:
		return decision(RM_ACTION_NEED_ANCESTRY, RM_RESULT_FAILED,
				"is the target an ancestor of the source?");
	case RM_ANCESTRY_YES:
		return decision(RM_ACTION_UPDATE, RM_RESULT_FAST_FORWARD,
				"target is an ancestor of source");
	case RM_ANCESTRY_NO:
		break;
	}
	return decide_by_old_sha(in);
}

/* clang-format off */
static const char *const result_names[] = {
	[RM_RESULT_UNCHANGED] = "unchanged",
	[RM_RESULT_SKIPPED] = "skipped",
	[RM_RESULT_CREATED] = "created",
	[RM_RESULT_FAST_FORWARD] = "fast_forward",
	[RM_RESULT_FORCED] = "forced",
	[RM_RESULT_DELETED] = "deleted",
	[RM_RESULT_NOT_FAST_FORWARD] = "not_fast_forward",
	[RM_RESULT_OUT_OF_SYNC] = "out_of_sync",
	[RM_RESULT_FAILED] = "failed",
};
/* clang-format on */

const char *rm_result_name(rm_result r)
{
	if ((unsigned)r >= RM_ARRAY_SIZE(result_names))
		return "failed";
	return result_names[r];
}

int rm_result_exit_code(rm_result r)
{
	switch (r) {
	case RM_RESULT_UNCHANGED:
	case RM_RESULT_SKIPPED:
	case RM_RESULT_CREATED:
	case RM_RESULT_FAST_FORWARD:
	case RM_RESULT_FORCED:
	case RM_RESULT_DELETED:
		return RM_EXIT_OK;
	case RM_RESULT_NOT_FAST_FORWARD:
		return RM_EXIT_NOT_FAST_FORWARD;
	case RM_RESULT_OUT_OF_SYNC:
		return RM_EXIT_OUT_OF_SYNC;
	case RM_RESULT_FAILED:
		break;
	}
	return RM_EXIT_SOURCE;
}

int rm_result_severity(rm_result r)
{
	static const rm_result order[] = {
		RM_RESULT_SKIPPED,	    RM_RESULT_UNCHANGED,   RM_RESULT_CREATED,
		RM_RESULT_FAST_FORWARD,	    RM_RESULT_DELETED,	   RM_RESULT_FORCED,
		RM_RESULT_NOT_FAST_FORWARD, RM_RESULT_OUT_OF_SYNC, RM_RESULT_FAILED,
	};

	for (int i = 0; i < (int)RM_ARRAY_SIZE(order); i++)
		if (order[i] == r)
			return i;
	return (int)RM_ARRAY_SIZE(order);
}
