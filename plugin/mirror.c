#include "mirror.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "advert.h"
#include "decide.h"
#include "http.h"
#include "log.h"
#include "negotiate.h"
#include "pack.h"
#include "plan.h"
#include "progress.h"
#include "receive_pack.h"
#include "refname.h"
#include "upload_pack.h"

/* Everything one run holds; freed in one place whatever step failed. */
typedef struct run {
	const rm_run_options *options;
	const char *refname;
	rm_trust *trust; /* both sides' trusted CAs, built once for the run */
	rm_remote src, tgt;
	rm_source_info source_info;
	rm_advert target_refs;
	rm_decision_input in;
	bool source_lacks_target;
	rm_plan plan;
	rm_pack *pack;
} run;

static rm_remote remote_for(const rm_endpoint *e, const rm_run_options *o, const rm_trust *trust,
			    rm_side side)
{
	rm_remote r = {.side = side,
		       .url = strdup(e->url),
		       .username = e->username,
		       .token = e->token,
		       .trust = trust,
		       .timeout = o->timeout,
		       .deadline_ms = o->deadline_at_ms,
		       .deadline_s = o->deadline};
	return r;
}

/* Plans the transfer of the decision for this one ref (plan.h). */
static int make_plan(run *r, const rm_decision *d, rm_error *err)
{
	rm_plan_ref ref = {.refname = r->refname,
			   .in = r->in,
			   .decision = *d,
			   .source_lacks_target = r->source_lacks_target};
	rm_plan_input in = {.refs = &ref,
			    .nrefs = 1,
			    .target = &r->target_refs,
			    .source_version = r->source_info.version,
			    .source_caps = r->source_info.caps,
			    .dry_run = r->options->dry_run};

	if (rm_plan_make(&r->plan, &in) < 0)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_NO_MEMORY, "out of memory");
	return 0;
}

static void log_pack(const run *r)
{
	size_t nhaves = r->plan.nhaves;

	rm_log("source: pack of %u objects, %llu bytes (%zu have%s)", rm_pack_object_count(r->pack),
	       (unsigned long long)rm_pack_size(r->pack), nhaves, nhaves == 1 ? "" : "s");
}

/* Fetches the plan's pack into r->pack (relay or sink) and ends it there: verified, or
 * abandoned when the fetch failed. A plan of one ref has one want. */
static int fetch_planned_pack(run *r, rm_error *err)
{
	const rm_plan *p = &r->plan;

	if (rm_fetch_pack(&r->src, &r->source_info, &p->wants[0], p->haves, p->nhaves, p->ofs_delta,
			  r->pack, err) < 0) {
		rm_pack_abandon(r->pack);
		return -1;
	}
	return rm_pack_finish(r->pack, err);
}

/* Opens the plan's pack: a relay, or a sink for a dry run. When the decision waits on ancestry,
 * the pack's commits are read on the way, and a push that needs the answer "yes" gets the
 * pack's trailer only then. */
static int open_pack(run *r, const rm_decision *d, rm_error *err)
{
	uint64_t max_size = r->options->max_pack_size;
	bool hold = r->plan.ncommands && r->plan.commands[0].awaits_ancestry;
	int rc = r->plan.transfer == RM_TRANSFER_READ ? rm_pack_open_sink(&r->pack, max_size, err)
						      : rm_pack_open_relay(&r->pack, max_size, err);

	if (rc < 0 || d->action != RM_ACTION_NEED_ANCESTRY)
		return rc;
	return rm_pack_scan_for_child_of(r->pack, &r->in.target, hold, err);
}

static void log_decision(const rm_decision *d)
{
	rm_log("decision: %s: %s", rm_result_name(d->result), d->why);
}

/* The pack answered the ancestry question, or could not: decides again. An answer the pack
 * could not give fails the run, unless the push went ahead anyway (O = T allowed it): the
 * result is then `forced`, the label the old SHA asked for. */
