#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <string.h>

#include "array.h"
#include "pack_check.h"

#define BODY_LEN 40

/* A pack as the checker sees it: header, BODY_LEN bytes standing for `objects` objects (the
 * checker does not inflate them), then the SHA-1 of all that. */
typedef struct pack {
	unsigned char bytes[12 + BODY_LEN + 20];
	size_t len;
} pack;

static pack make_pack(uint32_t version, uint32_t objects)
{
	pack p = {.len = sizeof(p.bytes)};
	unsigned int n;

	memcpy(p.bytes, "PACK", 4);
	for (int i = 0; i < 4; i++) {
		p.bytes[4 + i] = (unsigned char)(version >> (24 - 8 * i));
		p.bytes[8 + i] = (unsigned char)(objects >> (24 - 8 * i));
	}
	for (size_t i = 0; i < BODY_LEN; i++)
		p.bytes[12 + i] = (unsigned char)(i * 37 + 1);
	assert_true(
		EVP_Digest(p.bytes, 12 + BODY_LEN, p.bytes + 12 + BODY_LEN, &n, EVP_sha1(), NULL));
	return p;
}

/* Feeds the pack in pieces of `chunk` bytes; returns the first failure's rc, with *err. */
static int check(const pack *p, size_t chunk, uint64_t max_size, rm_error *err)
{
	rm_pack_check *c;
	int rc = 0;

	rm_error_clear(err);
	assert_int_equal(rm_pack_check_new(&c, max_size, err), 0);
	for (size_t off = 0; rc == 0 && off < p->len; off += chunk)
		rc = rm_pack_check_update(c, p->bytes + off,
					  off + chunk < p->len ? chunk : p->len - off, err);
	if (rc == 0)
		rc = rm_pack_check_finish(c, err);
	if (rc == 0) {
		assert_int_equal(rm_pack_check_size(c), p->len);
		assert_int_equal(rm_pack_check_objects(c), 3);
	}
	rm_pack_check_free(c);
	return rc;
}

static void test_good_pack_in_any_pieces(void **state)
{
	static const size_t chunks[] = {1, 2, 7, 12, 19, 20, 21, 33, 1000};
	pack p = make_pack(2, 3);
	rm_error err;

	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(chunks); i++)
		if (check(&p, chunks[i], 1 << 20, &err) != 0)
			fail_msg("pieces of %zu: %s", chunks[i], err.msg);
	p = make_pack(3, 3);
	assert_int_equal(check(&p, 5, 1 << 20, &err), 0);
}

/* Each damage fails with exit code 1 and a message that says what is wrong. */
static void test_damage(void **state)
{
	static const struct {
		size_t flip; /* a byte to flip, or 0 */
		size_t cut;  /* bytes left off the end */
		uint32_t version, objects;
		uint64_t max_size;
		const char *says;
	} cases[] = {
		{12 + 5, 0, 2, 3, 1 << 20, "SHA-1 trailer does not match"},
		{12 + BODY_LEN + 3, 0, 2, 3, 1 << 20, "SHA-1 trailer does not match"},
		{0, 1, 2, 3, 1 << 20, "SHA-1 trailer does not match"},
		{0, 12 + BODY_LEN + 20 - 31, 2, 3, 1 << 20, "no valid pack"},
		{1, 0, 2, 3, 1 << 20, "no PACK header"},
		{0, 0, 4, 3, 1 << 20, "unsupported pack version 4"},
		{0, 0, 2, 21, 1 << 20, "counts 21 objects"},
		{0, 0, 2, 3, 12 + BODY_LEN + 19, "more than max_pack_size"},
	};
	rm_error err;

	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(cases); i++) {
		pack p = make_pack(cases[i].version, cases[i].objects);

		if (cases[i].flip)
			p.bytes[cases[i].flip] ^= 0x40;
		p.len -= cases[i].cut;
		if (check(&p, 9, cases[i].max_size, &err) != -1)
			fail_msg("case %zu: accepted", i);
		assert_int_equal(err.kind, RM_ERR_PACK);
		assert_int_equal(rm_exit_code_for(&err), RM_EXIT_SOURCE);
		assert_false(err.transient);
		if (!strstr(err.msg, cases[i].says))
			fail_msg("case %zu: \"%s\" does not say \"%s\"", i, err.msg, cases[i].says);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_pack_in_any_pieces),
		cmocka_unit_test(test_damage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
