/* The one error a run reports: an exit code of SPEC 2 and a one-line message. */
#ifndef RM_ERROR_H
#define RM_ERROR_H

#include <stdarg.h>

enum rm_exit {
	RM_EXIT_OK = 0,
	RM_EXIT_SOURCE = 1,	      /* the source could not be read */
	RM_EXIT_NOT_FAST_FORWARD = 2, /* the update needs the old SHA */
	RM_EXIT_OUT_OF_SYNC = 3,      /* the target moved away from the old SHA */
	RM_EXIT_TARGET = 4,	      /* the target could not be read or refused the update */
	RM_EXIT_USAGE = 64,	      /* bad settings or payload */
};

typedef struct rm_error {
	int exit_code;	/* one of enum rm_exit; 0 while no error is set */
	int transient;	/* nonzero when a retry could succeed (network, 5xx, 429) */
	long retry_after; /* seconds the server asked to wait before a retry (Retry-After); 0: none */
	char msg[512];	/* one line, no trailing newline, never holds a token */
} rm_error;

/* Sets the error unless one is already set (the first, most specific cause wins).
 * Returns -1 so that callers can write `return rm_error_set(...)`. */
int rm_error_set(rm_error *err, int exit_code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Same as rm_error_set, for a failure worth retrying (SPEC 6). */
int rm_error_set_transient(rm_error *err, int exit_code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Clears the error. */
void rm_error_clear(rm_error *err);

#endif
