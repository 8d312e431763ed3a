# Shared by the tools/ scripts. Sourced, not run.

# The Debian archive address, taken from the machine's own apt sources so
# that a configured mirror keeps being used and no host is named here.
debian_uri() {
	local u
	u=$(grep -rhsE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk '{print $2}' | grep -v -e security -e '^$' | head -n1 || true)
	[ -n "$u" ] || u=$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) {print $i; exit}}' || true)
	[ -n "$u" ] || { echo "cannot find the Debian archive in /etc/apt sources" >&2; return 1; }
	echo "$u"
}

# Where downloaded kernels live: outside the source tree, kept across builds.
scxd_cache() {
	echo "${SCXD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/scxd}"
}
