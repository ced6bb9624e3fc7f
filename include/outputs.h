/* Step outputs (SPEC 3): appended to the file named by DRONE_OUTPUT, as KEY=value lines, or
 * "KEY value" lines when the file name ends in ".out" (the local Docker runner's format). */
#ifndef RM_OUTPUTS_H
#define RM_OUTPUTS_H

#include <stdbool.h>
#include <stdint.h>
#include "decide.h"
#include "oid.h"

typedef struct rm_outputs {
	rm_result result;
	const char *reference; /* may be NULL (settings error before the ref was known) */
	rm_oid source_sha;
	rm_oid target_sha_before;
	rm_oid target_sha_after;
	const char *reason; /* why this result, one line (the decision's reason, the server's
			     * verdict or the error), for the report of SPEC 7; borrowed, must
			     * outlive every use of the outputs; NULL = none */
	uint64_t pack_bytes;
	bool dry_run;  /* the run only decided (dry_run: true): MIRROR_DRY_RUN */
	int exit_code; /* the run's exit code (SPEC 2) */
} rm_outputs;

/* The index of the most severe of `n` >= 1 runs (rm_result_severity; the first on a tie). */
size_t rm_outputs_most_severe(const rm_outputs *runs, size_t n);

/* Appends the outputs of a run over `n` >= 1 refs to `path`: the MIRROR_* keys of the most
 * severe run, except MIRROR_PACK_BYTES, the sum over all; then MIRROR_RESULTS, "ref:result" of
 * each run in order, comma-separated. Newlines and carriage returns in values become spaces so
 * that each value stays on its line. A NULL path writes nothing and succeeds. Returns 0, or -1
 * if the file could not be written (errno set). */
int rm_outputs_write_runs(const char *path, const rm_outputs *runs, size_t n);

#endif
