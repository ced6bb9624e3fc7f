#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "array.h"
#include "pack.h"

/* The relay between a fetch thread and the push: every byte arrives in order, and the last 20
 * (the checksum) only when the writer verified the whole pack. */

#define BODY_LEN 200000
#define PACK_LEN (12 + BODY_LEN + 20)
#define NO_LIMIT ((uint64_t)1 << 40)

enum damage { WHOLE, CORRUPT, CUT, ABANDONED };

typedef struct relay_case {
	const char *name;
	enum damage damage;
} relay_case;

static const relay_case cases[] = {
	{"a whole pack arrives byte for byte", WHOLE},
	{"a corrupt pack never reaches its end", CORRUPT},
	{"a pack cut short never reaches its end", CUT},
	{"an abandoned fetch never reaches its end", ABANDONED},
};

/* A small generator per thread (xorshift32): rand()'s state would be shared by both. */
static unsigned next_random(unsigned *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

typedef struct writer {
	rm_pack *pack;
	unsigned random; /* the writer thread's generator */
	const unsigned char *bytes;
	size_t len;
	enum damage damage;
} writer;

static unsigned char pack_bytes[PACK_LEN];

static void make_pack(void)
{
	unsigned int n, random = 7;

	memcpy(pack_bytes, "PACK\0\0\0\2\0\0\0\1", 12); /* version 2, one object */
	for (size_t i = 12; i < 12 + BODY_LEN; i++)
		pack_bytes[i] = (unsigned char)next_random(&random);
	assert_true(EVP_Digest(pack_bytes, 12 + BODY_LEN, pack_bytes + 12 + BODY_LEN, &n,
			       EVP_sha1(), NULL));
}

/* Writes in pieces of 1 to 40,000 bytes, then ends as the case says. */
static void *write_pack(void *arg)
{
	writer *w = arg;
	rm_error err = {0};
	size_t off = 0;

	while (off < w->len) {
		size_t most = next_random(&w->random) % 2 ? 7 : 40000;
		size_t n = 1 + (size_t)next_random(&w->random) % most;
		if (n > w->len - off)
			n = w->len - off;
		if (rm_pack_write(w->pack, w->bytes + off, n, &err) < 0)
			break;
		off += n;
	}
	if (w->damage == ABANDONED)
		rm_pack_abandon(w->pack);
	else
		rm_pack_finish(w->pack, &err);
	return NULL;
}

static void test_relay(void **state)
{
	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(cases); i++) {
		const relay_case *c = &cases[i];
		static unsigned char sent[PACK_LEN], got[PACK_LEN], buf[65536];
		writer w = {.random = 11, .bytes = sent, .len = PACK_LEN, .damage = c->damage};
		unsigned random = 13; /* the reader's generator */
		rm_error err = {0};
		size_t have = 0;
		ssize_t n;
		pthread_t thread;

		memcpy(sent, pack_bytes, PACK_LEN);
		if (c->damage == CORRUPT)
			sent[1000] ^= 1;
		if (c->damage == CUT)
			w.len -= 5;
		assert_int_equal(rm_pack_open_relay(&w.pack, NO_LIMIT, &err), 0);
		assert_int_equal(pthread_create(&thread, NULL, write_pack, &w), 0);
		rm_pack_wait_data(w.pack);
		while ((n = rm_pack_read(w.pack, buf, 21 + (size_t)next_random(&random) % 60000,
					 &err)) > 0) {
			assert_true(have + (size_t)n <= PACK_LEN);
			memcpy(got + have, buf, (size_t)n);
			have += (size_t)n;
		}
		rm_pack_close_reader(w.pack);
		pthread_join(thread, NULL);
		if (c->damage == WHOLE) {
			assert_int_equal(n, 0);
			assert_int_equal(have, PACK_LEN);
			assert_memory_equal(got, sent, PACK_LEN);
			assert_int_equal(rm_pack_size(w.pack), PACK_LEN);
			assert_int_equal(rm_pack_object_count(w.pack), 1);
		} else {
			print_message("# %s: %s\n", c->name, err.msg);
			assert_int_equal(n, -1);
			assert_int_equal(rm_exit_code_for(&err), RM_EXIT_SOURCE);
			assert_true(have <= w.len - 20); /* the checksum was held back */
			assert_memory_equal(got, sent, have);
		}
		rm_pack_free(w.pack);
	}
}

