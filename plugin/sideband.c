#include "sideband.h"

#include <string.h>

#include "pktline.h"

enum { BAND_DATA = 1, BAND_MESSAGES = 2, BAND_ERROR = 3 };

/* Where an escape sequence is: none, after ESC, inside "ESC [" until its final byte. */
enum { NO_ESCAPE, AFTER_ESC, IN_CSI };

static void end_note_line(rm_server_note *n)
{
	while (n->len > 0 && n->line[n->len - 1] == ' ')
		n->len--;
	if (n->len > 0) {
		memcpy(n->last, n->line, n->len);
		n->last[n->len] = '\0';
	}
	n->len = 0;
	n->in_other = false;
	n->escape = NO_ESCAPE;
}

static void keep(rm_server_note *n, char c)
{
	if (n->len < RM_SERVER_NOTE_MAX && (c != ' ' || n->len > 0))
		n->line[n->len++] = c;
}

/* True while `c` belongs to an escape sequence (ESC x, or ESC [ ... final byte), which a CI log
 * would show as garbage. */
static bool in_escape(rm_server_note *n, unsigned char c)
{
	switch (n->escape) {
	case AFTER_ESC:
		n->escape = c == '[' ? IN_CSI : NO_ESCAPE;
		return true;
	case IN_CSI:
		if (c >= 0x40 && c <= 0x7e)
			n->escape = NO_ESCAPE;
		return true;
	}
	if (c == 0x1b)
		n->escape = AFTER_ESC;
	return c == 0x1b;
}

void rm_server_note_feed(rm_server_note *n, const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];

		if (c == '\r' || c == '\n') {
			end_note_line(n);
			continue;
		}
		if (in_escape(n, c))
			continue;
		if (c == '\t')
			c = ' ';
		if (c >= 0x20 && c < 0x7f) {
			keep(n, (char)c);
			n->in_other = false;
		} else if (c >= 0x80 && !n->in_other) {
			keep(n, '?');
			n->in_other = true;
		}
	}
}

int rm_sideband_route(const rm_sideband *sb, const char *data, size_t len)
{
	if (len == 0)
		return 0;
	switch ((unsigned char)data[0]) {
	case BAND_DATA:
		return sb->on_data(sb->ctx, data + 1, len - 1);
	case BAND_MESSAGES:
		if (sb->note)
			rm_server_note_feed(sb->note, data + 1, len - 1);
		else
			rm_log_remote(sb->messages, data + 1, len - 1);
		return 0;
	case BAND_ERROR:
		return rm_error_set(sb->err, sb->side, RM_ERR_REFUSED, "server error: %.*s",
				    (int)rm_pkt_chomp(data + 1, len - 1), data + 1);
	default:
		return rm_error_set(sb->err, sb->side, RM_ERR_PROTOCOL, "bad side-band channel %u",
				    (unsigned char)data[0]);
	}
}
