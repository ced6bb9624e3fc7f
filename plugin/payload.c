#include "payload.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "array.h"
#include "refname.h"

static const rm_oid zeros = {RM_ZERO_OID};
static const rm_oid absent;

/* --- Reading the JSON tree: a missing key or a value of the wrong type reads as NULL. --- */

static const cJSON *member(const cJSON *obj, const char *key)
{
	return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

static const char *string_member(const cJSON *obj, const char *key)
{
	const cJSON *item = member(obj, key);

	return cJSON_IsString(item) ? item->valuestring : NULL;
}

static bool string_member_is(const cJSON *obj, const char *key, const char *value)
{
	const char *s = string_member(obj, key);

	return s && strcmp(s, value) == 0;
}

static bool string_member_starts_with(const cJSON *obj, const char *key, const char *prefix)
{
	const char *s = string_member(obj, key);

	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

/* --- Building the list of changes, shared by every provider. --- */

/* A SHA field: missing or null = absent, else 40 hex digits. `field` names it in the error. */
static int read_sha(rm_payload *p, rm_oid *out, const cJSON *item, const char *field, rm_error *err)
{
	*out = absent;
	if (!item || cJSON_IsNull(item))
		return 0;
	if (cJSON_IsString(item) &&
	    rm_oid_parse(out, item->valuestring, strlen(item->valuestring)) == 0)
		return 0;
	return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE, "payload: %s: bad SHA in %s",
			    p->provider, field);
}

/* The kind of ref a short name of this type ("branch" or "tag") is. */
static rm_ref_kind kind_of_type(const char *type)
{
	if (type && strcmp(type, "branch") == 0)
		return RM_REF_BRANCH;
	if (type && strcmp(type, "tag") == 0)
		return RM_REF_TAG;
	return RM_REF_OTHER;
}

/* Appends a change. A name starting with refs/ is kept; a short one is made full by its type
 * ("branch" or "tag"; NULL where the provider sends full names only). */
static int add_change(rm_payload *p, const char *name, const char *type, const rm_oid *old_sha,
		      const rm_oid *new_sha, rm_error *err)
{
	rm_ref_kind kind = kind_of_type(type);
	rm_ref_change *grown;
	char *ref;

	if (!name || !*name)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE,
				    "payload: %s: a change has no ref name", p->provider);
	if (rm_refname_is_short(name) && kind == RM_REF_OTHER)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE,
				    "payload: %s: a ref name is neither full (refs/...) nor of "
				    "type branch or tag",
				    p->provider);
	if (p->nchanges == RM_PAYLOAD_MAX_CHANGES)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE,
				    "payload: %s: more than %d ref changes", p->provider,
				    RM_PAYLOAD_MAX_CHANGES);

	grown = realloc(p->changes, (p->nchanges + 1) * sizeof(*grown));
	if (!grown)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_NO_MEMORY, "payload: out of memory");
	p->changes = grown;
	ref = rm_refname_full(name, kind);
	if (!ref)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_NO_MEMORY, "payload: out of memory");
	grown[p->nchanges].ref = ref;
	grown[p->nchanges].old_sha = *old_sha;
	grown[p->nchanges].new_sha = *new_sha;
	p->nchanges++;
	return 0;
}

/* The shape most providers share: a full ref name, and the old and new SHA as two fields of
 * one object. */
static int add_full_change(rm_payload *p, const char *name, const cJSON *obj, const char *old_field,
			   const char *new_field, rm_error *err)
{
	rm_oid old_sha, new_sha;

	if (read_sha(p, &old_sha, member(obj, old_field), old_field, err) ||
	    read_sha(p, &new_sha, member(obj, new_field), new_field, err))
		return -1;
	return add_change(p, name, NULL, &old_sha, &new_sha, err);
}

typedef int (*extract_fn)(rm_payload *p, const cJSON *obj, rm_error *err);

/* Runs `extract_one` on every element of a list of changes. */
static int extract_each(rm_payload *p, const cJSON *list, extract_fn extract_one, rm_error *err)
{
	const cJSON *item;

	cJSON_ArrayForEach(item, list)
	{
		if (extract_one(p, item, err))
			return -1;
	}
	return 0;
}

/* --- One recogniser and one extractor per provider shape. --- */

static bool is_harness_push_trigger(const cJSON *body)
{
	return string_member_starts_with(body, "trigger", "branch_") ||
	       string_member_starts_with(body, "trigger", "tag_");
}