static int learn_ancestry(run *r, rm_decision *d, bool pushed, rm_error *err)
{
	const char *why;

	switch (rm_pack_child_of(r->pack, &why)) {
	case RM_PACK_SCAN_YES:
		r->in.ancestry = RM_ANCESTRY_YES;
		break;
	case RM_PACK_SCAN_NO:
		r->in.ancestry = RM_ANCESTRY_NO;
		break;
	case RM_PACK_SCAN_UNKNOWN:
		if (!pushed)
			return rm_error_set(err, RM_SIDE_SOURCE, RM_ERR_PACK,
					    "the pack cannot tell whether %s is an ancestor "
					    "of %s (%s); nothing was pushed",
					    rm_oid_short(&r->in.target).hex,
					    rm_oid_short(&r->in.source).hex, why);
		rm_log("ancestry: the pack cannot tell (%s); the old SHA allowed the push", why);
		r->in.ancestry = RM_ANCESTRY_NO;
		break;
	}
	*d = rm_decide(&r->in);
	log_decision(d);
	return 0;
}

/* Reads S, then T. The outputs take each value as soon as it is known, so that a failure on
 * the target still reports the source's value. */
static int read_both_sides(run *r, rm_outputs *out, rm_error *err)
{
	const rm_ref *t;

	if (rm_source_read_ref(&r->src, r->refname, &r->in.source, &r->source_info, err) < 0)
		return -1;
	out->source_sha = r->in.source;
	rm_log("source: %s is %s (protocol v%d)", r->refname, rm_oid_short(&r->in.source).hex,
	       r->source_info.version);
	if (rm_target_read_refs(&r->tgt, &r->target_refs, err) < 0)
		return -1;
	t = rm_advert_find(&r->target_refs, r->refname);
	if (t)
		r->in.target = t->oid;
	out->target_sha_before = r->in.target;
	out->target_sha_after = r->in.target;
	rm_log("target: %s is %s", r->refname, rm_oid_short(&r->in.target).hex);
	return 0;
}

/* Reads the target's value of the ref again, after a push that failed: *now is what it holds.
 * Returns false when the target could not be read. */
static bool read_target_again(run *r, rm_oid *now)
{
	rm_advert again;
	rm_error ignored = {0};
	int64_t grace = rm_now_ms() + (int64_t)r->tgt.timeout * 1000;
	bool read;

	/* A push cut by the deadline may still have been applied: to tell, the target gets at least
	 * `timeout` seconds more, past the deadline if need be. */
	if (r->tgt.deadline_ms && r->tgt.deadline_ms < grace)
		r->tgt.deadline_ms = grace;
	rm_advert_init(&again);
	read = rm_target_read_refs(&r->tgt, &again, &ignored) == 0;
	if (read) {
		const rm_ref *t = rm_advert_find(&again, r->refname);
		now->hex[0] = '\0';
		if (t)
			*now = t->oid;
	}
	rm_advert_free(&again);
	return read;
}

/* Pushes the plan's command with the pack fetched for it, if any (none for a deletion). */
static int push_command(run *r, const rm_push_command *c, rm_oid *after, rm_error *err)
{
	const rm_oid *new_value = &c->new_value;
	rm_pack *pack = r->pack;
	rm_oid now;

	if (rm_push(&r->tgt, &r->plan.push_caps, c, pack, err) < 0) {
		if (pack)
			rm_pack_close_reader(pack); /* the fetch ends now, not at its next write */
		/* The outputs tell what the target holds now, whoever moved it; and a push whose
		 * answer was lost or garbled may well have been applied (SPEC 6). Unread after
		 * such a push, the value is not known: empty. After a refusal it is still T. */
		if (!read_target_again(r, &now)) {
			if (err->transient)
				after->hex[0] = '\0';
			return -1;
		}
		*after = now;
		if (!rm_oid_equal(&now, new_value))
			return -1;
		rm_log("%s; but the target holds the new value", err->msg); /* msg names the side */
		rm_error_clear(err);
	}
	*after = *new_value;
	rm_log("target: %s %s -> %s", c->refname, rm_oid_short(&c->old).hex,
	       rm_oid_short(new_value).hex);
	return 0;
}

/* The fetch of a relayed pack, in a thread of its own while the push reads the pack. */
typedef struct relay_fetch {
	run *r;
	int rc;
	rm_error err;
} relay_fetch;

static void *run_relay_fetch(void *arg)
{
	relay_fetch *f = arg;

	f->rc = fetch_planned_pack(f->r, &f->err);
	return NULL;
}

/* The fetch thread's stack: libcurl, OpenSSL, zlib and a pkt-line buffer need more than musl's
 * default thread stack (128 KiB). */
#define FETCH_STACK_SIZE (4 << 20)

