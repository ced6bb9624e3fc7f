#include "http.h"

#include <curl/curl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "progress.h"
#include "version.h"

/* The state of one exchange while libcurl runs it. */
typedef struct transfer {
	rm_remote *remote;
	const rm_http_request *req;
	rm_error *err;
	CURL *curl;
	bool headed;	 /* req->head was told the status and type */
	bool delivering; /* ... and wants the body */
	bool sink_aborted;
	size_t body_sent;	/* of req->body */
	bool more_ended;	/* req->more said it had no more */
	uint64_t body_received; /* of this answer */
	rm_meter meter;		/* progress lines */
	uint64_t moved;		/* bytes moved both ways, at the last progress call */
	int64_t moved_at_ms;	/* when a byte last moved (or the exchange started) */
	bool stalled;		/* aborted: nothing moved for remote->timeout seconds */
} transfer;

int rm_http_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void rm_remote_free(rm_remote *remote)
{
	free(remote->url);
	remote->url = NULL;
}

void rm_http_response_free(rm_http_response *resp)
{
	free(resp->location);
	resp->location = NULL;
}

/* Tells req->head the answer's status and type, once. */
static void head_once(transfer *t)
{
	long status = 0;
	const char *type = NULL;

	if (t->headed)
		return;
	t->headed = true;
	curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(t->curl, CURLINFO_CONTENT_TYPE, &type);
	t->delivering = t->req->head(t->req->sink_ctx, status, type);
}

static size_t on_response_body(char *data, size_t size, size_t nmemb, void *ud)
{
	transfer *t = ud;
	size_t len = size * nmemb;

	head_once(t);
	if (!t->delivering)
		return len; /* an error page: drained, the status tells what happened */
	t->remote->bytes_received += len;
	t->body_received += len;
	if (t->req->max_bytes && t->body_received > t->req->max_bytes) {
		rm_error_set(t->err, t->remote->side, RM_ERR_PROTOCOL,
			     "the answer from %s is larger than %llu MiB", t->remote->url,
			     (unsigned long long)(t->req->max_bytes >> 20));
		t->sink_aborted = true;
		return 0;
	}
	if (t->req->sink(t->req->sink_ctx, data, len) != 0) {
		t->sink_aborted = true;
		return 0;
	}
	return len;
}

/* Supplies the request body: the in-memory part, then what req->more gives. */
static size_t on_request_body(char *buf, size_t size, size_t nmemb, void *ud)
{
	transfer *t = ud;
	size_t room = size * nmemb, n = 0;

	if (t->body_sent < t->req->body_len) {
		n = t->req->body_len - t->body_sent;
		if (n > room)
			n = room;
		memcpy(buf, t->req->body + t->body_sent, n);
		t->body_sent += n;
	} else if (t->req->more && !t->more_ended) {
		ssize_t got = t->req->more(t->req->more_ctx, buf, room, t->err);
		if (got < 0)
			return CURL_READFUNC_ABORT;
		t->more_ended = got == 0;
		n = (size_t)got;
	}
	t->remote->bytes_sent += n;
	return n;
}

static void log_progress(transfer *t, curl_off_t down, curl_off_t up)
{
	int64_t now = rm_now_ms();
	char amount[80];

	if (!rm_meter_due(&t->meter, now))
		return;
	rm_meter_format(&t->meter, now, (uint64_t)down + (uint64_t)up, amount, sizeof(amount));
	if (t->req->progress)
		t->req->progress(t->req->progress_ctx, amount);
	else
		rm_log("%s: %s: %s", rm_side_name(t->remote->side),
		       up > down ? "sending" : "receiving", amount);
}

/* True when nothing moved for `timeout` seconds. libcurl's own low-speed check averages over a
 * few seconds, so bytes just before a stall would stretch "no progress for 3 s" to about 9. */
static bool stalled(transfer *t, uint64_t moved, int64_t now)
{
	if (moved != t->moved) {
		t->moved = moved;
		t->moved_at_ms = now;
		return false;
	}
	return now - t->moved_at_ms >= (int64_t)t->remote->timeout * 1000;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	transfer *t = ud;

	(void)dltotal;
	(void)ultotal;
	log_progress(t, dlnow, ulnow);
	t->stalled = stalled(t, (uint64_t)dlnow + (uint64_t)ulnow, rm_now_ms());
	return t->stalled; /* nonzero aborts the exchange */
}

static struct curl_slist *request_headers(const rm_http_request *req)
{
	/* libcurl would otherwise wait for "100 Continue" on large bodies. */
	struct curl_slist *h = curl_slist_append(NULL, "Expect:");

	for (const char *const *line = req->headers; h && line && *line; line++) {
		struct curl_slist *more = curl_slist_append(h, *line);
		if (!more)
			curl_slist_free_all(h);
		h = more;
	}
	return h;
}

static int deadline_reached(transfer *t)
{
	rm_remote *r = t->remote;

	return rm_error_set(t->err, r->side, RM_ERR_NETWORK,
			    "deadline of %ld s reached waiting for %s", r->deadline_s, r->url);
}

/* The whole request ends by the deadline, whatever it is doing then. */
static int bound_by_deadline(transfer *t)
{
	int64_t left;

	if (!t->remote->deadline_ms)
		return 0;
	left = t->remote->deadline_ms - rm_now_ms();
	if (left <= 0)
		return deadline_reached(t);
	curl_easy_setopt(t->curl, CURLOPT_TIMEOUT_MS, left < LONG_MAX ? (long)left : LONG_MAX);
	return 0;
}

