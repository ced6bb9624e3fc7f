/* Wire transcripts (the .txt files of tests/wire, described in tests/wire/README.md): each file's
 * canned server answers are played by a stub in place of the libcurl exchange (rm_remote.exchange),
 * which checks that the client sent exactly the expected requests; then each step's outcome is
 * checked against the file's expectations. One cmocka test per file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <git2.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "http.h"
#include "negotiate.h"
#include "pack.h"
#include "pktline.h"
#include "receive_pack.h"
#include "upload_pack.h"
#include "version.h"

#define WIRE_DIR "tests/wire"
#define MAX_EXCHANGES 8
#define MAX_STEPS 8
#define MAX_HEADERS 8
#define MAX_EXPECTS 12
#define LINE_MAX_LEN 4096
#define BODY_LIMIT (1u << 20)
#define ANSWER_CHUNK 7 /* the stub hands an answer over in pieces this small */
#define PACK_LIMIT (1u << 20)

/* One request the client must make and the answer it gets. */
typedef struct exchange {
	char request[LINE_MAX_LEN]; /* "GET <url>" or "POST <url>" */
	char *headers[MAX_HEADERS];
	size_t nheaders;
	rm_buf sent; /* the request body expected */
	long status;
	char type[128]; /* Content-Type, "" for none */
	char location[LINE_MAX_LEN];
	long retry_after;
	rm_buf answer;
} exchange;

/* One call of the client and what must come of it. */
typedef struct step {
	char call[LINE_MAX_LEN];
	char *expects[MAX_EXPECTS];
	size_t nexpects;
} step;

typedef struct transcript {
	const char *path;
	exchange ex[MAX_EXCHANGES];
	size_t nex, next; /* exchanges, and the next one to play */
	step steps[MAX_STEPS];
	size_t nsteps;
	rm_buf pack;   /* tests/wire/pack.hex: "@pack" in a transcript */
	char *urls[2]; /* the source's and the target's base URL */
} transcript;

/* A remote whose exchanges the stub plays from the transcript. */
typedef struct stub_remote {
	rm_remote remote;
	transcript *t;
} stub_remote;

/* What the steps leave for the ones after them, and the last step's outcome. */
typedef struct session {
	stub_remote src, tgt;
	rm_source_info info;
	rm_advert adv;
	int rc;
	rm_error err;
	rm_oid value;
	rm_pack *fetched;
	rm_source_holds holds;
	rm_pack_scan_peel peel;
} session;

static int hex_digit(char c)
{
	return rm_hex_value(c);
}

/* Appends `text` with its escapes (\n \r \t \0 \\ \xHH) decoded and "@version" replaced by
 * the client's version (as its agent capability says). */
static void append_unescaped(rm_buf *b, const char *text)
{
	for (const char *p = text; *p; p++) {
		char c = *p;
		if (strncmp(p, "@version", 8) == 0) {
			assert_int_equal(rm_buf_append(b, RM_VERSION, strlen(RM_VERSION)), 0);
			p += 7;
			continue;
		}
		if (c == '\\' && p[1]) {
			p++;
			switch (*p) {
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case '0':
				c = '\0';
				break;
			case 'x':
				assert_true(hex_digit(p[1]) >= 0 && hex_digit(p[2]) >= 0);
				c = (char)(hex_digit(p[1]) << 4 | hex_digit(p[2]));
				p += 2;
				break;
			default:
				c = *p;
			}
		}
		assert_int_equal(rm_buf_append(b, &c, 1), 0);
	}
}

/* Appends one item of a body: "0000", "0001" or "0002"; "pkt TEXT" (a data packet); "band N ITEM"
 * (a data packet of channel N's byte and ITEM's bytes); "raw TEXT" (unframed bytes); "@pack"
 * (the pack's bytes, unframed). */
