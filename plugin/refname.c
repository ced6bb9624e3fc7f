/* Ref names: the rules of git check-ref-format, and the two kinds SPEC 2 tells apart. */
#include "refname.h"

#include <stdlib.h>
#include <string.h>

#include "array.h"

#define REFS "refs/"
#define HEADS "refs/heads/"
#define TAGS "refs/tags/"

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* True for "heads" and "tags", with or without a slash after: where refs live, not a ref. */
static bool is_namespace(const char *rest)
{
	static const char *const namespaces[] = {"heads", "heads/", "tags", "tags/"};

	for (size_t i = 0; i < RM_ARRAY_SIZE(namespaces); i++)
		if (strcmp(rest, namespaces[i]) == 0)
			return true;
	return false;
}

/* refs/<name>: git check-ref-format wants one slash at least, so refs/stash is a full name; but
 * refs/heads(/) and refs/tags(/) alone are a name left out, not a ref. */
static bool is_full(const char *name)
{
	const char *rest = name + strlen(REFS);

	return starts_with(name, REFS) && *rest && !is_namespace(rest);
}

static bool is_valid_component(const char *c, size_t len)
{
	return len > 0 && c[0] != '.' && !(len >= 5 && memcmp(c + len - 5, ".lock", 5) == 0);
}

/* The rules of git check-ref-format. */
static bool follows_ref_format(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || strcmp(name, "@") == 0 || strstr(name, "..") || strstr(name, "@{") ||
	    name[len - 1] == '.')
		return false;
	for (const char *c = name; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f || strchr(" ~^:?*[\\", *c))
			return false;
	for (const char *c = name;; c++) {
		size_t n = strcspn(c, "/");

		if (!is_valid_component(c, n))
			return false;
		c += n;
		if (!*c)
			return true;
	}
}

rm_refname_problem rm_refname_check(const char *name)
{
	if (!is_full(name))
		return RM_REFNAME_NOT_FULL;
	if (!follows_ref_format(name))
		return RM_REFNAME_BAD_FORMAT;
	return RM_REFNAME_OK;
}

bool rm_refname_is_valid(const char *name)
{
	return rm_refname_check(name) == RM_REFNAME_OK;
}

bool rm_refname_is_branch(const char *name)
{
	return starts_with(name, HEADS);
}

bool rm_refname_is_tag(const char *name)
{
	return starts_with(name, TAGS);
}

bool rm_refname_is_short(const char *name)
{
	return !starts_with(name, REFS);
}

char *rm_refname_full(const char *name, rm_ref_kind kind)
{
	const char *prefix = kind == RM_REF_BRANCH ? HEADS : kind == RM_REF_TAG ? TAGS : NULL;
	char *full;

	if (!rm_refname_is_short(name))
		return strdup(name);
	if (!prefix)
		return NULL;
	full = malloc(strlen(prefix) + strlen(name) + 1);
	if (full) {
		strcpy(full, prefix);
		strcat(full, name);
	}
	return full;
}
