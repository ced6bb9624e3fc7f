/* One HTTP exchange with one side of the mirror, on libcurl: a request in; the status, the
 * Retry-After and Location headers, and the body to a sink out. Credentials go only in the
 * Authorization header, TLS is verified against the run's trust store (trust.h), redirects are
 * reported, never followed here (rm_http_redirect_allowed says which may be). Nothing here knows
 * git: smart_http.h builds on it. */
#ifndef RM_HTTP_H
#define RM_HTTP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "error.h"
#include "trust.h"

typedef struct rm_remote rm_remote;
typedef struct rm_http_request rm_http_request;
typedef struct rm_http_response rm_http_response;

/* Performs one exchange; see rm_http_exchange. */
typedef int (*rm_http_exchange_fn)(rm_remote *remote, const rm_http_request *req,
				   rm_http_response *resp, rm_error *err);

/* One side of the mirror as seen by the transport. Owned by the caller except `url`, which the
 * transport may replace (after a redirect); free it with rm_remote_free. */
struct rm_remote {
	rm_side side; /* which remote: names its errors (rm_side_name) */
	char *url;    /* base URL of the repository, no trailing slash */
	const char *username;
	const char *token;	      /* NULL: anonymous */
	const rm_trust *trust;	      /* the run's trusted CAs; must outlive the remote */
	long timeout;		      /* seconds without progress before a request fails */
	int64_t deadline_ms;	      /* rm_now_ms() when every request of the run ends; 0: none */
	long deadline_s;	      /* the deadline setting, for messages */
	uint64_t bytes_received;      /* response body bytes, all requests */
	uint64_t bytes_sent;	      /* request body bytes, all requests */
	rm_http_exchange_fn exchange; /* NULL: rm_http_exchange; a unit test's stub otherwise */
};

/* Told the status and Content-Type (NULL when none) of an answer before its first body byte, or
 * at its end when it has none; returns true to have the body go to the sink, false to drain it.
 * It may set the request's error (the exchange then fails). */
typedef bool (*rm_http_head)(void *ctx, long status, const char *content_type);

/* Receives response body bytes as they arrive. Return 0 to go on, nonzero to abort the
 * exchange (which then fails without setting an error: the callback sets it). */
typedef int (*rm_http_sink)(void *ctx, const char *data, size_t len);

/* Supplies request body bytes: puts up to `max` of them in `buf` and returns how many, 0 at the
 * end, or -1 with *err set, which aborts the request. */
typedef ssize_t (*rm_http_source)(void *ctx, void *buf, size_t max, rm_error *err);

/* Prints a progress line for the request's phase, or nothing, given `amount`, the bytes moved
 * both ways so far and the rate ("120.4 MiB, 38.0 MiB/s"). Called on the thread that makes the
 * request, at most once every RM_PROGRESS_INTERVAL_MS (progress.h) and never in a shorter request.
 * The default prints "<side>: receiving: <amount>" (or "sending"). */
typedef void (*rm_http_progress)(void *ctx, const char *amount);

struct rm_http_request {
	const char *url;
	bool post;		    /* POST the body, else GET */
	const char *const *headers; /* extra "Name: value" lines, NULL-terminated, or NULL */
	const char *body; /* POST: the request body, or its first part when `more` is set */
	size_t body_len;
	rm_http_source more; /* POST: supplies the bytes that follow `body`, or NULL */
	void *more_ctx;
	int64_t more_len;  /* how many bytes `more` supplies, or -1 when not known (the body
			    * then goes with chunked transfer encoding) */
	rm_http_head head; /* required, with `sink`'s context */
	rm_http_sink sink; /* required */
	void *sink_ctx;
	uint64_t max_bytes; /* response body bytes accepted; 0: no limit (a pack: rm_pack's) */
	rm_http_progress progress; /* prints this request's progress lines; NULL: the default */
	void *progress_ctx;
};

struct rm_http_response {
	long status;	  /* 0 until an answer came */
	long retry_after; /* Retry-After (seconds or an HTTP date) in seconds from now; 0: none */
	char *location;	  /* a redirect's target, or NULL; free with rm_http_response_free */
};

/* Makes one-time global setup (curl_global_init). Returns 0 or -1. */
int rm_http_global_init(void);

/* Performs one exchange, within the remote's deadline (CURLOPT_TIMEOUT_MS), whatever the
 * status: returns 0 once the answer ended, its status and headers in *resp (zeroed first;
 * free with rm_http_response_free), its body to req->sink when req->head said so. Returns -1
 * with *err set (on remote->side, its name starting the message) when no whole answer
 * came: "<side>: <url>: <libcurl's words>", transient for failures to resolve, connect, send or
 * receive (not for TLS or protocol errors); transient stalls
 * ("<side>: no progress for N s from <url> (...)"); not transient "<side>: deadline of N s
 * reached waiting for <url>" when the deadline had passed or passed during the exchange;
 * "<side>: the answer from <url> is larger than N MiB" past req->max_bytes; or the error that
 * req->head, req->sink or req->more set. <url> is remote->url. */
int rm_http_exchange(rm_remote *remote, const rm_http_request *req, rm_http_response *resp,
		     rm_error *err);

/* Frees resp->location. */
void rm_http_response_free(rm_http_response *resp);

/* Whether credentials may follow a redirect from URL `from` to URL `to`: only to the same host,
 * on the same scheme and port, or from http to https on the same host (git's
 * http.followRedirects=initial, narrowed). False for anything that does not parse. */
bool rm_http_redirect_allowed(const char *from, const char *to);

/* Frees remote->url. */
void rm_remote_free(rm_remote *remote);

#endif