static void append_item(transcript *t, rm_buf *b, const char *item)
{
	rm_buf payload;

	if (strcmp(item, "0000") == 0 || strcmp(item, "0001") == 0 || strcmp(item, "0002") == 0) {
		assert_int_equal(rm_buf_append(b, item, 4), 0);
		return;
	}
	if (strcmp(item, "@pack") == 0) {
		assert_int_equal(rm_buf_append(b, t->pack.data, t->pack.len), 0);
		return;
	}
	if (strncmp(item, "raw ", 4) == 0) {
		append_unescaped(b, item + 4);
		return;
	}
	rm_buf_init(&payload, BODY_LIMIT);
	if (strncmp(item, "band ", 5) == 0 && isdigit((unsigned char)item[5]) && item[6] == ' ') {
		char band = (char)(item[5] - '0');
		assert_int_equal(rm_buf_append(&payload, &band, 1), 0);
		append_item(t, &payload, item + 7);
	} else if (strncmp(item, "pkt ", 4) == 0) {
		append_unescaped(&payload, item + 4);
	} else {
		fail_msg("%s: not a body item: %s", t->path, item);
	}
	assert_int_equal(rm_pkt_append(b, payload.data, payload.len), 0);
	rm_buf_free(&payload);
}

static char *copy(const char *s)
{
	char *c = strdup(s);
	assert_non_null(c);
	return c;
}

static exchange *current(transcript *t, const char *line)
{
	if (t->nex == 0)
		fail_msg("%s: '%s' before any request", t->path, line);
	return &t->ex[t->nex - 1];
}

static void parse_line(transcript *t, char *line)
{
	char *arg = strchr(line, ' ');
	exchange *e;

	arg = arg ? (*arg = '\0', arg + 1) : line + strlen(line);
	if (strcmp(line, "source") == 0 || strcmp(line, "target") == 0) {
		free(t->urls[line[0] == 't']);
		t->urls[line[0] == 't'] = copy(arg);
	} else if (strcmp(line, "request") == 0) {
		assert_true(t->nex < MAX_EXCHANGES);
		e = &t->ex[t->nex++];
		snprintf(e->request, sizeof(e->request), "%s", arg);
		rm_buf_init(&e->sent, BODY_LIMIT);
		rm_buf_init(&e->answer, BODY_LIMIT);
	} else if (strcmp(line, "header") == 0) {
		e = current(t, line);
		assert_true(e->nheaders < MAX_HEADERS);
		e->headers[e->nheaders++] = copy(arg);
	} else if (strcmp(line, "send") == 0) {
		append_item(t, &current(t, line)->sent, arg);
	} else if (strcmp(line, "answer") == 0) {
		e = current(t, line);
		e->status = strtol(arg, &arg, 10);
		snprintf(e->type, sizeof(e->type), "%s", *arg == ' ' ? arg + 1 : "");
	} else if (strcmp(line, "location") == 0) {
		snprintf(current(t, line)->location, sizeof(e->location), "%s", arg);
	} else if (strcmp(line, "retry-after") == 0) {
		current(t, line)->retry_after = atol(arg);
	} else if (strcmp(line, "recv") == 0) {
		append_item(t, &current(t, line)->answer, arg);
	} else if (strcmp(line, "do") == 0) {
		assert_true(t->nsteps < MAX_STEPS);
		snprintf(t->steps[t->nsteps++].call, LINE_MAX_LEN, "%s", arg);
	} else if (strcmp(line, "expect") == 0) {
		step *s = t->nsteps ? &t->steps[t->nsteps - 1] : NULL;
		if (!s)
			fail_msg("%s: 'expect' before any 'do'", t->path);
		assert_true(s->nexpects < MAX_EXPECTS);
		s->expects[s->nexpects++] = copy(arg);
	} else {
		fail_msg("%s: unknown line '%s %s'", t->path, line, arg);
	}
}

