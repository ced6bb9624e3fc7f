#ifndef RM_VERSION_H
#define RM_VERSION_H

#include <stdio.h>

#define RM_VERSION "0.1.0"

/* Prints what `refmirror --version` shows: "refmirror <version>", then the versions of the
 * libraries it runs with, as they report themselves (libgit2, libcurl, its TLS library and
 * zlib, cJSON), then, for a build that names them (RM_BUILT_FROM: scripts/build-static), the
 * Debian source packages it was built from, musl's included. Never fails. */
void rm_version_print(FILE *out);

#endif
