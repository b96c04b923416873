#!/usr/bin/env bash
# Builds liburing 2.3 without libc (`./configure --nolibc`, CONFIG_NOLIBC) for uring-nolibc.
#
# Source: Debian's liburing 2.3-3 source package (the same version as the installed
# liburing-dev), fetched with `apt-get source` through a temporary deb-src list, so neither the
# system's apt configuration nor its package lists are touched. The orig tarball is checked
# against the sha256 below. Output: corpus/.cache/liburing-2.3-nolibc/src/{liburing.a,include/}
# (not committed; corpus/bin/uring-nolibc-nolibc is).
#
# Run by corpus/build.sh before the build (every corpus/programs.d/*.prep.sh is).
set -euo pipefail

CORPUS="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$CORPUS/.cache/liburing-2.3-nolibc"
ORIG_SHA256=2eac26f880125d83f75ba8641fde5d88226dd352d3cee95d45a9128758a8f1be

if [ -e "$OUT/src/liburing.a" ] && [ -e "$OUT/src/include/liburing.h" ]; then
    exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sources.d" "$work/lists/partial"
cat >"$work/sources.d/debian-src.sources" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
apt_opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$work/sources.d" -o "Dir::State::Lists=$work/lists"
          -o Debug::NoLocking=1)
echo "  uring.prep.sh: fetching Debian's liburing 2.3-3 source package" >&2
if ! (apt-get "${apt_opts[@]}" update >/dev/null &&
      cd "$work" && apt-get "${apt_opts[@]}" source --download-only liburing=2.3-3 >/dev/null); then
    echo "uring.prep.sh: cannot download the liburing 2.3-3 source package (offline?)." >&2
    echo "uring.prep.sh: corpus/bin/uring-nolibc-nolibc (committed) stays as it is." >&2
    exit 1
fi
echo "$ORIG_SHA256  $work/liburing_2.3.orig.tar.gz" | sha256sum -c --quiet -
rm -rf "$OUT"
mkdir -p "$OUT"
tar -xzf "$work/liburing_2.3.orig.tar.gz" -C "$OUT" --strip-components=1
(cd "$OUT" && ./configure --nolibc >/dev/null && make -C src -j"$(nproc)" liburing.a >/dev/null)
grep -q '^CONFIG_NOLIBC=y' "$OUT/config-host.mak"
echo "  uring.prep.sh: built $OUT/src/liburing.a (CONFIG_NOLIBC=y)" >&2