static void setup_body(transfer *t)
{
	CURL *c = t->curl;
	const rm_http_request *req = t->req;

	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, on_request_body);
	curl_easy_setopt(c, CURLOPT_READDATA, t);
	if (!req->more || req->more_len >= 0)
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)(req->body_len + (req->more ? req->more_len : 0)));
	else /* chunked, as git sends a large push: HTTP/2 bodies of unknown length
	      * break on some servers (lighttpd 1.4.69 resets the stream) */
		curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
}

static int setup_curl(transfer *t, struct curl_slist *headers, char *errbuf)
{
	CURL *c = t->curl;
	rm_remote *r = t->remote;

	curl_easy_setopt(c, CURLOPT_URL, t->req->url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	/* Some hosts serve smart HTTP only to clients that look like git. */
	curl_easy_setopt(c, CURLOPT_USERAGENT, "git/2.0 (refmirror/" RM_VERSION ")");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, r->timeout);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_response_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, t);
	if (r->token) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, r->username);
		curl_easy_setopt(c, CURLOPT_PASSWORD, r->token);
	}
	if (t->req->post)
		setup_body(t);
	if (rm_trust_apply(r->trust, c) < 0)
		return rm_error_set(t->err, r->side, RM_ERR_NETWORK,
				    "cannot load the CA certificates");
	return bound_by_deadline(t);
}

static bool is_transient_curl_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

static int report_curl_error(transfer *t, CURLcode rc, const char *errbuf)
{
	rm_remote *r = t->remote;
	const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);

	if (t->sink_aborted && rm_error_is_set(t->err))
		return -1; /* the sink said why */
	if (rc == CURLE_OPERATION_TIMEDOUT && r->deadline_ms && rm_now_ms() >= r->deadline_ms)
		return deadline_reached(t);
	if (t->stalled || rc == CURLE_OPERATION_TIMEDOUT) /* the latter: connecting */
		return rm_error_set_transient(t->err, r->side, RM_ERR_NETWORK,
					      "no progress for %ld s from %s", r->timeout, r->url);
	if (is_transient_curl_error(rc))
		return rm_error_set_transient(t->err, r->side, RM_ERR_NETWORK, "%s: %s", r->url,
					      why);
	return rm_error_set(t->err, r->side, RM_ERR_NETWORK, "%s: %s", r->url, why);
}

static bool same_text(const char *a, const char *b, bool ignore_case)
{
	if (!a || !b)
		return a == b;
	return ignore_case ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

bool rm_http_redirect_allowed(const char *from, const char *to)
{
	CURLU *a = curl_url(), *b = curl_url();
	char *sa = NULL, *sb = NULL, *ha = NULL, *hb = NULL, *pa = NULL, *pb = NULL;
	bool safe = false;

	if (a && b && curl_url_set(a, CURLUPART_URL, from, 0) == CURLUE_OK &&
	    curl_url_set(b, CURLUPART_URL, to, 0) == CURLUE_OK &&
	    curl_url_get(a, CURLUPART_SCHEME, &sa, 0) == CURLUE_OK &&
	    curl_url_get(b, CURLUPART_SCHEME, &sb, 0) == CURLUE_OK &&
	    curl_url_get(a, CURLUPART_HOST, &ha, 0) == CURLUE_OK &&
	    curl_url_get(b, CURLUPART_HOST, &hb, 0) == CURLUE_OK) {
		curl_url_get(a, CURLUPART_PORT, &pa, CURLU_DEFAULT_PORT);
		curl_url_get(b, CURLUPART_PORT, &pb, CURLU_DEFAULT_PORT);
		bool upgrade = strcmp(sa, "http") == 0 && strcmp(sb, "https") == 0;
		safe = same_text(ha, hb, true) &&
		       (upgrade || (same_text(sa, sb, true) && same_text(pa, pb, false)));
	}
	curl_free(sa), curl_free(sb), curl_free(ha), curl_free(hb), curl_free(pa), curl_free(pb);
	curl_url_cleanup(a);
	curl_url_cleanup(b);
	return safe;
}

/* The answer's status and the headers a caller acts on. */
static void read_response(transfer *t, rm_http_response *resp)
{
	curl_off_t wait = 0;
	char *location = NULL;

	curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &resp->status);
	/* libcurl reads both forms, seconds and an HTTP date. */
	if (curl_easy_getinfo(t->curl, CURLINFO_RETRY_AFTER, &wait) == CURLE_OK && wait > 0)
		resp->retry_after = wait > LONG_MAX ? LONG_MAX : (long)wait;
	if (curl_easy_getinfo(t->curl, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location)
		resp->location = strdup(location);
}

int rm_http_exchange(rm_remote *remote, const rm_http_request *req, rm_http_response *resp,
		     rm_error *err)
{
	transfer t = {.remote = remote, .req = req, .err = err};
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *headers = request_headers(req);
	CURLcode rc;
	int ret = -1;

	memset(resp, 0, sizeof(*resp));
	t.curl = curl_easy_init();
	if (!headers || !t.curl) {
		rm_error_set(err, remote->side, RM_ERR_NO_MEMORY, "out of memory");
		goto out;
	}
	if (setup_curl(&t, headers, errbuf) < 0)
		goto out;
	t.moved_at_ms = rm_now_ms();
	rm_meter_start(&t.meter, t.moved_at_ms);
	rc = curl_easy_perform(t.curl);
	read_response(&t, resp);
	if (rc != CURLE_OK) {
		report_curl_error(&t, rc, errbuf);
		goto out;
	}
	head_once(&t); /* an empty body: its type still says whether it is ours */
	ret = rm_error_is_set(err) ? -1 : 0;
out:
	curl_easy_cleanup(t.curl);
	curl_slist_free_all(headers);
	return ret;
}
