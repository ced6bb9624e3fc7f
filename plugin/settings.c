/* Settings (SPEC 1): each one read under its snake_case and flattened spellings, then checked
 * before any network traffic. Error messages name the setting and never quote a token or a URL
 * (which may carry one). */
#include "settings.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "array.h"
#include "buf.h"
#include "payload.h"
#include "progress.h"
#include "refname.h"

#define CA_CERT_MAX (4u << 20)
#define PEM_CERTIFICATE "-----BEGIN CERTIFICATE-----"
/* Generous: more than any hosting service accepts in one push (GitHub: 2 GiB), yet a bound on
 * what a broken or hostile source can make us relay. */
#define PACK_SIZE_DEFAULT (4ull << 30)
#define PACK_SIZE_MIN (1ull << 10)
#define PACK_SIZE_MAX (1ull << 40)
/* Ten minutes: the longest a CI step should wait on a mirror that is not moving, long enough for
 * a first mirror of a large repository (set 0 for no limit). */
#define DEADLINE_DEFAULT 600
#define SECONDS_MAX 86400

/* Parses a setting's non-empty value into `field`, the rm_settings member it fills. The list of
 * settings is settings_table, below the parsers. */
typedef int (*setting_parser)(void *field, const char *name, const char *value, rm_error *err);

typedef struct setting {
	const char *name; /* as SPEC 1 spells it in snake_case */
	setting_parser parse;
	size_t field; /* offset of the member in rm_settings */
	bool required;
} setting;

/* Replaces *to with a copy of `value`. */
static int copy_value(char **to, const char *name, const char *value, rm_error *err)
{
	char *copy = strdup(value);

	if (!copy)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_NO_MEMORY, "%s: out of memory", name);
	free(*to);
	*to = copy;
	return 0;
}

/* --- URLs and credentials --- */

/* Takes a URL-decoded user or password out of the URL into *to (left alone when the URL has
 * none or an empty one). */
static int take_credential(CURLU *u, CURLUPart part, char **to, const char *name, rm_error *err)
{
	char *text = NULL;
	CURLUcode uc = curl_url_get(u, part, &text, CURLU_URLDECODE);
	int rc = 0;

	if (uc == CURLUE_NO_USER || uc == CURLUE_NO_PASSWORD)
		return 0;
	if (uc != CURLUE_OK)
		rc = rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE, "%s: bad credentials in the URL",
				  name);
	else if (*text)
		rc = copy_value(to, name, text, err);
	curl_free(text);
	return rc;
}

/* The URL without what the endpoint must not keep: credentials, query, fragment. */
static int strip_url(CURLU *u, const char *name, rm_error *err)
{
	static const CURLUPart parts[] = {CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_OPTIONS,
					  CURLUPART_QUERY, CURLUPART_FRAGMENT};

	for (size_t i = 0; i < RM_ARRAY_SIZE(parts); i++)
		if (curl_url_set(u, parts[i], NULL, 0) != CURLUE_OK)
			return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE,
					    "%s: cannot parse the URL", name);
	return 0;
}

/* One message for every scheme problem: ftp://, ssh://, scp-style git@host:path, no scheme. */
static int not_http_url(const char *name, rm_error *err)
{
	return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE, "%s: not an https:// or http:// URL",
			    name);
}

static int check_scheme(CURLU *u, const char *name, rm_error *err)
{
	char *scheme = NULL;
	int ok = curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
		 (strcmp(scheme, "https") == 0 || strcmp(scheme, "http") == 0);

	curl_free(scheme);
	return ok ? 0 : not_http_url(name, err);
}

/* Stores the URL's text once stripped, without trailing slashes (paths get appended to it). */
static int store_url(CURLU *u, char **to, const char *name, rm_error *err)
{
	char *text = NULL;
	int rc;

	if (curl_url_get(u, CURLUPART_URL, &text, 0) != CURLUE_OK)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE, "%s: cannot parse the URL",
				    name);
	for (size_t len = strlen(text); len > 0 && text[len - 1] == '/'; len--)
		text[len - 1] = '\0';
	rc = copy_value(to, name, text, err);
	curl_free(text);
	return rc;
}

