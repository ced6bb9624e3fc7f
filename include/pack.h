/* The pack on its way from source to target, read once as a stream, never held whole in memory.
 *
 * Spooled: written to an unlinked temporary file as it streams in and fed to libgit2's indexer
 * at the same time, which checks every object and lets us see which commits the pack holds;
 * read back for the push after rm_pack_finish.
 *
 * Relayed: written by the thread that fetches it into a socket pair that the thread pushing it
 * reads, so the target receives the pack while the source is still sending it, and nothing is
 * stored.
 *
 * Either way the pack's trailing checksum is verified before the push can end: a spooled pack is
 * checked by rm_pack_finish before any push starts, and a relayed pack's last 20 bytes reach the
 * reader only after rm_pack_finish verified them, so a pack cut short or corrupted never
 * completes a push. No file outlives the pack.
 *
 * Threads. A spool is used by one thread. A relay has two: the writer (the fetch) makes the calls
 * marked "Writer", the reader (the push) those marked "Reader", each on its own thread and on its
 * own state; rm_pack_reader_gone and rm_pack_writer_ended are the state one side publishes to the
 * other (atomics). Calls marked "Writer" that only read (rm_pack_size, rm_pack_object_count) may
 * also be made by another thread once the writer thread was joined, or once
 * rm_pack_writer_ended returned true. rm_pack_free comes after both sides are done. */
#ifndef RM_PACK_H
#define RM_PACK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "error.h"
#include "oid.h"

typedef struct rm_pack rm_pack;

/* Opens a spool in $TMPDIR (default /tmp) for a pack of at most `max_size` bytes, indexing it
 * in a private temporary folder (every spool is indexed). Returns 0, or -1 with *err (a
 * pack error: RM_SIDE_NONE, RM_ERR_PACK, "pack: ..."). Free with rm_pack_free. */
int rm_pack_open_spool(rm_pack **out, uint64_t max_size, rm_error *err);

/* Opens a relay (a socket pair) for a pack of at most `max_size` bytes. Returns 0, or -1 with
 * *err. The writer calls rm_pack_write, then rm_pack_finish or rm_pack_abandon, from one thread;
 * the reader calls rm_pack_read and rm_pack_close_reader from another. Free with rm_pack_free
 * once both are done. */
int rm_pack_open_relay(rm_pack **out, uint64_t max_size, rm_error *err);

/* Writer: appends the next bytes of the pack. 0, or -1 with *err (over `max_size`, a bad header,
 * disk full, the indexer refused them, the relay's reader is gone). */
int rm_pack_write(rm_pack *p, const void *data, size_t len, rm_error *err);

/* Writer: ends the pack: checks that it is whole and its trailing checksum right (rm_pack_check;
 * and, when indexing, that every object is good). A spool is rewound for reading; a relay lets the
 * reader have the last bytes. 0, or -1 with *err (a relay's reader then fails too). */
int rm_pack_finish(rm_pack *p, rm_error *err);

/* Writer: gives up (the fetch failed). A relay's reader then fails instead of reaching the end;
 * a spool is left as it is, never to be read. */
void rm_pack_abandon(rm_pack *p);

/* Reader: copies up to `max` next bytes of the pack into `buf` (a relay blocks until some come,
 * and needs `max` over RM_PACK_TRAILER_LEN: libcurl's upload buffers are kilobytes) and returns
 * how many, 0 at the end of a whole, verified pack, or -1 with *err (a pack error) when
 * it cannot be read, was abandoned or failed verification. */
ssize_t rm_pack_read(rm_pack *p, void *buf, size_t max, rm_error *err);

/* Reader of a relay: waits until the first bytes of the pack came, or the writer ended. */
void rm_pack_wait_data(rm_pack *p);

/* Reader of a relay: stops reading; a write still to come then fails. */
void rm_pack_close_reader(rm_pack *p);

/* Any thread: true once a write to the relay failed because the reader had stopped reading. */
bool rm_pack_reader_gone(const rm_pack *p);

/* Any thread: true once the writer of a relay finished or abandoned it. */
bool rm_pack_writer_ended(const rm_pack *p);

/* Any thread: true for a relay, whose size is not known until its writer finished. */
bool rm_pack_is_relay(const rm_pack *p);

/* After rm_pack_finish on a spool: sets *found when some commit in the pack has
 * `parent` among its parents, which, for a pack made with "want S, have T", holds exactly when
 * T is an ancestor of S. 0 or -1 with *err. */
int rm_pack_has_child_of(rm_pack *p, const rm_oid *parent, bool *found, rm_error *err);

/* Reader: bytes taken so far: for a push, the pack bytes it sent, whether or not it ended. */
uint64_t rm_pack_bytes_read(const rm_pack *p);

/* Writer: bytes written so far. */
uint64_t rm_pack_size(const rm_pack *p);

/* Writer: objects in the pack, from its header (0 until 12 bytes were written). */
uint32_t rm_pack_object_count(const rm_pack *p);

/* Closes the spool or the relay and removes every file the pack made. NULL is fine. */
void rm_pack_free(rm_pack *p);

#endif
