#include "pack_scan.h"

#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum obj_type { OBJ_COMMIT = 1, OBJ_TAG = 4, OBJ_OFS_DELTA = 6, OBJ_REF_DELTA = 7 };

enum state {
	READ_PACK_HEADER,
	READ_OBJECT_HEADER, /* type and size, a varint */
	READ_OFS_BASE,	    /* an OFS_DELTA's base: a negative offset, a varint */
	READ_REF_BASE,	    /* a REF_DELTA's base: 20 bytes of id */
	INFLATE,
	ALL_READ, /* every object read: the trailer follows */
	SETTLED,  /* the answer is YES or UNKNOWN, whatever follows */
};

#define PACK_HEADER_LEN 12
#define RAW_OID_LEN 20
#define SCRATCH_LEN (64u << 10)

/* A commit of the pack: where it starts, its id, and its contents while kept. */
typedef struct commit {
	uint64_t offset;
	unsigned char oid[RAW_OID_LEN];
	unsigned char *data; /* NULL once dropped */
	size_t len;
} commit;

struct rm_pack_scan {
	rm_oid parent;
	enum state state;
	const char *why; /* why the answer is UNKNOWN */
	char why_buf[160];
	bool found;

	/* The peel question (rm_pack_scan_new_peel): tags are read, anything else ends the scan. */
	bool peel;
	bool other_object;			/* an object other than a tag */
	size_t tags_of_commits, tags_of_others; /* tags by the type of the object they name */

	uint64_t pos; /* pack offset of the next byte */
	unsigned char header[PACK_HEADER_LEN];
	size_t header_len;
	uint32_t objects, objects_read;

	/* The object being read. */
	uint64_t obj_offset;
	int obj_type;
	uint64_t obj_size;
	unsigned varint_shift;
	uint64_t base_offset;
	unsigned char base_oid[RAW_OID_LEN];
	size_t base_oid_len;
	const commit *base; /* a delta's base commit; NULL for a delta of anything else */
	bool keep;	    /* a commit or a commit's delta: its bytes are kept */
	unsigned char *out; /* the kept bytes, obj_size of them */
	size_t out_len;
	z_stream zs;
	bool zs_ready;
	unsigned char scratch[SCRATCH_LEN];

	commit *commits; /* in pack order, hence by offset */
	size_t ncommits, commits_cap;
	size_t kept_bytes, oldest_kept;
};

static void settle_unknown(rm_pack_scan *s, const char *why)
{
	if (s->state == SETTLED)
		return;
	s->why = why;
	s->state = SETTLED;
}

static void settle_unknown_at(rm_pack_scan *s, const char *what)
{
	snprintf(s->why_buf, sizeof(s->why_buf), "%s (object at pack offset %llu)", what,
		 (unsigned long long)s->obj_offset);
	settle_unknown(s, s->why_buf);
}

rm_pack_scan *rm_pack_scan_new(const rm_oid *parent)
{
	rm_pack_scan *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->parent = *parent;
	s->state = READ_PACK_HEADER;
	s->why = "the pack ended before its last object";
	return s;
}

rm_pack_scan *rm_pack_scan_new_peel(void)
{
	rm_oid none = {""};
	rm_pack_scan *s = rm_pack_scan_new(&none);

	if (s)
		s->peel = true;
	return s;
}

/* Counts a tag by its "type" header line: the type of the object it names. */
static void add_tag(rm_pack_scan *s, const unsigned char *data, size_t len)
{
	const char *line = (const char *)data, *end = line + len;

	while (line < end && *line != '\n') {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol)
			break;
		if ((size_t)(eol - line) > 5 && memcmp(line, "type ", 5) == 0) {
			size_t n = (size_t)(eol - line) - 5;
			if (n == 6 && memcmp(line + 5, "commit", 6) == 0)
				s->tags_of_commits++;
			else if (n != 3 || memcmp(line + 5, "tag", 3) != 0)
				s->tags_of_others++;
			return;
		}
		line = eol + 1;
	}
	settle_unknown_at(s, "a tag without a type line");
}

/* Walks the "parent <hex>" lines of a commit's header (they end at its first empty line). */
static bool commit_has_parent(const unsigned char *data, size_t len, const rm_oid *parent)
{
	const char *line = (const char *)data, *end = line + len;

	while (line < end && *line != '\n') {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol)
			break;
		if ((size_t)(eol - line) == 7 + RM_OID_HEXSZ && memcmp(line, "parent ", 7) == 0 &&
		    memcmp(line + 7, parent->hex, RM_OID_HEXSZ) == 0)
			return true;
		line = eol + 1;
	}
	return false;
}

