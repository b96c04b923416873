#!/usr/bin/env bash
# Build the guest-program corpus and record native golden outputs.
#   Run from anywhere: `npm run corpus` (== bash corpus/build.sh).
#   BUILD_ONLY=1 bash corpus/build.sh   -> build, but do not record goldens.
#   CORPUS_NO_INSTALL=1 ...              -> never apt-get install; just report.
set -euo pipefail

CORPUS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$CORPUS")"
SRC="$CORPUS/src"
BIN="$CORPUS/bin"

# ---------------------------------------------------------------------------
# Program table. Adding a program is one line:
#   name        variants (space separated)      source (in corpus/src)
# Binary: corpus/bin/<name>-<variant>
# ---------------------------------------------------------------------------
PROGRAMS='
hello         musl glibc glibc-pie            hello.c
hello         nolibc                          hello-nolibc.c
echo          musl glibc glibc-pie            echo.c
echo          nolibc                          echo-nolibc.c
segv          musl glibc                      segv.c
exitcode      musl glibc                      exitcode.c
fsops         musl glibc                      fsops.c
pipes         musl glibc                      pipes.c
sigpipe       musl glibc                      sigpipe.c
procself      musl glibc                      procself.c
timeid        musl glibc                      timeid.c
x87-check     glibc                           x87-check.c
'
# More programs come from corpus/programs.d/*.txt (same format, one file per topic, so that
# independent additions never edit the same file). A line may end with `-- FLAGS...`: extra
# compiler/linker flags for that program (e.g. `-- -luring`).
for extra in "$CORPUS"/programs.d/*.txt; do
    [ -e "$extra" ] || continue
    PROGRAMS+=$'\n'"$(grep -v '^[[:space:]]*#' "$extra")"
done

# Prebuilt guest binaries copied from Debian packages: corpus/bin/<name> <- host path (package).
# busybox: Debian's busybox-static (1:1.35.0-4+deb12u1+b1 when recorded; see corpus/README.md).
BUSYBOX_HOST=/bin/busybox

# Flags common to every variant, then per variant.
COMMON_CFLAGS=(-O2 -Wall -Wextra -fno-asynchronous-unwind-tables -s)
variant_cmd() {   # prints the compiler + flags for a variant, one word per line
    case "$1" in
        nolibc)    printf '%s\n' gcc -static -nostdlib -fno-stack-protector -fno-builtin -ffreestanding ;;
        musl)      printf '%s\n' musl-gcc -static ;;
        glibc)     printf '%s\n' gcc -static ;;
        glibc-pie) printf '%s\n' gcc -static-pie -fPIE ;;
        glibcxx)   printf '%s\n' g++ -static ;;
        muslxx)    printf '%s\n' g++ -static -nostdinc++ ;;
        *) echo "build.sh: unknown variant '$1'" >&2; return 1 ;;
    esac
}

# ---------------------------------------------------------------------------
# Toolchain check (Debian package names).
# ---------------------------------------------------------------------------
missing_packages() {
    local miss=()
    command -v gcc >/dev/null 2>&1 || miss+=(gcc)
    # static glibc (libc.a) and static-pie start files come with libc6-dev
    if ! command -v gcc >/dev/null 2>&1 ||
       [ ! -e "$(gcc -print-file-name=libc.a)" ] || [ ! -e "$(gcc -print-file-name=rcrt1.o)" ]; then
        miss+=(libc6-dev)
    fi
    command -v musl-gcc >/dev/null 2>&1 || miss+=(musl-tools)
    # Must be the static build: the dynamic "busybox" package also installs /bin/busybox.
    if [ ! -x "$BUSYBOX_HOST" ] || ! dpkg -s busybox-static >/dev/null 2>&1; then
        miss+=(busybox-static)
    fi
    if ! command -v gcc >/dev/null 2>&1 ||
       ! echo '#include <liburing.h>' | gcc -E -x c - >/dev/null 2>&1 ||
       [ ! -e "$(gcc -print-file-name=liburing.a)" ]; then
        miss+=(liburing-dev)
    fi
    # de-duplicate, keep order
    printf '%s\n' "${miss[@]}" | awk 'NF && !seen[$0]++'
}

mapfile -t MISSING < <(missing_packages)
if [ "${#MISSING[@]}" -gt 0 ]; then
    if [ "${CORPUS_NO_INSTALL:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "build.sh: installing missing Debian packages: ${MISSING[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y "${MISSING[@]}" || { apt-get update && apt-get install -y "${MISSING[@]}"; }
        mapfile -t MISSING < <(missing_packages)
    fi
    if [ "${#MISSING[@]}" -gt 0 ]; then
        echo "build.sh: missing Debian packages: ${MISSING[*]}" >&2
        echo "build.sh: install them with: apt-get install -y ${MISSING[*]}" >&2
        exit 1
    fi
fi
command -v node >/dev/null 2>&1 || { echo "build.sh: node is required to record goldens" >&2; exit 1; }

# ---------------------------------------------------------------------------
# Preparation: corpus/programs.d/<topic>.prep.sh fetch or build what a topic's programs link
# against (uring.prep.sh: liburing built with --nolibc). Each is run once per build.
# ---------------------------------------------------------------------------
for prep in "$CORPUS"/programs.d/*.prep.sh; do
    [ -e "$prep" ] || continue
    bash "$prep"
done

# ---------------------------------------------------------------------------
# Build.
# ---------------------------------------------------------------------------
mkdir -p "$BIN"
cd "$SRC"                       # relative source paths -> no host paths in objects
built=0
while read -r line; do
    [ -z "$line" ] && continue
    extra_flags=()
    if [[ "$line" == *" -- "* ]]; then
        read -r -a extra_flags <<<"${line#* -- }"
        line="${line%% -- *}"
    fi
    read -r -a f <<<"$line"
    name="${f[0]}"
    src="${f[${#f[@]}-1]}"
    for variant in "${f[@]:1:${#f[@]}-2}"; do
        mapfile -t cmd < <(variant_cmd "$variant")
        out="$BIN/$name-$variant"
        echo "  CC  ${cmd[*]} ${COMMON_CFLAGS[*]} -o corpus/bin/$name-$variant $src ${extra_flags[*]}"
        "${cmd[@]}" "${COMMON_CFLAGS[@]}" -o "$out.tmp" "$src" "${extra_flags[@]}"
        mv -f "$out.tmp" "$out"
        built=$((built + 1))
    done
done <<<"$PROGRAMS"
cp -f "$BUSYBOX_HOST" "$BIN/busybox.tmp"
mv -f "$BIN/busybox.tmp" "$BIN/busybox"
echo "  CP  $BUSYBOX_HOST -> corpus/bin/busybox ($("$BIN/busybox" 2>&1 | head -n 1 || true))"
echo "build.sh: built $built binaries in corpus/bin, copied busybox"

# ---------------------------------------------------------------------------
# Record goldens (native run of every case in corpus/cases.json).
# ---------------------------------------------------------------------------
if [ "${BUILD_ONLY:-0}" != 1 ]; then
    cd "$ROOT"
    node corpus/record.mjs
fi
