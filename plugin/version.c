/* `refmirror --version`: the program's version and its libraries', so a user can tell whether a
 * binary or an image is affected by a library's security fix. */
#include "version.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <git2.h>
#include <openssl/crypto.h>

void rm_version_print(FILE *out)
{
	int major, minor, rev;
	const curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);

	git_libgit2_version(&major, &minor, &rev);
	fprintf(out, "refmirror %s\n", RM_VERSION);
	/* libcurl's zlib is the process's zlib: refmirror links no other. */
	fprintf(out, "libgit2 %d.%d.%d, libcurl %s, OpenSSL %s, zlib %s, cJSON %s\n", major, minor,
		rev, curl->version, OpenSSL_version(OPENSSL_VERSION_STRING),
		curl->libz_version ? curl->libz_version : "none", cJSON_Version());
#ifdef RM_BUILT_FROM
	fprintf(out, "built from Debian sources: %s\n", RM_BUILT_FROM);
#endif
}
