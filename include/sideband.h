/* side-band-64k (gitprotocol-pack): once a server multiplexes its answer, the first byte of each
 * packet names its channel: 1 data (the pack, or report-status), 2 the server's messages (hooks,
 * progress), 3 a fatal error in the server's words. */
#ifndef RM_SIDEBAND_H
#define RM_SIDEBAND_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"
#include "log.h"

/* The latest line of a server's progress on channel 2 ("Counting objects:  45% (123/271)\r"),
 * kept to be shown in a throttled progress line rather than printed as it comes. Lines end at
 * "\r" or "\n"; each finished line that is not blank replaces the last one. The bytes are
 * untrusted: only printable ASCII is kept (a tab becomes a space, ANSI escape sequences and other
 * control characters are dropped, a run of other bytes becomes one '?'), at most
 * RM_SERVER_NOTE_MAX bytes of a line, without leading or trailing spaces. Plain value: zero it to
 * start. */
#define RM_SERVER_NOTE_MAX 160

typedef struct rm_server_note {
	char line[RM_SERVER_NOTE_MAX + 1]; /* the line being read */
	size_t len;
	int escape;			   /* where in an escape sequence the bytes are */
	bool in_other;			   /* the last byte kept is a '?' for other bytes */
	char last[RM_SERVER_NOTE_MAX + 1]; /* the last finished line; "" before any */
} rm_server_note;

/* Reads the next bytes of channel 2. */
void rm_server_note_feed(rm_server_note *n, const char *data, size_t len);

/* Receives channel 1's bytes. Return 0 to go on, or -1 with the error set. */
typedef int (*rm_band_data_fn)(void *ctx, const char *data, size_t len);

typedef struct rm_sideband {
	rm_side side; /* the server's side: names its errors */
	rm_band_data_fn on_data;
	void *ctx;
	rm_remote_log *messages; /* where channel 2 is printed, unless `note` is set */
	rm_server_note *note;	 /* or where it is kept instead (a fetch's progress), or NULL */
	rm_error *err;
} rm_sideband;

/* Routes one side-band packet: channel 1 to on_data (returning what it returns), channel 2 to
 * note or messages, an empty packet (a keepalive) nowhere. Channel 3 and unknown channels
 * return -1 with *err set: "<side>: server error: <its words>". */
int rm_sideband_route(const rm_sideband *sb, const char *data, size_t len);

#endif