/* Harness Code: trigger branch_* or tag_* (pull request triggers carry a ref too). */
static bool is_harness(const cJSON *body)
{
	return is_harness_push_trigger(body) && cJSON_IsObject(member(body, "ref"));
}

static int extract_harness(rm_payload *p, const cJSON *body, rm_error *err)
{
	return add_full_change(p, string_member(member(body, "ref"), "name"), body, "old_sha",
			       "sha", err);
}

/* GitLab's push hooks; its other hooks (merge requests, ...) have other object kinds. */
static bool is_gitlab_push(const cJSON *body)
{
	return string_member_is(body, "object_kind", "push") ||
	       string_member_is(body, "object_kind", "tag_push");
}

/* GitHub, Gitea, Forgejo and Gogs push events, and GitLab's: ref, before, after. */
static bool is_push(const cJSON *body)
{
	return string_member(body, "ref") && member(body, "before") && member(body, "after");
}

static int extract_push(rm_payload *p, const cJSON *body, rm_error *err)
{
	return add_full_change(p, string_member(body, "ref"), body, "before", "after", err);
}

/* GitHub's push adds flags to Gitea's: `deleted` among them. */
static bool is_github_push(const cJSON *body)
{
	return is_push(body) && cJSON_IsBool(member(body, "deleted"));
}

/* The deleted flag is GitHub's own word that the ref is gone: it wins over `after`. */
static int extract_github_push(rm_payload *p, const cJSON *body, rm_error *err)
{
	if (extract_push(p, body, err))
		return -1;
	if (cJSON_IsTrue(member(body, "deleted")))
		p->changes[p->nchanges - 1].new_sha = zeros;
	return 0;
}

/* GitHub, Gitea, Forgejo and Gogs create and delete events: a short ref and its type. */
static bool is_create_delete(const cJSON *body)
{
	return string_member(body, "ref") && string_member(body, "ref_type");
}

/* They name the ref but not reliably its values (only Gogs' create gives a sha, and create and
 * delete bodies look alike), so both SHAs are absent: the source's state decides (SPEC 2). */
static int extract_create_delete(rm_payload *p, const cJSON *body, rm_error *err)
{
	return add_change(p, string_member(body, "ref"), string_member(body, "ref_type"), &absent,
			  &absent, err);
}

static bool is_bitbucket_cloud(const cJSON *body)
{
	return cJSON_IsArray(member(member(body, "push"), "changes"));
}

/* One side of a Bitbucket Cloud change. null is Bitbucket's word for "the ref did not exist"
 * there, which git and the other providers write as zeros. */
static int read_bitbucket_side(rm_payload *p, rm_oid *sha, const cJSON *side, const char *field,
			       rm_error *err)
{
	if (cJSON_IsNull(side)) {
		*sha = zeros;
		return 0;
	}
	return read_sha(p, sha, member(member(side, "target"), "hash"), field, err);
}

/* old and new each hold a short name, its type and target.hash; either is null when the
 * change created or deleted the ref. */
static int extract_bitbucket_cloud_change(rm_payload *p, const cJSON *change, rm_error *err)
{
	const cJSON *old = member(change, "old"), *new = member(change, "new");
	const cJSON *named = cJSON_IsObject(new) ? new : old;
	rm_oid old_sha, new_sha;

	if (read_bitbucket_side(p, &old_sha, old, "old.target.hash", err) ||
	    read_bitbucket_side(p, &new_sha, new, "new.target.hash", err))
		return -1;
	return add_change(p, string_member(named, "name"), string_member(named, "type"), &old_sha,
			  &new_sha, err);
}

static int extract_bitbucket_cloud(rm_payload *p, const cJSON *body, rm_error *err)
{
	return extract_each(p, member(member(body, "push"), "changes"),
			    extract_bitbucket_cloud_change, err);
}

static bool is_bitbucket_dc(const cJSON *body)
{
	return cJSON_IsArray(member(body, "changes"));
}

/* refId, or ref.id as older versions send it alone. */
static int extract_bitbucket_dc_change(rm_payload *p, const cJSON *change, rm_error *err)
{
	const char *name = string_member(change, "refId");

	if (!name)
		name = string_member(member(change, "ref"), "id");
	return add_full_change(p, name, change, "fromHash", "toHash", err);
}

static int extract_bitbucket_dc(rm_payload *p, const cJSON *body, rm_error *err)
{
	return extract_each(p, member(body, "changes"), extract_bitbucket_dc_change, err);
}

static bool is_azure(const cJSON *body)
{
	return cJSON_IsArray(member(member(body, "resource"), "refUpdates"));
}

