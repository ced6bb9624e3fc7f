#include "pack_check.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_LEN 12
/* The least an object takes in a pack: a one-byte type and size, and a deflated body of at least
 * one byte. A count above what fits is a lie that would make the target wait for more. */
#define MIN_OBJECT_LEN 2

struct rm_pack_check {
	EVP_MD_CTX *sha1;
	uint64_t size, max_size;
	unsigned char header[HEADER_LEN];
	/* The last bytes seen, not yet hashed: they may be the trailer. */
	unsigned char tail[RM_PACK_TRAILER_LEN];
	size_t tail_len;
};

int rm_pack_check_new(rm_pack_check **out, uint64_t max_size, rm_error *err)
{
	rm_pack_check *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c || !(c->sha1 = EVP_MD_CTX_new()) || !EVP_DigestInit_ex(c->sha1, EVP_sha1(), NULL)) {
		rm_pack_check_free(c);
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_PACK,
				    "pack: cannot start a SHA-1 hash");
	}
	c->max_size = max_size;
	*out = c;
	return 0;
}

static uint32_t be32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static int check_header(rm_pack_check *c, rm_error *err)
{
	uint32_t version = be32(c->header + 4);

	if (memcmp(c->header, "PACK", 4) != 0)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_PACK,
				    "pack: the source sent no pack (no PACK header)");
	if (version != 2 && version != 3)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_PACK,
				    "pack: unsupported pack version %u", version);
	return 0;
}

/* Hashes the bytes that are now known not to be the trailer, keeping the last
 * RM_PACK_TRAILER_LEN of tail + data in the tail. */
static int hash_all_but_trailer(rm_pack_check *c, const unsigned char *data, size_t len)
{
	int ok = 1;

	if (len >= RM_PACK_TRAILER_LEN) {
		ok &= EVP_DigestUpdate(c->sha1, c->tail, c->tail_len);
		ok &= EVP_DigestUpdate(c->sha1, data, len - RM_PACK_TRAILER_LEN);
		memcpy(c->tail, data + len - RM_PACK_TRAILER_LEN, RM_PACK_TRAILER_LEN);
		c->tail_len = RM_PACK_TRAILER_LEN;
		return ok ? 0 : -1;
	}
	if (c->tail_len + len > RM_PACK_TRAILER_LEN) {
		size_t out = c->tail_len + len - RM_PACK_TRAILER_LEN;
		ok &= EVP_DigestUpdate(c->sha1, c->tail, out);
		memmove(c->tail, c->tail + out, c->tail_len - out);
		c->tail_len -= out;
	}
	memcpy(c->tail + c->tail_len, data, len);
	c->tail_len += len;
	return ok ? 0 : -1;
}

int rm_pack_check_update(rm_pack_check *c, const void *data, size_t len, rm_error *err)
{
	uint64_t before = c->size;

	if (len > c->max_size - c->size)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_PACK,
				    "pack: the source sent more than max_pack_size (%llu bytes)",
				    (unsigned long long)c->max_size);
	c->size += len;
	if (before < HEADER_LEN) {
		size_t n = HEADER_LEN - (size_t)before;
		memcpy(c->header + before, data, n < len ? n : len);
		if (c->size >= HEADER_LEN && check_header(c, err) < 0)
			return -1;
	}
	if (hash_all_but_trailer(c, data, len) < 0)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_PACK, "pack: SHA-1 failed");
	return 0;
}

int rm_pack_check_finish(rm_pack_check *c, rm_error *err)
{
	unsigned char sum[EVP_MAX_MD_SIZE];
	unsigned int sum_len = 0;

	if (c->size < HEADER_LEN + RM_PACK_TRAILER_LEN)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_PACK,
				    "pack: the source sent no valid pack (%llu bytes)",
				    (unsigned long long)c->size);
	if (!EVP_DigestFinal_ex(c->sha1, sum, &sum_len) || sum_len != RM_PACK_TRAILER_LEN)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_PACK, "pack: SHA-1 failed");
	if (memcmp(sum, c->tail, RM_PACK_TRAILER_LEN) != 0)
		return rm_error_set(
			err, RM_SIDE_NONE, RM_ERR_PACK,
			"pack: corrupt pack from the source: its SHA-1 trailer does not "
			"match its bytes");
	if (rm_pack_check_objects(c) >
	    (c->size - HEADER_LEN - RM_PACK_TRAILER_LEN) / MIN_OBJECT_LEN)
		return rm_error_set(
			err, RM_SIDE_NONE, RM_ERR_PACK,
			"pack: corrupt pack from the source: its header counts %u objects "
			"in %llu bytes",
			rm_pack_check_objects(c), (unsigned long long)c->size);
	return 0;
}

uint64_t rm_pack_check_size(const rm_pack_check *c)
{
	return c->size;
}

uint32_t rm_pack_check_objects(const rm_pack_check *c)
{
	return c->size < HEADER_LEN ? 0 : be32(c->header + 8);
}

void rm_pack_check_free(rm_pack_check *c)
{
	if (!c)
		return;
	EVP_MD_CTX_free(c->sha1);
	free(c);
}
