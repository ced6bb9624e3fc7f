#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

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
	assert_true(EVP_Digest(pack_bytes, 12 + BODY_LEN, pack_bytes + 12 + BODY_LEN, &n, EVP_sha1(),
			       NULL));
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relay),
		cmocka_unit_test(test_reader_gone),
	};
	make_pack();
	return cmocka_run_group_tests_name("pack", tests, NULL, NULL);
}
