/* One side of the mirror as the settings give it: where it is and who we are there. */
#ifndef RM_ENDPOINT_H
#define RM_ENDPOINT_H

/* All strings are owned by whoever made the endpoint (rm_settings for the settings' two). */
typedef struct rm_endpoint {
	char *url;	/* http(s) URL with any credentials taken out, no trailing slash */
	char *username; /* from the setting, else the URL, else "git" */
	char *token;	/* NULL when anonymous */
} rm_endpoint;

#endif
