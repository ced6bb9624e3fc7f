#include "smart_http.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "log.h"

#define MAX_REDIRECTS 5
#define URL_LIMIT (64u * 1024)

static const char *service_name(rm_service s)
{
	return s == RM_RECEIVE_PACK ? "git-receive-pack" : "git-upload-pack";
}

/* The answer being read: its pkt-lines go to a decoder once it is known to be smart HTTP. */
typedef struct answer {
	rm_remote *remote;
	rm_error *err;
	char expected_type[64]; /* the Content-Type of a good answer */
	bool smart;		/* 2xx with that type */
	rm_pkt_reader *reader;
	const char *what;
	const char *parser_error;
} answer;

/* The first good answer decides whether the body is ours to read: a git server answering
 * 2xx with the smart-HTTP content type. Anything else is only reported, never parsed. */
static bool on_head(void *ctx, long status, const char *type)
{
	answer *a = ctx;

	if (status < 200 || status > 299)
		return false;
	if (!type || strncasecmp(type, a->expected_type, strlen(a->expected_type)) != 0) {
		rm_error_set(a->err, a->remote->side, RM_ERR_NOT_FOUND,
			     "%s is not a git smart-HTTP server (Content-Type: %s)", a->remote->url,
			     type ? type : "none");
		return false;
	}
	a->smart = true;
	return true;
}

static int feed_pkts(void *ctx, const char *data, size_t len)
{
	answer *a = ctx;
	int rc = rm_pkt_reader_feed(a->reader, data, len);

	if (rc != 0 && !rm_error_is_set(a->err)) {
		const char *why = rm_pkt_reader_error(a->reader);
		if (!*why && a->parser_error)
			why = a->parser_error;
		rm_error_set(a->err, a->remote->side, RM_ERR_PROTOCOL, "bad %s: %s", a->what, why);
	}
	return rc;
}

static int report_http_status(const rm_remote *r, rm_service service, const rm_http_response *resp,
			      rm_error *err)
{
	long status = resp->status;

	switch (status) {
	case 401:
		return rm_error_set(err, r->side, RM_ERR_AUTH,
				    "authentication failed (HTTP 401) at %s: check %s_token",
				    r->url, rm_side_name(r->side));
	case 403:
		return rm_error_set(err, r->side, RM_ERR_AUTH,
				    "access denied (HTTP 403) at %s: the token lacks %s access",
				    r->url, service == RM_RECEIVE_PACK ? "write" : "read");
	case 404:
		return rm_error_set(err, r->side, RM_ERR_NOT_FOUND,
				    "repository not found (HTTP 404): %s", r->url);
	}
	if (status == 429 || status >= 500) {
		/* Only with the error it explains: the first error set wins. */
		if (!rm_error_is_set(err))
			err->retry_after = resp->retry_after;
		return rm_error_set_transient(err, r->side, RM_ERR_NETWORK, "%s (HTTP %ld) at %s",
					      status == 429 ? "too many requests" : "server error",
					      status, r->url);
	}
	return rm_error_set(err, r->side, RM_ERR_PROTOCOL, "unexpected HTTP %ld from %s", status,
			    r->url);
}

static bool is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

/* Follows a discovery redirect: the repository now lives where the redirect points, minus the
 * "/info/refs?service=..." the request added (git's own rule). */
static int follow_redirect(rm_remote *r, const char *location, rm_error *err)
{
	const char *suffix = strstr(location, "/info/refs");

	if (!rm_http_redirect_allowed(r->url, location))
		return rm_error_set(err, r->side, RM_ERR_PROTOCOL,
				    "refusing redirect from %s to another host or a weaker scheme",
				    r->url);
	if (!suffix)
		return rm_error_set(err, r->side, RM_ERR_NOT_FOUND,
				    "redirect from %s does not point to a git repository", r->url);
	char *base = strndup(location, (size_t)(suffix - location));
	if (!base)
		return rm_error_set(err, r->side, RM_ERR_NO_MEMORY, "out of memory");
	rm_log("%s: redirected to %s", rm_side_name(r->side), base);
	free(r->url);
	r->url = base;
	return 0;
}

