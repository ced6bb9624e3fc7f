#include "trust.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "buf.h"

#define CA_BUNDLE_LIMIT (16u << 20)

struct rm_trust {
	char *ca_file; /* the system bundle file, or NULL when there is none */
	char *ca_dir;  /* SSL_CERT_DIR, or NULL */
	rm_buf bundle; /* with extra certificates: the system bundle followed by them; else empty */
};

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

/* libcurl's built-in bundle path, as a copy, or NULL. */
static char *builtin_ca_file(void)
{
	CURL *curl = curl_easy_init();
	char *path = NULL, *copy = NULL;

	if (curl && curl_easy_getinfo(curl, CURLINFO_CAINFO, &path) == CURLE_OK &&
	    is_readable(path))
		copy = strdup(path);
	curl_easy_cleanup(curl);
	return copy;
}

/* The system store's bundle file: SSL_CERT_FILE, libcurl's built-in path, or the first of the
 * usual places that exists (a static binary runs on systems other than the one it was built
 * for). Sets *path to a copy, or NULL when there is none; -1 when out of memory. */
static int find_system_ca_file(char **path)
{
	static const char *const usual[] = {
		"/etc/ssl/certs/ca-certificates.crt", /* Debian, Ubuntu, Alpine, the image */
		"/etc/pki/tls/certs/ca-bundle.crt",   /* Fedora, RHEL */
		"/etc/ssl/ca-bundle.pem",	      /* openSUSE */
		"/etc/ssl/cert.pem",		      /* macOS, BSDs */
	};
	const char *env = getenv("SSL_CERT_FILE");
	const char *found = NULL;

	if (env && *env)
		found = env;
	else if ((*path = builtin_ca_file()) != NULL)
		return 0;
	for (size_t i = 0; !found && i < RM_ARRAY_SIZE(usual); i++)
		if (is_readable(usual[i]))
			found = usual[i];
	*path = found ? strdup(found) : NULL;
	return found && !*path ? -1 : 0;
}

rm_trust *rm_trust_new(const char *extra_pem)
{
	rm_trust *t = calloc(1, sizeof(*t));
	const char *dir = getenv("SSL_CERT_DIR");

	if (!t)
		return NULL;
	rm_buf_init(&t->bundle, CA_BUNDLE_LIMIT);
	if (find_system_ca_file(&t->ca_file) < 0 || (dir && *dir && !(t->ca_dir = strdup(dir))))
		goto fail;
	if (extra_pem && ((t->ca_file && append_file(&t->bundle, t->ca_file) < 0) ||
			  rm_buf_printf(&t->bundle, "\n%s\n", extra_pem) < 0))
		goto fail;
	return t;
fail:
	rm_trust_free(t);
	return NULL;
}

int rm_trust_apply(const rm_trust *t, CURL *curl)
{
	struct curl_blob blob = {
		.data = t->bundle.data, .len = t->bundle.len, .flags = CURL_BLOB_NOCOPY};

	if (t->ca_dir) /* a TLS backend without directories still has the bundle */
		curl_easy_setopt(curl, CURLOPT_CAPATH, t->ca_dir);
	if (t->bundle.data)
		return curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob) == CURLE_OK ? 0 : -1;
	if (t->ca_file)
		return curl_easy_setopt(curl, CURLOPT_CAINFO, t->ca_file) == CURLE_OK ? 0 : -1;
	return 0;
}

void rm_trust_free(rm_trust *t)
{
	if (!t)
		return;
	free(t->ca_file);
	free(t->ca_dir);
	rm_buf_free(&t->bundle);
	free(t);
}
