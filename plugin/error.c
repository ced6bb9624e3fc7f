#include "error.h"

#include <stdio.h>
#include <string.h>

const char *rm_side_name(rm_side side)
{
	switch (side) {
	case RM_SIDE_SOURCE:
		return "source";
	case RM_SIDE_TARGET:
		return "target";
	case RM_SIDE_NONE:
		break;
	}
	return "";
}

static int set_error(rm_error *err, rm_side side, rm_error_kind kind, int transient,
		     const char *fmt, va_list ap)
{
	int n = 0;

	if (err->kind != RM_ERR_NONE)
		return -1;
	err->side = side;
	err->kind = kind;
	err->transient = transient;
	if (side != RM_SIDE_NONE)
		n = snprintf(err->msg, sizeof(err->msg), "%s: ", rm_side_name(side));
	vsnprintf(err->msg + n, sizeof(err->msg) - (size_t)n, fmt, ap);
	/* One line, always: a server's words may carry newlines. */
	for (char *c = err->msg; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	return -1;
}

int rm_error_set(rm_error *err, rm_side side, rm_error_kind kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_error(err, side, kind, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int rm_error_set_transient(rm_error *err, rm_side side, rm_error_kind kind, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_error(err, side, kind, 1, fmt, ap);
	va_end(ap);
	return -1;
}

int rm_error_is_set(const rm_error *err)
{
	return err->kind != RM_ERR_NONE;
}

int rm_exit_code_for(const rm_error *err)
{
	if (err->kind == RM_ERR_NONE)
		return RM_EXIT_OK;
	if (err->kind == RM_ERR_USAGE)
		return RM_EXIT_USAGE;
	if (err->side == RM_SIDE_TARGET)
		return RM_EXIT_TARGET;
	return RM_EXIT_SOURCE;
}

void rm_error_clear(rm_error *err)
{
	memset(err, 0, sizeof(*err));
}
