/* The decision of SPEC 2: what to do to the target, as a pure function of the source value, the
 * target value, the old SHA, the settings and ancestry. No I/O. */
#ifndef RM_DECIDE_H
#define RM_DECIDE_H

#include <stdbool.h>
#include "oid.h"

typedef enum rm_result {
	RM_RESULT_UNCHANGED,
	RM_RESULT_SKIPPED,
	RM_RESULT_CREATED,
	RM_RESULT_FAST_FORWARD,
	RM_RESULT_FORCED,
	RM_RESULT_DELETED,
	RM_RESULT_NOT_FAST_FORWARD,
	RM_RESULT_OUT_OF_SYNC,
	RM_RESULT_FAILED,
} rm_result;

typedef enum rm_action {
	RM_ACTION_NONE,		 /* leave the target as it is */
	RM_ACTION_CREATE,	 /* push zeros -> S */
	RM_ACTION_UPDATE,	 /* push T -> S (the target enforces "only if still T") */
	RM_ACTION_DELETE,	 /* push T -> zeros */
	RM_ACTION_NEED_ANCESTRY, /* ask again with is_ancestor known */
} rm_action;

typedef enum rm_ancestry {
	RM_ANCESTRY_UNKNOWN,
	RM_ANCESTRY_YES, /* T is an ancestor of S */
	RM_ANCESTRY_NO,
} rm_ancestry;

typedef struct rm_decision_input {
	rm_oid source; /* S, absent when the source has no such ref */
	rm_oid target; /* T, absent when the target has no such ref */
	rm_oid old;    /* O, absent when not given; zeros = "did not exist" */
	bool is_tag;   /* refs/tags/...: never fast-forwards */
	bool sync_delete;
	rm_ancestry ancestry;
} rm_decision_input;

typedef struct rm_decision {
	rm_action action;
	rm_result result; /* meaningless while action is RM_ACTION_NEED_ANCESTRY */
	const char *why;  /* a short reason for the log, static storage */
} rm_decision;

/* Applies the decision table. Returns RM_ACTION_NEED_ANCESTRY exactly when the answer depends
 * on whether T is an ancestor of S and in.ancestry is RM_ANCESTRY_UNKNOWN. */
rm_decision rm_decide(const rm_decision_input *in);

/* The result's name in outputs and logs: "created", "fast_forward", ... "failed". */
const char *rm_result_name(rm_result r);

/* How bad a result is, to summarise a run over several refs: skipped < unchanged < created <
 * fast_forward < deleted < forced < not_fast_forward < out_of_sync < failed. */
int rm_result_severity(rm_result r);

/* The exit code a result alone implies: 0, 2 or 3 (RM_RESULT_FAILED: 1, the caller knows
 * better which side failed). */
int rm_result_exit_code(rm_result r);

#endif
