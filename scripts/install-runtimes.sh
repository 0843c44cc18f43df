#!/usr/bin/env bash
# Installs the extra Python runtimes of the test legs (scripts/legs.sh), PyPy 3.11 and
# CPython 3.13, from Debian trixie's packages, on a Debian 12 (bookworm) host, without touching
# the host's Python or its package database:
#
#   $RUNTIMES_DIR/<runtime>/        the packages' files, unpacked (usr/bin, usr/lib, ...)
#   $RUNTIMES_DIR/bin/<runtime>     a launcher: `~/.cache/hpy-rs/runtimes/bin/pypy3.11 -m venv v`
#
# RUNTIMES_DIR is ~/.cache/hpy-rs/runtimes (HPY_RS_RUNTIMES overrides it; see scripts/legs.sh
# for why there). Why unpack rather than install: trixie's packages need glibc >= 2.38 and
# bookworm has 2.36, and neither PyPy 3.11 nor CPython 3.13 exists for bookworm (its pypy3 is
# 3.9 with an HPy 0.0.4 that cannot load HPy 0.9 binaries). How (see /work/shared/runtimes.md):
#
#   1. a private apt configuration (own sources.list, lists, cache, empty dpkg status) naming
#      trixie, trixie-updates and trixie-security on the host's own Debian mirrors;
#   2. the packages' whole dependency closure, as apt resolves it against an empty system
#      (trixie's libc6 included), downloaded with `apt-get download` and unpacked with
#      `dpkg-deb -x`: no maintainer scripts run, nothing is registered with the host's dpkg;
#   3. the interpreter patched (patchelf) to use the unpacked trixie dynamic loader and to find
#      its libraries beside it (DT_RPATH, which also covers the extension modules it dlopens).
#      LD_LIBRARY_PATH instead would leak into every child process (gcc, sh) and break it;
#   4. WHEEL_PKG_DIR in the runtime's sysconfig data pointed at the unpacked pip/setuptools
#      wheels, so that `-m venv` can bootstrap pip.
#
# Idempotent: a marker file per runtime records the recipe it was installed with; a rerun that
# finds it only checks the launchers (well under a second). Concurrent runs (several clones on
# one machine) wait for each other on a lock. Installs `patchelf` on the host with apt when it is
# missing (root or sudo needed then, and only then).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/legs.sh
source "$ROOT/scripts/legs.sh"

# Bump when anything below changes what gets installed: every runtime is then reinstalled.
RECIPE_VERSION=1
MARKER=.hpy-rs-installed

log() { printf '[install-runtimes] %s\n' "$*"; }
die() { printf '[install-runtimes] error: %s\n' "$*" >&2; exit 1; }

# What to unpack for each runtime key of the leg table, and how to check the result.
#
# python3.13: no libpython3.13-dev. maturin and PyO3 read the build configuration from the
# interpreter's sysconfig data (in libpython3.13-minimal) and link nothing of libpython into an
# extension module on Linux: `maturin build -i python3.13` works without headers (checked). The
# -dev package would add ~12 MB (libc6-dev, linux-libc-dev, ...) for nothing the legs use.
# pypy3-dev is 85 kB of headers: kept, so that C code can be compiled against this PyPy.
runtime_packages() {
    case $1 in
        pypy3.11) echo "pypy3 pypy3-lib pypy3-venv pypy3-dev" ;;
        python3.13) echo "python3.13 python3.13-venv" ;;
        *) die "no recipe for runtime '$1' (scripts/legs.sh names it)" ;;
    esac
}

# A Python statement that fails unless the runtime is what the legs need.
runtime_check() {
    case $1 in
        pypy3.11) echo 'import sys, ssl, sqlite3, hpy.universal, hpy.debug
assert sys.implementation.name == "pypy" and sys.version_info[:2] == (3, 11), sys.version
assert hpy.universal.get_version()[0].startswith("0.9"), hpy.universal.get_version()' ;;
        python3.13) echo 'import sys, ssl, sqlite3, venv, ensurepip
assert sys.implementation.name == "cpython" and sys.version_info[:2] == (3, 13), sys.version' ;;
    esac
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root to run: $*"
    fi
}

# Installs host package $1 (providing command $2) with apt, refreshing the lists only when the
# package is not found (a fresh container has none).
ensure_host_command() {
    local package=$1 command=$2
    command -v "$command" >/dev/null 2>&1 && return 0
    log "installing $package on the host (apt)"
    export DEBIAN_FRONTEND=noninteractive
    if ! as_root apt-get install -y -qq --no-install-recommends "$package" >/dev/null 2>&1; then
        as_root apt-get update -qq
        as_root apt-get install -y -qq --no-install-recommends "$package" >/dev/null
    fi
    command -v "$command" >/dev/null 2>&1 || die "$package installed, but no $command on PATH"
}

