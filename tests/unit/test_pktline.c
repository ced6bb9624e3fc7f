#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "pktline.h"

#define S(lit) lit, sizeof(lit) - 1

/* Encoding */

static void test_append(void **state)
{
	static const struct {
		const char *data;
		size_t len;
		const char *wire;
	} rows[] = {
		{S("a"), "0005a"},
		{S("hello\n"), "000ahello\n"},
		{S("a\0b"), "0007a\0b"},
		{S("0000"), "00080000"},
	};
	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(rows); i++) {
		rm_buf b;
		rm_buf_init(&b, 1024);
		assert_int_equal(rm_pkt_append(&b, rows[i].data, rows[i].len), 0);
		assert_int_equal(b.len, rows[i].len + 4);
		assert_memory_equal(b.data, rows[i].wire, b.len);
		rm_buf_free(&b);
	}
}

static void test_append_limits(void **state)
{
	static char big[RM_PKT_DATA_MAX + 1];
	rm_buf b;

	(void)state;
	memset(big, 'x', sizeof(big));
	rm_buf_init(&b, 2 * RM_PKT_MAX);
	assert_int_equal(rm_pkt_append(&b, "", 0), -1);
	assert_int_equal(rm_pkt_append(&b, big, RM_PKT_DATA_MAX + 1), -1);
	assert_int_equal(b.len, 0);
	assert_int_equal(rm_pkt_append(&b, big, RM_PKT_DATA_MAX), 0);
	assert_int_equal(b.len, RM_PKT_MAX);
	assert_memory_equal(b.data, "fff0xx", 6);
	rm_buf_free(&b);
}

static void test_append_full_buffer(void **state)
{
	rm_buf b;

	(void)state;
	rm_buf_init(&b, 8);
	assert_int_equal(rm_pkt_append(&b, "a", 1), 0);
	/* A failed append leaves the buffer as it was, not with a dangling header. */
	assert_int_equal(rm_pkt_append(&b, "bc", 2), -1);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "0005a");
	assert_int_equal(rm_pkt_appendf(&b, "%s", "bc"), -1);
	assert_int_equal(b.len, 5);
	assert_int_equal(rm_pkt_flush(&b), -1);
	assert_int_equal(rm_pkt_append(&b, "", 0), -1);
	rm_buf_free(&b);
}

static void test_appendf_flush_delim(void **state)
{
	rm_buf b;

	(void)state;
	rm_buf_init(&b, 1024);
	assert_int_equal(rm_pkt_appendf(&b, "want %s\n", "abc"), 0);
	assert_int_equal(rm_pkt_delim(&b), 0);
	assert_int_equal(rm_pkt_appendf(&b, "%d", 42), 0);
	assert_int_equal(rm_pkt_flush(&b), 0);
	assert_string_equal(b.data, "000dwant abc\n00010006420000");
	assert_int_equal(rm_pkt_appendf(&b, "%s", ""), -1);
	assert_int_equal(rm_pkt_appendf(&b, "%*s", RM_PKT_DATA_MAX + 1, "x"), -1);
	rm_buf_free(&b);
}

/* Decoding: each packet is recorded as text, so that a whole stream's packets compare as one
 * string: "[payload]" for data, "F", "D", "E" for flush, delim, response-end. */

typedef struct trace {
	rm_buf text;
	int stop_at; /* the callback returns 7 on this packet (1-based); 0: never */
	int seen;
} trace;

static int record(void *ctx, rm_pkt_type type, const char *data, size_t len)
{
	trace *t = ctx;

	switch (type) {
	case RM_PKT_DATA:
		assert_non_null(data);
		assert_int_equal(rm_buf_append(&t->text, "[", 1), 0);
		assert_int_equal(rm_buf_append(&t->text, data, len), 0);
		assert_int_equal(rm_buf_append(&t->text, "]", 1), 0);
		break;
	case RM_PKT_FLUSH:
	case RM_PKT_DELIM:
	case RM_PKT_RESPONSE_END:
		assert_null(data);
		assert_int_equal(len, 0);
		assert_int_equal(rm_buf_append(&t->text, &"FDE"[type - RM_PKT_FLUSH], 1), 0);
		break;
	}
	return ++t->seen == t->stop_at ? 7 : 0;
}

typedef struct decoded {
	int rc;
	int at_boundary;
	char error[64];
} decoded;