static int start_thread(pthread_t *thread, void *(*run_it)(void *), void *arg)
{
	pthread_attr_t attr;
	int rc;

	if (pthread_attr_init(&attr) != 0)
		return -1;
	rc = pthread_attr_setstacksize(&attr, FETCH_STACK_SIZE);
	if (rc == 0)
		rc = pthread_create(thread, &attr, run_it, arg);
	pthread_attr_destroy(&attr);
	return rc;
}

/* After a relay that waited on ancestry: a push held back by the answer did not fail, it was
 * abandoned (the target saw a truncated pack) because the decision made again forbids it. */
static int settle_ancestry(run *r, rm_decision *d, int pushed_rc, rm_error *err)
{
	if (pushed_rc < 0 && !rm_pack_held_back(r->pack))
		return -1;
	rm_error_clear(err);
	if (pushed_rc < 0)
		rm_log("target: the push was abandoned before the pack's checksum; the target "
		       "keeps %s",
		       rm_oid_short(&r->in.target).hex);
	return learn_ancestry(r, d, pushed_rc == 0, err);
}

/* Pushes the pack to the target while it arrives from the source (SPEC 4). A failed fetch cuts
 * the push before the pack's checksum, which the target then refuses whole; the fetch's error
 * is the run's. So does an ancestry answer that forbids the push: the decision made again. */
static int relay(run *r, rm_decision *d, rm_oid *after, rm_error *err)
{
	const rm_push_command *c = &r->plan.commands[0];
	relay_fetch f = {.r = r};
	pthread_t fetcher;
	int rc;

	if (open_pack(r, d, err) < 0)
		return -1;
	if (start_thread(&fetcher, run_relay_fetch, &f) != 0)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_NO_MEMORY, "cannot start the fetch");
	/* The push starts once the pack does: a request body silent while the source counts its
	 * objects (minutes, for a whole history) could be cut by a proxy in front of the target. */
	rm_pack_wait_data(r->pack);
	rc = push_command(r, c, after, err);
	rm_pack_close_reader(r->pack);
	pthread_join(fetcher, NULL);
	if (rc < 0 && f.rc < 0 && !rm_pack_reader_gone(r->pack))
		*err = f.err;
	if (d->action == RM_ACTION_NEED_ANCESTRY)
		rc = settle_ancestry(r, d, rc, err);
	if (rc == 0)
		log_pack(r);
	return rc;
}

/* A dry run that waits on ancestry: the pack is fetched, its commits read, its bytes dropped. */
static int read_for_ancestry(run *r, rm_decision *d, rm_error *err)
{
	if (open_pack(r, d, err) < 0 || fetch_planned_pack(r, err) < 0)
		return -1;
	log_pack(r);
	return learn_ancestry(r, d, false, err);
}

/* A dry run's line in place of the push's "target: ref T -> S": what the push would do. */
static void log_what_would_be_done(const run *r, const rm_decision *d)
{
	static const char *const verbs[] = {
		[RM_RESULT_CREATED] = "create",
		[RM_RESULT_FAST_FORWARD] = "fast-forward",
		[RM_RESULT_FORCED] = "force",
		[RM_RESULT_DELETED] = "delete",
	};
	rm_oid none = {""};
	const rm_oid *new_value = d->action == RM_ACTION_DELETE ? &none : &r->in.source;

	rm_log("dry run: would %s %s %s -> %s (the target is left as it is)", verbs[d->result],
	       r->refname, rm_oid_short(&r->in.target).hex, rm_oid_short(new_value).hex);
}

/* T peeled before the ancestry question (SPEC 4): a tag object's answer comes from the peel
 * pack; T that is no tag object (an empty peel pack) is left to the pack of S. */
static int peel_target(run *r, rm_decision *d, rm_error *err)
{
	rm_pack_scan_peel peel;

	if (rm_source_peel_target(&r->src, &r->source_info, &r->in.target, &r->in.source, &peel,
				  err) < 0)
		return -1;
	if (peel == RM_PACK_SCAN_PEEL_NOT_A_TAG)
		return 0;
	rm_log("source: %s, peeled, is %s the history of %s", rm_oid_short(&r->in.target).hex,
	       peel == RM_PACK_SCAN_PEEL_IN_HISTORY ? "a commit in" : "not in",
	       rm_oid_short(&r->in.source).hex);
	r->in.ancestry = peel == RM_PACK_SCAN_PEEL_IN_HISTORY ? RM_ANCESTRY_YES : RM_ANCESTRY_NO;
	*d = rm_decide(&r->in);
	return 0;
}

