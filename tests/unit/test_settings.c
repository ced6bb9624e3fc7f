#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "progress.h"
#include "settings.h"

/* Every secret in these tests holds "s3cret", so that one search finds any that leaks. */
#define SECRET_MARK "s3cret"
#define TOKEN "tgt-" SECRET_MARK "-token"
#define OID_A "1111111111111111111111111111111111111111"
#define OID_B "2222222222222222222222222222222222222222"
#define HEX_39 "111111111111111111111111111111111111111"
#define PEM "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUXYZ\n-----END CERTIFICATE-----\n"

/* --- A fake environment: the case's variables first, then a base that loads cleanly. --- */

#define MAX_VARS 4

typedef struct var {
	const char *name;
	const char *value;
} var;

/* clang-format off */
static const var base_env[] = {
	{"PLUGIN_SOURCE_URL", "https://src.example/a/repo.git"},
	{"PLUGIN_TARGET_URL", "https://tgt.example/b/repo.git"},
	{"PLUGIN_TARGET_TOKEN", TOKEN},
};
/* clang-format on */

/* The case's variables: MAX_VARS of them, or fewer ending at a NULL name. "" unsets a
 * variable of the base. */
static const var *case_env;

static const char *fake_lookup(const char *name)
{
	for (size_t i = 0; case_env && i < MAX_VARS && case_env[i].name; i++)
		if (strcmp(case_env[i].name, name) == 0)
			return case_env[i].value;
	for (size_t i = 0; i < RM_ARRAY_SIZE(base_env); i++)
		if (strcmp(base_env[i].name, name) == 0)
			return base_env[i].value;
	return NULL;
}

static int load(const var vars[MAX_VARS], rm_settings *s, rm_error *err)
{
	case_env = vars;
	rm_error_clear(err);
	return rm_settings_load(s, fake_lookup, err);
}

/* Loads settings that must be valid. */
static void load_ok(const var vars[MAX_VARS], rm_settings *s)
{
	rm_error err;

	if (load(vars, s, &err) < 0)
		fail_msg("unexpected settings error: %s", err.msg);
}

static bool same_string(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_endpoint(const rm_endpoint *a, const rm_endpoint *b)
{
	return same_string(a->url, b->url) && same_string(a->username, b->username) &&
	       same_string(a->token, b->token);
}

static bool same_settings(const rm_settings *a, const rm_settings *b)
{
	return same_endpoint(&a->source, &b->source) && same_endpoint(&a->target, &b->target) &&
	       same_string(a->reference, b->reference) && rm_oid_equal(&a->old_sha, &b->old_sha) &&
	       a->sync_delete == b->sync_delete && a->dry_run == b->dry_run &&
	       same_string(a->ca_cert, b->ca_cert) && same_string(a->payload, b->payload) &&
	       a->timeout == b->timeout && a->retries == b->retries &&
	       a->retry_delay == b->retry_delay && a->deadline == b->deadline &&
	       a->max_pack_size == b->max_pack_size;
}

/* Loads settings that must fail on `setting`: exit 64, one line naming it, no secret, and
 * nothing left to free. */
static void expect_error(const var vars[MAX_VARS], const char *setting, const char *mentions)
{
	static const rm_settings zero;
	rm_settings s;
	rm_error err;
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "%s: ", setting);
	if (load(vars, &s, &err) != -1)
		fail_msg("%s=%s: accepted", vars[0].name, vars[0].value);
	if (rm_exit_code_for(&err) != 64 || strncmp(err.msg, prefix, strlen(prefix)) != 0)
		fail_msg("%s=%s: exit %d, \"%s\", expected 64 and \"%s...\"", vars[0].name,
			 vars[0].value, rm_exit_code_for(&err), err.msg, prefix);
	if (mentions && !strstr(err.msg, mentions))
		fail_msg("\"%s\" does not mention \"%s\"", err.msg, mentions);
	if (strstr(err.msg, SECRET_MARK) || strchr(err.msg, '\n'))
		fail_msg("\"%s\" holds a secret or a newline", err.msg);
	assert_memory_equal(&s, &zero, sizeof(s));
}

/* --- Defaults and values --- */

