/* Arbitrary bytes as an info/refs body, and as an ls-refs answer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "advert.h"

/* The capability list's first entry, asked for by name, is found, with its value if it has one. */
static void check_first_cap(const char *caps)
{
	size_t len = strcspn(caps, " \n");
	size_t name_len = strcspn(caps, " \n=");
	char name[RM_PKT_DATA_MAX + 1];
	const char *value;

	if (name_len == 0)
		return;
	memcpy(name, caps, name_len);
	name[name_len] = '\0';
	if (!rm_caps_has(caps, name, &value) ||
	    value != (name_len < len ? caps + name_len + 1 : NULL))
		abort();
}

static void parse(rm_advert_kind kind, const uint8_t *data, size_t size)
{
	rm_advert_parser *p = rm_advert_parser_new(kind);
	rm_pkt_reader *r = rm_pkt_reader_new(rm_advert_parser_feed, p);
	rm_advert a;
	char why[160];
	int rc;

	if (!p || !r)
		abort();
	rc = rm_pkt_reader_feed(r, (const char *)data, size);
	if (rc != 0 && !*rm_advert_parser_error(p) && !*rm_pkt_reader_error(r))
		abort(); /* every failure says why */
	if (rm_advert_parser_finish(p, &a) == 0) {
		/* What the callers rely on after a successful parse. */
		if (!a.caps || (a.version != 0 && a.version != 2))
			abort();
		rm_caps_has(a.caps, "side-band-64k", NULL);
		check_first_cap(a.caps);
		if (rm_caps_check_object_format(a.caps, why, sizeof(why)) < 0 &&
		    (strlen(why) >= sizeof(why) - 1 || strpbrk(why, "\r\n")))
			abort(); /* a one-line message, not cut */
		for (size_t i = 0; i < a.nrefs; i++)
			if (rm_advert_find(&a, a.refs[i].name) == NULL ||
			    !rm_oid_is_set(&a.refs[i].oid))
				abort();
	}
	rm_pkt_reader_free(r);
	rm_advert_parser_free(p);
	rm_advert_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse(RM_ADVERT_INFO_REFS, data, size);
	parse(RM_ADVERT_LS_REFS, data, size);
	return 0;
}
