# The refmirror plugin image: the static binary, a CA bundle and nothing else.
#
#   docker build -t registry.example.com/refmirror/refmirror:0.1.0 .
#   docker run --rm -e PLUGIN_SOURCE_URL=... -e PLUGIN_TARGET_URL=... -e PLUGIN_REFERENCE=... \
#       -e PLUGIN_DRY_RUN=true registry.example.com/refmirror/refmirror:0.1.0
#
# Build arguments: VERSION (the image's version label; keep it the binary's, refmirror --version),
# LIBRARIES (a label: the library versions refmirror --version prints after its first line),
# SOURCE (the repository URL label), and PREBUILT with PREBUILT_SHA256: the path, inside the build
# stage, of a static binary already built by `make static` from this same source, and its SHA-256,
# used instead of building it again (`make image` mounts it there; see scripts/build-image).

FROM debian:bookworm AS build
ENV DEBIAN_FRONTEND=noninteractive
# make runs the build; scripts/build-static installs the rest it needs. ca-certificates provides
# the CA bundle the final image ships.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates make
WORKDIR /src
COPY . .
# Only the sources matter: drop build output a local checkout may hold, then build the fully
# static binary (build/static/refmirror), or take the prebuilt one once its checksum matches, and
# check that it runs.
ARG PREBUILT=
ARG PREBUILT_SHA256=
RUN rm -rf build build-asan .cache \
    && if [ -n "$PREBUILT" ]; then \
        echo "$PREBUILT_SHA256  $PREBUILT" | sha256sum --check --quiet \
        && install -D -m 0755 "$PREBUILT" build/static/refmirror; \
    else make static; fi \
    && build/static/refmirror --version
# The final image's whole file system: the binary, its license (Apache-2.0 asks that it travel
# with the binary), the CA bundle, a user and group 65532 to run as, and a world-writable /tmp for
# the pack spool file (refmirror's TMPDIR default).
RUN mkdir -p /rootfs/etc/ssl/certs /rootfs/tmp \
    && install -m 0755 build/static/refmirror /rootfs/refmirror \
    && install -m 0644 LICENSE /rootfs/LICENSE \
    && install -m 0644 /etc/ssl/certs/ca-certificates.crt /rootfs/etc/ssl/certs/ca-certificates.crt \
    && echo 'refmirror:x:65532:65532:refmirror:/nonexistent:/sbin/nologin' >/rootfs/etc/passwd \
    && echo 'refmirror:x:65532:' >/rootfs/etc/group \
    && chmod 1777 /rootfs/tmp

FROM scratch
ARG VERSION=0.1.0
ARG SOURCE=https://github.com/refmirror/refmirror
ARG LIBRARIES="see refmirror --version"
LABEL org.opencontainers.image.title="refmirror" \
      org.opencontainers.image.description="Harness CI / Drone plugin that mirrors one git branch or tag from a source repository to a target repository over smart HTTP(S), sending only the change." \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.refmirror.libraries="${LIBRARIES}"
COPY --from=build /rootfs/ /
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 65532:65532
ENTRYPOINT ["/refmirror"]