# The host's Debian mirror for suite $1 (bookworm or bookworm-security): the URI its apt
# sources use, so that trixie comes from the same (possibly local) mirror, through the same
# proxy settings (those live in /etc/apt/apt.conf.d, which the private configuration keeps).
host_mirror() {
    local suite=$1 default=$2 files=() uri
    shopt -s nullglob
    files=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources)
    shopt -u nullglob
    [ "${#files[@]}" -gt 0 ] || { echo "$default"; return; }
    # One-line format: `deb [opts] URI SUITE COMPONENTS`; deb822: `URIs:` and `Suites:` lines
    # in one paragraph. Only http(s) mirrors of Debian's main archive count.
    uri=$(awk -v suite="$suite" '
        function flush() {
            if (uris != "" && (" " suites " ") ~ (" " suite " ")) { split(uris, u, " "); print u[1]; found = 1; exit }
            uris = ""; suites = ""
        }
        /^[[:space:]]*deb[[:space:]]/ {
            line = $0; sub(/\[[^]]*\]/, "", line); n = split(line, f, " ")
            if (n >= 3 && f[3] == suite) { print f[2]; found = 1; exit }
            next
        }
        /^[[:space:]]*$/ { flush(); next }
        tolower($1) == "uris:" { $1 = ""; uris = $0 }
        tolower($1) == "suites:" { $1 = ""; suites = $0 }
        END { if (!found) flush() }
    ' "${files[@]}" 2>/dev/null | grep -E '^https?://' | head -n 1 || true)
    echo "${uri:-$default}"
}

