/* The pack on its way from source to target: spooled to an unlinked temporary file as it streams
 * in, and, when asked, fed to libgit2's indexer at the same time, which checks every object and
 * lets us see which commits the pack holds. Nothing is ever held whole in memory and no file
 * outlives the spool. */
#ifndef RM_PACK_H
#define RM_PACK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "error.h"
#include "oid.h"

typedef struct rm_pack rm_pack;

/* Opens a spool in $TMPDIR (default /tmp) for a pack of at most `max_size` bytes. With `index`,
 * also indexes the pack in a private temporary folder. Returns 0, or -1 with *err (exit code
 * `fail_exit`). Free with rm_pack_free. */
int rm_pack_open(rm_pack **out, bool index, uint64_t max_size, int fail_exit, rm_error *err);

/* Appends the next bytes of the pack. 0, or -1 with *err (over `max_size`, a bad header, disk
 * full, indexer refused them). */
int rm_pack_write(rm_pack *p, const void *data, size_t len, rm_error *err);

/* Ends the pack: checks it is complete and its trailing checksum is good (and, when indexing,
 * that every object is good) and rewinds the spool for reading. 0 or -1 with *err. */
int rm_pack_finish(rm_pack *p, rm_error *err);

/* After rm_pack_finish on an indexed pack: sets *found when some commit in the pack has
 * `parent` among its parents, which, for a pack made with "want S, have T", holds exactly when
 * T is an ancestor of S. 0 or -1 with *err. */
int rm_pack_has_child_of(rm_pack *p, const rm_oid *parent, bool *found, rm_error *err);

/* The spooled bytes, positioned at their start after rm_pack_finish. Owned by the pack. */
FILE *rm_pack_file(rm_pack *p);

/* Bytes written so far. */
uint64_t rm_pack_size(const rm_pack *p);

/* Objects in the pack, from its header (0 until 12 bytes were written). */
uint32_t rm_pack_object_count(const rm_pack *p);

/* Closes the spool and removes every file the pack made. NULL is fine. */
void rm_pack_free(rm_pack *p);

#endif