/* A push that stops reading makes the fetch's next write fail, instead of blocking it forever. */
static void test_reader_gone(void **state)
{
	rm_pack *p;
	rm_error err = {0};
	static unsigned char big[4 << 20];

	(void)state;
	assert_int_equal(rm_pack_open_relay(&p, NO_LIMIT, &err), 0);
	rm_pack_close_reader(p);
	memcpy(big, pack_bytes, 12);
	assert_int_equal(rm_pack_write(p, big, sizeof(big), &err), -1);
	assert_true(rm_pack_reader_gone(p));
	rm_pack_free(p);
}

/* A pack of one commit whose parent is P: a push that waits on ancestry gets its trailer when
 * the scan looks for P, and never when it looks for Q: the pack is then held back, whole and
 * verified, and the reader fails before the trailer. */
#define P "1111111111111111111111111111111111111111"
#define Q "2222222222222222222222222222222222222222"

static size_t make_commit_pack(unsigned char *pack, size_t room)
{
	static const char commit[] = "tree 4b825dc642cb6eb9a060e54bf8d69288fbbfdbc8\n"
				     "parent " P "\n"
				     "author a <a@a> 0 +0000\ncommitter a <a@a> 0 +0000\n\nc\n";
	size_t len = sizeof(commit) - 1;
	uLongf zlen = (uLongf)(room - 12 - 2 - 20);
	unsigned int n;

	memcpy(pack, "PACK\0\0\0\2\0\0\0\1", 12);
	pack[12] = (unsigned char)(0x80 | 1 << 4 | (len & 0x0f)); /* a commit, its size */
	pack[13] = (unsigned char)(len >> 4);
	assert_int_equal(compress(pack + 14, &zlen, (const Bytef *)commit, len), Z_OK);
	assert_true(EVP_Digest(pack, 14 + zlen, pack + 14 + zlen, &n, EVP_sha1(), NULL));
	return 14 + zlen + 20;
}

static void test_held_for_ancestry(void **state)
{
	static const struct {
		const char *parent;
		bool whole;
	} looks[] = {{P, true}, {Q, false}};
	unsigned char pack[512], got[512];

	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(looks); i++) {
		size_t len = make_commit_pack(pack, sizeof(pack)), have = 0;
		rm_pack *p;
		rm_error err = {0};
		rm_oid parent;
		ssize_t n;

		assert_int_equal(rm_oid_parse(&parent, looks[i].parent, RM_OID_HEXSZ), 0);
		assert_int_equal(rm_pack_open_relay(&p, NO_LIMIT, &err), 0);
		assert_int_equal(rm_pack_scan_for_child_of(p, &parent, true, &err), 0);
		assert_int_equal(rm_pack_write(p, pack, len, &err), 0);
		assert_int_equal(rm_pack_finish(p, &err), looks[i].whole ? 0 : -1);
		assert_int_equal(rm_pack_held_back(p), !looks[i].whole);
		assert_int_equal(rm_pack_child_of(p, NULL),
				 looks[i].whole ? RM_PACK_SCAN_YES : RM_PACK_SCAN_NO);
		while ((n = rm_pack_read(p, got + have, sizeof(got) - have, &err)) > 0)
			have += (size_t)n;
		assert_int_equal(n, looks[i].whole ? 0 : -1);
		assert_int_equal(have, looks[i].whole ? len : len - 20);
		rm_pack_free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relay),
		cmocka_unit_test(test_reader_gone),
		cmocka_unit_test(test_held_for_ancestry),
	};
	make_pack();
	return cmocka_run_group_tests_name("pack", tests, NULL, NULL);
}
