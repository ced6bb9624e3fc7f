# shellcheck shell=bash
# debian_mirror: the machine's Debian mirror, the first non-security URI of its deb822 sources,
# else of sources.list, else deb.debian.org (for debootstrap: scripts/fresh-machine-check and
# scripts/image-base).
debian_mirror() {
	local uri
	uri=$(awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources \
		2>/dev/null) || true
	[ -n "$uri" ] || uri=$(awk '$1 == "deb" && $2 !~ /security/ { print $2; exit }' \
		/etc/apt/sources.list 2>/dev/null) || true
	echo "${uri:-http://deb.debian.org/debian}"
}
