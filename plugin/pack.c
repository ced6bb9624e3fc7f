#include "pack.h"

#include <dirent.h>
#include <errno.h>
#include <git2.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"
#include "pack_check.h"

/* Room in the relay between the two threads: enough to keep both sides busy. */
#define RELAY_BUFFER (1 << 20)

enum writer_state { RELAY_WRITING, RELAY_VERIFIED, RELAY_FAILED };

/* Who touches what (pack.h says which calls are the writer's and which the reader's): set at
 * opening, then read-only: spool (NULL or not). The writer's alone: check, the
 * indexer's fields, relay_in. The reader's alone: relay_out, held, held_len, reader_done,
 * bytes_read. Written by one thread and read by the other, so atomic: writer_state and
 * reader_gone. */
struct rm_pack {
	rm_pack_check *check;	/* header, size limit and trailer, on every pack */

	FILE *spool;		/* NULL for a relay */
	git_indexer *indexer;	/* a spool's, which every spool has */
	git_indexer_progress progress; /* the indexer counts into it across calls */
	char *index_dir;	/* the indexer's private folder, removed by rm_pack_free */
	git_odb *odb;		/* the indexed pack, opened after rm_pack_finish */

	int relay_in, relay_out;	/* the writer's and the reader's ends, -1 once closed */
	atomic_bool reader_gone;	/* a write failed: the reader had stopped */
	atomic_int writer_state;	/* how the writer ended: enum writer_state */
	unsigned char held[RM_PACK_TRAILER_LEN]; /* bytes the reader holds back: maybe the trailer */
	size_t held_len;
	bool reader_done;
	uint64_t bytes_read;		/* by the reader, for either kind */
};

static const char *tmp_dir(void)
{
	const char *dir = getenv("TMPDIR");
	return dir && *dir ? dir : "/tmp";
}

static int libgit2_error(rm_error *err, const char *what)
{
	const git_error *e = git_error_last();
	return rm_error_set(err, RM_SIDE_NONE, RM_ERR_PACK, "pack: %s: %s", what,
			    e && e->message ? e->message : "unknown error");
}

/* An unlinked file: it vanishes with the process, however the process ends. */
static FILE *open_spool(void)
{
	rm_buf path;
	FILE *f = NULL;
	int fd;

	rm_buf_init(&path, 4096);
	if (rm_buf_printf(&path, "%s/refmirror-pack-XXXXXX", tmp_dir()) == 0 &&
	    (fd = mkstemp(path.data)) >= 0) {
		unlink(path.data);
		f = fdopen(fd, "w+b");
		if (!f)
			close(fd);
	}
	rm_buf_free(&path);
	return f;
}

static int open_indexer(rm_pack *p, rm_error *err)
{
	git_indexer_options opts;
	rm_buf dir;

	git_indexer_options_init(&opts, GIT_INDEXER_OPTIONS_VERSION);

	rm_buf_init(&dir, 4096);
	if (rm_buf_printf(&dir, "%s/refmirror-index-XXXXXX", tmp_dir()) < 0 || !mkdtemp(dir.data)) {
		rm_buf_free(&dir);
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_PACK,
				    "pack: cannot create a temporary folder in %s", tmp_dir());
	}
	p->index_dir = dir.data;
	/* No object database: a thin pack (a delta against an object not in the pack) then fails
	 * to index, which is what we want, since the target could not resolve it either. */
	if (git_indexer_new(&p->indexer, p->index_dir, 0, NULL, &opts) < 0)
		return libgit2_error(err, "cannot start the indexer");
	return 0;
}

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

int rm_pack_open_spool(rm_pack **out, uint64_t max_size, rm_error *err)
{
	rm_pack *p = new_pack(max_size, err);

	*out = NULL;
	if (!p)
		return -1;
	p->spool = open_spool();
	if (!p->spool) {
		rm_pack_free(p);
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_PACK,
				    "pack: cannot create a spool file in %s", tmp_dir());
	}
	if (open_indexer(p, err) < 0) {
		rm_pack_free(p);
		return -1;
	}
	*out = p;
	return 0;
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
	return p->spool == NULL;
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
	if (!p->spool)
		return relay_send(p, data, len, err);
	if (fwrite(data, 1, len, p->spool) != len)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_PACK,
				    "pack: cannot write the spool file (disk full?)");
	if (git_indexer_append(p->indexer, data, len, &p->progress) < 0)
		return libgit2_error(err, "bad pack data");
	return 0;
}

