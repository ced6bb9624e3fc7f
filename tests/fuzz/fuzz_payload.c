/* Arbitrary bytes as a webhook body: either refused with a one-line "payload: " message and
 * nothing left to free, or read into changes that keep the header's promises, or into none for
 * an event that is not a push. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "payload.h"

static int is_valid_sha(const rm_oid *oid)
{
	return !rm_oid_is_set(oid) || (strlen(oid->hex) == RM_OID_HEXSZ &&
				       strspn(oid->hex, "0123456789abcdef") == RM_OID_HEXSZ);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rm_payload p;
	rm_error err = {0};
	int rc = rm_payload_parse(&p, (const char *)data, size, &err);

	if (rc == -1) {
		if (rm_exit_code_for(&err) != RM_EXIT_USAGE ||
		    strncmp(err.msg, "payload: ", 9) != 0 || strpbrk(err.msg, "\r\n") ||
		    p.provider || p.changes || p.nchanges)
			abort();
		return 0;
	}
	if (rc != 0 || rm_error_is_set(&err) || p.nchanges > RM_PAYLOAD_MAX_CHANGES)
		abort();
	/* No change (and no provider) only for a known event that is not a push, said in one line.
	 */
	if (p.nchanges == 0 ? p.provider || !p.not_a_push[0] || strpbrk(p.not_a_push, "\r\n")
			    : !p.provider)
		abort();
	for (size_t i = 0; i < p.nchanges; i++)
		if (strncmp(p.changes[i].ref, "refs/", 5) != 0 ||
		    !is_valid_sha(&p.changes[i].old_sha) || !is_valid_sha(&p.changes[i].new_sha))
			abort();
	rm_payload_free(&p);
	return 0;
}
