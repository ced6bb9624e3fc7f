/* Smart-HTTP requests to one side of the mirror, on libcurl (gitprotocol-http). Credentials go
 * only in the Authorization header; a redirect is followed only on discovery and only to the same
 * host, scheme and port (as git's http.followRedirects=initial, narrowed); TLS is verified. */
#ifndef RM_HTTP_H
#define RM_HTTP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "error.h"
#include "pktline.h"

/* One side of the mirror as seen by the transport. Owned by the caller except `url`, which the
 * transport may replace (after a redirect); free it with rm_remote_free. */
typedef struct rm_remote {
	const char *side;	/* "source" or "target", for messages */
	int fail_exit;		/* exit code when this side fails: RM_EXIT_SOURCE or RM_EXIT_TARGET */
	char *url;		/* base URL of the repository, no trailing slash */
	const char *username;
	const char *token;	/* NULL: anonymous */
	const char *ca_pem;	/* extra trusted CA certificates (PEM text), or NULL */
	long timeout;		/* seconds without progress before a request fails */
	int64_t deadline_ms;	/* rm_now_ms() when every request of the run ends; 0: none */
	long deadline_s;	/* the deadline setting, for messages */
	uint64_t bytes_received;/* response body bytes, all requests */
	uint64_t bytes_sent;	/* request body bytes, all requests */
} rm_remote;

/* Receives response body bytes as they arrive. Return 0 to go on, nonzero to abort the
 * request (rm_http_request then fails without setting an error: the callback sets it). */
typedef int (*rm_http_sink)(void *ctx, const char *data, size_t len);

/* Supplies request body bytes: puts up to `max` of them in `buf` and returns how many, 0 at the
 * end, or -1 with *err set, which aborts the request. */
typedef ssize_t (*rm_http_source)(void *ctx, void *buf, size_t max, rm_error *err);

/* Prints a progress line for the request's phase, or nothing, given `amount`, the bytes moved
 * both ways so far and the rate ("120.4 MiB, 38.0 MiB/s"). Called on the thread that makes the
 * request, at most once every RM_PROGRESS_INTERVAL_MS (progress.h) and never in a shorter request.
 * The default prints "<side>: receiving: <amount>" (or "sending"). */
typedef void (*rm_http_progress)(void *ctx, const char *amount);

typedef struct rm_http_req {
	const char *service;	/* "git-upload-pack" or "git-receive-pack" */
	bool discovery;		/* GET info/refs?service=..., else POST <url>/<service> */
	bool protocol_v2;	/* send "Git-Protocol: version=2" */
	const char *body;	/* POST: the request body, or its first part when `more` is set */
	size_t body_len;
	rm_http_source more;	/* POST: supplies the bytes that follow `body`, or NULL */
	void *more_ctx;
	int64_t more_len;	/* how many bytes `more` supplies, or -1 when not known (the body
				 * then goes with chunked transfer encoding) */
	rm_http_sink sink;
	void *sink_ctx;
	uint64_t max_bytes;	/* response body bytes accepted; 0: no limit (a pack: rm_pack's) */
	rm_http_progress progress; /* prints this request's progress lines; NULL: the default */
	void *progress_ctx;
} rm_http_req;

/* Makes one-time global setup (curl_global_init). Returns 0 or -1. */
int rm_http_global_init(void);

/* Performs the request, within the remote's deadline (CURLOPT_TIMEOUT_MS). On HTTP 2xx with
 * the smart-HTTP content type, returns 0 after the whole body went to the sink. Otherwise
 * returns -1 with *err set (exit code remote->fail_exit, a message naming the side and what went
 * wrong: "source: authentication failed (HTTP 401)"; transient flagged for connection failures,
 * 5xx and 429, whose Retry-After header, in seconds or as an HTTP date, goes to
 * err->retry_after; "<side>: the answer from <url> is larger than N MiB" past req->max_bytes;
 * not transient, "<side>: deadline of N s reached waiting for <url>", when the deadline had
 * passed or passed during the request). */
int rm_http_request(rm_remote *remote, const rm_http_req *req, rm_error *err);

/* Performs a request whose answer is pkt-lines (req->sink is ignored): each packet goes to
 * `on_pkt` as it arrives. Fails as rm_http_request does; also when on_pkt returns nonzero (with
 * "<side>: bad <what>: <reason>" unless on_pkt set *err itself; the reason is the pkt-line
 * decoder's, else the text at `parser_error`, which may be NULL) and when the answer ends inside a
 * packet ("<side>: <what> was cut short", transient). */
int rm_http_pkt_request(rm_remote *remote, const rm_http_req *req, rm_pkt_cb on_pkt, void *ctx,
			const char *what, const char *parser_error, rm_error *err);

/* Frees remote->url. */
void rm_remote_free(rm_remote *remote);

#endif
