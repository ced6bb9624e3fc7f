/* The pack on its way from source to target, read once as a stream, never held whole in memory
 * nor written to disk.
 *
 * Relayed: written by the thread that fetches it into a socket pair that the thread pushing it
 * reads, so the target receives the pack while the source is still sending it. A sink (a dry
 * run) drops the bytes once checked and scanned.
 *
 * The pack's trailing checksum is verified before the push can end: a relayed pack's last 20
 * bytes reach the reader only after rm_pack_finish verified them, so a pack cut short or
 * corrupted never completes a push. When asked (rm_pack_scan_for_child_of), the commits streaming
 * past answer SPEC 4's ancestry question (pack_scan.h), and the trailer can be held back until
 * that answer is "yes": a "no" or "unknown" leaves the target a truncated pack, refused whole.
 *
 * Threads. A relay has two: the writer (the fetch) makes the calls marked "Writer", the reader
 * (the push) those marked "Reader", each on its own thread and on its own state;
 * rm_pack_reader_gone and rm_pack_writer_ended are the state one side publishes to the other
 * (atomics). Calls marked "Writer" that only read (rm_pack_size, rm_pack_object_count,
 * rm_pack_child_of, rm_pack_held_back) may also be made by another thread once the writer
 * thread was joined, or once rm_pack_writer_ended returned true. A sink has the writer only.
 * rm_pack_free comes after both sides are done. */
#ifndef RM_PACK_H
#define RM_PACK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "error.h"
#include "oid.h"
#include "pack_scan.h"

typedef struct rm_pack rm_pack;

/* Opens a sink for a pack of at most `max_size` bytes: checked (and scanned, when asked), then
 * dropped; nothing reads it. Returns 0, or -1 with *err (a pack error: RM_SIDE_NONE,
 * RM_ERR_NO_MEMORY, "pack: ..."). Free with rm_pack_free. */
int rm_pack_open_sink(rm_pack **out, uint64_t max_size, rm_error *err);

/* Opens a relay (a socket pair) for a pack of at most `max_size` bytes. Returns 0, or -1 with
 * *err. The writer calls rm_pack_write, then rm_pack_finish or rm_pack_abandon, from one thread;
 * the reader calls rm_pack_read and rm_pack_close_reader from another. Free with rm_pack_free
 * once both are done. */
int rm_pack_open_relay(rm_pack **out, uint64_t max_size, rm_error *err);

/* Writer, before its first write: reads the commits of the pack for one with `parent` among its
 * parents (rm_pack_child_of). With `hold_unless_child`, rm_pack_finish lets the reader have the
 * trailer only when the answer is yes. 0, or -1 with *err (out of memory). */
int rm_pack_scan_for_child_of(rm_pack *p, const rm_oid *parent, bool hold_unless_child,
			      rm_error *err);

/* Writer, once it ended: the scan's answer, *why saying
 * why when it is RM_PACK_SCAN_UNKNOWN (valid while the pack lives; `why` may be NULL). Only
 * after rm_pack_scan_for_child_of. */
rm_pack_scan_answer rm_pack_child_of(const rm_pack *p, const char **why);

/* Writer, before its first write: reads the pack for the peel question (pack_scan.h); a write
 * after which the answer is "not in the history" then fails ("the peel answer is known"), so
 * the fetch stops there. 0, or -1 with *err (out of memory). */
int rm_pack_scan_for_peel(rm_pack *p, rm_error *err);

/* Writer, once it ended: the peel question's answer, *why as for rm_pack_child_of. Only after
 * rm_pack_scan_for_peel. */
rm_pack_scan_peel rm_pack_peel(const rm_pack *p, const char **why);

/* Writer, once it ended: true when rm_pack_finish found the pack whole and its checksum right,
 * but held its trailer back because the scan did not answer yes. */
bool rm_pack_held_back(const rm_pack *p);

/* Writer: appends the next bytes of the pack. 0, or -1 with *err (over `max_size`, a bad header,
 * the relay's reader is gone). */
int rm_pack_write(rm_pack *p, const void *data, size_t len, rm_error *err);

/* Writer: ends the pack: checks that it is whole and its trailing checksum right (rm_pack_check)
 * and, when holding for the scan, that its answer is yes; then a relay lets the reader have the
 * last bytes. 0, or -1 with *err (a relay's reader then fails too). */
int rm_pack_finish(rm_pack *p, rm_error *err);

/* Writer: gives up (the fetch failed). A relay's reader then fails instead of reaching the end. */
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

/* Reader: bytes taken so far: for a push, the pack bytes it sent, whether or not it ended. */
uint64_t rm_pack_bytes_read(const rm_pack *p);

/* Writer: bytes written so far. */
uint64_t rm_pack_size(const rm_pack *p);

/* Writer: objects in the pack, from its header (0 until 12 bytes were written). */
uint32_t rm_pack_object_count(const rm_pack *p);

/* Closes the relay. NULL is fine. */
void rm_pack_free(rm_pack *p);

#endif