static void test_defaults(void **state)
{
	rm_settings s;

	(void)state;
	load_ok(NULL, &s);
	assert_string_equal(s.source.url, "https://src.example/a/repo.git");
	assert_string_equal(s.source.username, "git");
	assert_null(s.source.token);
	assert_string_equal(s.target.url, "https://tgt.example/b/repo.git");
	assert_string_equal(s.target.username, "git");
	assert_string_equal(s.target.token, TOKEN);
	assert_null(s.reference);
	assert_false(rm_oid_is_set(&s.old_sha));
	assert_false(s.sync_delete);
	assert_false(s.dry_run);
	assert_null(s.ca_cert);
	assert_null(s.payload);
	assert_int_equal(s.timeout, 60);
	assert_int_equal(s.retries, 3);
	assert_int_equal(s.retry_delay, 1);
	assert_int_equal(s.deadline, 600);
	assert_true(s.deadline_at_ms > 0);
	assert_int_equal(s.max_pack_size, 4ull << 30);
	rm_settings_free(&s);
}

static void test_values(void **state)
{
	/* clang-format off */
	static const var vars[MAX_VARS] = {
		{"PLUGIN_REFERENCE", "refs/heads/feature/x"},
		{"PLUGIN_REFERENCE_SHA_OLD", "ABCDEF0123456789ABCDEF0123456789ABCDEF01"},
		{"PLUGIN_SYNC_DELETE", "TRUE"},
		{"PLUGIN_TIMEOUT", "86400"},
	};
	/* clang-format on */
	rm_settings s;

	(void)state;
	load_ok(vars, &s);
	assert_string_equal(s.reference, "refs/heads/feature/x");
	assert_string_equal(s.old_sha.hex, "abcdef0123456789abcdef0123456789abcdef01");
	assert_true(s.sync_delete);
	assert_int_equal(s.timeout, 86400);
	rm_settings_free(&s);
}

static void test_old_sha_not_given_or_zeros(void **state)
{
	static const struct {
		const char *value;
		const char *hex;
	} cases[] = {{"", ""}, {"null", ""}, {RM_ZERO_OID, RM_ZERO_OID}, {OID_A, OID_A}};

	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(cases); i++) {
		var vars[MAX_VARS] = {{"PLUGIN_REFERENCE_SHA_OLD", cases[i].value}};
		rm_settings s;

		load_ok(vars, &s);
		assert_string_equal(s.old_sha.hex, cases[i].hex);
		rm_settings_free(&s);
	}
}

/* The deadline counts from the loading of the settings; 0 is none. */
static void test_deadline(void **state)
{
	static const var none[MAX_VARS] = {{"PLUGIN_DEADLINE", "0"}};
	static const var day[MAX_VARS] = {{"PLUGIN_DEADLINE", "86400"}};
	rm_settings s;
	int64_t before = rm_now_ms();

	(void)state;
	load_ok(none, &s);
	assert_int_equal(s.deadline, 0);
	assert_int_equal(s.deadline_at_ms, 0);
	rm_settings_free(&s);
	load_ok(day, &s);
	assert_int_equal(s.deadline, 86400);
	assert_true(s.deadline_at_ms >= before + 86400 * 1000);
	assert_true(s.deadline_at_ms <= rm_now_ms() + 86400 * 1000);
	rm_settings_free(&s);
}

static void test_dry_run_needs_no_target_token(void **state)
{
	static const var vars[MAX_VARS] = {{"PLUGIN_TARGET_TOKEN", ""}, {"PLUGIN_DRY_RUN", "true"}};
	rm_settings s;

	(void)state;
	load_ok(vars, &s);
	assert_true(s.dry_run);
	assert_null(s.target.token);
	rm_settings_free(&s);
}

/* --- Both spellings --- */

/* Each setting set under one spelling, the other one emptied: both give the same settings,
 * which differ from the defaults (so the value was read). */