static void load_pack(transcript *t)
{
	FILE *f = fopen(WIRE_DIR "/pack.hex", "r");
	int hi = -1, c;

	assert_non_null(f);
	rm_buf_init(&t->pack, PACK_LIMIT);
	while ((c = fgetc(f)) != EOF) {
		if (c == '#') /* a comment to the end of the line */
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
		if (hex_digit((char)c) < 0)
			continue;
		if (hi < 0) {
			hi = hex_digit((char)c);
			continue;
		}
		char byte = (char)(hi << 4 | hex_digit((char)c));
		assert_int_equal(rm_buf_append(&t->pack, &byte, 1), 0);
		hi = -1;
	}
	fclose(f);
}

static void load(transcript *t, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[LINE_MAX_LEN];

	memset(t, 0, sizeof(*t));
	t->path = path;
	t->urls[0] = copy("http://git.example/src.git");
	t->urls[1] = copy("http://git.example/dst.git");
	load_pack(t);
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		parse_line(t, line);
	}
	fclose(f);
}

static void unload(transcript *t)
{
	for (size_t i = 0; i < t->nex; i++) {
		for (size_t h = 0; h < t->ex[i].nheaders; h++)
			free(t->ex[i].headers[h]);
		rm_buf_free(&t->ex[i].sent);
		rm_buf_free(&t->ex[i].answer);
	}
	for (size_t i = 0; i < t->nsteps; i++)
		for (size_t x = 0; x < t->steps[i].nexpects; x++)
			free(t->steps[i].expects[x]);
	free(t->urls[0]);
	free(t->urls[1]);
	rm_buf_free(&t->pack);
}

/* The request body as the client sends it: `body`, then all that `more` supplies. */
static int read_request_body(const rm_http_request *req, rm_buf *out, rm_error *err)
{
	char chunk[4096];
	ssize_t n;

	assert_int_equal(rm_buf_append(out, req->body, req->body_len), 0);
	while (req->more && (n = req->more(req->more_ctx, chunk, sizeof(chunk), err)) != 0) {
		if (n < 0)
			return -1;
		assert_int_equal(rm_buf_append(out, chunk, (size_t)n), 0);
	}
	return 0;
}

/* Prints a body as a transcript writes it, where it differs from the expected one. */
static void print_escaped(const char *label, const rm_buf *b)
{
	fprintf(stderr, "%s (%zu bytes): ", label, b->len);
	for (size_t i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];
		if (c == '\n')
			fputs("\\n", stderr);
		else if (c == '\\')
			fputs("\\\\", stderr);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fputc('\n', stderr);
}

static void check_request(const transcript *t, const exchange *e, const rm_http_request *req,
			  const rm_buf *body)
{
	char request[LINE_MAX_LEN];
	size_t n = 0;

	snprintf(request, sizeof(request), "%s %s", req->post ? "POST" : "GET", req->url);
	if (strcmp(request, e->request) != 0)
		fail_msg("%s: request '%s', expected '%s'", t->path, request, e->request);
	for (; req->headers && req->headers[n]; n++)
		if (n >= e->nheaders || strcmp(req->headers[n], e->headers[n]) != 0)
			fail_msg("%s: %s: header '%s', expected '%s'", t->path, request,
				 req->headers[n], n < e->nheaders ? e->headers[n] : "none");
	if (n != e->nheaders)
		fail_msg("%s: %s: header '%s' not sent", t->path, request, e->headers[n]);
	if (body->len != e->sent.len ||
	    (body->len && memcmp(body->data, e->sent.data, body->len) != 0)) {
		print_escaped("sent", body);
		print_escaped("expected", &e->sent);
		fail_msg("%s: %s: the request body differs", t->path, request);
	}
}

/* The stub exchange: checks the request against the next one of the transcript and plays its
 * answer to the head and sink callbacks, in small pieces. */
