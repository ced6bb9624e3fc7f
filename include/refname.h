/* Ref names: which are valid full names (git check-ref-format), which are branches and tags, and
 * how a short name is made full. Pure functions; no I/O. */
#ifndef RM_REFNAME_H
#define RM_REFNAME_H

#include <stdbool.h>

/* What is wrong with a ref name, if anything; the settings name each in their own words. */
typedef enum rm_refname_problem {
	RM_REFNAME_OK,
	RM_REFNAME_NOT_FULL,   /* not refs/<name> (refs/heads and refs/tags alone neither) */
	RM_REFNAME_BAD_FORMAT, /* full, but against the rules of git check-ref-format */
} rm_refname_problem;

/* The kind of ref a short name stands for. */
typedef enum rm_ref_kind {
	RM_REF_OTHER,
	RM_REF_BRANCH, /* refs/heads/ */
	RM_REF_TAG,    /* refs/tags/ */
} rm_ref_kind;

rm_refname_problem rm_refname_check(const char *name);

/* True when `name` is a valid full ref name: rm_refname_check says RM_REFNAME_OK. */
bool rm_refname_is_valid(const char *name);

/* True for refs/heads/... */
bool rm_refname_is_branch(const char *name);

/* True for refs/tags/...: tags never fast-forward. */
bool rm_refname_is_tag(const char *name);

/* True when `name` does not start with refs/ (a short name as some webhooks send it). */
bool rm_refname_is_short(const char *name);

/* The full name of `name`: a copy of it when it starts with refs/, else refs/heads/ or
 * refs/tags/ + name by `kind`. Returns a new string that the caller frees, or NULL when out of
 * memory or when a short name has kind RM_REF_OTHER. Checks nothing else (rm_refname_check
 * does). */
char *rm_refname_full(const char *name, rm_ref_kind kind);

#endif