static void test_both_spellings(void **state)
{
	/* clang-format off */
	static const struct {
		const char *snake, *flat, *value;
	} cases[] = {
		{"PLUGIN_SOURCE_URL", "PLUGIN_SOURCEURL", "https://other.example/x.git"},
		{"PLUGIN_TARGET_URL", "PLUGIN_TARGETURL", "http://tgt.example:8080/y"},
		{"PLUGIN_SOURCE_USERNAME", "PLUGIN_SOURCEUSERNAME", "x-token-auth"},
		{"PLUGIN_TARGET_USERNAME", "PLUGIN_TARGETUSERNAME", "bob"},
		{"PLUGIN_SOURCE_TOKEN", "PLUGIN_SOURCETOKEN", "src-" SECRET_MARK},
		{"PLUGIN_TARGET_TOKEN", "PLUGIN_TARGETTOKEN", "tgt-2-" SECRET_MARK},
		{"PLUGIN_REFERENCE", "PLUGIN_REFERENCE", "refs/tags/v1.0"},
		{"PLUGIN_REFERENCE_SHA_OLD", "PLUGIN_REFERENCESHAOLD", OID_B},
		{"PLUGIN_SYNC_DELETE", "PLUGIN_SYNCDELETE", "true"},
		{"PLUGIN_DRY_RUN", "PLUGIN_DRYRUN", "True"},
		{"PLUGIN_CA_CERT", "PLUGIN_CACERT", PEM},
		{"PLUGIN_PAYLOAD", "PLUGIN_PAYLOAD", "{\"ref\": \"refs/heads/main\"}"},
		{"PLUGIN_TIMEOUT", "PLUGIN_TIMEOUT", "1"},
		{"PLUGIN_RETRIES", "PLUGIN_RETRIES", "0"},
		{"PLUGIN_RETRY_DELAY", "PLUGIN_RETRYDELAY", "0"},
		{"PLUGIN_DEADLINE", "PLUGIN_DEADLINE", "30"},
		{"PLUGIN_MAX_PACK_SIZE", "PLUGIN_MAXPACKSIZE", "100K"},
	};
	/* clang-format on */
	rm_settings defaults;

	(void)state;
	load_ok(NULL, &defaults);
	for (size_t i = 0; i < RM_ARRAY_SIZE(cases); i++) {
		var snake_only[MAX_VARS] = {{cases[i].snake, cases[i].value}, {cases[i].flat, ""}};
		var flat_only[MAX_VARS] = {{cases[i].snake, ""}, {cases[i].flat, cases[i].value}};
		var both[MAX_VARS] = {{cases[i].snake, cases[i].value},
				      {cases[i].flat, cases[i].value}};
		rm_settings a, b, c;

		/* With equal names, the emptying entry comes second and is never seen. */
		load_ok(snake_only, &a);
		load_ok(strcmp(cases[i].snake, cases[i].flat) ? flat_only : snake_only, &b);
		load_ok(both, &c);
		if (!same_settings(&a, &b) || !same_settings(&a, &c) ||
		    same_settings(&a, &defaults))
			fail_msg("%s / %s", cases[i].snake, cases[i].flat);
		rm_settings_free(&a);
		rm_settings_free(&b);
		rm_settings_free(&c);
	}
	rm_settings_free(&defaults);
}

/* --- URLs --- */

static void test_url_credentials(void **state)
{
	/* clang-format off */
	static const struct {
		const char *url;
		const char *stored, *username, *token;
	} cases[] = {
		{"https://host/repo.git", "https://host/repo.git", "git", NULL},
		{"http://host:8080/repo", "http://host:8080/repo", "git", NULL},
		{"https://host/repo.git/", "https://host/repo.git", "git", NULL},
		{"https://host/", "https://host", "git", NULL},
		{"https://host", "https://host", "git", NULL},
		{"https://host/r.git?private_token=x#frag", "https://host/r.git", "git", NULL},
		{"https://user:" SECRET_MARK "@host/r.git", "https://host/r.git", "user",
		 SECRET_MARK},
		{"https://x-token-auth@host/r", "https://host/r", "x-token-auth", NULL},
		{"https://:" SECRET_MARK "@host/r", "https://host/r", "git", SECRET_MARK},
		{"https://us%40er:" SECRET_MARK "%3A%2F%25@host/r", "https://host/r", "us@er",
		 SECRET_MARK ":/%"},
	};
	/* clang-format on */

	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(cases); i++) {
		var vars[MAX_VARS] = {{"PLUGIN_SOURCE_URL", cases[i].url}};
		rm_settings s;

		load_ok(vars, &s);
		assert_string_equal(s.source.url, cases[i].stored);
		assert_string_equal(s.source.username, cases[i].username);
		if (!same_string(s.source.token, cases[i].token))
			fail_msg("%s: token \"%s\"", cases[i].url, s.source.token);
		rm_settings_free(&s);
	}
}

