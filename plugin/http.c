#include "http.h"

#include <curl/curl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "log.h"
#include "progress.h"
#include "version.h"

#define MAX_REDIRECTS 5
#define CA_BUNDLE_LIMIT (16u << 20)

/* The state of one request while libcurl runs it. */
typedef struct transfer {
	rm_remote *remote;
	const rm_http_req *req;
	rm_error *err;
	CURL *curl;
	const char *expected_type; /* the smart-HTTP Content-Type of a good answer */
	bool checked;		   /* status and type were looked at */
	bool ok;		   /* ... and they were those of a good answer */
	bool sink_aborted;
	size_t body_sent;	   /* of req->body */
	bool more_ended;	   /* req->more said it had no more */
	uint64_t body_received;	   /* of this answer */
	rm_meter meter;		   /* progress lines */
	long retry_after;	   /* the answer's Retry-After, in seconds from now; 0: none */
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

/* The first good answer decides whether the body is ours to read: a git server answering
 * 2xx with the smart-HTTP content type. Anything else is only reported, never parsed. */
static bool answer_is_smart(transfer *t)
{
	long status = 0;
	const char *type = NULL;

	curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(t->curl, CURLINFO_CONTENT_TYPE, &type);
	if (status < 200 || status > 299)
		return false;
	if (!type || strncasecmp(type, t->expected_type, strlen(t->expected_type)) != 0) {
		rm_error_set(t->err, t->remote->fail_exit,
			     "%s: %s is not a git smart-HTTP server (Content-Type: %s)", t->remote->side,
			     t->remote->url, type ? type : "none");
		return false;
	}
	return true;
}

static size_t on_response_body(char *data, size_t size, size_t nmemb, void *ud)
{
	transfer *t = ud;
	size_t len = size * nmemb;

	if (!t->checked) {
		t->checked = true;
		t->ok = answer_is_smart(t);
	}
	if (!t->ok)
		return len; /* an error page: drained, the status tells what happened */
	t->remote->bytes_received += len;
	t->body_received += len;
	if (t->req->max_bytes && t->body_received > t->req->max_bytes) {
		rm_error_set(t->err, t->remote->fail_exit, "%s: the answer from %s is larger than %llu MiB",
			     t->remote->side, t->remote->url,
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
		rm_log("%s: %s: %s", t->remote->side, up > down ? "sending" : "receiving", amount);
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	(void)dltotal;
	(void)ultotal;
	log_progress(ud, dlnow, ulnow);
	return 0;
}

/* Reads a whole file into b (the system CA bundle). 0 or -1. */
static int append_file(rm_buf *b, const char *path)
{
	FILE *f = fopen(path, "rb");
	char chunk[8192];
	size_t n;
	int rc = 0;

	if (!f)
		return -1;
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = rm_buf_append(b, chunk, n);
	fclose(f);
	return rc;
}

static bool is_readable(const char *path)
{
	FILE *f = path && *path ? fopen(path, "rb") : NULL;

	if (f)
		fclose(f);
	return f != NULL;
}

/* The system store's bundle file: SSL_CERT_FILE, libcurl's built-in path, or the first of the
 * usual places that exists (a static binary runs on systems other than the one it was built
 * for). NULL when there is none. */
static const char *system_ca_file(CURL *curl)
{
	static const char *const usual[] = {
		"/etc/ssl/certs/ca-certificates.crt", /* Debian, Ubuntu, Alpine, the image */
		"/etc/pki/tls/certs/ca-bundle.crt",   /* Fedora, RHEL */
		"/etc/ssl/ca-bundle.pem",	      /* openSUSE */
		"/etc/ssl/cert.pem",		      /* macOS, BSDs */
	};
	const char *env = getenv("SSL_CERT_FILE");
	char *builtin = NULL;

	if (env && *env)
		return env;
	if (curl_easy_getinfo(curl, CURLINFO_CAINFO, &builtin) == CURLE_OK && is_readable(builtin))
		return builtin;
	for (size_t i = 0; i < sizeof(usual) / sizeof(usual[0]); i++)
		if (is_readable(usual[i]))
			return usual[i];
	return NULL;
}

/* Trusts the system store and, "in addition" (SPEC 1), the extra CA certificates. libcurl's
 * CAINFO replaces the store rather than adding to it, so with an extra CA the trusted set is
 * one blob: the system bundle followed by the extra certificates, built once per run. */
static int set_trusted_cas(CURL *curl, const char *extra_pem)
{
	static rm_buf bundle;
	const char *system = system_ca_file(curl);
	const char *dir = getenv("SSL_CERT_DIR");
	struct curl_blob blob;

	if (dir && *dir)
		curl_easy_setopt(curl, CURLOPT_CAPATH, dir);
	if (!extra_pem)
		return system ? (curl_easy_setopt(curl, CURLOPT_CAINFO, system) == CURLE_OK ? 0 : -1)
			      : 0;
	/* Built by the first request, which the main thread always makes alone. */
	if (!bundle.data) {
		rm_buf_init(&bundle, CA_BUNDLE_LIMIT);
		if ((system && append_file(&bundle, system) < 0) ||
		    rm_buf_printf(&bundle, "\n%s\n", extra_pem) < 0) {
			rm_buf_free(&bundle);
			return -1;
		}
	}
	blob.data = bundle.data;
	blob.len = bundle.len;
	blob.flags = CURL_BLOB_NOCOPY;
	return curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob) == CURLE_OK ? 0 : -1;
}

static struct curl_slist *request_headers(const rm_http_req *req)
{
	struct curl_slist *h = NULL;
	char line[128];

	/* libcurl would otherwise wait for "100 Continue" on large bodies. */
	h = curl_slist_append(h, "Expect:");
	if (req->protocol_v2)
		h = curl_slist_append(h, "Git-Protocol: version=2");
	if (!req->discovery) {
		snprintf(line, sizeof(line), "Content-Type: application/x-%s-request", req->service);
		h = curl_slist_append(h, line);
		snprintf(line, sizeof(line), "Accept: application/x-%s-result", req->service);
		h = curl_slist_append(h, line);
	}
	return h;
}

static int deadline_reached(transfer *t)
{
	rm_remote *r = t->remote;

	return rm_error_set(t->err, r->fail_exit, "%s: deadline of %ld s reached waiting for %s",
			    r->side, r->deadline_s, r->url);
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

static int setup_curl(transfer *t, const char *url, struct curl_slist *headers, char *errbuf)
{
	CURL *c = t->curl;
	rm_remote *r = t->remote;
	const rm_http_req *req = t->req;

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	/* Some hosts serve smart HTTP only to clients that look like git. */
	curl_easy_setopt(c, CURLOPT_USERAGENT, "git/2.0 (refmirror/" RM_VERSION ")");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, r->timeout);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, r->timeout);
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
	if (!req->discovery) {
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
	if (set_trusted_cas(c, r->ca_pem) < 0)
		return rm_error_set(t->err, r->fail_exit, "%s: cannot load the CA certificates",
				    r->side);
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

	if (t->sink_aborted && t->err->exit_code)
		return -1; /* the sink said why */
	if (rc == CURLE_OPERATION_TIMEDOUT && r->deadline_ms && rm_now_ms() >= r->deadline_ms)
		return deadline_reached(t);
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return rm_error_set_transient(t->err, r->fail_exit,
					      "%s: no progress for %ld s from %s (%s)", r->side,
					      r->timeout, r->url, why);
	if (is_transient_curl_error(rc))
		return rm_error_set_transient(t->err, r->fail_exit, "%s: %s: %s", r->side, r->url,
					      why);
	return rm_error_set(t->err, r->fail_exit, "%s: %s: %s", r->side, r->url, why);
}

static int report_http_status(transfer *t, long status)
{
	rm_remote *r = t->remote;
	const char *hint = r->fail_exit == RM_EXIT_SOURCE ? "source_token" : "target_token";

	switch (status) {
	case 401:
		return rm_error_set(t->err, r->fail_exit,
				    "%s: authentication failed (HTTP 401) at %s: check %s", r->side,
				    r->url, hint);
	case 403:
		return rm_error_set(t->err, r->fail_exit,
				    "%s: access denied (HTTP 403) at %s: the token lacks %s access",
				    r->side, r->url, t->req->service[4] == 'r' ? "write" : "read");
	case 404:
		return rm_error_set(t->err, r->fail_exit, "%s: repository not found (HTTP 404): %s",
				    r->side, r->url);
	}
	if (status == 429 || status >= 500) {
		/* Only with the error it explains: the first error set wins. */
		if (!t->err->exit_code)
			t->err->retry_after = t->retry_after;
		return rm_error_set_transient(t->err, r->fail_exit, "%s: %s (HTTP %ld) at %s",
					      r->side, status == 429 ? "too many requests" : "server error",
					      status, r->url);
	}
	return rm_error_set(t->err, r->fail_exit, "%s: unexpected HTTP %ld from %s", r->side, status,
			    r->url);
}

static bool is_redirect(long status)
{
	return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static bool same_text(const char *a, const char *b, bool ignore_case)
{
	if (!a || !b)
		return a == b;
	return ignore_case ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

/* A redirect may only stay on the host it was sent to, on the same scheme and port, or move
 * from http to https: credentials must never reach another host or travel in clear text. */
static bool redirect_is_safe(const char *from, const char *to)
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

/* Follows a discovery redirect: the repository now lives where the redirect points, minus the
 * "/info/refs?service=..." the request added (git's own rule). */
static int follow_redirect(transfer *t, const char *location)
{
	rm_remote *r = t->remote;
	const char *suffix = strstr(location, "/info/refs");

	if (!redirect_is_safe(r->url, location))
		return rm_error_set(t->err, r->fail_exit,
				    "%s: refusing redirect from %s to another host or a weaker scheme",
				    r->side, r->url);
	if (!suffix)
		return rm_error_set(t->err, r->fail_exit,
				    "%s: redirect from %s does not point to a git repository", r->side,
				    r->url);
	char *base = strndup(location, (size_t)(suffix - location));
	if (!base)
		return rm_error_set(t->err, r->fail_exit, "%s: out of memory", r->side);
	rm_log("%s: redirected to %s", r->side, base);
	free(r->url);
	r->url = base;
	return 0;
}

static char *request_url(const rm_remote *r, const rm_http_req *req)
{
	rm_buf url;

	rm_buf_init(&url, 64 * 1024);
	if (req->discovery)
		rm_buf_printf(&url, "%s/info/refs?service=%s", r->url, req->service);
	else
		rm_buf_printf(&url, "%s/%s", r->url, req->service);
	return url.data;
}

/* One HTTP exchange; sets *status, *location (a redirect target, caller frees). */
static int perform_once(transfer *t, long *status, char **location)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	char *url = request_url(t->remote, t->req);
	struct curl_slist *headers = request_headers(t->req);
	curl_off_t wait = 0;
	CURLcode rc;
	int ret = -1;

	*location = NULL;
	t->curl = curl_easy_init();
	if (!url || !headers || !t->curl) {
		rm_error_set(t->err, t->remote->fail_exit, "%s: out of memory", t->remote->side);
		goto out;
	}
	if (setup_curl(t, url, headers, errbuf) < 0)
		goto out;
	rm_meter_start(&t->meter, rm_now_ms());
	rc = curl_easy_perform(t->curl);
	curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, status);
	/* libcurl reads both forms, seconds and an HTTP date. */
	if (curl_easy_getinfo(t->curl, CURLINFO_RETRY_AFTER, &wait) == CURLE_OK && wait > 0)
		t->retry_after = wait > LONG_MAX ? LONG_MAX : (long)wait;
	if (rc != CURLE_OK) {
		report_curl_error(t, rc, errbuf);
		goto out;
	}
	if (t->err->exit_code)
		goto out;
	if (!t->checked) { /* an empty body: its type still says whether it is ours */
		t->checked = true;
		t->ok = answer_is_smart(t);
	}
	if (is_redirect(*status)) {
		char *target = NULL;
		curl_easy_getinfo(t->curl, CURLINFO_REDIRECT_URL, &target);
		*location = target ? strdup(target) : NULL;
	}
	ret = 0;
out:
	curl_easy_cleanup(t->curl);
	t->curl = NULL;
	curl_slist_free_all(headers);
	free(url);
	return ret;
}

int rm_http_request(rm_remote *remote, const rm_http_req *req, rm_error *err)
{
	char type[96];

	snprintf(type, sizeof(type), "application/x-%s-%s", req->service,
		 req->discovery ? "advertisement" : "result");
	for (int hops = 0;; hops++) {
		transfer t = {.remote = remote, .req = req, .err = err, .expected_type = type};
		long status = 0;
		char *location = NULL;

		if (perform_once(&t, &status, &location) < 0)
			return -1;
		if (is_redirect(status) && req->discovery && location && hops < MAX_REDIRECTS) {
			int rc = follow_redirect(&t, location);
			free(location);
			if (rc < 0)
				return -1;
			continue;
		}
		free(location);
		if (status < 200 || status > 299)
			return report_http_status(&t, status);
		return t.ok ? 0 : -1;
	}
}

/* Feeds a response body to a pkt-line decoder. */
typedef struct pkt_feed {
	rm_pkt_reader *reader;
	rm_remote *remote;
	rm_error *err;
	const char *what;
	const char *parser_error;
} pkt_feed;

static int feed_pkts(void *ctx, const char *data, size_t len)
{
	pkt_feed *f = ctx;
	int rc = rm_pkt_reader_feed(f->reader, data, len);

	if (rc != 0 && !f->err->exit_code) {
		const char *why = rm_pkt_reader_error(f->reader);
		if (!*why && f->parser_error)
			why = f->parser_error;
		rm_error_set(f->err, f->remote->fail_exit, "%s: bad %s: %s", f->remote->side, f->what,
			     why);
	}
	return rc;
}

int rm_http_pkt_request(rm_remote *remote, const rm_http_req *req, rm_pkt_cb on_pkt, void *ctx,
			const char *what, const char *parser_error, rm_error *err)
{
	pkt_feed feed = {.remote = remote, .err = err, .what = what, .parser_error = parser_error};
	rm_http_req with_sink = *req;
	int rc;

	feed.reader = rm_pkt_reader_new(on_pkt, ctx);
	if (!feed.reader)
		return rm_error_set(err, remote->fail_exit, "%s: out of memory", remote->side);
	with_sink.sink = feed_pkts;
	with_sink.sink_ctx = &feed;
	rc = rm_http_request(remote, &with_sink, err);
	if (rc == 0 && !rm_pkt_reader_at_boundary(feed.reader))
		rc = rm_error_set_transient(err, remote->fail_exit, "%s: %s was cut short",
					    remote->side, what);
	rm_pkt_reader_free(feed.reader);
	return rc;
}