/* Decodes `len` bytes fed `chunk` bytes at a time into t. */
static decoded decode(trace *t, const char *wire, size_t len, size_t chunk)
{
	rm_pkt_reader *r = rm_pkt_reader_new(record, t);
	decoded d = {0};

	assert_non_null(r);
	rm_buf_init(&t->text, 1 << 20);
	rm_buf_append(&t->text, "", 0);
	t->seen = 0;
	for (size_t off = 0; off < len && d.rc == 0; off += chunk)
		d.rc = rm_pkt_reader_feed(r, wire + off, len - off < chunk ? len - off : chunk);
	if (d.rc != 0) {
		/* Stopped for good: more input neither calls back nor changes the answer. */
		int seen = t->seen;
		assert_int_equal(rm_pkt_reader_feed(r, "0000", 4), d.rc);
		assert_int_equal(t->seen, seen);
	}
	d.at_boundary = rm_pkt_reader_at_boundary(r);
	snprintf(d.error, sizeof(d.error), "%s", rm_pkt_reader_error(r));
	rm_pkt_reader_free(r);
	return d;
}

static const struct decode_row {
	const char *name;
	const char *wire;
	size_t len;
	const char *packets;
	size_t packets_len;
	int rc;
	int at_boundary;
} decode_rows[] = {
	{"empty", S(""), S(""), 0, 1},
	{"one line", S("0006a\n"), S("[a\n]"), 0, 1},
	{"specials", S("000000010002"), S("FDE"), 0, 1},
	{"empty data", S("00040005x0000"), S("[][x]F"), 0, 1},
	{"binary", S("0008\0\xff\n\0"), S("[\0\xff\n\0]"), 0, 1},
	{"uppercase length", S("000Ahello\n"), S("[hello\n]"), 0, 1},
	{"payload like a header", S("000800000000"), S("[0000]F"), 0, 1},
	{"advertisement",
	 S("001e# service=git-upload-pack\n0000"
	   "003d0123456789abcdef0123456789abcdef01234567 refs/heads/main\n0000"),
	 S("[# service=git-upload-pack\n]F[0123456789abcdef0123456789abcdef01234567 "
	   "refs/heads/main\n]F"),
	 0, 1},
	{"cut in header", S("0006a\n00"), S("[a\n]"), 0, 0},
	{"cut in payload", S("0009hel"), S(""), 0, 0},
	{"header only", S("0009"), S(""), 0, 0},
	{"length 3", S("0003"), S(""), -1, 0},
	{"not hex", S("zzzz"), S(""), -1, 0},
	{"sign", S("-001"), S(""), -1, 0},
	{"NUL in header", S("00\0005"), S(""), -1, 0},
	{"above maximum", S("fff1"), S(""), -1, 0},
	{"maximum", S("ffff"), S(""), -1, 0},
	{"error after packets", S("0005a0000zzzz0005b"), S("[a]F"), -1, 0},
};

static void test_decode_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(decode_rows); i++) {
		const struct decode_row *row = &decode_rows[i];
		trace whole = {0}, bytes = {0};
		decoded d1 = decode(&whole, row->wire, row->len, row->len ? row->len : 1);
		decoded d2 = decode(&bytes, row->wire, row->len, 1);

		if (d1.rc != row->rc || whole.text.len != row->packets_len ||
		    memcmp(whole.text.data, row->packets, row->packets_len) != 0)
			print_message("row \"%s\"\n", row->name);
		assert_int_equal(d1.rc, row->rc);
		assert_int_equal(whole.text.len, row->packets_len);
		assert_memory_equal(whole.text.data, row->packets, row->packets_len);
		assert_int_equal(d1.at_boundary, row->at_boundary);
		assert_int_equal(*d1.error != '\0', row->rc == -1);
		/* Feeding a byte at a time changes nothing. */
		assert_int_equal(d2.rc, d1.rc);
		assert_int_equal(bytes.text.len, whole.text.len);
		assert_memory_equal(bytes.text.data, whole.text.data, whole.text.len);
		assert_int_equal(d2.at_boundary, d1.at_boundary);
		assert_string_equal(d2.error, d1.error);
		rm_buf_free(&whole.text);
		rm_buf_free(&bytes.text);
	}
}

static void test_error_message(void **state)
{
	trace t = {0};
	decoded d = decode(&t, S("0\n\x01z"), 1);

	(void)state;
	assert_int_equal(d.rc, -1);
	assert_string_equal(d.error, "bad pkt-line length \"0??z\"");
	rm_buf_free(&t.text);
}

static void test_callback_abort(void **state)
{
	static const char wire[] = "0005a0005b0005c";
	static const size_t chunks[] = {sizeof(wire) - 1, 1, 3};

	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(chunks); i++) {
		trace t = {.stop_at = 2};
		decoded d = decode(&t, wire, sizeof(wire) - 1, chunks[i]);

		assert_int_equal(d.rc, 7);
		assert_string_equal(t.text.data, "[a][b]");
		/* The callback's own failure: the reader has nothing to add. */
		assert_string_equal(d.error, "");
		rm_buf_free(&t.text);
	}
}

