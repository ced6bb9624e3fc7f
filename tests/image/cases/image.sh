# shellcheck shell=bash
# The plugin image itself (tests/image/run: REFMIRROR runs the binary in the image RM_IMAGE): its
# one layer, size and exact file list, its user, its labels against `refmirror --version`, and
# its own CA bundle. What the image holds is read once, here, and printed as comment lines.

IMAGE_FILES=(./LICENSE ./etc ./etc/group ./etc/passwd ./etc/ssl ./etc/ssl/certs
	./etc/ssl/certs/ca-certificates.crt ./refmirror ./tmp)
IMAGE_DIR=$RUN_DIR/image # the image's files as read here: files.txt, modes.txt, ca.crt, passwd
IMAGE_SIZE_MAX=$((16 * 1024 * 1024))

image_read() {
	local root
	mkdir -p "$IMAGE_DIR"
	root=$(podman image mount "$RM_IMAGE") || return 1
	(cd "$root" && find . -mindepth 1 | sort >"$IMAGE_DIR/files.txt" &&
		find . -mindepth 1 -printf '%m %U:%G %p\n' | sort -k3 >"$IMAGE_DIR/modes.txt")
	cp "$root/etc/ssl/certs/ca-certificates.crt" "$IMAGE_DIR/ca.crt"
	cp "$root/etc/passwd" "$IMAGE_DIR/passwd"
	podman image unmount "$RM_IMAGE" >/dev/null
	podman image inspect --format '{{.Size}} {{len .RootFS.Layers}} {{.Config.User}}' "$RM_IMAGE" \
		>"$IMAGE_DIR/config.txt"
	podman image inspect --format '{{index .Labels "org.opencontainers.image.version"}}' "$RM_IMAGE" \
		>"$IMAGE_DIR/label-version.txt"
	podman image inspect --format '{{index .Labels "org.refmirror.libraries"}}' "$RM_IMAGE" \
		>"$IMAGE_DIR/label-libraries.txt"
	"$REFMIRROR" --version >"$IMAGE_DIR/version.txt" 2>&1
}

if image_read 2>"$RUN_DIR/image-read.log"; then
	read -r IMAGE_SIZE IMAGE_LAYERS IMAGE_USER <"$IMAGE_DIR/config.txt"
	echo "# image $RM_IMAGE: $IMAGE_SIZE bytes, $IMAGE_LAYERS layer(s), user $IMAGE_USER; its files:"
	sed 's/^/#   /' "$IMAGE_DIR/modes.txt"
	echo "# its refmirror --version:"
	sed 's/^/#   /' "$IMAGE_DIR/version.txt"
	echo "# its labels: version $(cat "$IMAGE_DIR/label-version.txt"); libraries $(cat "$IMAGE_DIR/label-libraries.txt")"
else
	echo "# the image $RM_IMAGE could not be read: $(tail -n 1 "$RUN_DIR/image-read.log")"
	IMAGE_SIZE=0 IMAGE_LAYERS=0 IMAGE_USER=
fi

image_layout() { # one layer, small, exactly the files the Dockerfile puts there
	local want
	assert_eq 1 "$IMAGE_LAYERS" "layers"
	[ "$IMAGE_SIZE" -gt 0 ] && [ "$IMAGE_SIZE" -le "$IMAGE_SIZE_MAX" ] ||
		fail "image size $IMAGE_SIZE bytes, want at most $IMAGE_SIZE_MAX"
	want=$(printf '%s\n' "${IMAGE_FILES[@]}")
	assert_eq "$want" "$(cat "$IMAGE_DIR/files.txt" 2>/dev/null)" "the image's files"
	grep -qx '755 0:0 ./refmirror' "$IMAGE_DIR/modes.txt" || fail "/refmirror is not 0755 root:root"
	grep -qx '1777 0:0 ./tmp' "$IMAGE_DIR/modes.txt" || fail "/tmp is not 1777 root:root"
	[ "$(grep -c 'BEGIN CERTIFICATE' "$IMAGE_DIR/ca.crt" 2>/dev/null)" -gt 50 ] ||
		fail "the CA bundle holds fewer than 50 certificates"
}
t image/layout image_layout

image_user() { # the image's user, and the user a run writes its outputs as
	assert_eq 65532:65532 "$IMAGE_USER" "the image's user"
	grep -q '^[^:]*:x:65532:65532:' "$IMAGE_DIR/passwd" || fail "/etc/passwd lacks user 65532"
	pair branch D -
	run_mirror "$SN" "$TN" "$REF"
	assert_exit 0
	assert_result created
	assert_eq 65532 "$(stat -c %u "$M_OUT" 2>/dev/null)" "the owner of the outputs file"
}
t image/user-65532 image_user

image_labels() { # the labels say what `refmirror --version` says
	local first libraries
	first=$(head -n 1 "$IMAGE_DIR/version.txt")
	[[ $first =~ ^refmirror\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "--version's first line: '$first'"
	assert_eq "refmirror $(cat "$IMAGE_DIR/label-version.txt")" "$first" "the version label"
	libraries=$(tail -n +2 "$IMAGE_DIR/version.txt" | paste -sd';' - | sed 's/;/; /g')
	assert_eq "$libraries" "$(cat "$IMAGE_DIR/label-libraries.txt")" "the libraries label"
	grep -qE '^libgit2 [0-9.]+, libcurl [0-9.]+, OpenSSL [0-9.]+, zlib [0-9.]+, cJSON [0-9.]+$' \
		"$IMAGE_DIR/version.txt" || fail "--version lacks the libraries' versions"
	grep -qE '^built from Debian sources: .*libgit2 .*, musl [0-9]' "$IMAGE_DIR/version.txt" ||
		fail "--version lacks the Debian source versions"
}
t image/labels-match-version image_labels

# HTTPS trusting only what the image's CA bundle holds: the bundle, with the test CA added, mounted
# over the image's own path, no ca_cert. (Without the test CA: https/no-ca-cert-fails-verification.)
image_ca_bundle() {
	pair branch D B
	cat "$IMAGE_DIR/ca.crt" "$TEST_CA" >"$TEST_DIR/bundle.crt"
	MIRROR_BASE=$HTTPS_BASE run_mirror "$SN" "$TN" "$REF" RM_IMAGE_CA_BUNDLE="$TEST_DIR/bundle.crt"
	assert_exit 0
	assert_result fast_forward
	assert_refs "$TN" "$(c D) $REF"
	assert_fsck "$TN"
}
t image/https-the-image-ca-bundle image_ca_bundle
