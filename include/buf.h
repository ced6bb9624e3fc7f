/* A growable byte buffer with a hard size limit, for everything read from or sent to the network
 * that is held in memory (advertisements, request bodies). Packs never go into one. */
#ifndef RM_BUF_H
#define RM_BUF_H

#include <stddef.h>

typedef struct rm_buf {
	char *data; /* always NUL-terminated when non-NULL; may hold NULs inside */
	size_t len;
	size_t cap;
	size_t limit; /* appends that would pass this many bytes fail */
} rm_buf;

/* An empty buffer that may grow to `limit` bytes. Allocates nothing until the first append. */
void rm_buf_init(rm_buf *b, size_t limit);

/* Appends bytes. Returns 0, or -1 (buffer unchanged) past the limit or out of memory. */
int rm_buf_append(rm_buf *b, const void *data, size_t len);

/* Appends printf-formatted text. Returns 0 or -1 as rm_buf_append. */
int rm_buf_printf(rm_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Empties the buffer, keeping its memory. */
void rm_buf_reset(rm_buf *b);

/* Frees the memory; the buffer is empty and reusable afterwards. */
void rm_buf_free(rm_buf *b);

#endif
