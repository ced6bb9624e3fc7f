/* Settings (SPEC 1): read from PLUGIN_* variables under both spellings, validated before any
 * network traffic. */
#ifndef RM_SETTINGS_H
#define RM_SETTINGS_H

#include <stdbool.h>
#include <stdint.h>
#include "endpoint.h"
#include "error.h"
#include "oid.h"

typedef struct rm_settings {
	rm_endpoint source; /* its strings owned by the rm_settings */
	rm_endpoint target;
	char *reference; /* full ref name, NULL when a payload is to give it */
	rm_oid old_sha;	 /* absent when not given; 40 zeros = did not exist */
	bool sync_delete;
	bool dry_run;
	char *ca_cert;	  /* PEM text (read from the file when the setting named one), or NULL */
	char *payload;	  /* raw webhook body, or NULL */
	long timeout;	  /* seconds without progress before a request fails */
	int retries;	  /* extra attempts after a transient failure */
	long retry_delay; /* seconds before the first retry, doubled for each later one */
	long deadline;	  /* seconds the whole run may take; 0: no limit */
	int64_t deadline_at_ms; /* rm_now_ms() when the deadline passes (the run's clock
				 * starts when its settings are read); 0: none */
	uint64_t
		max_pack_size; /* bytes of pack data the source may send (an extension of SPEC 1) */
} rm_settings;

/* Looks a variable up; returns NULL when unset. getenv(3) fits. */
typedef const char *(*rm_env_lookup)(const char *name);

/* Fills *s from the environment seen through `lookup`. On a bad setting returns -1 with an
 * RM_ERR_USAGE error, a one-line message naming the setting in *err; *s then holds nothing
 * that needs freeing. On success the caller frees *s with rm_settings_free. */
int rm_settings_load(rm_settings *s, rm_env_lookup lookup, rm_error *err);

void rm_settings_free(rm_settings *s);

#endif
