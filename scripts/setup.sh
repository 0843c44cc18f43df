#!/usr/bin/env bash
# Prepares a fresh machine of this project's kind (Debian 12, CPython 3.11 from pyenv as
# `python3`, Rust preinstalled) for scripts/test.sh. Idempotent: a rerun only checks that
# everything is in place.
#
# What the tests need, and why:
#   * hpy==0.9.0      `hpy.universal` (the CPython loader of universal binaries) and `hpy.debug`
#   * pytest          the examples' test suites
#   * maturin>=1.5,<2 builds the examples' wheels (same bound as examples/*/pyproject.toml)
#   * nm, readelf     (binutils) symbol checks in the examples' test_binary.py
#   * PyPy 3.11, CPython 3.13  the other test legs' runtimes (scripts/install-runtimes.sh)
# The per-leg virtual environments are made by scripts/build-examples.sh, not here.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON=${PYTHON:-python3}

log() { printf '[setup] %s\n' "$*"; }

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        log "need root to run: $*" >&2
        return 1
    fi
}

install_python_packages() {
    log "python packages: hpy==0.9.0, pytest, maturin>=1.5,<2 (for $("$PYTHON" --version 2>&1))"
    # Already-satisfied requirements cost a second and no download.
    "$PYTHON" -m pip install --quiet --disable-pip-version-check --no-input --root-user-action=ignore \
        'hpy==0.9.0' 'pytest>=8' 'maturin>=1.5,<2'
    # pyenv's shims must learn about the new `maturin` executable.
    if command -v pyenv >/dev/null 2>&1; then
        pyenv rehash || true
    fi
}

install_binutils() {
    if command -v nm >/dev/null 2>&1 && command -v readelf >/dev/null 2>&1; then
        return 0
    fi
    log "installing binutils (nm, readelf)"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends binutils >/dev/null
}

# PyPy 3.11 and CPython 3.13, the runtimes of the other legs (scripts/legs.sh), unpacked from
# Debian trixie's packages into ~/.cache/hpy-rs/runtimes without touching the host.
install_trixie_runtimes() {
    bash scripts/install-runtimes.sh
}

install_binutils
install_python_packages
install_trixie_runtimes

# Fail here, with a clear message, rather than in the middle of the tests.
"$PYTHON" -c 'import hpy.universal, hpy.debug, pytest' \
    || { log "hpy/pytest not importable by $PYTHON" >&2; exit 1; }
"$PYTHON" -m maturin --version >/dev/null \
    || { log "maturin not runnable as $PYTHON -m maturin" >&2; exit 1; }
command -v cargo >/dev/null || { log "cargo not found: Rust must be preinstalled" >&2; exit 1; }
log "ok"
