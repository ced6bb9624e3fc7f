/* Log lines on stderr, with every registered secret masked in each one. */
#include "log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A run has two tokens; the spare room is for tests and future settings. */
#define MAX_SECRETS 8
/* Bytes of a line printed after its prefix; the rest is cut. Masking happens before the cut so
 * that a secret straddling it is still masked. */
#define MAX_LINE 2048

static char *secrets[MAX_SECRETS];
static size_t secret_count;

static bool is_registered(const char *secret)
{
	for (size_t i = 0; i < secret_count; i++)
		if (strcmp(secrets[i], secret) == 0)
			return true;
	return false;
}

void rm_log_add_secret(const char *secret)
{
	char *copy;

	if (!secret || !*secret || is_registered(secret) || secret_count == MAX_SECRETS)
		return;
	copy = strdup(secret);
	if (copy)
		secrets[secret_count++] = copy;
}

void rm_log_clear_secrets(void)
{
	while (secret_count > 0)
		free(secrets[--secret_count]);
}

/* The end of the longest secret that starts at text[at], or `at` when none does. */
static size_t secret_end(const char *text, size_t len, size_t at)
{
	size_t end = at;

	for (size_t i = 0; i < secret_count; i++) {
		size_t n = strlen(secrets[i]);

		if (n <= len - at && at + n > end && memcmp(text + at, secrets[i], n) == 0)
			end = at + n;
	}
	return end;
}

/* Each run of text covered by secrets, overlapping or adjacent ones included, becomes one "***"
 * (fewer stars for a shorter run, so that the text never grows). Works in place: the write
 * position never passes the read position. */
void rm_log_mask(char *text)
{
	size_t len = strlen(text);
	size_t out = 0;

	for (size_t at = 0; at < len;) {
		size_t end = secret_end(text, len, at);

		if (end == at) {
			text[out++] = text[at++];
			continue;
		}
		for (size_t i = at + 1; i <= end; i++) {
			size_t e = secret_end(text, len, i);

			if (e > end)
				end = e;
		}
		for (size_t stars = end - at < 3 ? end - at : 3; stars > 0; stars--)
			text[out++] = '*';
		at = end;
	}
	text[out] = '\0';
}

/* Control characters other than tab would garble a CI log (or a terminal). */
static bool is_unprintable(char c)
{
	return ((unsigned char)c < 0x20 && c != '\t') || c == 0x7f;
}

static void print_line(const char *prefix, char *text)
{
	rm_log_mask(text);
	fprintf(stderr, "%s%.*s\n", prefix, MAX_LINE, text);
}

/* The formatted message in a new string, or NULL out of memory. */
static char *format(const char *fmt, va_list ap)
{
	va_list size_ap;
	int n;
	char *text;

	va_copy(size_ap, ap);
	n = vsnprintf(NULL, 0, fmt, size_ap);
	va_end(size_ap);
	if (n < 0)
		return NULL;
	text = malloc((size_t)n + 1);
	if (text)
		vsnprintf(text, (size_t)n + 1, fmt, ap);
	return text;
}

void rm_log(const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = format(fmt, ap);
	va_end(ap);
	if (!text)
		return;
	for (char *c = text; *c; c++)
		if (is_unprintable(*c))
			*c = ' ';
	print_line("refmirror: ", text);
	free(text);
}

void rm_remote_log_init(rm_remote_log *l, const char *side)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->prefix, sizeof(l->prefix), "  %s: remote: ", side);
}

/* The line so far is finished: printed unless empty. */
static void end_line(rm_remote_log *l)
{
	l->line[l->len] = '\0';
	if (l->len > 0)
		print_line(l->prefix, l->line);
	l->len = 0;
}

/* Decides the fate of a carriage return once the byte after it is known: "\r\n" ends a line;
 * a lone "\r" is a progress meter redrawn in place, which a CI log does without. */
static void settle_carriage_return(rm_remote_log *l, char next)
{
	l->after_cr = false;
	if (next != '\n')
		l->len = 0;
}

void rm_log_remote(rm_remote_log *l, const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char c = data[i];

		if (l->after_cr)
			settle_carriage_return(l, c);
		if (c == '\n')
			end_line(l);
		else if (c == '\r')
			l->after_cr = true;
		else if (!is_unprintable(c) && l->len < sizeof(l->line) - 1)
			l->line[l->len++] = c;
	}
}

void rm_log_remote_end(rm_remote_log *l)
{
	if (l->after_cr)
		settle_carriage_return(l, '\0');
	end_line(l);
}
