/* The one error a run reports: which side failed, what kind of failure, and a one-line message.
 * The low layers only say what went wrong and where; rm_exit_code_for alone turns that into an
 * exit code of SPEC 2, as libgit2 returns error classes and the application decides. */
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

/* Where an error happened. */
typedef enum rm_side {
	RM_SIDE_NONE = 0, /* neither remote: settings, payload, the pack, the run itself */
	RM_SIDE_SOURCE,
	RM_SIDE_TARGET,
} rm_side;

/* What went wrong. */
typedef enum rm_error_kind {
	RM_ERR_NONE = 0,  /* no error set */
	RM_ERR_NETWORK,	  /* connection, TLS, stall, deadline, a cut answer, 429, 5xx */
	RM_ERR_AUTH,	  /* HTTP 401, 403 */
	RM_ERR_NOT_FOUND, /* HTTP 404, not a git repository */
	RM_ERR_PROTOCOL,  /* a malformed or unexpected answer, a missing capability */
	RM_ERR_PACK,	/* the pack: missing, corrupt, too large, unreadable, or its relay failed */
	RM_ERR_REFUSED, /* the server said no: a refused update, a server error line */
	RM_ERR_NO_MEMORY, /* out of memory or another resource (a thread) */
	RM_ERR_USAGE,	  /* bad settings or payload */
} rm_error_kind;

typedef struct rm_error {
	rm_side side;	    /* where it happened; names the message's prefix */
	rm_error_kind kind; /* RM_ERR_NONE while no error is set */
	int transient;	    /* nonzero when a retry could succeed (network, 5xx, 429) */
	long retry_after; /* seconds the server asked to wait before a retry (Retry-After); 0: none
			   */
	char msg[512];	  /* one line, no trailing newline, never holds a token */
} rm_error;

/* "source", "target", or "" for RM_SIDE_NONE. */
const char *rm_side_name(rm_side side);

/* Sets the error unless one is already set (the first, most specific cause wins). The message
 * is "<side>: " (rm_side_name) then `fmt`'s text, or `fmt`'s text alone for RM_SIDE_NONE.
 * `kind` is not RM_ERR_NONE. Returns -1 so that callers can write `return rm_error_set(...)`. */
int rm_error_set(rm_error *err, rm_side side, rm_error_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Same as rm_error_set, for a failure worth retrying (SPEC 6). */
int rm_error_set_transient(rm_error *err, rm_side side, rm_error_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Nonzero when an error is set. */
int rm_error_is_set(const rm_error *err);

/* The exit code of SPEC 2 for an error, the only place that decides it: 0 when none is set; 64
 * for RM_ERR_USAGE; else 4 on the target side, 1 on the source side, and 1 for a side-less error
 * (the pack is the source's; out of memory outside a remote stops the run before the push). */
int rm_exit_code_for(const rm_error *err);

/* Clears the error. */
void rm_error_clear(rm_error *err);

#endif
