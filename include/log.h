/* Logging for a CI log: short lines on stderr, one per event, never a token. Every registered
 * secret is replaced by "***" in anything printed, whatever its origin (a server may echo it). */
#ifndef RM_LOG_H
#define RM_LOG_H

#include <stddef.h>

/* Registers a secret to mask in every later line. The text is copied; NULL or "" is ignored. */
void rm_log_add_secret(const char *secret);

/* Forgets all secrets (tests). */
void rm_log_clear_secrets(void);

/* Prints one line: "refmirror: " + message. */
void rm_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the server's own words as lines "  <side>: remote: ...", splitting `len` bytes at
 * newlines and carriage returns, skipping empty lines, dropping control characters but tab. */
void rm_log_remote(const char *side, const char *data, size_t len);

/* Masks the registered secrets in `text` in place (the result is never longer). */
void rm_log_mask(char *text);

#endif
