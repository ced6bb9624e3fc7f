#include "sideband.h"

#include "pktline.h"

enum { BAND_DATA = 1, BAND_MESSAGES = 2, BAND_ERROR = 3 };

int rm_sideband_route(const rm_sideband *sb, const char *data, size_t len)
{
	if (len == 0)
		return 0;
	switch ((unsigned char)data[0]) {
	case BAND_DATA:
		return sb->on_data(sb->ctx, data + 1, len - 1);
	case BAND_MESSAGES:
		rm_log_remote(sb->messages, data + 1, len - 1);
		return 0;
	case BAND_ERROR:
		return rm_error_set(sb->err, sb->fail_exit, "%s: server error: %.*s", sb->side,
				    (int)rm_pkt_chomp(data + 1, len - 1), data + 1);
	default:
		return rm_error_set(sb->err, sb->fail_exit, "%s: bad side-band channel %u", sb->side,
				    (unsigned char)data[0]);
	}
}