static int split_url(CURLU *u, rm_endpoint *e, const char *name, const char *value, rm_error *err)
{
	/* Any scheme parses, so that a wrong one gets its own message. */
	CURLUcode uc = curl_url_set(u, CURLUPART_URL, value, CURLU_NON_SUPPORT_SCHEME);

	if (uc == CURLUE_BAD_SCHEME || uc == CURLUE_NO_SCHEME)
		return not_http_url(name, err);
	if (uc != CURLUE_OK)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE,
				    "%s: not an https:// or http:// URL (%s)", name,
				    curl_url_strerror(uc));
	if (check_scheme(u, name, err) < 0 ||
	    take_credential(u, CURLUPART_USER, &e->username, name, err) < 0 ||
	    take_credential(u, CURLUPART_PASSWORD, &e->token, name, err) < 0 ||
	    strip_url(u, name, err) < 0)
		return -1;
	return store_url(u, &e->url, name, err);
}

static int parse_url(void *field, const char *name, const char *value, rm_error *err)
{
	CURLU *u = curl_url();
	int rc;

	if (!u)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_NO_MEMORY, "%s: out of memory", name);
	rc = split_url(u, field, name, value, err);
	curl_url_cleanup(u);
	return rc;
}

/* The setting wins over a user name written in the URL. */
static int parse_username(void *field, const char *name, const char *value, rm_error *err)
{
	rm_endpoint *e = field;

	return copy_value(&e->username, name, value, err);
}

/* A token given both in the URL and as a setting must be the same token. */
static int parse_token(void *field, const char *name, const char *value, rm_error *err)
{
	rm_endpoint *e = field;

	if (e->token && strcmp(e->token, value) != 0)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE,
				    "%s: differs from the password written in the URL", name);
	return copy_value(&e->token, name, value, err);
}

/* --- Ref names --- */

static int parse_reference(void *field, const char *name, const char *value, rm_error *err)
{
	switch (rm_refname_check(value)) {
	case RM_REFNAME_NOT_FULL:
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE,
				    "%s: not a full ref name; use refs/heads/<name> or "
				    "refs/tags/<name>",
				    name);
	case RM_REFNAME_BAD_FORMAT:
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE,
				    "%s: not a valid git ref name (see git check-ref-format)",
				    name);
	case RM_REFNAME_OK:
		break;
	}
	return copy_value(field, name, value, err);
}

/* --- Plain values --- */

/* "null" is what a Harness expression gives for a missing payload field. */
static int parse_old_sha(void *field, const char *name, const char *value, rm_error *err)
{
	if (strcmp(value, "null") == 0)
		return 0;
	if (rm_oid_parse(field, value, strlen(value)) < 0)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE,
				    "%s: must be 40 hex digits (or empty or null when not known)",
				    name);
	return 0;
}

static int parse_bool(void *field, const char *name, const char *value, rm_error *err)
{
	bool *b = field;

	if (strcasecmp(value, "true") == 0)
		*b = true;
	else if (strcasecmp(value, "false") == 0)
		*b = false;
	else
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE, "%s: must be true or false",
				    name);
	return 0;
}

/* A whole number in decimal digits, from min to max. */
static int parse_number(long *n, long min, long max, const char *name, const char *value,
			rm_error *err)
{
	char *end;

	errno = 0;
	*n = strtol(value, &end, 10);
	if (!isdigit((unsigned char)value[0]) || *end || errno || *n < min || *n > max)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE,
				    "%s: must be a whole number from %ld to %ld", name, min, max);
	return 0;
}

static int parse_timeout(void *field, const char *name, const char *value, rm_error *err)
{
	return parse_number(field, 1, SECONDS_MAX, name, value, err);
}

/* 0: no deadline. */
static int parse_deadline(void *field, const char *name, const char *value, rm_error *err)
{
	return parse_number(field, 0, SECONDS_MAX, name, value, err);
}

/* 0: retry at once. */
static int parse_retry_delay(void *field, const char *name, const char *value, rm_error *err)
{
	return parse_number(field, 0, 60, name, value, err);
}

static int parse_retries(void *field, const char *name, const char *value, rm_error *err)
{
	long n;

	if (parse_number(&n, 0, 20, name, value, err) < 0)
		return -1;
	*(int *)field = (int)n;
	return 0;
}

