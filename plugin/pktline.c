#include "pktline.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oid.h"

#define PKT_HEADER 4

static int append_header(rm_buf *out, size_t size)
{
	char header[PKT_HEADER + 1];

	snprintf(header, sizeof(header), "%04zx", size);
	return rm_buf_append(out, header, PKT_HEADER);
}

int rm_pkt_append(rm_buf *out, const void *data, size_t len)
{
	size_t mark = out->len;

	if (len == 0 || len > RM_PKT_DATA_MAX)
		return -1;
	if (append_header(out, PKT_HEADER + len) == 0 && rm_buf_append(out, data, len) == 0)
		return 0;
	/* Take the header back: a lone header would swallow whatever is appended next. */
	out->len = mark;
	if (out->data)
		out->data[mark] = '\0';
	return -1;
}

int rm_pkt_appendf(rm_buf *out, const char *fmt, ...)
{
	char line[RM_PKT_DATA_MAX + 1];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n > RM_PKT_DATA_MAX)
		return -1;
	return rm_pkt_append(out, line, (size_t)n);
}

int rm_pkt_flush(rm_buf *out)
{
	return rm_buf_append(out, "0000", PKT_HEADER);
}

int rm_pkt_delim(rm_buf *out)
{
	return rm_buf_append(out, "0001", PKT_HEADER);
}

struct rm_pkt_reader {
	rm_pkt_cb cb;
	void *ctx;
	char header[PKT_HEADER];
	size_t header_len; /* header bytes read so far */
	size_t data_len;   /* payload size, once the header is complete */
	size_t data_read;
	int stopped; /* the nonzero result that ended decoding */
	char error[64];
	char data[]; /* RM_PKT_DATA_MAX bytes: the packet being read */
};

rm_pkt_reader *rm_pkt_reader_new(rm_pkt_cb cb, void *ctx)
{
	rm_pkt_reader *r = malloc(sizeof(*r) + RM_PKT_DATA_MAX);

	if (!r)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->cb = cb;
	r->ctx = ctx;
	return r;
}

/* The packet size the header announces, or -1 when it is not hex. */
static long header_size(const char *header)
{
	long size = 0;

	for (int i = 0; i < PKT_HEADER; i++) {
		int digit = rm_hex_value(header[i]);
		if (digit < 0)
			return -1;
		size = size * 16 + digit;
	}
	return size;
}

static int bad_header(rm_pkt_reader *r)
{
	char shown[PKT_HEADER + 1];

	/* The header may be any bytes at all: show only what prints. */
	for (int i = 0; i < PKT_HEADER; i++)
		shown[i] = isprint((unsigned char)r->header[i]) ? r->header[i] : '?';
	shown[PKT_HEADER] = '\0';
	snprintf(r->error, sizeof(r->error), "bad pkt-line length \"%s\"", shown);
	return -1;
}

static int deliver(rm_pkt_reader *r, rm_pkt_type type, const char *data, size_t len)
{
	r->header_len = 0;
	r->data_read = 0;
	return r->cb(r->ctx, type, data, len);
}

/* Acts on a complete header: delivers a special packet, or readies for the payload. */
static int start_packet(rm_pkt_reader *r)
{
	long size = header_size(r->header);

	switch (size) {
	case 0:
		return deliver(r, RM_PKT_FLUSH, NULL, 0);
	case 1:
		return deliver(r, RM_PKT_DELIM, NULL, 0);
	case 2:
		return deliver(r, RM_PKT_RESPONSE_END, NULL, 0);
	}
	if (size < PKT_HEADER || size > RM_PKT_MAX)
		return bad_header(r);
	r->data_len = (size_t)size - PKT_HEADER;
	if (r->data_len == 0)
		return deliver(r, RM_PKT_DATA, r->data, 0);
	return 0;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Consumes bytes of the current packet, up to its end; returns how many. */
static size_t read_some(rm_pkt_reader *r, const char *data, size_t len)
{
	size_t n;

	if (r->header_len < PKT_HEADER) {
		n = min_size(PKT_HEADER - r->header_len, len);
		memcpy(r->header + r->header_len, data, n);
		r->header_len += n;
		if (r->header_len == PKT_HEADER)
			r->stopped = start_packet(r);
		return n;
	}
	n = min_size(r->data_len - r->data_read, len);
	memcpy(r->data + r->data_read, data, n);
	r->data_read += n;
	if (r->data_read == r->data_len)
		r->stopped = deliver(r, RM_PKT_DATA, r->data, r->data_len);
	return n;
}

int rm_pkt_reader_feed(rm_pkt_reader *r, const char *data, size_t len)
{
	while (len && !r->stopped) {
		size_t n = read_some(r, data, len);
		data += n;
		len -= n;
	}
	return r->stopped;
}

int rm_pkt_reader_at_boundary(const rm_pkt_reader *r)
{
	return r->header_len == 0;
}

const char *rm_pkt_reader_error(const rm_pkt_reader *r)
{
	return r->error;
}

void rm_pkt_reader_free(rm_pkt_reader *r)
{
	free(r);
}

size_t rm_pkt_chomp(const char *data, size_t len)
{
	return len && data[len - 1] == '\n' ? len - 1 : len;
}

bool rm_pkt_text_is(const char *line, size_t len, const char *text)
{
	return len == strlen(text) && memcmp(line, text, len) == 0;
}

bool rm_pkt_skip_prefix(const char **line, size_t *len, const char *prefix)
{
	size_t n = strlen(prefix);

	if (*len < n || memcmp(*line, prefix, n) != 0)
		return false;
	*line += n;
	*len -= n;
	return true;
}