static int stub_exchange(rm_remote *remote, const rm_http_request *req, rm_http_response *resp,
			 rm_error *err)
{
	transcript *t = ((stub_remote *)remote)->t;
	const exchange *e;
	rm_buf body;
	bool deliver;

	memset(resp, 0, sizeof(*resp));
	if (t->next >= t->nex)
		fail_msg("%s: unexpected request %s %s", t->path, req->post ? "POST" : "GET",
			 req->url);
	e = &t->ex[t->next++];
	rm_buf_init(&body, BODY_LIMIT);
	if (read_request_body(req, &body, err) < 0) {
		rm_buf_free(&body);
		return -1;
	}
	check_request(t, e, req, &body);
	rm_buf_free(&body);
	resp->status = e->status;
	resp->retry_after = e->retry_after;
	resp->location = e->location[0] ? copy(e->location) : NULL;
	deliver = req->head(req->sink_ctx, e->status, e->type[0] ? e->type : NULL);
	for (size_t at = 0; deliver && at < e->answer.len; at += ANSWER_CHUNK) {
		size_t n = e->answer.len - at < ANSWER_CHUNK ? e->answer.len - at : ANSWER_CHUNK;
		if (req->sink(req->sink_ctx, e->answer.data + at, n) != 0)
			return -1;
	}
	return rm_error_is_set(err) ? -1 : 0;
}

static rm_oid oid_arg(const char *text)
{
	rm_oid oid = {""};

	if (strcmp(text, "-") != 0)
		assert_int_equal(rm_oid_parse(&oid, text, strlen(text)), 0);
	return oid;
}

/* A relay holding the whole transcript's pack (small: it fits the socket's buffer), ready to be
 * read by a push. */
static rm_pack *relayed_pack(transcript *t)
{
	rm_pack *p = NULL;
	rm_error err = {0};

	assert_int_equal(rm_pack_open_relay(&p, PACK_LIMIT, &err), 0);
	assert_int_equal(rm_pack_write(p, t->pack.data, t->pack.len, &err), 0);
	assert_int_equal(rm_pack_finish(p, &err), 0);
	return p;
}

/* "fetch WANT [HAVE...] [ofs-delta]" after a "read-ref". */
static int call_fetch(session *s, char *args)
{
	rm_oid want, haves[8];
	size_t nhaves = 0;
	bool ofs_delta = false;
	char *word = strtok(args, " ");

	want = oid_arg(word);
	while ((word = strtok(NULL, " ")) != NULL) {
		if (strcmp(word, "ofs-delta") == 0)
			ofs_delta = true;
		else if (nhaves < 8)
			haves[nhaves++] = oid_arg(word);
	}
	assert_int_equal(rm_pack_open_relay(&s->fetched, PACK_LIMIT, &s->err), 0);
	if (rm_fetch_pack(&s->src.remote, &s->info, &want, haves, nhaves, ofs_delta, s->fetched,
			  &s->err) < 0)
		return -1;
	return rm_pack_finish(s->fetched, &s->err);
}

/* "push OLD NEW REF" after a "target-refs"; "-" for an absent id; the pack goes unless NEW is
 * absent. The push requests what the target offers, as rm_plan_make has it. */
static int call_push(session *s, transcript *t, char *args)
{
	char *old = strtok(args, " "), *new_value = strtok(NULL, " "), *ref = strtok(NULL, " ");
	rm_push_command command = {.refname = ref};
	rm_push_caps caps = {.report_status = rm_caps_has(s->adv.caps, "report-status", NULL),
			     .side_band_64k = rm_caps_has(s->adv.caps, "side-band-64k", NULL),
			     .delete_refs = rm_caps_has(s->adv.caps, "delete-refs", NULL),
			     .object_format = rm_caps_has(s->adv.caps, "object-format", NULL)};
	rm_pack *pack;
	int rc;

	assert_non_null(ref);
	command.old = oid_arg(old);
	command.new_value = oid_arg(new_value);
	pack = rm_oid_is_set(&command.new_value) ? relayed_pack(t) : NULL;
	rc = rm_push(&s->tgt.remote, &caps, &command, pack, &s->err);
	rm_pack_free(pack);
	return rc;
}