static void test_url_token_agrees_with_setting(void **state)
{
	static const var vars[MAX_VARS] = {
		{"PLUGIN_TARGET_URL", "https://u:" TOKEN "@tgt.example/r"},
		{"PLUGIN_TARGET_USERNAME", "bob"}};
	rm_settings s;

	(void)state;
	load_ok(vars, &s);
	assert_string_equal(s.target.url, "https://tgt.example/r");
	assert_string_equal(s.target.username, "bob");
	assert_string_equal(s.target.token, TOKEN);
	rm_settings_free(&s);
}

static void test_url_token_is_enough_to_push(void **state)
{
	static const var vars[MAX_VARS] = {
		{"PLUGIN_TARGET_TOKEN", ""},
		{"PLUGIN_TARGET_URL", "https://u:" SECRET_MARK "@tgt.example/r"}};
	rm_settings s;

	(void)state;
	load_ok(vars, &s);
	assert_string_equal(s.target.token, SECRET_MARK);
	assert_false(s.dry_run);
	rm_settings_free(&s);
}

/* --- Errors --- */

/* What every scheme problem says (ftp://, ssh://, scp-style, none). */
#define NOT_HTTP "not an https:// or http:// URL"

static void test_errors(void **state)
{
	/* clang-format off */
	static const struct {
		const char *setting;  /* the message starts with "<setting>: " */
		const char *mentions; /* and holds this, when not NULL */
		var vars[MAX_VARS];
	} cases[] = {
		{"source_url", "required", {{"PLUGIN_SOURCE_URL", ""}}},
		{"target_url", "required", {{"PLUGIN_TARGET_URL", ""}}},
		{"source_url", NOT_HTTP, {{"PLUGIN_SOURCE_URL", "ftp://host/repo.git"}}},
		{"source_url", NOT_HTTP, {{"PLUGIN_SOURCE_URL", "ssh://git@host/repo.git"}}},
		{"source_url", NOT_HTTP, {{"PLUGIN_SOURCE_URL", "git@host:repo.git"}}},
		{"source_url", NOT_HTTP, {{"PLUGIN_SOURCE_URL", "not a url"}}},
		{"source_url", "(No host part in the URL)", {{"PLUGIN_SOURCE_URL", "https://"}}},
		{"target_url", NOT_HTTP, {{"PLUGIN_TARGET_URL", "file:///srv/repo.git"}}},
		{"target_url", NOT_HTTP, {{"PLUGIN_TARGET_URL", "ftp://u:" TOKEN "@host/r"}}},
		{"target_token", "required to push (set target_token, or dry_run: true)",
		 {{"PLUGIN_TARGET_TOKEN", ""}}},
		{"target_token", NULL,
		 {{"PLUGIN_TARGET_URL", "https://u:other-" SECRET_MARK "@h/r"}}},
		{"source_token", NULL, {{"PLUGIN_SOURCE_URL", "https://u:url-" SECRET_MARK "@h/r"},
					{"PLUGIN_SOURCE_TOKEN", "setting-" SECRET_MARK}}},
		{"reference", "refs/heads/<name>", {{"PLUGIN_REFERENCE", "main"}}},
		{"reference", "refs/heads/<name>", {{"PLUGIN_REFERENCE", "refs/heads"}}},
		{"reference", "refs/heads/<name>", {{"PLUGIN_REFERENCE", "refs/heads/"}}},
		{"reference", "refs/heads/<name>", {{"PLUGIN_REFERENCE", "heads/main"}}},
		{"reference", "check-ref-format", {{"PLUGIN_REFERENCE", "refs/heads/a..b"}}},
		{"reference", "check-ref-format", {{"PLUGIN_REFERENCE", "refs/heads/a b"}}},
		{"reference_sha_old", "40 hex", {{"PLUGIN_REFERENCE_SHA_OLD", "abc"}}},
		{"reference_sha_old", NULL, {{"PLUGIN_REFERENCE_SHA_OLD", OID_A "1"}}},
		{"reference_sha_old", NULL, {{"PLUGIN_REFERENCE_SHA_OLD", HEX_39}}},
		{"reference_sha_old", NULL, {{"PLUGIN_REFERENCE_SHA_OLD", "g" HEX_39}}},
		{"reference_sha_old", NULL, {{"PLUGIN_REFERENCE_SHA_OLD", "NULL"}}},
		{"sync_delete", "true or false", {{"PLUGIN_SYNC_DELETE", "yes"}}},
		{"sync_delete", NULL, {{"PLUGIN_SYNCDELETE", "1"}}},
		{"dry_run", NULL, {{"PLUGIN_DRY_RUN", "maybe"}}},
		{"dry_run", NULL, {{"PLUGIN_DRYRUN", "false "}}},
		{"timeout", "1 to 86400", {{"PLUGIN_TIMEOUT", "0"}}},
		{"timeout", NULL, {{"PLUGIN_TIMEOUT", "86401"}}},
		{"timeout", NULL, {{"PLUGIN_TIMEOUT", "abc"}}},
		{"timeout", NULL, {{"PLUGIN_TIMEOUT", "-5"}}},
		{"timeout", NULL, {{"PLUGIN_TIMEOUT", "+5"}}},
		{"timeout", NULL, {{"PLUGIN_TIMEOUT", " 5"}}},
		{"timeout", NULL, {{"PLUGIN_TIMEOUT", "5s"}}},
		{"timeout", NULL, {{"PLUGIN_TIMEOUT", "99999999999999999999999"}}},
		{"retries", "0 to 20", {{"PLUGIN_RETRIES", "21"}}},
		{"retries", NULL, {{"PLUGIN_RETRIES", "-1"}}},
		{"retries", NULL, {{"PLUGIN_RETRIES", "2.5"}}},
		{"retry_delay", "0 to 60", {{"PLUGIN_RETRY_DELAY", "61"}}},
		{"retry_delay", NULL, {{"PLUGIN_RETRYDELAY", "-1"}}},
		{"retry_delay", NULL, {{"PLUGIN_RETRY_DELAY", "0.5"}}},
		{"deadline", "0 to 86400", {{"PLUGIN_DEADLINE", "86401"}}},
		{"deadline", NULL, {{"PLUGIN_DEADLINE", "-1"}}},
		{"deadline", NULL, {{"PLUGIN_DEADLINE", "10m"}}},
		{"deadline", NULL, {{"PLUGIN_DEADLINE", "none"}}},
		{"max_pack_size", "1K to 1024G", {{"PLUGIN_MAX_PACK_SIZE", "0"}}},
		{"max_pack_size", NULL, {{"PLUGIN_MAX_PACK_SIZE", "0K"}}},
		{"max_pack_size", NULL, {{"PLUGIN_MAX_PACK_SIZE", "1025G"}}},
		{"max_pack_size", NULL, {{"PLUGIN_MAX_PACK_SIZE", "1048577"}}},
		{"max_pack_size", NULL, {{"PLUGIN_MAXPACKSIZE", "18446744073709551616"}}},
		{"max_pack_size", NULL, {{"PLUGIN_MAX_PACK_SIZE", "2T"}}},
		{"max_pack_size", NULL, {{"PLUGIN_MAX_PACK_SIZE", "2GB"}}},
		{"max_pack_size", NULL, {{"PLUGIN_MAX_PACK_SIZE", "1.5G"}}},
		{"max_pack_size", NULL, {{"PLUGIN_MAX_PACK_SIZE", "-1"}}},
		{"max_pack_size", NULL, {{"PLUGIN_MAX_PACK_SIZE", " 5"}}},
		{"max_pack_size", NULL, {{"PLUGIN_MAX_PACK_SIZE", "5 M"}}},
		{"max_pack_size", NULL, {{"PLUGIN_MAX_PACK_SIZE", "M"}}},
		{"ca_cert", "/nonexistent/ca.pem", {{"PLUGIN_CA_CERT", "/nonexistent/ca.pem"}}},
		{"ca_cert", "BEGIN CERTIFICATE",
		 {{"PLUGIN_CACERT",
		   "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n"}}},
		/* both spellings, differing (the base sets the snake_case ones) */
		{"source_url", "PLUGIN_SOURCE_URL and PLUGIN_SOURCEURL",
		 {{"PLUGIN_SOURCEURL", "https://other.example/r"}}},
		{"target_token", "PLUGIN_TARGET_TOKEN and PLUGIN_TARGETTOKEN",
		 {{"PLUGIN_TARGETTOKEN", "other-" SECRET_MARK}}},
		{"sync_delete", NULL,
		 {{"PLUGIN_SYNC_DELETE", "true"}, {"PLUGIN_SYNCDELETE", "false"}}},
		{"reference_sha_old", "PLUGIN_REFERENCESHAOLD",
		 {{"PLUGIN_REFERENCE_SHA_OLD", OID_A}, {"PLUGIN_REFERENCESHAOLD", OID_B}}},
	};
	/* clang-format on */

	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(cases); i++)
		expect_error(cases[i].vars, cases[i].setting, cases[i].mentions);
}

