#!/usr/bin/env bash
# Re-blesses the compile-fail snapshots of ui-tests (ui-tests/tests/fail/*.stderr): rewrites
# every snapshot with the current compiler output in CPython-ABI mode, then checks that the
# universal backend produces exactly the same output (the macros emit one token stream for
# both). Review the result with `git diff ui-tests/`. The snapshots belong to one compiler:
# after moving to another toolchain, bless with it and update PINNED_RUSTC in
# ui-tests/tests/ui.rs (this script prints the version to put there).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
rm -rf ui-tests/wip
echo "[bless-ui] compiler: $(rustc --version)"
# (With TRYBUILD=overwrite the test does not refuse another compiler: it says what to pin.)
TRYBUILD=overwrite HPY_ABI=cpython cargo test -q -p ui-tests --test ui
echo "[bless-ui] blessed in CPython-ABI mode; checking the universal backend against them"
HPY_ABI=universal cargo test -q -p ui-tests --test ui
git status --short ui-tests/tests