/* A git object's id: the SHA-1 of "commit <len>\0" and the contents. */
static bool commit_oid(const unsigned char *data, size_t len, unsigned char *oid)
{
	char head[32];
	int n = snprintf(head, sizeof(head), "commit %zu", len);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	bool ok = md && EVP_DigestInit_ex(md, EVP_sha1(), NULL) &&
		  EVP_DigestUpdate(md, head, (size_t)n + 1) && EVP_DigestUpdate(md, data, len) &&
		  EVP_DigestFinal_ex(md, oid, NULL);

	EVP_MD_CTX_free(md);
	return ok;
}

/* Drops the oldest kept contents until the kept bytes fit the limit. */
static void drop_oldest(rm_pack_scan *s)
{
	while (s->kept_bytes > RM_PACK_SCAN_MAX_KEPT && s->oldest_kept < s->ncommits) {
		commit *c = &s->commits[s->oldest_kept++];
		s->kept_bytes -= c->len;
		free(c->data);
		c->data = NULL;
	}
}

/* Takes a whole commit (its contents owned from now on): answers, or keeps it as a base. */
static void add_commit(rm_pack_scan *s, unsigned char *data, size_t len)
{
	commit *c;

	if (commit_has_parent(data, len, &s->parent)) {
		free(data);
		s->found = true;
		s->state = SETTLED;
		return;
	}
	if (s->ncommits == s->commits_cap) {
		size_t cap = s->commits_cap ? s->commits_cap * 2 : 64;
		commit *more = realloc(s->commits, cap * sizeof(*more));
		if (!more) {
			free(data);
			settle_unknown(s, "out of memory");
			return;
		}
		s->commits = more;
		s->commits_cap = cap;
	}
	c = &s->commits[s->ncommits++];
	c->offset = s->obj_offset;
	c->data = data;
	c->len = len;
	if (!commit_oid(data, len, c->oid)) {
		settle_unknown(s, "SHA-1 failed");
		return;
	}
	s->kept_bytes += len;
	drop_oldest(s);
}

