/* Retries (SPEC 6): when the next attempt starts, after a transient failure. The random jitter
 * that spreads out runs retrying at once comes from a state in the caller's rm_retry, seeded
 * once: nothing is shared between threads or kept in a global. */
#ifndef RM_RETRY_H
#define RM_RETRY_H

#include <stdbool.h>
#include <stdint.h>
#include "error.h"

/* Longest wait a server's Retry-After gets: a CI step should not sit idle for longer on one
 * request, and a server asking for more is better retried early than not at all. */
#define RM_RETRY_AFTER_MAX 60

/* A run's retry policy and jitter state. Plain value, used by one thread. */
typedef struct rm_retry {
	int attempts;		/* the retries setting + 1 */
	long delay_s;		/* retry_delay: the wait after the first failed attempt */
	long deadline_s;	/* the deadline setting, for messages */
	int64_t deadline_at_ms; /* rm_now_ms() when the deadline passes; 0: none */
	uint64_t jitter;	/* the generator's state: any value, rm_retry_seed() for a run */
} rm_retry;

/* A seed that differs between runs started at once (a trigger firing several pipelines): the
 * kernel's random bytes, else the time and the process id. */
uint64_t rm_retry_seed(void);

/* The wait before the retry that follows failed attempt `attempt` (1, 2, ...), in ms: delay_s
 * doubled for each attempt before (1 s, 2 s, 4 s ... for 1 s; at most 64 times delay_s) plus up
 * to half again at random; or, when the server said when to come back (`retry_after` seconds,
 * from a 429 or 503), that long, at most RM_RETRY_AFTER_MAX seconds. Advances the jitter. */
int64_t rm_retry_wait_ms(rm_retry *r, int attempt, long retry_after);

/* Logs why attempt `attempt` failed (err->msg) and when the next one starts, then waits for it.
 * Returns false, with a line saying so and without waiting, when the deadline would pass before
 * the next attempt could start. */
bool rm_retry_wait(rm_retry *r, const rm_error *err, int attempt);

#endif
