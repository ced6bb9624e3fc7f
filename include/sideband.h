/* side-band-64k (gitprotocol-pack): once a server multiplexes its answer, the first byte of each
 * packet names its channel: 1 data (the pack, or report-status), 2 the server's messages (hooks,
 * progress), 3 a fatal error in the server's words. */
#ifndef RM_SIDEBAND_H
#define RM_SIDEBAND_H

#include <stddef.h>
#include "error.h"
#include "log.h"

/* Receives channel 1's bytes. Return 0 to go on, or -1 with the error set. */
typedef int (*rm_band_data_fn)(void *ctx, const char *data, size_t len);

typedef struct rm_sideband {
	const char *side;	  /* "source" or "target", for messages */
	int fail_exit;		  /* the exit code when the server reports an error */
	rm_band_data_fn on_data;
	void *ctx;
	rm_remote_log *messages;  /* where channel 2 is printed */
	rm_error *err;
} rm_sideband;

/* Routes one side-band packet: channel 1 to on_data (returning what it returns), channel 2 to
 * messages, an empty packet (a keepalive) nowhere. Channel 3 and unknown channels return -1 with
 * *err set: "<side>: server error: <its words>". */
int rm_sideband_route(const rm_sideband *sb, const char *data, size_t len);

#endif
