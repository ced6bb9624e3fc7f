/* Retries (SPEC 6): backoff with jitter, the deadline's say, and the lines that tell of them. */
#include "retry.h"

#include <errno.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "progress.h"

uint64_t rm_retry_seed(void)
{
	uint64_t seed;
	struct timespec now;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed))
		return seed;
	clock_gettime(CLOCK_REALTIME, &now);
	return (uint64_t)now.tv_sec * 1000000007u ^ (uint64_t)now.tv_nsec ^ (uint64_t)getpid();
}

/* The next number of the jitter's sequence (splitmix64: any state, zero included, is fine). */
static uint64_t next_jitter(rm_retry *r)
{
	uint64_t z = (r->jitter += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

int64_t rm_retry_wait_ms(rm_retry *r, int attempt, long retry_after)
{
	int64_t base = (int64_t)r->delay_s * 1000 << (attempt < 7 ? attempt - 1 : 6);

	if (retry_after > 0)
		return INT64_C(1000) *
		       (retry_after < RM_RETRY_AFTER_MAX ? retry_after : RM_RETRY_AFTER_MAX);
	return base + (int64_t)(next_jitter(r) % (uint64_t)(base / 2 + 1));
}

bool rm_retry_wait(rm_retry *r, const rm_error *err, int attempt)
{
	int64_t ms = rm_retry_wait_ms(r, attempt, err->retry_after);
	struct timespec ts = {.tv_sec = (time_t)(ms / 1000),
			      .tv_nsec = (long)(ms % 1000) * 1000000L};

	if (r->deadline_at_ms && rm_now_ms() + ms >= r->deadline_at_ms) {
		rm_log("%s (attempt %d of %d); not retrying: deadline of %ld s reached before the "
		       "retry in %.1f s",
		       err->msg, attempt, r->attempts, r->deadline_s, ms / 1000.0);
		return false;
	}
	if (err->retry_after > 0)
		rm_log("%s (attempt %d of %d); retrying in %lld s (the server asked for %ld s)",
		       err->msg, attempt, r->attempts, (long long)(ms / 1000), err->retry_after);
	else
		rm_log("%s (attempt %d of %d); retrying in %.1f s", err->msg, attempt, r->attempts,
		       ms / 1000.0);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return true;
}