static void test_max_packet(void **state)
{
	rm_buf wire;
	static char payload[RM_PKT_DATA_MAX];
	static const size_t chunks[] = {RM_PKT_MAX + 8, 1, 4096, 7};

	(void)state;
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (char)(i * 31 + 7);
	rm_buf_init(&wire, 2 * RM_PKT_MAX);
	assert_int_equal(rm_pkt_append(&wire, payload, sizeof(payload)), 0);
	assert_int_equal(rm_pkt_flush(&wire), 0);
	for (size_t i = 0; i < RM_ARRAY_SIZE(chunks); i++) {
		trace t = {0};
		decoded d = decode(&t, wire.data, wire.len, chunks[i]);

		assert_int_equal(d.rc, 0);
		assert_true(d.at_boundary);
		assert_int_equal(t.text.len, sizeof(payload) + 3);
		assert_memory_equal(t.text.data + 1, payload, sizeof(payload));
		assert_memory_equal(t.text.data + 1 + sizeof(payload), "]F", 2);
		rm_buf_free(&t.text);
	}
	rm_buf_free(&wire);
}

/* What the encoder writes, the decoder reads back, however it is cut. */
static void test_round_trip(void **state)
{
	rm_buf wire, expect;
	trace t = {0};

	(void)state;
	rm_buf_init(&wire, 1 << 20);
	rm_buf_init(&expect, 1 << 20);
	for (size_t n = 1; n < 300; n += 7) {
		char line[300];
		for (size_t i = 0; i < n; i++)
			line[i] = (char)(n + i);
		assert_int_equal(rm_pkt_append(&wire, line, n), 0);
		rm_buf_append(&expect, "[", 1);
		rm_buf_append(&expect, line, n);
		rm_buf_append(&expect, "]", 1);
		if (n % 3 == 0) {
			assert_int_equal(rm_pkt_delim(&wire), 0);
			rm_buf_append(&expect, "D", 1);
		}
	}
	assert_int_equal(rm_pkt_flush(&wire), 0);
	rm_buf_append(&expect, "F", 1);
	for (size_t chunk = 1; chunk < 40; chunk += 3) {
		decoded d = decode(&t, wire.data, wire.len, chunk);
		assert_int_equal(d.rc, 0);
		assert_true(d.at_boundary);
		assert_int_equal(t.text.len, expect.len);
		assert_memory_equal(t.text.data, expect.data, expect.len);
		rm_buf_free(&t.text);
	}
	rm_buf_free(&wire);
	rm_buf_free(&expect);
}

static void test_chomp(void **state)
{
	(void)state;
	assert_int_equal(rm_pkt_chomp(S("abc\n")), 3);
	assert_int_equal(rm_pkt_chomp(S("abc\n\n")), 4);
	assert_int_equal(rm_pkt_chomp(S("abc")), 3);
	assert_int_equal(rm_pkt_chomp(S("\n")), 0);
	assert_int_equal(rm_pkt_chomp(S("")), 0);
}

static void test_text_matching(void **state)
{
	static const struct {
		const char *line;
		size_t len; /* of line, which may hold a NUL */
		const char *word;
		bool is, starts;
		const char *rest; /* after the prefix, when it starts with it */
	} rows[] = {
		{"NAK", 3, "NAK", true, true, ""},
		{"NAKx", 4, "NAK", false, true, "x"},
		{"NA", 2, "NAK", false, false, NULL},
		{"ACK 1234", 8, "ACK ", false, true, "1234"},
		{"ACK", 3, "ACK ", false, false, NULL},
		{"ack 1", 5, "ACK ", false, false, NULL},
		{"ok\0x", 4, "ok", false, true, "\0x"},
		{"", 0, "", true, true, ""},
		{"x", 1, "", false, true, "x"},
	};

	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(rows); i++) {
		const char *line = rows[i].line;
		size_t len = rows[i].len;

		assert_int_equal(rm_pkt_text_is(line, len, rows[i].word), rows[i].is);
		assert_int_equal(rm_pkt_skip_prefix(&line, &len, rows[i].word), rows[i].starts);
		if (!rows[i].starts) {
			assert_ptr_equal(line, rows[i].line);
			assert_int_equal(len, rows[i].len);
			continue;
		}
		assert_int_equal(len, rows[i].len - strlen(rows[i].word));
		assert_memory_equal(line, rows[i].rest, len);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_append_limits),
		cmocka_unit_test(test_append_full_buffer),
		cmocka_unit_test(test_appendf_flush_delim),
		cmocka_unit_test(test_decode_table),
		cmocka_unit_test(test_error_message),
		cmocka_unit_test(test_callback_abort),
		cmocka_unit_test(test_max_packet),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_chomp),
		cmocka_unit_test(test_text_matching),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