/* "holds WANT HAVE" after a "read-ref": does the source hold HAVE? */
static int call_holds(session *s, char *args)
{
	char *want = strtok(args, " "), *have = strtok(NULL, " ");
	rm_oid w = oid_arg(want), h = oid_arg(have);

	return rm_source_holds_object(&s->src.remote, &s->info, &w, &h, &s->holds, &s->err);
}

/* "peel TARGET SOURCE" after a "read-ref": what does TARGET peel to, for SOURCE's history? */
static int call_peel(session *s, char *args)
{
	char *target = strtok(args, " "), *source = strtok(NULL, " ");
	rm_oid t = oid_arg(target), src = oid_arg(source);

	return rm_source_peel_target(&s->src.remote, &s->info, &t, &src, &s->peel, &s->err);
}

static int call(session *s, transcript *t, char *line)
{
	char *args = strchr(line, ' ');

	args = args ? (*args = '\0', args + 1) : line + strlen(line);
	if (strcmp(line, "read-ref") == 0) {
		rm_source_info_free(&s->info);
		return rm_source_read_ref(&s->src.remote, args, &s->value, &s->info, &s->err);
	}
	if (strcmp(line, "target-refs") == 0) {
		rm_advert_free(&s->adv);
		rm_advert_init(&s->adv);
		return rm_target_read_refs(&s->tgt.remote, &s->adv, &s->err);
	}
	if (strcmp(line, "fetch") == 0)
		return call_fetch(s, args);
	if (strcmp(line, "holds") == 0)
		return call_holds(s, args);
	if (strcmp(line, "peel") == 0)
		return call_peel(s, args);
	if (strcmp(line, "push") == 0)
		return call_push(s, t, args);
	fail_msg("%s: unknown call '%s'", t->path, line);
	return -1;
}

/* The fetched pack's bytes, as a push would read them. */
static void check_fetched_pack(const session *s, const transcript *t)
{
	rm_buf got;
	char chunk[4096];
	ssize_t n;
	rm_error err = {0};

	assert_non_null(s->fetched);
	rm_buf_init(&got, PACK_LIMIT);
	while ((n = rm_pack_read(s->fetched, chunk, sizeof(chunk), &err)) > 0)
		assert_int_equal(rm_buf_append(&got, chunk, (size_t)n), 0);
	assert_int_equal(n, 0);
	if (got.len != t->pack.len || memcmp(got.data, t->pack.data, got.len) != 0)
		fail_msg("%s: the pack delivered is not the pack sent (%zu bytes, expected %zu)",
			 t->path, got.len, t->pack.len);
	rm_buf_free(&got);
}

/* One expectation: "exit N" (0: success), "error TEXT", "transient yes|no", "retry-after N",
 * "value HEX|-", "version N", "refs N", "url SIDE URL", "pack", "holds yes|no|unasked",
 * "peel in-history|not-in-history|not-a-tag". */
