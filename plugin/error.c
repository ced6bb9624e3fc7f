#include "error.h"

#include <stdio.h>
#include <string.h>

static int set_error(rm_error *err, int exit_code, int transient, const char *fmt, va_list ap)
{
	if (err->exit_code != 0)
		return -1;
	err->exit_code = exit_code;
	err->transient = transient;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	/* One line, always: a server's words may carry newlines. */
	for (char *c = err->msg; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	return -1;
}

int rm_error_set(rm_error *err, int exit_code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_error(err, exit_code, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int rm_error_set_transient(rm_error *err, int exit_code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_error(err, exit_code, 1, fmt, ap);
	va_end(ap);
	return -1;
}

void rm_error_clear(rm_error *err)
{
	memset(err, 0, sizeof(*err));
}
