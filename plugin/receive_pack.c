#include "receive_pack.h"

#include <string.h>

#include "buf.h"
#include "log.h"
#include "pktline.h"
#include "report_status.h"
#include "request.h"
#include "sideband.h"
#include "smart_http.h"

#define COMMAND_LIMIT (64u * 1024)

/* The target's refs and capabilities: a v0 advertisement (receive-pack has no v2) of SHA-1. */
static int accept_target_advert(const rm_advert *adv, bool complete, const char *url, rm_error *err)
{
	char why[160];

	if (!complete || adv->version != 0)
		return rm_error_set(err, RM_SIDE_TARGET, RM_ERR_PROTOCOL,
				    "bad ref advertisement from %s", url);
	if (rm_caps_check_object_format(adv->caps, why, sizeof(why)) < 0)
		return rm_error_set(err, RM_SIDE_TARGET, RM_ERR_PROTOCOL, "%s", why);
	return 0;
}

int rm_target_read_refs(rm_remote *tgt, rm_advert *adv, rm_error *err)
{
	rm_smart_req req = {
		.service = RM_RECEIVE_PACK, .discovery = true, .max_bytes = RM_ADVERT_MAX_BYTES};
	rm_advert_parser *parser = rm_advert_parser_new(RM_ADVERT_INFO_REFS);
	bool complete;
	int rc;

	if (!parser)
		return rm_error_set(err, RM_SIDE_TARGET, RM_ERR_NO_MEMORY, "out of memory");
	rc = rm_smart_request(tgt, &req, rm_advert_parser_feed, parser, "ref advertisement",
			      rm_advert_parser_error(parser), err);
	complete = rm_advert_parser_finish(parser, adv) == 0;
	rm_advert_parser_free(parser);
	return rc < 0 ? -1 : accept_target_advert(adv, complete, tgt->url, err);
}

/* The answer to a push: report-status, inside band 1 when side-band-64k is on; the hooks' and
 * the server's messages on band 2; a fatal error on band 3. */
typedef struct push_answer {
	bool multiplexed; /* side-band-64k is on */
	rm_sideband band; /* channel 1 carries report-status */
	rm_report_parser *report;
	rm_remote_log messages;
	rm_error *err;
} push_answer;

static int read_report(void *answer, const char *data, size_t len)
{
	push_answer *a = answer;

	if (rm_report_parser_feed_band(a->report, data, len) == 0)
		return 0;
	return rm_error_set(a->err, RM_SIDE_TARGET, RM_ERR_PROTOCOL, "bad report-status: %s",
			    rm_report_parser_error(a->report));
}

static int on_answer_pkt(void *ctx, rm_pkt_type type, const char *data, size_t len)
{
	push_answer *a = ctx;

	if (!a->multiplexed)
		return rm_report_parser_feed(a->report, type, data, len);
	return type == RM_PKT_DATA ? rm_sideband_route(&a->band, data, len) : 0;
}

/* The plan's capabilities (check_capabilities: report-status is offered), in the command. */
static int build_command(rm_buf *body, const rm_push_caps *caps, const rm_push_command *c)
{
	rm_request_caps request_caps = {.report_status = true,
					.side_band_64k = caps->side_band_64k,
					.object_format = caps->object_format};

	return rm_request_push(body, &request_caps, &c->old, &c->new_value, c->refname);
}

static int check_capabilities(const rm_push_caps *caps, const rm_oid *new_value, rm_error *err)
{
	if (!caps->report_status)
		return rm_error_set(err, RM_SIDE_TARGET, RM_ERR_PROTOCOL,
				    "server does not offer report-status, so a push could not "
				    "be verified");
	if (!rm_oid_is_set(new_value) && !caps->delete_refs)
		return rm_error_set(err, RM_SIDE_TARGET, RM_ERR_REFUSED,
				    "server does not allow deleting refs");
	return 0;
}

/* Turns the report into the run's verdict, with the server's own words. */
static int judge_report(const rm_report_parser *parser, const char *refname, rm_error *err)
{
	rm_report r;

	if (rm_report_parser_finish(parser, &r) < 0)
		return rm_error_set_transient(err, RM_SIDE_TARGET, RM_ERR_NETWORK,
					      "the answer to the push was lost or cut short");
	if (!r.unpack_ok)
		return rm_error_set(err, RM_SIDE_TARGET, RM_ERR_REFUSED,
				    "could not store the pack: %s", r.unpack_error);
	if (!r.ref_seen)
		return rm_error_set(err, RM_SIDE_TARGET, RM_ERR_PROTOCOL, "no verdict for %s",
				    refname);
	if (!r.ref_ok)
		return rm_error_set(err, RM_SIDE_TARGET, RM_ERR_REFUSED, "refused %s: %s", refname,
				    r.ref_error);
	return 0;
}

static ssize_t read_pack(void *pack, void *buf, size_t max, rm_error *err)
{
	return rm_pack_read(pack, buf, max, err);
}

/* A relayed pack's progress is the fetch's ("relaying"), until the fetch ended; then, and for a
 * push without a pack, the push's. */
static void show_push_progress(void *pack, const char *amount)
{
	if (!pack || rm_pack_writer_ended(pack))
		rm_log("pushing: %s", amount);
}

int rm_push(rm_remote *tgt, const rm_push_caps *caps, const rm_push_command *command, rm_pack *pack,
	    rm_error *err)
{
	rm_smart_req req = {.service = RM_RECEIVE_PACK,
			    .max_bytes = RM_REPORT_MAX_BYTES,
			    .progress = show_push_progress,
			    .progress_ctx = pack};
	push_answer answer = {.multiplexed = caps->side_band_64k, .err = err};
	rm_sideband band = {.side = RM_SIDE_TARGET,
			    .on_data = read_report,
			    .ctx = &answer,
			    .messages = &answer.messages,
			    .err = err};
	rm_buf body;
	int rc;

	if (check_capabilities(caps, &command->new_value, err) < 0)
		return -1;
	rm_remote_log_init(&answer.messages, "target");
	answer.band = band;
	rm_buf_init(&body, COMMAND_LIMIT);
	answer.report = rm_report_parser_new(command->refname);
	if (!answer.report || build_command(&body, caps, command) < 0) {
		rc = rm_error_set(err, RM_SIDE_TARGET, RM_ERR_PROTOCOL,
				  "cannot build the push command");
		goto out;
	}
	req.body = body.data;
	req.body_len = body.len;
	if (pack) {
		req.more = read_pack;
		req.more_ctx = pack;
		req.more_len = -1; /* a relay: its size is known once the fetch ended */
	}
	rc = rm_smart_request(tgt, &req, on_answer_pkt, &answer, "push answer",
			      rm_report_parser_error(answer.report), err);
	rm_log_remote_end(&answer.messages);
	if (rc == 0)
		rc = judge_report(answer.report, command->refname, err);
out:
	rm_report_parser_free(answer.report);
	rm_buf_free(&body);
	return rc;
}
