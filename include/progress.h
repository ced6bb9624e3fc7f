/* Progress of long transfers for a CI log (SPEC 3): at most one line every
 * RM_PROGRESS_INTERVAL_MS per request, saying the bytes so far and the rate since the last line;
 * no carriage returns. Also the run's clock, which deadlines and progress share. */
#ifndef RM_PROGRESS_H
#define RM_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The one interval between progress lines. */
#define RM_PROGRESS_INTERVAL_MS 10000

/* Milliseconds on the monotonic clock (never goes back, unlike the time of day). */
int64_t rm_now_ms(void);

/* The throttle and rate of one transfer's progress lines. Plain value; one per request, used
 * only by the thread that makes it. */
typedef struct rm_meter {
	int64_t last_ms;     /* when the last line was printed, or the transfer started */
	uint64_t last_bytes; /* bytes moved by then */
} rm_meter;

/* Starts a meter at `now_ms` with nothing moved. */
void rm_meter_start(rm_meter *m, int64_t now_ms);

/* True when a line is due at `now_ms`: RM_PROGRESS_INTERVAL_MS or more after the last one (or the
 * start). A pure function of the meter and `now_ms`. */
bool rm_meter_due(const rm_meter *m, int64_t now_ms);

/* Writes "120.4 MiB, 38.0 MiB/s" to `out` (always terminated, cut to `size`): `bytes` moved so
 * far and the rate since the last line; then makes `now_ms` and `bytes` the last line's. */
void rm_meter_format(rm_meter *m, int64_t now_ms, uint64_t bytes, char *out, size_t size);

/* Writes a byte count for people: "512 B", "1.5 KiB", "120.4 MiB", "2.0 GiB" (binary units). */
void rm_format_size(char *out, size_t size, double bytes);

#endif