static const commit *commit_at(const rm_pack_scan *s, uint64_t offset)
{
	size_t lo = 0, hi = s->ncommits;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->commits[mid].offset == offset)
			return &s->commits[mid];
		if (s->commits[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Newest first: a delta's base is usually near it. */
static const commit *commit_with_oid(const rm_pack_scan *s, const unsigned char *oid)
{
	for (size_t i = s->ncommits; i-- > 0;)
		if (memcmp(s->commits[i].oid, oid, RAW_OID_LEN) == 0)
			return &s->commits[i];
	return NULL;
}

/* A delta's size varint (7 bits a byte, least significant first). */
static bool delta_varint(const unsigned char **p, const unsigned char *end, uint64_t *value)
{
	unsigned shift = 0;

	*value = 0;
	do {
		if (*p == end || shift > 56)
			return false;
		*value |= (uint64_t)(**p & 0x7f) << shift;
		shift += 7;
	} while (*(*p)++ & 0x80);
	return true;
}

/* Copy (bit 7: offset and size bytes flagged in bits 0-6) or insert (1 to 127 literal bytes). */
static bool apply_op(const unsigned char **p, const unsigned char *end, const commit *base,
		     unsigned char *out, size_t out_len, size_t *at)
{
	unsigned cmd = *(*p)++;
	uint64_t off = 0, size = 0;

	if (cmd == 0)
		return false;
	if (!(cmd & 0x80)) {
		if ((size_t)(end - *p) < cmd || out_len - *at < cmd)
			return false;
		memcpy(out + *at, *p, cmd);
		*p += cmd;
		*at += cmd;
		return true;
	}
	for (unsigned i = 0; i < 7; i++) {
		if (!(cmd & (1u << i)))
			continue;
		if (*p == end)
			return false;
		if (i < 4)
			off |= (uint64_t) * (*p)++ << (8 * i);
		else
			size |= (uint64_t) * (*p)++ << (8 * (i - 4));
	}
	if (size == 0)
		size = 0x10000;
	if (off > base->len || size > base->len - off || size > out_len - *at)
		return false;
	memcpy(out + *at, base->data + off, size);
	*at += size;
	return true;
}

/* Applies the kept delta (s->out) to its base commit and takes the result as a commit. */
static void resolve_commit_delta(rm_pack_scan *s)
{
	const unsigned char *p = s->out, *end = s->out + s->out_len;
	uint64_t base_len, result_len;
	unsigned char *result;
	size_t at = 0;

	if (!delta_varint(&p, end, &base_len) || !delta_varint(&p, end, &result_len) ||
	    base_len != s->base->len)
		return settle_unknown_at(s, "a commit's delta does not fit its base");
	if (result_len > RM_PACK_SCAN_MAX_COMMIT)
		return settle_unknown_at(s, "a commit over 16 MiB");
	result = malloc(result_len ? result_len : 1);
	if (!result)
		return settle_unknown(s, "out of memory");
	while (p < end)
		if (!apply_op(&p, end, s->base, result, result_len, &at)) {
			free(result);
			return settle_unknown_at(s, "a commit's delta does not apply");
		}
	if (at != result_len) {
		free(result);
		return settle_unknown_at(s, "a commit's delta does not apply");
	}
	add_commit(s, result, result_len);
}

static void end_object(rm_pack_scan *s)
{
	if (s->keep && s->out_len != s->obj_size)
		return settle_unknown_at(s, "an object shorter than its header says");
	if (s->keep && s->obj_type == OBJ_COMMIT) {
		add_commit(s, s->out, s->out_len);
		s->out = NULL;
	} else if (s->keep && s->obj_type == OBJ_TAG) {
		add_tag(s, s->out, s->out_len);
	} else if (s->keep) {
		resolve_commit_delta(s);
	}
	free(s->out);
	s->out = NULL;
	if (s->state == SETTLED)
		return;
	s->state = ++s->objects_read == s->objects ? ALL_READ : READ_OBJECT_HEADER;
}

/* The object's header is read: decides what to keep, then inflates. */
static void start_inflate(rm_pack_scan *s)
{
	s->keep = s->obj_type == OBJ_COMMIT || s->base || (s->peel && s->obj_type == OBJ_TAG);
	if (s->keep && s->base && !s->base->data)
		return settle_unknown_at(s, "a commit's delta base was dropped (over 32 MiB of "
					    "commits kept)");
	if (s->keep && s->obj_size > RM_PACK_SCAN_MAX_COMMIT)
		return settle_unknown_at(s, "a commit or tag over 16 MiB");
	s->out_len = 0;
	if (s->keep && !(s->out = malloc(s->obj_size ? s->obj_size : 1)))
		return settle_unknown(s, "out of memory");
	if (s->zs_ready ? inflateReset(&s->zs) != Z_OK : inflateInit(&s->zs) != Z_OK)
		return settle_unknown(s, "cannot start zlib");
	s->zs_ready = true;
	s->state = INFLATE;
}

static void find_base(rm_pack_scan *s)
{
	if (s->obj_type == OBJ_OFS_DELTA) {
		/* Not a commit's offset: the base is no commit, nor is the delta. */
		s->base = commit_at(s, s->obj_offset - s->base_offset);
		return start_inflate(s);
	}
	s->base = commit_with_oid(s, s->base_oid);
	if (!s->base)
		return settle_unknown_at(s,
					 "a REF_DELTA whose base is not a commit read before it");
	start_inflate(s);
}

static void read_pack_header(rm_pack_scan *s, unsigned char c)
{
	const unsigned char *h = s->header;

	s->header[s->header_len++] = c;
	if (s->header_len < PACK_HEADER_LEN)
		return;
	if (memcmp(h, "PACK", 4) != 0 || h[4] || h[5] || h[6] || (h[7] != 2 && h[7] != 3))
		return settle_unknown(s, "not a pack of version 2 or 3");
	s->objects = (uint32_t)h[8] << 24 | (uint32_t)h[9] << 16 | (uint32_t)h[10] << 8 | h[11];
	s->state = s->objects ? READ_OBJECT_HEADER : ALL_READ;
}

/* The peel question: an object other than a tag settles it; a delta (whose type would need its
 * base) is read as unknown. */
static void read_other_than_tag(rm_pack_scan *s)
{
	if (s->obj_type == OBJ_OFS_DELTA || s->obj_type == OBJ_REF_DELTA)
		return settle_unknown_at(s, "a delta where only tags were expected");
	s->other_object = true;
	s->state = SETTLED;
}

static void read_object_header(rm_pack_scan *s, unsigned char c)
{
	if (s->varint_shift == 0) {
		s->obj_offset = s->pos;
		s->obj_type = (c >> 4) & 7;
		s->obj_size = c & 0x0f;
		s->base = NULL;
		s->varint_shift = 4;
	} else if (s->varint_shift > 57) {
		return settle_unknown_at(s, "an object size too large");
	} else {
		s->obj_size |= (uint64_t)(c & 0x7f) << s->varint_shift;
		s->varint_shift += 7;
	}
	if (c & 0x80)
		return;
	s->varint_shift = 0;
	if (s->obj_type == 0 || s->obj_type == 5)
		return settle_unknown_at(s, "an object of no known type");
	s->base_offset = 0;
	s->base_oid_len = 0;
	if (s->peel && s->obj_type != OBJ_TAG)
		return read_other_than_tag(s);
	if (s->obj_type == OBJ_OFS_DELTA)
		s->state = READ_OFS_BASE;
	else if (s->obj_type == OBJ_REF_DELTA)
		s->state = READ_REF_BASE;
	else
		start_inflate(s);
}

/* git's offset encoding: each continuation adds one before shifting, so no value has two forms. */
static void read_ofs_base(rm_pack_scan *s, unsigned char c)
{
	if (s->varint_shift > 0) {
		if (s->base_offset > (UINT64_MAX >> 7) - 1)
			return settle_unknown_at(s, "a delta base offset too large");
		s->base_offset = (s->base_offset + 1) << 7;
	}
	s->base_offset |= c & 0x7f;
	s->varint_shift = 1;
	if (c & 0x80)
		return;
	s->varint_shift = 0;
	if (s->base_offset == 0 || s->base_offset > s->obj_offset)
		return settle_unknown_at(s, "a delta base offset outside the pack");
	find_base(s);
}

static void read_ref_base(rm_pack_scan *s, unsigned char c)
{
	s->base_oid[s->base_oid_len++] = c;
	if (s->base_oid_len == RAW_OID_LEN)
		find_base(s);
}

/* Inflates what `data` holds of the object; returns the bytes it used. */
static size_t inflate_some(rm_pack_scan *s, const unsigned char *data, size_t len)
{
	s->zs.next_in = (unsigned char *)data;
	s->zs.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
	while (s->state == INFLATE) {
		bool into_out = s->keep && s->out_len < s->obj_size;
		size_t room = into_out ? (size_t)s->obj_size - s->out_len : SCRATCH_LEN;
		int rc;

		s->zs.next_out = into_out ? s->out + s->out_len : s->scratch;
		s->zs.avail_out = (uInt)room;
		rc = inflate(&s->zs, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
			settle_unknown_at(s, "an object's data does not inflate");
			break;
		}
		if (into_out) {
			s->out_len += room - s->zs.avail_out;
		} else if (s->keep && s->zs.avail_out != room) {
			settle_unknown_at(s, "an object longer than its header says");
			break;
		}
		if (rc == Z_STREAM_END)
			end_object(s);
		else if (s->zs.avail_in == 0 || rc == Z_BUF_ERROR)
			break;
	}
	return len - s->zs.avail_in;
}

void rm_pack_scan_update(rm_pack_scan *s, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len > 0) {
		size_t used = 1;
		switch (s->state) {
		case READ_PACK_HEADER:
			read_pack_header(s, *p);
			break;
		case READ_OBJECT_HEADER:
			read_object_header(s, *p);
			break;
		case READ_OFS_BASE:
			read_ofs_base(s, *p);
			break;
		case READ_REF_BASE:
			read_ref_base(s, *p);
			break;
		case INFLATE:
			used = inflate_some(s, p, len);
			if (used == 0 && s->state == INFLATE) /* zlib made no progress */
				return settle_unknown_at(s, "an object's data does not inflate");
			break;
		case ALL_READ:
		case SETTLED:
			return;
		}
		s->pos += used;
		p += used;
		len -= used;
	}
}

rm_pack_scan_answer rm_pack_scan_answer_now(const rm_pack_scan *s, const char **why)
{
	if (why)
		*why = "";
	if (s->found)
		return RM_PACK_SCAN_YES;
	if (s->state == ALL_READ)
		return RM_PACK_SCAN_NO;
	if (why)
		*why = s->why;
	return RM_PACK_SCAN_UNKNOWN;
}

rm_pack_scan_peel rm_pack_scan_peel_now(const rm_pack_scan *s, const char **why)
{
	if (why)
		*why = "";
	if (s->other_object)
		return RM_PACK_SCAN_PEEL_NOT_IN_HISTORY;
	if (s->state == ALL_READ && s->objects == 0)
		return RM_PACK_SCAN_PEEL_NOT_A_TAG;
	if (s->state == ALL_READ && s->tags_of_others)
		return RM_PACK_SCAN_PEEL_NOT_IN_HISTORY;
	if (s->state == ALL_READ && s->tags_of_commits)
		return RM_PACK_SCAN_PEEL_IN_HISTORY;
	if (why)
		*why = s->state == ALL_READ ? "tags that name no object outside the pack" : s->why;
	return RM_PACK_SCAN_PEEL_UNKNOWN;
}

void rm_pack_scan_free(rm_pack_scan *s)
{
	if (!s)
		return;
	if (s->zs_ready)
		inflateEnd(&s->zs);
	for (size_t i = 0; i < s->ncommits; i++)
		free(s->commits[i].data);
	free(s->commits);
	free(s->out);
	free(s);
}