/* A size in bytes: a whole number of MiB, or of the unit that follows it (K, M, G; KiB, MiB, GiB;
 * any case), from PACK_SIZE_MIN to PACK_SIZE_MAX. Binary units, as git's own size settings. */
static int parse_size(void *field, const char *name, const char *value, rm_error *err)
{
	static const struct {
		const char *unit;
		unsigned shift;
	} units[] = {{"", 20},	  {"k", 10}, {"kib", 10}, {"m", 20},
		     {"mib", 20}, {"g", 30}, {"gib", 30}};
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(value, &end, 10);
	if (isdigit((unsigned char)value[0]) && errno == 0)
		for (size_t i = 0; i < RM_ARRAY_SIZE(units); i++)
			if (strcasecmp(end, units[i].unit) == 0 &&
			    n <= PACK_SIZE_MAX >> units[i].shift &&
			    n << units[i].shift >= PACK_SIZE_MIN) {
				*(uint64_t *)field = (uint64_t)n << units[i].shift;
				return 0;
			}
	return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE,
			    "%s: must be a size from 1K to 1024G: a number of MiB, or with a unit "
			    "K, M or G (512, 100K, 2G)",
			    name);
}

static int parse_payload(void *field, const char *name, const char *value, rm_error *err)
{
	/* An empty optional input in a Harness expression renders as "null": no body. */
	if (strcmp(value, "null") == 0)
		return 0;
	if (strlen(value) > RM_PAYLOAD_MAX_BYTES)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE, "%s: larger than %u MiB", name,
				    RM_PAYLOAD_MAX_BYTES / (1024 * 1024));
	return copy_value(field, name, value, err);
}

/* --- CA certificates --- */

/* Reads a whole PEM file of at most CA_CERT_MAX bytes into *pem. */
static int read_pem_file(char **pem, const char *name, const char *path, rm_error *err)
{
	FILE *f = fopen(path, "rb");
	rm_buf b;
	char chunk[65536];
	size_t n;
	int rc = 0;

	if (!f)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE, "%s: cannot read %.200s: %s",
				    name, path, strerror(errno));
	rm_buf_init(&b, CA_CERT_MAX);
	rm_buf_append(&b, "", 0); /* an empty file is an empty string */
	while (rc == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (rm_buf_append(&b, chunk, n) < 0)
			rc = rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE,
					  "%s: %.200s is larger than 4 MiB", name, path);
	if (rc == 0 && ferror(f))
		rc = rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE, "%s: cannot read %.200s: %s",
				  name, path, strerror(errno));
	if (rc == 0 && !b.data)
		rc = rm_error_set(err, RM_SIDE_NONE, RM_ERR_NO_MEMORY, "%s: out of memory", name);
	else if (rc == 0 && strlen(b.data) != b.len)
		rc = rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE, "%s: %.200s is not PEM text",
				  name, path);
	fclose(f);
	if (rc < 0) {
		rm_buf_free(&b);
		return -1;
	}
	*pem = b.data;
	return 0;
}

/* The value is the PEM text itself, or the path of a file holding it. */
static int parse_ca_cert(void *field, const char *name, const char *value, rm_error *err)
{
	char **pem = field;
	int rc = strstr(value, "-----BEGIN") ? copy_value(pem, name, value, err)
					     : read_pem_file(pem, name, value, err);

	if (rc < 0)
		return -1;
	if (!strstr(*pem, PEM_CERTIFICATE))
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE, "%s: holds no %s", name,
				    PEM_CERTIFICATE);
	return 0;
}

/* --- Loading --- */

/* Every setting. Order matters: a URL may carry a username and token, which the username
 * setting then overrides and the token setting must agree with. */
