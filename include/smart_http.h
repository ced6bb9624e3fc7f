/* git's smart HTTP protocol (gitprotocol-http) over one HTTP exchange at a time (http.h): the
 * service's URLs, content types and Git-Protocol header, discovery's redirects (followed only
 * to where rm_http_redirect_allowed permits), the status of a failed request told in words, and
 * the answer decoded as pkt-lines as it arrives. */
#ifndef RM_SMART_HTTP_H
#define RM_SMART_HTTP_H

#include <stdbool.h>
#include <stdint.h>
#include "error.h"
#include "http.h"
#include "pktline.h"

typedef enum rm_service {
	RM_UPLOAD_PACK,	 /* git-upload-pack: the source */
	RM_RECEIVE_PACK, /* git-receive-pack: the target */
} rm_service;

typedef struct rm_smart_req {
	rm_service service;
	bool discovery;	  /* GET <url>/info/refs?service=..., else POST <url>/<service> */
	bool protocol_v2; /* send "Git-Protocol: version=2" */
	const char *body; /* POST: the request body, or its first part when `more` is set */
	size_t body_len;
	rm_http_source more; /* POST: supplies the bytes that follow `body`, or NULL */
	void *more_ctx;
	int64_t more_len;	   /* how many bytes `more` supplies, or -1 when not known */
	uint64_t max_bytes;	   /* answer bytes accepted; 0: no limit (a pack: rm_pack's) */
	rm_http_progress progress; /* prints this request's progress lines; NULL: the default */
	void *progress_ctx;
} rm_smart_req;

/* Performs the request and passes each packet of its answer to `on_pkt` as it arrives. A
 * discovery request follows up to 5 redirects, each only when rm_http_redirect_allowed, and
 * then remote->url becomes the redirect's target minus "/info/refs..." (git's rule): "<side>:
 * refusing redirect from <url> to another host or a weaker scheme" or "<side>: redirect from
 * <url> does not point to a git repository" otherwise. Returns 0 once the answer, HTTP 2xx with
 * the service's content type, ended on a packet boundary. Otherwise -1 with *err set (on
 * remote->side): the exchange's errors (rm_http_exchange); "<side>: <url> is not a git
 * smart-HTTP server (Content-Type: <type>)"; "<side>: authentication failed (HTTP 401) at <url>:
 * check <side>_token"; "<side>: access denied (HTTP 403) at <url>: the token lacks read|write
 * access"; "<side>: repository not found (HTTP 404): <url>"; transient "<side>: too many requests
 * (HTTP 429) at <url>" and "<side>: server error (HTTP 5xx) at <url>", with the Retry-After in
 * err->retry_after; "<side>: unexpected HTTP N from <url>"; when on_pkt returns nonzero, "<side>:
 * bad <what>: <reason>" unless on_pkt set *err itself (the reason is the pkt-line decoder's, else
 * the text at `parser_error`, which may be NULL); transient "<side>: <what> was cut short" when
 * the answer ends inside a packet. */
int rm_smart_request(rm_remote *remote, const rm_smart_req *req, rm_pkt_cb on_pkt, void *ctx,
		     const char *what, const char *parser_error, rm_error *err);

#endif
