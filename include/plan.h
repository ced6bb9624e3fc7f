/* The transfer plan of SPEC 4: given what rm_decide decided for each ref and what both servers
 * advertised, what to fetch (wants, haves, capabilities), how the pack travels (not at all,
 * relayed from source to target as it arrives, or, in a dry run, read only to learn ancestry) and
 * which commands to push with which capabilities. A pure function: no I/O; the caller executes
 * the plan. The types hold arrays so that one plan serves the many refs of SPEC 7; today a run
 * plans one ref. */
#ifndef RM_PLAN_H
#define RM_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include "decide.h"
#include "oid.h"
#include "advert.h"

/* Haves sent when no ref of the plan exists on the target: its branch and tag tips, enough to
 * spare the history they share with the new refs; the rest would only lengthen the request. */
#define RM_PLAN_MAX_HAVES 1024

/* How the pack goes from source to target. */
typedef enum rm_transfer {
	RM_TRANSFER_NONE,  /* no pack: nothing to push, a deletion, a dry run with no
			    * ancestry to learn */
	RM_TRANSFER_RELAY, /* streamed to the target as it arrives; nothing stored; the
			    * commits read on the way when a ref waits on ancestry */
	RM_TRANSFER_READ,  /* a dry run that waits on ancestry: the pack's commits read,
			    * its bytes dropped */
} rm_transfer;

/* One ref to plan: its name, what rm_decide was asked and what it answered. */
typedef struct rm_plan_ref {
	const char *refname;	  /* borrowed */
	rm_decision_input in;	  /* S, T, O, kind, sync_delete */
	rm_decision decision;	  /* rm_decide(&in) */
	bool source_lacks_target; /* the source said it does not hold T (negotiate.h): T would
				   * spare nothing as a have */
} rm_plan_ref;

/* Everything the plan depends on, all borrowed: the plan's commands point to the refnames,
 * which must outlive it; nothing else is referred to past rm_plan_make. */
typedef struct rm_plan_input {
	const rm_plan_ref *refs;
	size_t nrefs;
	const rm_advert *target; /* the target's receive-pack advertisement: refs, capabilities */
	int source_version;	 /* the protocol the source speaks: 0 or 2 */
	const char *source_caps; /* the source's capabilities as advertised; NULL = none */
	bool dry_run;		 /* push nothing; fetch only to learn ancestry */
} rm_plan_input;

/* One compare-and-swap command "old new ref" of the push. */
typedef struct rm_push_command {
	const char *refname;  /* borrowed from the input */
	rm_oid old;	      /* T; absent (40 zeros on the wire) for a creation */
	rm_oid new_value;     /* S; absent (40 zeros on the wire) for a deletion */
	bool awaits_ancestry; /* stands only if rm_decide, asked again with the ancestry
			       * learnt from the pack, says RM_ACTION_UPDATE: the pack's trailer is
			       * held back until the pack says T is an ancestor of S */
} rm_push_command;

/* Capabilities the push requests (each one only where the target offers it). */
typedef struct rm_push_caps {
	bool report_status; /* offered: rm_push refuses to push without it */
	bool side_band_64k;
	bool delete_refs;   /* offered: needed by a command whose new value is absent */
	bool object_format; /* the target names its object format: say sha1 back */
} rm_push_caps;

typedef struct rm_plan {
	rm_transfer transfer;
	/* The fetch, needed exactly when nwants > 0 (transfer is then not RM_TRANSFER_NONE).
	 * wants: each S the target must receive, once. haves: the T of each wanted ref that the
	 * target holds (for one ref, T alone, so that the pack answers the ancestry question
	 * exactly; not a T the source lacks), or, when none does, the target's branch and tag tips,
	 * at most RM_PLAN_MAX_HAVES. ofs_delta: request it (the target takes it, the source gives
	 * it). */
	rm_oid *wants; /* owned */
	size_t nwants;
	rm_oid *haves; /* owned */
	size_t nhaves;
	bool ofs_delta;
	/* The push, needed exactly when ncommands > 0: the commands in the order of the input's
	 * refs (none in a dry run), and the capabilities to request. */
	rm_push_command *commands; /* owned */
	size_t ncommands;
	rm_push_caps push_caps;
} rm_plan;

/* Makes the plan of `in` into *plan (overwritten; free it with rm_plan_free). Returns 0, or -1
 * when out of memory, with *plan then holding nothing to free. */
int rm_plan_make(rm_plan *plan, const rm_plan_input *in);

/* Frees the plan's arrays and empties it. A zeroed or emptied plan is fine. */
void rm_plan_free(rm_plan *plan);

#endif