/* clang-format off */
static const setting settings_table[] = {
	{"source_url", parse_url, offsetof(rm_settings, source), true},
	{"source_username", parse_username, offsetof(rm_settings, source), false},
	{"source_token", parse_token, offsetof(rm_settings, source), false},
	{"target_url", parse_url, offsetof(rm_settings, target), true},
	{"target_username", parse_username, offsetof(rm_settings, target), false},
	{"target_token", parse_token, offsetof(rm_settings, target), false},
	{"reference", parse_reference, offsetof(rm_settings, reference), false},
	{"reference_sha_old", parse_old_sha, offsetof(rm_settings, old_sha), false},
	{"sync_delete", parse_bool, offsetof(rm_settings, sync_delete), false},
	{"dry_run", parse_bool, offsetof(rm_settings, dry_run), false},
	{"ca_cert", parse_ca_cert, offsetof(rm_settings, ca_cert), false},
	{"payload", parse_payload, offsetof(rm_settings, payload), false},
	{"timeout", parse_timeout, offsetof(rm_settings, timeout), false},
	{"retries", parse_retries, offsetof(rm_settings, retries), false},
	{"retry_delay", parse_retry_delay, offsetof(rm_settings, retry_delay), false},
	{"deadline", parse_deadline, offsetof(rm_settings, deadline), false},
	{"max_pack_size", parse_size, offsetof(rm_settings, max_pack_size), false},
};
/* clang-format on */

/* PLUGIN_ and the name upper-cased, with its underscores kept, or dropped when `flattened`. */
static void variable_name(char *out, size_t size, const char *name, bool flattened)
{
	size_t n = (size_t)snprintf(out, size, "PLUGIN_");

	for (; *name && n + 1 < size; name++)
		if (*name != '_' || !flattened)
			out[n++] = (char)toupper((unsigned char)*name);
	out[n] = '\0';
}

static const char *non_empty(const char *value)
{
	return value && *value ? value : NULL;
}

/* The setting's value under either spelling, NULL when unset. */
static int read_setting(const setting *def, rm_env_lookup lookup, const char **value, rm_error *err)
{
	char snake[64], flat[64];
	const char *a, *b;

	*value = NULL;
	variable_name(snake, sizeof(snake), def->name, false);
	variable_name(flat, sizeof(flat), def->name, true);
	a = non_empty(lookup(snake));
	b = non_empty(lookup(flat));
	if (a && b && strcmp(a, b) != 0)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE,
				    "%s: %s and %s are both set, and differ", def->name, snake,
				    flat);
	*value = a ? a : b;
	return 0;
}

static int read_settings(rm_settings *s, rm_env_lookup lookup, rm_error *err)
{
	for (size_t i = 0; i < RM_ARRAY_SIZE(settings_table); i++) {
		const setting *def = &settings_table[i];
		const char *value;

		if (read_setting(def, lookup, &value, err) < 0)
			return -1;
		if (!value && def->required)
			return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE, "%s: required",
					    def->name);
		/* The parser gets the member of *s that the table names. */
		if (value && def->parse((char *)s + def->field, def->name, value, err) < 0)
			return -1;
	}
	return 0;
}

static int default_username(rm_endpoint *e, const char *name, rm_error *err)
{
	return e->username ? 0 : copy_value(&e->username, name, "git", err);
}

/* What depends on several settings. */
static int complete_settings(rm_settings *s, rm_error *err)
{
	if (default_username(&s->source, "source_username", err) < 0 ||
	    default_username(&s->target, "target_username", err) < 0)
		return -1;
	if (!s->target.token && !s->dry_run)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE,
				    "target_token: required to push (set target_token, or "
				    "dry_run: true)");
	if (s->deadline)
		s->deadline_at_ms = rm_now_ms() + (int64_t)s->deadline * 1000;
	return 0;
}

int rm_settings_load(rm_settings *s, rm_env_lookup lookup, rm_error *err)
{
	memset(s, 0, sizeof(*s));
	s->timeout = 60;
	s->retries = 3;
	s->retry_delay = 1;
	s->deadline = DEADLINE_DEFAULT;
	s->max_pack_size = PACK_SIZE_DEFAULT;
	if (read_settings(s, lookup, err) < 0 || complete_settings(s, err) < 0) {
		rm_settings_free(s);
		return -1;
	}
	return 0;
}

static void free_endpoint(rm_endpoint *e)
{
	free(e->url);
	free(e->username);
	free(e->token);
}

void rm_settings_free(rm_settings *s)
{
	free_endpoint(&s->source);
	free_endpoint(&s->target);
	free(s->reference);
	free(s->ca_cert);
	free(s->payload);
	memset(s, 0, sizeof(*s));
}