/* The request's URL and its smart-HTTP headers (NULL-terminated in `headers`). 0 or -1. */
static int describe_request(const rm_remote *r, const rm_smart_req *req, rm_buf *url,
			    char lines[2][96], const char *headers[4])
{
	const char *name = service_name(req->service);
	size_t n = 0;

	if (req->protocol_v2)
		headers[n++] = "Git-Protocol: version=2";
	if (!req->discovery) {
		snprintf(lines[0], sizeof(lines[0]), "Content-Type: application/x-%s-request",
			 name);
		snprintf(lines[1], sizeof(lines[1]), "Accept: application/x-%s-result", name);
		headers[n++] = lines[0];
		headers[n++] = lines[1];
	}
	headers[n] = NULL;
	return req->discovery ? rm_buf_printf(url, "%s/info/refs?service=%s", r->url, name)
			      : rm_buf_printf(url, "%s/%s", r->url, name);
}

/* One exchange of the request with the remote as it is now; *resp as rm_http_exchange. */
static int exchange(rm_remote *r, const rm_smart_req *req, answer *a, rm_http_response *resp,
		    rm_error *err)
{
	rm_http_exchange_fn perform = r->exchange ? r->exchange : rm_http_exchange;
	char lines[2][96];
	const char *headers[4];
	rm_buf url;
	int rc;

	rm_buf_init(&url, URL_LIMIT);
	if (describe_request(r, req, &url, lines, headers) < 0) {
		rm_buf_free(&url);
		memset(resp, 0, sizeof(*resp));
		return rm_error_set(err, r->side, RM_ERR_NO_MEMORY, "out of memory");
	}
	rm_http_request h = {.url = url.data,
			     .post = !req->discovery,
			     .headers = headers,
			     .body = req->body,
			     .body_len = req->body_len,
			     .more = req->more,
			     .more_ctx = req->more_ctx,
			     .more_len = req->more_len,
			     .head = on_head,
			     .sink = feed_pkts,
			     .sink_ctx = a,
			     .max_bytes = req->max_bytes,
			     .progress = req->progress,
			     .progress_ctx = req->progress_ctx};
	rc = perform(r, &h, resp, err);
	rm_buf_free(&url);
	return rc;
}

/* Performs the request, following discovery's redirects; 0 once a smart answer ended. */
static int perform_following(rm_remote *r, const rm_smart_req *req, answer *a, rm_error *err)
{
	for (int hops = 0;; hops++) {
		rm_http_response resp;
		int rc = exchange(r, req, a, &resp, err);

		if (rc == 0 && is_redirect(resp.status) && req->discovery && resp.location &&
		    hops < MAX_REDIRECTS)
			rc = follow_redirect(r, resp.location, err) < 0 ? -1 : 1;
		else if (rc == 0 && (resp.status < 200 || resp.status > 299))
			rc = report_http_status(r, req->service, &resp, err);
		else if (rc == 0 && !a->smart)
			rc = -1; /* on_head said why */
		rm_http_response_free(&resp);
		if (rc <= 0)
			return rc;
	}
}

int rm_smart_request(rm_remote *remote, const rm_smart_req *req, rm_pkt_cb on_pkt, void *ctx,
		     const char *what, const char *parser_error, rm_error *err)
{
	answer a = {.remote = remote, .err = err, .what = what, .parser_error = parser_error};
	int rc;

	snprintf(a.expected_type, sizeof(a.expected_type), "application/x-%s-%s",
		 service_name(req->service), req->discovery ? "advertisement" : "result");
	a.reader = rm_pkt_reader_new(on_pkt, ctx);
	if (!a.reader)
		return rm_error_set(err, remote->side, RM_ERR_NO_MEMORY, "out of memory");
	rc = perform_following(remote, req, &a, err);
	if (rc == 0 && !rm_pkt_reader_at_boundary(a.reader))
		rc = rm_error_set_transient(err, remote->side, RM_ERR_NETWORK, "%s was cut short",
					    what);
	rm_pkt_reader_free(a.reader);
	return rc;
}