static int open_indexed_pack(rm_pack *p, rm_error *err)
{
	git_odb_backend *backend = NULL;
	rm_buf idx;
	int rc = -1;

	rm_buf_init(&idx, 4096);
	if (rm_buf_printf(&idx, "%s/pack-%s.idx", p->index_dir, git_indexer_name(p->indexer)) < 0)
		rc = rm_error_set(err, RM_SIDE_NONE, RM_ERR_NO_MEMORY, "pack: out of memory");
	else if (git_odb_new(&p->odb) < 0 || git_odb_backend_one_pack(&backend, idx.data) < 0 ||
		 git_odb_add_backend(p->odb, backend, 1) < 0)
		rc = libgit2_error(err, "cannot open the indexed pack");
	else
		rc = 0;
	rm_buf_free(&idx);
	return rc;
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

	if (!p->spool) {
		end_relay(p, rc < 0 ? RELAY_FAILED : RELAY_VERIFIED);
		return rc;
	}
	if (rc < 0)
		return -1;
	if (fflush(p->spool) != 0 || fseek(p->spool, 0, SEEK_SET) != 0)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_PACK,
				    "pack: cannot read back the spool file");
	if (git_indexer_commit(p->indexer, &p->progress) < 0)
		return libgit2_error(err, "bad pack");
	return open_indexed_pack(p, err);
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

static ssize_t spool_read(rm_pack *p, void *buf, size_t max, rm_error *err)
{
	size_t n = fread(buf, 1, max, p->spool);

	if (n == 0 && ferror(p->spool))
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_PACK,
				    "pack: cannot read the spool file");
	return (ssize_t)n;
}

ssize_t rm_pack_read(rm_pack *p, void *buf, size_t max, rm_error *err)
{
	ssize_t n = p->spool ? spool_read(p, buf, max, err) : relay_read(p, buf, max, err);

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

/* Walks the "parent <hex>" lines of a commit's header. */
static bool commit_has_parent(const char *data, size_t len, const rm_oid *parent)
{
	const char *end = data + len, *line = data;

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

typedef struct child_search {
	git_odb *odb;
	const rm_oid *parent;
	bool found;
} child_search;

static int check_object(const git_oid *id, void *payload)
{
	child_search *s = payload;
	git_object_t type;
	size_t len;
	git_odb_object *obj;

	if (git_odb_read_header(&len, &type, s->odb, id) < 0)
		return -1;
	if (type != GIT_OBJECT_COMMIT)
		return 0;
	if (git_odb_read(&obj, s->odb, id) < 0)
		return -1;
	s->found = commit_has_parent(git_odb_object_data(obj), git_odb_object_size(obj), s->parent);
	git_odb_object_free(obj);
	return s->found ? 1 : 0; /* nonzero stops the walk */
}

int rm_pack_has_child_of(rm_pack *p, const rm_oid *parent, bool *found, rm_error *err)
{
	child_search s = {.odb = p->odb, .parent = parent};

	*found = false;
	if (!p->odb)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_PACK, "pack: not indexed");
	int rc = git_odb_foreach(p->odb, check_object, &s);
	if (rc < 0 && !s.found)
		return libgit2_error(err, "cannot read the pack's commits");
	*found = s.found;
	return 0;
}

uint64_t rm_pack_size(const rm_pack *p)
{
	return rm_pack_check_size(p->check);
}

uint32_t rm_pack_object_count(const rm_pack *p)
{
	return rm_pack_check_objects(p->check);
}

static void remove_folder(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	rm_buf file;

	rm_buf_init(&file, 4096);
	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		rm_buf_reset(&file);
		if (rm_buf_printf(&file, "%s/%s", path, e->d_name) == 0)
			unlink(file.data);
	}
	if (d)
		closedir(d);
	rm_buf_free(&file);
	rmdir(path);
}

void rm_pack_free(rm_pack *p)
{
	if (!p)
		return;
	git_odb_free(p->odb);
	git_indexer_free(p->indexer);
	if (p->index_dir)
		remove_folder(p->index_dir);
	free(p->index_dir);
	if (p->spool)
		fclose(p->spool);
	if (p->relay_in >= 0)
		close(p->relay_in);
	rm_pack_close_reader(p);
	rm_pack_check_free(p->check);
	free(p);
}
