#include "oid.h"

#include <stdio.h>
#include <string.h>

int rm_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int rm_oid_parse(rm_oid *out, const char *text, size_t len)
{
	out->hex[0] = '\0';
	if (len != RM_OID_HEXSZ)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (rm_hex_value(text[i]) < 0)
			return -1;
	for (size_t i = 0; i < len; i++)
		out->hex[i] = "0123456789abcdef"[rm_hex_value(text[i])];
	out->hex[len] = '\0';
	return 0;
}

bool rm_oid_is_set(const rm_oid *oid)
{
	return oid->hex[0] != '\0';
}

bool rm_oid_equal(const rm_oid *a, const rm_oid *b)
{
	return strcmp(a->hex, b->hex) == 0;
}

const char *rm_oid_wire(const rm_oid *oid)
{
	return rm_oid_is_set(oid) ? oid->hex : RM_ZERO_OID;
}

rm_oid_abbrev rm_oid_short(const rm_oid *oid)
{
	rm_oid_abbrev a;

	snprintf(a.hex, sizeof(a.hex), "%.12s", rm_oid_is_set(oid) ? oid->hex : "(absent)");
	return a;
}
