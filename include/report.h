/* The `report` file of SPEC 7: a JSON document with one entry per ref in scope, written at the
 * end of a run (also a failed one) for a pipeline or a person to read. */
#ifndef RM_REPORT_H
#define RM_REPORT_H

#include <stddef.h>
#include "error.h"
#include "outputs.h"

/* Writes (replacing) the file `path` with the report of the `n` refs in `runs` (n may be 0):
 * for each, ref, S, T before, T after, result and reason, in the order given. The memory it
 * takes does not grow with n (written as it goes). Returns 0, or -1 with a one-line error in
 * *err naming the path (the run's exit code is then the caller's to choose). */
int rm_report_write(const char *path, const rm_outputs *runs, size_t n, rm_error *err);

#endif
