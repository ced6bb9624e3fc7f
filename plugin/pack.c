#include "pack.h"

#include <dirent.h>
#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "pack_check.h"

struct rm_pack {
	FILE *spool;
	rm_pack_check *check;	/* header, size limit and trailer, on every pack */
	int fail_exit;
	git_indexer *indexer;	/* NULL when not indexing */
	git_indexer_progress progress; /* the indexer counts into it across calls */
	char *index_dir;	/* the indexer's private folder, removed by rm_pack_free */
	git_odb *odb;		/* the indexed pack, opened after rm_pack_finish */
};

static const char *tmp_dir(void)
{
	const char *dir = getenv("TMPDIR");
	return dir && *dir ? dir : "/tmp";
}

static int libgit2_error(rm_pack *p, rm_error *err, const char *what)
{
	const git_error *e = git_error_last();
	return rm_error_set(err, p->fail_exit, "pack: %s: %s", what,
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
		return rm_error_set(err, p->fail_exit, "pack: cannot create a temporary folder in %s",
				    tmp_dir());
	}
	p->index_dir = dir.data;
	/* No object database: a thin pack (a delta against an object not in the pack) then fails
	 * to index, which is what we want, since the target could not resolve it either. */
	if (git_indexer_new(&p->indexer, p->index_dir, 0, NULL, &opts) < 0)
		return libgit2_error(p, err, "cannot start the indexer");
	return 0;
}

int rm_pack_open(rm_pack **out, bool index, uint64_t max_size, int fail_exit, rm_error *err)
{
	rm_pack *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p)
		return rm_error_set(err, fail_exit, "pack: out of memory");
	p->fail_exit = fail_exit;
	p->spool = open_spool();
	if (!p->spool) {
		rm_pack_free(p);
		return rm_error_set(err, fail_exit, "pack: cannot create a spool file in %s",
				    tmp_dir());
	}
	if (rm_pack_check_new(&p->check, max_size, fail_exit, err) < 0 ||
	    (index && open_indexer(p, err) < 0)) {
		rm_pack_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

int rm_pack_write(rm_pack *p, const void *data, size_t len, rm_error *err)
{
	if (rm_pack_check_update(p->check, data, len, err) < 0)
		return -1;
	if (fwrite(data, 1, len, p->spool) != len)
		return rm_error_set(err, p->fail_exit, "pack: cannot write the spool file (disk full?)");
	if (p->indexer && git_indexer_append(p->indexer, data, len, &p->progress) < 0)
		return libgit2_error(p, err, "bad pack data");
	return 0;
}

static int open_indexed_pack(rm_pack *p, rm_error *err)
{
	git_odb_backend *backend = NULL;
	rm_buf idx;
	int rc = -1;

	rm_buf_init(&idx, 4096);
	if (rm_buf_printf(&idx, "%s/pack-%s.idx", p->index_dir, git_indexer_name(p->indexer)) < 0)
		rc = rm_error_set(err, p->fail_exit, "pack: out of memory");
	else if (git_odb_new(&p->odb) < 0 || git_odb_backend_one_pack(&backend, idx.data) < 0 ||
		 git_odb_add_backend(p->odb, backend, 1) < 0)
		rc = libgit2_error(p, err, "cannot open the indexed pack");
	else
		rc = 0;
	rm_buf_free(&idx);
	return rc;
}

int rm_pack_finish(rm_pack *p, rm_error *err)
{
	/* Before the indexer's own checks, so that a damaged pack reads the same either way. */
	if (rm_pack_check_finish(p->check, err) < 0)
		return -1;
	if (fflush(p->spool) != 0 || fseek(p->spool, 0, SEEK_SET) != 0)
		return rm_error_set(err, p->fail_exit, "pack: cannot read back the spool file");
	if (!p->indexer)
		return 0;
	if (git_indexer_commit(p->indexer, &p->progress) < 0)
		return libgit2_error(p, err, "bad pack");
	return open_indexed_pack(p, err);
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
		return rm_error_set(err, p->fail_exit, "pack: not indexed");
	int rc = git_odb_foreach(p->odb, check_object, &s);
	if (rc < 0 && !s.found)
		return libgit2_error(p, err, "cannot read the pack's commits");
	*found = s.found;
	return 0;
}

FILE *rm_pack_file(rm_pack *p)
{
	return p->spool;
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
	rm_pack_check_free(p->check);
	if (p->index_dir)
		remove_folder(p->index_dir);
	free(p->index_dir);
	if (p->spool)
		fclose(p->spool);
	free(p);
}