static void test_max_pack_size(void **state)
{
	/* clang-format off */
	static const struct {
		const char *value;
		uint64_t bytes;
	} cases[] = {
		{"512", 512ull << 20},
		{"1", 1ull << 20},
		{"1K", 1024},
		{"100k", 100ull << 10},
		{"100KiB", 100ull << 10},
		{"3m", 3ull << 20},
		{"3MiB", 3ull << 20},
		{"2G", 2ull << 30},
		{"2gib", 2ull << 30},
		{"1024G", 1ull << 40},
		{"1048576", 1ull << 40},
		{"007", 7ull << 20},
	};
	/* clang-format on */

	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(cases); i++) {
		var vars[MAX_VARS] = {{"PLUGIN_MAX_PACK_SIZE", cases[i].value}};
		rm_settings s;

		load_ok(vars, &s);
		if (s.max_pack_size != cases[i].bytes)
			fail_msg("%s: %llu bytes", cases[i].value,
				 (unsigned long long)s.max_pack_size);
		rm_settings_free(&s);
	}
}

/* --- ca_cert files and the payload's size --- */

/* Writes `len` bytes to a new temporary file; its path goes to `path`. */
static void write_temp(char *path, const char *data, size_t len)
{
	int fd;

	strcpy(path, "/tmp/test_settings.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void test_ca_cert_file(void **state)
{
	char path[64];
	var vars[MAX_VARS] = {{"PLUGIN_CA_CERT", path}};
	rm_settings s;

	(void)state;
	write_temp(path, PEM, strlen(PEM));
	load_ok(vars, &s);
	unlink(path);
	assert_string_equal(s.ca_cert, PEM);
	rm_settings_free(&s);
}

static void test_ca_cert_file_errors(void **state)
{
	static const char with_nul[] = PEM "\0" PEM;
	char *big = malloc((4 << 20) + 1);
	const struct {
		const char *data;
		size_t len;
		const char *mentions;
	} cases[] = {
		{"", 0, "BEGIN CERTIFICATE"},
		{"not a certificate\n", 18, "BEGIN CERTIFICATE"},
		{with_nul, sizeof(with_nul) - 1, "not PEM text"},
		{big, (4 << 20) + 1, "larger than 4 MiB"},
	};

	(void)state;
	assert_non_null(big);
	memset(big, 'A', (4 << 20) + 1);
	memcpy(big, PEM, strlen(PEM));
	for (size_t i = 0; i < RM_ARRAY_SIZE(cases); i++) {
		char path[64];
		var vars[MAX_VARS] = {{"PLUGIN_CA_CERT", path}};

		write_temp(path, cases[i].data, cases[i].len);
		expect_error(vars, "ca_cert", cases[i].mentions);
		unlink(path);
	}
	free(big);
}

static void test_payload_size(void **state)
{
	size_t max = 25 << 20;
	char *payload = malloc(max + 2);
	var vars[MAX_VARS] = {{"PLUGIN_PAYLOAD", payload}};
	rm_settings s;

	(void)state;
	assert_non_null(payload);
	memset(payload, ' ', max + 1);
	payload[max] = '\0';
	load_ok(vars, &s);
	assert_int_equal(strlen(s.payload), max);
	rm_settings_free(&s);
	payload[max] = ' ';
	payload[max + 1] = '\0';
	expect_error(vars, "payload", "25 MiB");
	free(payload);
}

/* Harness renders an empty optional input as "null": no payload, like no old SHA. */
static void test_payload_null_is_unset(void **state)
{
	var vars[MAX_VARS] = {{"PLUGIN_PAYLOAD", "null"}};
	rm_settings s;

	(void)state;
	load_ok(vars, &s);
	assert_null(s.payload);
	rm_settings_free(&s);
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_payload_null_is_unset),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_old_sha_not_given_or_zeros),
		cmocka_unit_test(test_dry_run_needs_no_target_token),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_both_spellings),
		cmocka_unit_test(test_url_credentials),
		cmocka_unit_test(test_url_token_agrees_with_setting),
		cmocka_unit_test(test_url_token_is_enough_to_push),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_max_pack_size),
		cmocka_unit_test(test_ca_cert_file),
		cmocka_unit_test(test_ca_cert_file_errors),
		cmocka_unit_test(test_payload_size),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
