#include "pack.h"

#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pack_check.h"
#include "pack_scan.h"

/* Room in the relay between the two threads: enough to keep both sides busy. */
#define RELAY_BUFFER (1 << 20)

enum writer_state { RELAY_WRITING, RELAY_VERIFIED, RELAY_FAILED };

/* Who touches what (pack.h says which calls are the writer's and which the reader's): set at
 * opening, then read-only: relay. The writer's alone: check, scan,
 * hold_unless_child, held_back, relay_in. The reader's alone: relay_out, held, held_len,
 * reader_done, bytes_read. Written by one thread and read by the other, so atomic: writer_state
 * and reader_gone. */
struct rm_pack {
	rm_pack_check *check;	/* header, size limit and trailer, on every pack */
	rm_pack_scan *scan;	/* the ancestry or the peel question, when asked */
	bool peel;		/* scan asks the peel question */
	bool hold_unless_child; /* the trailer goes out only if the scan answers yes */
	bool held_back;		/* a whole, verified pack whose trailer the scan kept back */

	bool relay;		 /* false: read and dropped */
	int relay_in, relay_out; /* the writer's and the reader's ends, -1 once closed */
	atomic_bool reader_gone; /* a write failed: the reader had stopped */
	atomic_int writer_state; /* how the writer ended: enum writer_state */
	unsigned char
		held[RM_PACK_TRAILER_LEN]; /* bytes the reader holds back: maybe the trailer */
	size_t held_len;
	bool reader_done;
	uint64_t bytes_read; /* by the reader */
};

static rm_pack *new_pack(uint64_t max_size, rm_error *err)
{
	rm_pack *p = calloc(1, sizeof(*p));

	if (!p) {
		rm_error_set(err, RM_SIDE_NONE, RM_ERR_NO_MEMORY, "pack: out of memory");
		return NULL;
	}
	p->relay_in = p->relay_out = -1;
	if (rm_pack_check_new(&p->check, max_size, err) < 0) {
		rm_pack_free(p);
		return NULL;
	}
	return p;
}

int rm_pack_open_sink(rm_pack **out, uint64_t max_size, rm_error *err)
{
	*out = new_pack(max_size, err);
	return *out ? 0 : -1;
}

int rm_pack_open_relay(rm_pack **out, uint64_t max_size, rm_error *err)
{
	rm_pack *p = new_pack(max_size, err);
	int ends[2], room = RELAY_BUFFER;

	*out = NULL;
	if (!p)
		return -1;
	/* A socket pair rather than a pipe: send() with MSG_NOSIGNAL reports a vanished reader as
	 * EPIPE without raising SIGPIPE in the whole process. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) < 0) {
		rm_pack_free(p);
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_PACK, "pack: cannot make a relay: %s",
				    strerror(errno));
	}
	p->relay = true;
	p->relay_out = ends[0];
	p->relay_in = ends[1];
	/* Best effort: the kernel caps it, and any size works, only slower. */
	setsockopt(p->relay_in, SOL_SOCKET, SO_SNDBUF, &room, sizeof(room));
	setsockopt(p->relay_out, SOL_SOCKET, SO_RCVBUF, &room, sizeof(room));
	*out = p;
	return 0;
}

bool rm_pack_is_relay(const rm_pack *p)
{
	return p->relay;
}

int rm_pack_scan_for_child_of(rm_pack *p, const rm_oid *parent, bool hold_unless_child,
			      rm_error *err)
{
	p->scan = rm_pack_scan_new(parent);
	if (!p->scan)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_NO_MEMORY, "pack: out of memory");
	p->hold_unless_child = hold_unless_child;
	return 0;
}

int rm_pack_scan_for_peel(rm_pack *p, rm_error *err)
{
	p->scan = rm_pack_scan_new_peel();
	if (!p->scan)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_NO_MEMORY, "pack: out of memory");
	p->peel = true;
	return 0;
}

rm_pack_scan_peel rm_pack_peel(const rm_pack *p, const char **why)
{
	return rm_pack_scan_peel_now(p->scan, why);
}

bool rm_pack_held_back(const rm_pack *p)
{
	return p->held_back;
}

rm_pack_scan_answer rm_pack_child_of(const rm_pack *p, const char **why)
{
	return rm_pack_scan_answer_now(p->scan, why);
}

