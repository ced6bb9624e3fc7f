#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>

#include "array.h"
#include "http.h"

/* Where credentials may follow a redirect: the same host, scheme and port, or http to https on
 * the same host; nowhere else, and never on a URL that does not parse. */
static void test_redirect_allowed(void **state)
{
	/* clang-format off */
	static const struct {
		const char *from, *to;
		bool allowed;
	} cases[] = {
		{"https://git.example/a.git", "https://git.example/b.git/info/refs", true},
		{"https://git.example/a.git", "https://GIT.example/a.git/info/refs", true},
		{"https://git.example/a.git", "https://git.example:443/a.git/info/refs", true},
		{"http://git.example/a.git", "https://git.example/a.git/info/refs", true},
		{"http://git.example:8080/a.git", "https://git.example/a.git/info/refs", true},
		{"http://git.example:8080/a.git", "http://git.example:8080/b.git", true},
		{"https://git.example/a.git", "http://git.example/a.git/info/refs", false},
		{"https://git.example/a.git", "https://other.example/a.git/info/refs", false},
		{"https://git.example/a.git", "https://git.example.evil/a.git", false},
		{"https://git.example/a.git", "https://git.example:8443/a.git", false},
		{"http://git.example/a.git", "http://git.example:8080/a.git", false},
		{"http://127.0.0.1:9/a.git", "http://localhost:9/a.git", false},
		{"https://git.example/a.git", "ftp://git.example/a.git", false},
		{"https://git.example/a.git", "/a.git/info/refs", false},
		{"https://git.example/a.git", "", false},
		{"not a url", "https://git.example/a.git", false},
	};
	/* clang-format on */

	(void)state;
	for (size_t i = 0; i < RM_ARRAY_SIZE(cases); i++) {
		bool allowed = rm_http_redirect_allowed(cases[i].from, cases[i].to);
		if (allowed != cases[i].allowed)
			fail_msg("%s -> %s: %s, expected %s", cases[i].from, cases[i].to,
				 allowed ? "allowed" : "refused",
				 cases[i].allowed ? "allowed" : "refused");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redirect_allowed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
