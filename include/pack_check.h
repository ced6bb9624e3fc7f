/* Checks a pack as its bytes stream past, without holding or re-reading them: the 12-byte header
 * ("PACK", version 2 or 3, an object count the size can hold), a size limit, and the trailer, the
 * SHA-1 of every byte before it. A pack damaged on the way (or cut, or padded) fails here before
 * a push of it can complete: before its trailer goes out (rm_pack). */
#ifndef RM_PACK_CHECK_H
#define RM_PACK_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

/* A pack ends with the SHA-1 of all its bytes before. */
#define RM_PACK_TRAILER_LEN 20

typedef struct rm_pack_check rm_pack_check;

/* Starts checking a pack of at most `max_size` bytes; errors are side-less pack errors
 * (RM_ERR_PACK, "pack: ..."). Returns 0, or -1 with *err. Free with rm_pack_check_free. */
int rm_pack_check_new(rm_pack_check **out, uint64_t max_size, rm_error *err);

/* Takes the next bytes. 0, or -1 with *err once the pack is over the limit or its header is
 * bad ("pack: ..." messages; never transient: resending the same bytes cannot help). */
int rm_pack_check_update(rm_pack_check *c, const void *data, size_t len, rm_error *err);

/* The pack ended: 0 when it is whole (a header, a trailer equal to the SHA-1 of the bytes before
 * it, no more objects counted than its bytes can hold), else -1 with *err. */
int rm_pack_check_finish(rm_pack_check *c, rm_error *err);

/* Bytes taken so far. */
uint64_t rm_pack_check_size(const rm_pack_check *c);

/* The object count of the header, 0 until the header arrived. */
uint32_t rm_pack_check_objects(const rm_pack_check *c);

/* NULL is fine. */
void rm_pack_check_free(rm_pack_check *c);

#endif