static int extract_azure_update(rm_payload *p, const cJSON *update, rm_error *err)
{
	return add_full_change(p, string_member(update, "name"), update, "oldObjectId",
			       "newObjectId", err);
}

static int extract_azure(rm_payload *p, const cJSON *body, rm_error *err)
{
	return extract_each(p, member(member(body, "resource"), "refUpdates"), extract_azure_update,
			    err);
}

typedef struct shape {
	const char *provider;
	bool (*matches)(const cJSON *body);
	extract_fn extract;
} shape;

/* Tried in order; the first that matches reads the body. Shapes with keys of their own come
 * before the generic push: GitLab's push has ref, before and after too, and GitHub's push is
 * Gitea's plus flags. */
/* clang-format off */
static const shape shapes[] = {
	{"Harness Code", is_harness, extract_harness},
	{"GitLab", is_gitlab_push, extract_push},
	{"Bitbucket Cloud", is_bitbucket_cloud, extract_bitbucket_cloud},
	{"Bitbucket Data Center", is_bitbucket_dc, extract_bitbucket_dc},
	{"Azure DevOps", is_azure, extract_azure},
	{"GitHub/Gitea", is_create_delete, extract_create_delete},
	{"GitHub", is_github_push, extract_github_push},
	{"Gitea", is_push, extract_push},
};
/* clang-format on */

static const shape *find_shape(const cJSON *body)
{
	for (size_t i = 0; i < RM_ARRAY_SIZE(shapes); i++)
		if (shapes[i].matches(body))
			return &shapes[i];
	return NULL;
}

/* --- Known events that are not pushes: nothing to mirror. Tried when no push shape matched,
 * so that a push body that is merely broken still fails. --- */

/* The body's own name for its event, when it is safe to print (short; letters, digits, _.:-),
 * else a neutral word. */
static const char *event_name(const cJSON *body, const char *key)
{
	const char *name = string_member(body, key);
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len > 48 ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789_.:-") != len)
		return "non-push";
	return name;
}

/* Each writes what the event was into p->not_a_push and returns true when it knows the body. */
typedef bool (*describe_fn)(rm_payload *p, const cJSON *body);

static bool describe(rm_payload *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes the event's description; true, for the recognisers' last step. */
static bool describe(rm_payload *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->not_a_push, sizeof(p->not_a_push), fmt, ap);
	va_end(ap);
	return true;
}

static bool describe_harness(rm_payload *p, const cJSON *body)
{
	return string_member(body, "trigger") && !is_harness_push_trigger(body) &&
	       describe(p, "a Harness Code %s event", event_name(body, "trigger"));
}

static bool describe_gitlab(rm_payload *p, const cJSON *body)
{
	return string_member(body, "object_kind") &&
	       describe(p, "a GitLab %s event", event_name(body, "object_kind"));
}

static bool describe_azure(rm_payload *p, const cJSON *body)
{
	return string_member(body, "eventType") &&
	       !string_member_is(body, "eventType", "git.push") &&
	       describe(p, "an Azure DevOps %s event", event_name(body, "eventType"));
}

static bool describe_bitbucket_dc(rm_payload *p, const cJSON *body)
{
	return string_member(body, "eventKey") &&
	       !string_member_is(body, "eventKey", "repo:refs_changed") &&
	       describe(p, "a Bitbucket Data Center %s event", event_name(body, "eventKey"));
}

/* "Test connection" (X-Event-Key: diagnostics:ping) sends this one key, nothing else. */
static bool describe_bitbucket_dc_test(rm_payload *p, const cJSON *body)
{
	return cJSON_IsTrue(member(body, "test")) && cJSON_GetArraySize(body) == 1 &&
	       describe(p, "a Bitbucket Data Center test connection (diagnostics:ping) event");
}

static bool describe_bitbucket_cloud(rm_payload *p, const cJSON *body)
{
	return cJSON_IsObject(member(body, "pullrequest")) &&
	       describe(p, "a Bitbucket Cloud pull request event");
}

/* The ping GitHub sends when a webhook is saved: zen (a proverb) and the hook's id. */
static bool describe_github_ping(rm_payload *p, const cJSON *body)
{
	return string_member(body, "zen") && cJSON_IsNumber(member(body, "hook_id")) &&
	       describe(p, "a GitHub ping event");
}

/* GitHub's, Gitea's and Gogs' pull request events alike. */
static bool describe_pull_request(rm_payload *p, const cJSON *body)
{
	return cJSON_IsObject(member(body, "pull_request")) && string_member(body, "action") &&
	       describe(p, "a GitHub/Gitea pull request event");
}