static void check(const session *s, const transcript *t, const char *call_line, const char *x)
{
	const char *arg = strchr(x, ' ') ? strchr(x, ' ') + 1 : "";
	char got[LINE_MAX_LEN];
	size_t key = strcspn(x, " ");

#define IS(k) (key == strlen(k) && strncmp(x, k, key) == 0)
	if (IS("exit"))
		snprintf(got, sizeof(got), "%d", s->rc == 0 ? 0 : rm_exit_code_for(&s->err));
	else if (IS("error"))
		snprintf(got, sizeof(got), "%s", s->err.msg);
	else if (IS("transient"))
		snprintf(got, sizeof(got), "%s", s->err.transient ? "yes" : "no");
	else if (IS("retry-after"))
		snprintf(got, sizeof(got), "%ld", s->err.retry_after);
	else if (IS("value"))
		snprintf(got, sizeof(got), "%s", rm_oid_is_set(&s->value) ? s->value.hex : "-");
	else if (IS("holds"))
		snprintf(got, sizeof(got), "%s",
			 s->holds == RM_SOURCE_HOLDS_YES  ? "yes"
			 : s->holds == RM_SOURCE_HOLDS_NO ? "no"
							  : "unasked");
	else if (IS("peel"))
		snprintf(got, sizeof(got), "%s",
			 s->peel == RM_PACK_SCAN_PEEL_IN_HISTORY       ? "in-history"
			 : s->peel == RM_PACK_SCAN_PEEL_NOT_IN_HISTORY ? "not-in-history"
								       : "not-a-tag");
	else if (IS("version"))
		snprintf(got, sizeof(got), "%d", s->info.version);
	else if (IS("refs"))
		snprintf(got, sizeof(got), "%zu", s->adv.nrefs);
	else if (IS("url"))
		snprintf(got, sizeof(got), "source %s target %s", s->src.remote.url,
			 s->tgt.remote.url);
	else if (IS("pack")) {
		check_fetched_pack(s, t);
		return;
	} else
		fail_msg("%s: unknown expectation '%s'", t->path, x);
#undef IS
	if (strcmp(got, arg) != 0)
		fail_msg("%s: after '%s': %.*s is '%s', expected '%s' (error: %s)", t->path,
			 call_line, (int)key, x, got, arg, s->err.msg);
}

static stub_remote stub_for(transcript *t, rm_side side, const char *url)
{
	stub_remote r = {.remote = {.side = side,
				    .url = copy(url),
				    .timeout = 30,
				    .exchange = stub_exchange},
			 .t = t};
	return r;
}

static void test_transcript(void **state)
{
	transcript t;
	session s = {0};

	load(&t, *state);
	s.src = stub_for(&t, RM_SIDE_SOURCE, t.urls[0]);
	s.tgt = stub_for(&t, RM_SIDE_TARGET, t.urls[1]);
	rm_advert_init(&s.adv);
	for (size_t i = 0; i < t.nsteps; i++) {
		char line[LINE_MAX_LEN];

		snprintf(line, sizeof(line), "%s", t.steps[i].call);
		rm_error_clear(&s.err);
		rm_pack_free(s.fetched);
		s.fetched = NULL;
		s.rc = call(&s, &t, line);
		for (size_t x = 0; x < t.steps[i].nexpects; x++)
			check(&s, &t, t.steps[i].call, t.steps[i].expects[x]);
	}
	if (t.next != t.nex)
		fail_msg("%s: request '%s' was never made", t.path, t.ex[t.next].request);
	rm_pack_free(s.fetched);
	rm_advert_free(&s.adv);
	rm_source_info_free(&s.info);
	rm_remote_free(&s.src.remote);
	rm_remote_free(&s.tgt.remote);
	unload(&t);
}

int main(void)
{
	glob_t files;
	struct CMUnitTest *tests;
	int rc;

	if (glob(WIRE_DIR "/*.txt", 0, NULL, &files) != 0 || files.gl_pathc == 0) {
		fprintf(stderr,
			"test_wire: no transcripts in %s (run from the repository's root)\n",
			WIRE_DIR);
		return 1;
	}
	tests = calloc(files.gl_pathc, sizeof(*tests));
	if (!tests)
		return 1;
	for (size_t i = 0; i < files.gl_pathc; i++)
		tests[i] = (struct CMUnitTest){.name = files.gl_pathv[i] + strlen(WIRE_DIR "/"),
					       .test_func = test_transcript,
					       .initial_state = files.gl_pathv[i]};
	git_libgit2_init();
	rc = _cmocka_run_group_tests("wire transcripts", tests, files.gl_pathc, NULL, NULL);
	git_libgit2_shutdown();
	free(tests);
	globfree(&files);
	return rc;
}