/* Before any pack: a source that does not hold T cannot have it in the history of S, so the
 * answer "no" costs one small request (SPEC 4). A source that holds it is asked what T peels
 * to (protocol v2). Otherwise the pack answers. */
static int ask_source_for_target(run *r, rm_decision *d, rm_error *err)
{
	rm_source_holds holds;

	if (rm_source_holds_object(&r->src, &r->source_info, &r->in.source, &r->in.target, &holds,
				   err) < 0)
		return -1;
	if (holds == RM_SOURCE_HOLDS_YES && r->source_info.version == 2)
		return peel_target(r, d, err);
	if (holds != RM_SOURCE_HOLDS_NO)
		return 0;
	rm_log("source: does not hold %s, so it is no ancestor of %s",
	       rm_oid_short(&r->in.target).hex, rm_oid_short(&r->in.source).hex);
	r->source_lacks_target = true;
	r->in.ancestry = RM_ANCESTRY_NO;
	*d = rm_decide(&r->in);
	return 0;
}

static int mirror(run *r, rm_outputs *out, rm_error *err)
{
	rm_decision d;

	if (read_both_sides(r, out, err) < 0)
		return -1;
	d = rm_decide(&r->in);
	if (d.action == RM_ACTION_NEED_ANCESTRY && ask_source_for_target(r, &d, err) < 0)
		return -1;
	if (make_plan(r, &d, err) < 0)
		return -1;
	if (d.action == RM_ACTION_NEED_ANCESTRY)
		rm_log("decision: %s (read from the pack on its way)", d.why);
	else
		log_decision(&d);
	if (r->plan.transfer == RM_TRANSFER_READ && read_for_ancestry(r, &d, err) < 0)
		return -1;
	out->result = d.result;
	if (d.action == RM_ACTION_NONE) /* also when the ancestry learnt allows no update */
		return 0;
	if (r->options->dry_run) {
		log_what_would_be_done(r, &d);
		return 0;
	}
	if (r->plan.transfer == RM_TRANSFER_NONE) /* a deletion */
		return push_command(r, &r->plan.commands[0], &out->target_sha_after, err);
	if (relay(r, &d, &out->target_sha_after, err) < 0)
		return -1;
	out->result = d.result;
	return 0;
}

int rm_mirror_ref(const rm_run_options *o, const rm_endpoint *source, const rm_endpoint *target,
		  const char *refname, const rm_oid *old, rm_outputs *out, rm_error *err)
{
	run r = {.options = o, .refname = refname};
	uint64_t sent_before = out->pack_bytes; /* by earlier attempts */
	int rc;

	memset(out, 0, sizeof(*out));
	out->reference = refname;
	out->result = RM_RESULT_FAILED;
	out->dry_run = o->dry_run;
	r.trust = rm_trust_new(o->ca_pem);
	r.src = remote_for(source, o, r.trust, RM_SIDE_SOURCE);
	r.tgt = remote_for(target, o, r.trust, RM_SIDE_TARGET);
	rm_advert_init(&r.target_refs);
	r.in.old = *old;
	r.in.is_tag = rm_refname_is_tag(refname);
	r.in.sync_delete = o->sync_delete;
	if (!r.src.url || !r.tgt.url)
		rc = rm_error_set(err, RM_SIDE_NONE, RM_ERR_NO_MEMORY, "out of memory");
	else if (!r.trust) /* the source is the first side to need it */
		rc = rm_error_set(err, RM_SIDE_SOURCE, RM_ERR_NETWORK,
				  "cannot load the CA certificates");
	else
		rc = mirror(&r, out, err);
	if (rc < 0)
		out->result = RM_RESULT_FAILED;
	/* Whatever the target then said of them: what it was sent is what it cost. */
	out->pack_bytes = sent_before + (r.pack ? rm_pack_bytes_read(r.pack) : 0);
	rm_log("transfer: %llu bytes received from the source, %llu bytes sent to the target",
	       (unsigned long long)r.src.bytes_received, (unsigned long long)r.tgt.bytes_sent);
	rm_pack_free(r.pack);
	rm_plan_free(&r.plan);
	rm_advert_free(&r.target_refs);
	rm_source_info_free(&r.source_info);
	rm_remote_free(&r.src);
	rm_remote_free(&r.tgt);
	rm_trust_free(r.trust);
	return rc < 0 ? rm_exit_code_for(err) : rm_result_exit_code(out->result);
}