/* clang-format off */
static const describe_fn non_push_events[] = {
	describe_harness, describe_gitlab, describe_azure, describe_bitbucket_dc,
	describe_bitbucket_dc_test, describe_bitbucket_cloud, describe_github_ping,
	describe_pull_request,
};
/* clang-format on */

static bool is_known_non_push(rm_payload *p, const cJSON *body)
{
	for (size_t i = 0; i < RM_ARRAY_SIZE(non_push_events); i++)
		if (non_push_events[i](p, body))
			return true;
	return false;
}

/* --- The raw text. --- */

/* True at body[i] == '\\' when the escape there is \u0000. */
static bool is_escaped_nul(const char *body, size_t i, size_t len)
{
	return i + 5 < len && body[i + 1] == 'u' && memcmp(body + i + 2, "0000", 4) == 0;
}

/* What the raw text must not hold, found before cJSON sees it (outside strings, the brackets that
 * open arrays and objects are counted):
 * - nesting deeper than RM_PAYLOAD_MAX_DEPTH: cJSON recurses once per level;
 * - \u0000 in a string: cJSON's C strings end there, so "refs/heads/main\u0000x" would read as
 *   refs/heads/main and mirror a ref the body does not name.
 * Returns 0, or -1 with *err. */
static int check_raw_text(const char *body, size_t len, rm_error *err)
{
	size_t depth = 0;
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		char c = body[i];

		if (in_string) {
			if (c == '\\' && is_escaped_nul(body, i, len))
				return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE,
						    "payload: a string holds a NUL character "
						    "(\\u0000 at byte %zu)",
						    i);
			if (c == '\\')
				i++; /* the escaped character can't end the string */
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			if (++depth > RM_PAYLOAD_MAX_DEPTH)
				return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE,
						    "payload: nested deeper than %d levels",
						    RM_PAYLOAD_MAX_DEPTH);
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	return 0;
}

/* The index of the first byte from i on that is not JSON white space, or len. */
static size_t skip_space(const char *body, size_t i, size_t len)
{
	while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n'))
		i++;
	return i;
}

/* The whole body as one JSON value (text after the value is an error too), or NULL. */
static cJSON *parse_json(const char *body, size_t len, rm_error *err)
{
	const char *end = body;
	cJSON *json;
	size_t rest;

	if (skip_space(body, 0, len) == len) {
		rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE, "payload: not JSON (empty)");
		return NULL;
	}
	json = cJSON_ParseWithLengthOpts(body, len, &end, false);
	if (!json) {
		rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE,
			     "payload: not JSON (syntax error at byte %zu)", (size_t)(end - body));
		return NULL;
	}
	rest = skip_space(body, (size_t)(end - body), len);
	if (rest != len) {
		cJSON_Delete(json);
		rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE,
			     "payload: not JSON (text after the value at byte %zu)", rest);
		return NULL;
	}
	return json;
}

int rm_payload_parse(rm_payload *out, const char *body, size_t len, rm_error *err)
{
	const shape *s;
	cJSON *json;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > RM_PAYLOAD_MAX_BYTES)
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE, "payload: larger than %u MiB",
				    RM_PAYLOAD_MAX_BYTES / (1024 * 1024));
	if (check_raw_text(body, len, err) < 0)
		return -1;
	json = parse_json(body, len, err);
	if (!json)
		return -1;

	s = find_shape(json);
	if (!s && is_known_non_push(out, json)) {
		cJSON_Delete(json);
		return 0;
	}
	if (!s) {
		cJSON_Delete(json);
		return rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE,
				    "payload: not a push event of a known provider (expected "
				    "Harness Code, GitHub, GitLab, Gitea/Forgejo/Gogs, Bitbucket "
				    "Cloud, Bitbucket Data Center or Azure DevOps)");
	}
	out->provider = s->provider;
	rc = s->extract(out, json, err);
	if (rc == 0 && out->nchanges == 0)
		rc = rm_error_set(err, RM_SIDE_NONE, RM_ERR_USAGE, "payload: %s: no ref changes",
				  s->provider);
	cJSON_Delete(json);
	if (rc)
		rm_payload_free(out);
	return rc;
}

void rm_payload_free(rm_payload *p)
{
	for (size_t i = 0; i < p->nchanges; i++)
		free(p->changes[i].ref);
	free(p->changes);
	memset(p, 0, sizeof(*p));
}
