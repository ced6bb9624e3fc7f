/* The certificate authorities a run trusts for TLS: the system store and, in addition (SPEC 1),
 * the ca_cert setting's certificates. Built once per run by an explicit call, read by every
 * request of the run (from any thread: it does not change once built), freed by its owner. */
#ifndef RM_TRUST_H
#define RM_TRUST_H

#include <curl/curl.h>

typedef struct rm_trust rm_trust;

/* Builds the trust store: the system's bundle file (SSL_CERT_FILE, libcurl's built-in path, or
 * the first of the usual places that exists) and directory (SSL_CERT_DIR), followed by
 * `extra_pem` (PEM text, or NULL). libcurl's CAINFO replaces the store rather than adding to
 * it, so with extra certificates the system bundle is read into memory here, once. Returns the
 * store, owned by the caller (free with rm_trust_free), or NULL when out of memory or the system
 * bundle cannot be read. */
rm_trust *rm_trust_new(const char *extra_pem);

/* Makes `curl` trust exactly the store's authorities. `t` must outlive the transfer (the
 * bundle is not copied). 0, or -1 when libcurl refused an option. */
int rm_trust_apply(const rm_trust *t, CURL *curl);

/* Frees the store. NULL is fine. */
void rm_trust_free(rm_trust *t);

#endif
