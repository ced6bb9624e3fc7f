#include "progress.h"

#include <stdio.h>
#include <time.h>

#include "array.h"

int64_t rm_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void rm_meter_start(rm_meter *m, int64_t now_ms)
{
	m->last_ms = now_ms;
	m->last_bytes = 0;
}

bool rm_meter_due(const rm_meter *m, int64_t now_ms)
{
	return now_ms - m->last_ms >= RM_PROGRESS_INTERVAL_MS;
}

void rm_format_size(char *out, size_t size, double bytes)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
	size_t unit = 0;

	if (bytes < 1024) {
		snprintf(out, size, "%.0f B", bytes);
		return;
	}
	bytes /= 1024;
	while (bytes >= 1024 && unit + 1 < RM_ARRAY_SIZE(units)) {
		bytes /= 1024;
		unit++;
	}
	snprintf(out, size, "%.1f %s", bytes, units[unit]);
}

void rm_meter_format(rm_meter *m, int64_t now_ms, uint64_t bytes, char *out, size_t size)
{
	int64_t ms = now_ms - m->last_ms;
	double moved = bytes > m->last_bytes ? (double)(bytes - m->last_bytes) : 0;
	char total[32], rate[32];

	rm_format_size(total, sizeof(total), (double)bytes);
	rm_format_size(rate, sizeof(rate), ms > 0 ? moved * 1000 / (double)ms : 0);
	snprintf(out, size, "%s, %s/s", total, rate);
	m->last_ms = now_ms;
	m->last_bytes = bytes;
}