# Writes a private apt configuration into folder $1 and downloads trixie's package lists.
setup_private_apt() {
    local dir=$1 main security
    main=$(host_mirror bookworm http://deb.debian.org/debian)
    security=$(host_mirror bookworm-security http://deb.debian.org/debian-security)
    mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/debs"
    : >"$dir/status"
    local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    [ -r "$keyring" ] || die "$keyring missing: apt-get install debian-archive-keyring"
    cat >"$dir/sources.list" <<EOF
deb [arch=amd64 signed-by=$keyring] $main trixie main
deb [arch=amd64 signed-by=$keyring] $main trixie-updates main
deb [arch=amd64 signed-by=$keyring] $security trixie-security main
EOF
    # Dir::Etc::sourceparts "-": the host's own sources are not read. APT::Sandbox::User: the
    # download folders belong to us, not to the _apt user apt would otherwise switch to.
    cat >"$dir/apt.conf" <<EOF
Dir::Etc::sourcelist "$dir/sources.list";
Dir::Etc::sourceparts "-";
Dir::State::Lists "$dir/lists";
Dir::State::status "$dir/status";
Dir::Cache "$dir/cache";
APT::Architecture "amd64";
APT::Default-Release "trixie";
APT::Sandbox::User "$(id -un)";
EOF
    export APT_CONFIG=$dir/apt.conf
    apt-get update -qq >"$dir/update.log" 2>&1 || { cat "$dir/update.log" >&2; die "apt-get update (trixie) failed"; }
}

# Unpacks runtime $1 into $RUNTIMES_DIR/$1 (replacing what is there) and checks it.
install_runtime() {
    local name=$1 work=$2 packages dest staging closure exe
    packages=$(runtime_packages "$name")
    dest=$RUNTIMES_DIR/$name
    exe=usr/bin/$name

    # The closure against the empty status file: everything a bare system would need.
    # shellcheck disable=SC2086 # the package list is meant to split
    closure=$(apt-get install -s -qq --no-install-recommends $packages 2>"$work/resolve.log" |
        awk '/^Inst /{print $2}') || true
    [ -n "$closure" ] || { cat "$work/resolve.log" >&2; die "$name: apt cannot resolve: $packages"; }
    # shellcheck disable=SC2086
    (cd "$work/debs" && apt-get download -qq $closure >"$work/download.log" 2>&1) ||
        { cat "$work/download.log" >&2; die "$name: apt-get download failed"; }

    # Unpack next to the destination, patch for the final location, then swap it in.
    staging=$(mktemp -d "$RUNTIMES_DIR/.staging-$name.XXXXXX")
    chmod 755 "$staging" # mktemp makes it 0700; the runtime is for every user
    local pkg deb
    for pkg in $closure; do
        deb=$(find "$work/debs" -maxdepth 1 -name "${pkg}_*.deb" -print -quit)
        [ -n "$deb" ] || die "$name: downloaded no .deb for $pkg"
        dpkg-deb -x "$deb" "$staging"
    done
    [ -x "$staging/$exe" ] || die "$name: the packages contain no $exe"

    patchelf --set-interpreter "$dest/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" \
        --force-rpath --set-rpath "\$ORIGIN/../lib/x86_64-linux-gnu" "$staging/$exe"

    # Only real files: some _sysconfigdata names are symlinks to others.
    local data found=0
    while IFS= read -r -d '' data; do
        if grep -q "'WHEEL_PKG_DIR'" "$data"; then
            sed -i "s|'WHEEL_PKG_DIR': *'[^']*'|'WHEEL_PKG_DIR': '$dest/usr/share/python-wheels/'|" "$data"
            found=1
        fi
    done < <(find "$staging/usr/lib" -maxdepth 2 -type f -name '_sysconfigdata*.py' -print0)
    [ "$found" -eq 1 ] || die "$name: no WHEEL_PKG_DIR in its _sysconfigdata*.py"

    rm -rf "$dest"
    mv "$staging" "$dest"

    # The launcher: a script, not a symlink. sys.executable is then the real interpreter, so
    # that `-m venv` records the runtime's own bin/ as the venv's home; a venv made through a
    # symlink living elsewhere cannot find its standard library.
    mkdir -p "$RUNTIMES_BIN"
    printf '#!/usr/bin/env bash\n# %s from Debian trixie, unpacked by hpy-rs scripts/install-runtimes.sh\nexec %q "$@"\n' \
        "$name" "$dest/$exe" >"$RUNTIMES_BIN/$name.tmp"
    chmod 755 "$RUNTIMES_BIN/$name.tmp"
    mv "$RUNTIMES_BIN/$name.tmp" "$RUNTIMES_BIN/$name"

    verify_runtime "$name" full
    {
        echo "recipe $RECIPE_VERSION"
        echo "packages $packages"
        # shellcheck disable=SC2086
        apt-cache policy $closure 2>/dev/null | awk '/^[^ ]/{p=$1} /Candidate:/{print p, $2}'
    } >"$dest/$MARKER"
}

# Checks runtime $1: imports; with `full`, also a venv with pip (what the legs do with it).
verify_runtime() {
    local name=$1 depth=${2:-quick} python out
    python=$RUNTIMES_BIN/$name
    out=$("$python" -c "$(runtime_check "$name")" 2>&1) ||
        die "$name does not work ($python): $out"
    [ "$depth" = full ] || return 0
    local venv
    venv=$(mktemp -d "${TMPDIR:-/tmp}/hpy-rs-venv-check.XXXXXX")
    if ! out=$("$python" -m venv "$venv/v" 2>&1 && "$venv/v/bin/python" -m pip --version 2>&1); then
        rm -rf "$venv"
        die "$name: -m venv with pip does not work: $out"
    fi
    rm -rf "$venv"
}

installed() {
    [ -f "$RUNTIMES_DIR/$1/$MARKER" ] &&
        grep -qx "recipe $RECIPE_VERSION" "$RUNTIMES_DIR/$1/$MARKER" &&
        [ -x "$RUNTIMES_BIN/$1" ]
}

main() {
    local runtimes=() missing=() name
    mapfile -t runtimes < <(extra_runtimes)
    [ "${#runtimes[@]}" -gt 0 ] || return 0

    mkdir -p "$RUNTIMES_DIR"
    # Serialise with any other run on this machine (one lock for all runtimes).
    exec 9>"$RUNTIMES_DIR/.lock"
    flock 9

    for name in "${runtimes[@]}"; do
        installed "$name" || missing+=("$name")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        [ "$(uname -m)" = x86_64 ] || die "only x86_64 is supported (trixie amd64 packages)"
        ensure_host_command patchelf patchelf
        command -v dpkg-deb >/dev/null || die "dpkg-deb not found: this needs a Debian host"
        local work t0
        t0=$(date +%s)
        work=$(mktemp -d "$RUNTIMES_DIR/.work.XXXXXX")
        # shellcheck disable=SC2064 # expand now: $work is local
        trap "rm -rf '$work' '$RUNTIMES_DIR'/.staging-*" EXIT
        log "installing ${missing[*]} from Debian trixie into $RUNTIMES_DIR"
        setup_private_apt "$work"
        for name in "${missing[@]}"; do
            install_runtime "$name" "$work"
        done
        log "installed ${missing[*]} in $(($(date +%s) - t0))s"
    fi
    for name in "${runtimes[@]}"; do
        verify_runtime "$name" quick
    done
}

main "$@"