static int relay_send(rm_pack *p, const unsigned char *data, size_t len, rm_error *err)
{
	while (len > 0) {
		ssize_t n = send(p->relay_in, data, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			atomic_store(&p->reader_gone, true);
			return rm_error_set(err, RM_SIDE_NONE, RM_ERR_PACK,
					    "pack: the push stopped taking the pack");
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int rm_pack_write(rm_pack *p, const void *data, size_t len, rm_error *err)
{
	if (rm_pack_check_update(p->check, data, len, err) < 0)
		return -1;
	if (p->scan)
		rm_pack_scan_update(p->scan, data, len);
	/* "Not in the history" stands at the first object other than a tag: the rest (a whole
	 * history, maybe large blobs) is not fetched. */
	if (p->peel && rm_pack_scan_peel_now(p->scan, NULL) == RM_PACK_SCAN_PEEL_NOT_IN_HISTORY)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_PACK,
				    "pack: the peel answer is known");
	return p->relay ? relay_send(p, data, len, err) : 0;
}

/* Ends the writer's side of a relay: the reader sees the end of the stream after this. */
static void end_relay(rm_pack *p, enum writer_state how)
{
	atomic_store(&p->writer_state, how);
	if (p->relay_in >= 0)
		close(p->relay_in);
	p->relay_in = -1;
}

void rm_pack_abandon(rm_pack *p)
{
	end_relay(p, RELAY_FAILED);
}

int rm_pack_finish(rm_pack *p, rm_error *err)
{
	int rc = rm_pack_check_finish(p->check, err);

	if (rc == 0 && p->hold_unless_child && rm_pack_child_of(p, NULL) != RM_PACK_SCAN_YES) {
		p->held_back = true;
		rc = rm_error_set(err, RM_SIDE_NONE, RM_ERR_PACK,
				  "pack: held back: no answer \"yes\" to the "
				  "ancestry question");
	}
	end_relay(p, rc < 0 ? RELAY_FAILED : RELAY_VERIFIED);
	return rc;
}

/* Reads from the relay, always holding back the last RM_PACK_TRAILER_LEN bytes received until
 * the writer has verified them, so that the push cannot end on a pack that is not whole. */
static ssize_t relay_read(rm_pack *p, unsigned char *buf, size_t max, rm_error *err)
{
	size_t have;

	if (p->reader_done)
		return 0;
	if (max <= RM_PACK_TRAILER_LEN)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_PACK, "pack: read buffer too small");
	memcpy(buf, p->held, p->held_len);
	have = p->held_len;
	for (;;) {
		ssize_t n = recv(p->relay_out, buf + have, max - have, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return rm_error_set(err, RM_SIDE_NONE, RM_ERR_PACK,
					    "pack: cannot read the relay: %s", strerror(errno));
		if (n == 0) {
			if (atomic_load(&p->writer_state) != RELAY_VERIFIED)
				return rm_error_set(err, RM_SIDE_NONE, RM_ERR_PACK,
						    "pack: the source's pack did not arrive whole");
			p->reader_done = true;
			p->held_len = 0;
			return (ssize_t)have;
		}
		have += (size_t)n;
		if (have > RM_PACK_TRAILER_LEN) {
			p->held_len = RM_PACK_TRAILER_LEN;
			memcpy(p->held, buf + have - RM_PACK_TRAILER_LEN, RM_PACK_TRAILER_LEN);
			return (ssize_t)(have - RM_PACK_TRAILER_LEN);
		}
	}
}

ssize_t rm_pack_read(rm_pack *p, void *buf, size_t max, rm_error *err)
{
	ssize_t n = relay_read(p, buf, max, err);

	if (n > 0)
		p->bytes_read += (uint64_t)n;
	return n;
}

uint64_t rm_pack_bytes_read(const rm_pack *p)
{
	return p->bytes_read;
}

void rm_pack_wait_data(rm_pack *p)
{
	struct pollfd in = {.fd = p->relay_out, .events = POLLIN};

	/* The writer always ends (the source's requests time out), which wakes this too. */
	while (poll(&in, 1, -1) < 0 && errno == EINTR)
		;
}

bool rm_pack_writer_ended(const rm_pack *p)
{
	return atomic_load(&p->writer_state) != RELAY_WRITING;
}

bool rm_pack_reader_gone(const rm_pack *p)
{
	return atomic_load(&p->reader_gone);
}

void rm_pack_close_reader(rm_pack *p)
{
	if (p->relay_out >= 0)
		close(p->relay_out);
	p->relay_out = -1;
}

uint64_t rm_pack_size(const rm_pack *p)
{
	return rm_pack_check_size(p->check);
}

uint32_t rm_pack_object_count(const rm_pack *p)
{
	return rm_pack_check_objects(p->check);
}

void rm_pack_free(rm_pack *p)
{
	if (!p)
		return;
	rm_pack_scan_free(p->scan);
	if (p->relay_in >= 0)
		close(p->relay_in);
	rm_pack_close_reader(p);
	rm_pack_check_free(p->check);
	free(p);
}
