/* Logging for a CI log: short lines on stderr, one per event, never a token. Every registered
 * secret is replaced by "***" in anything printed, whatever its origin (a server may echo it). */
#ifndef RM_LOG_H
#define RM_LOG_H

#include <stdbool.h>
#include <stddef.h>

/* Registers a secret to mask in every later line. The text is copied; NULL or "" is ignored.
 * Call it before a second thread starts (main does, right after the settings): every thread
 * then reads the secrets without a lock. */
void rm_log_add_secret(const char *secret);

/* Forgets all secrets (tests; with no other thread running). */
void rm_log_clear_secrets(void);

/* Prints one line: "refmirror: " + message. */
void rm_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The server's own words (side-band channel 2) arrive in pieces that may end mid-line: an
 * rm_remote_log keeps the unfinished line (up to 4 KiB; the rest of a longer one is dropped) until
 * its end arrives. Plain value, no resources. */
typedef struct rm_remote_log {
	char prefix[40];
	char line[4096];
	size_t len;
	bool after_cr;
} rm_remote_log;

/* Starts a stream whose lines print as "  <side>: remote: <line>". */
void rm_remote_log_init(rm_remote_log *l, const char *side);

/* Prints each line the bytes finish, masked, skipping empty lines and progress redraws (text
 * ended by a lone carriage return), dropping control characters but tab. */
void rm_log_remote(rm_remote_log *l, const char *data, size_t len);

/* Prints the unfinished last line, if any (the stream ended without a newline). */
void rm_log_remote_end(rm_remote_log *l);

/* Masks the registered secrets in `text` in place (the result is never longer). */
void rm_log_mask(char *text);

#endif
