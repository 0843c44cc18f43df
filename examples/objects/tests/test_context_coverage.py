"""Proves the table of hpy-core/guide/context-coverage.md: every context function it marks
*safe* is really called by this suite. The suite runs again in a child process under HPy's
trace mode (`HPY=trace`), which counts the calls of every `ctx_*` function; each *safe* member
must have been called at least once.

Only in the universal leg (trace mode wraps the universal context; the CPython-ABI build has
none, and the debug leg is already a wrapped context).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

import objects

# Called only in a child process that aborts (test_fatal_error_aborts).
OUT_OF_PROCESS = {"ctx_FatalError"}
CHILD = "HPY_RS_COVERAGE_CHILD"


def safe_members(repo_root):
    table = (repo_root / "hpy-core" / "guide" / "context-coverage.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| \d+(?: ⇧)? \| `(\w+)` \| (\w+) \|", table, re.M)
    assert len(rows) == 263
    return sorted(name for name, status in rows if status == "safe" and name.startswith("ctx_"))


@pytest.mark.skipif(os.environ.get(CHILD) == "1", reason="inside the traced child run")
def test_every_safe_member_is_called(expect, repo_root, tmp_path):
    if expect != "universal":
        pytest.skip("trace mode needs the universal build without the debug context")
    out = tmp_path / "counts.json"
    tests = os.path.dirname(os.path.abspath(__file__))
    code = (
        "import json, sys, pytest, hpy.trace\n"
        f"rc = pytest.main([{tests!r}, '-q', '-x', '-p', 'no:cacheprovider', "
        f"'--import-mode=importlib', '--rootdir', {str(repo_root)!r}, "
        f"'--confcutdir', {str(repo_root / 'examples')!r}])\n"
        f"json.dump(hpy.trace.get_call_counts(), open({str(out)!r}, 'w'))\n"
        "sys.exit(int(rc))\n"
    )
    env = dict(os.environ, HPY="trace", HPY_TEST_EXPECT="any", **{CHILD: "1"})
    p = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=600,
    )
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    counts = json.loads(out.read_text())
    missing = [m for m in safe_members(repo_root) if m not in OUT_OF_PROCESS and not counts.get(m)]
    assert missing == [], f"context functions marked safe but never called: {missing}"
    # The members PyPy 3.11 shifted are all among them: the PyPy leg proves the layout detection.
    shifted = [
        "ctx_Capsule_New", "ctx_Capsule_Get", "ctx_Capsule_IsValid", "ctx_Capsule_Set",
        "ctx_Compile_s", "ctx_EvalCode", "ctx_ContextVar_New", "ctx_ContextVar_Get",
        "ctx_ContextVar_Set", "ctx_Type_GetName", "ctx_Type_IsSubtype",
        "ctx_Unicode_FromEncodedObject", "ctx_Unicode_Substring", "ctx_Dict_Keys",
        "ctx_Dict_Copy", "ctx_Slice_Unpack", "ctx_SetCallFunction", "ctx_Call",
        "ctx_CallMethod",
    ]
    assert len(shifted) == 19
    assert all(counts.get(m) for m in shifted), [m for m in shifted if not counts.get(m)]
