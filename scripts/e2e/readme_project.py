#!/usr/bin/env python3
"""Writes the README's quick-start project into a folder, from README.md itself.

    python3 scripts/e2e/readme_project.py README.md OUT_DIR HPY_CORE_DIR

The quick start (the "## Quick start" section) holds one code block after each of the lines
"`Cargo.toml`:", "`pyproject.toml` ...:" and "`src/lib.rs`:"; they are written to
OUT_DIR/Cargo.toml, OUT_DIR/pyproject.toml and OUT_DIR/src/lib.rs as they are, except for the
placeholder path of the hpy-core dependency, replaced with HPY_CORE_DIR. The section's `sh`
block (the commands) is written to OUT_DIR/README-commands.sh, for scripts/e2e-readme.sh to
check that the commands it runs are the documented ones. A README that no longer has these
blocks, or the placeholder, is an error: the README cannot drift from what is tested.
"""

from __future__ import annotations

import pathlib
import re
import sys

PLACEHOLDER = 'path = "path/to/hpy-core"'
FILES = {"Cargo.toml": "toml", "pyproject.toml": "toml", "src/lib.rs": "rust"}


def quick_start(readme: str) -> str:
    match = re.search(r"^## Quick start\n(.*?)(?=^## )", readme, re.S | re.M)
    if not match:
        raise SystemExit("README.md: no '## Quick start' section")
    return match.group(1)


def blocks(section: str) -> list[tuple[str, str, str]]:
    """(the paragraph before the block, its language, its text) for each fenced block."""
    out = []
    paragraph: list[str] = []  # the last paragraph seen outside a block
    lines = iter(section.splitlines())
    for line in lines:
        if line.startswith("```"):
            lang = line[3:].strip()
            body = []
            for inner in lines:
                if inner.startswith("```"):
                    break
                body.append(inner)
            else:
                raise SystemExit("README.md quick start: a code block is not closed")
            out.append((" ".join(paragraph), lang, "\n".join(body) + "\n"))
            paragraph = []
        elif not line.strip():
            if paragraph and paragraph[-1] != "":
                paragraph.append("")
        else:
            if paragraph and paragraph[-1] == "":
                paragraph = []
            paragraph.append(line.strip())
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    readme, out_dir, hpy_core = pathlib.Path(argv[1]), pathlib.Path(argv[2]), pathlib.Path(argv[3])
    found = blocks(quick_start(readme.read_text(encoding="utf-8")))
    for name, lang in FILES.items():
        texts = [text for intro, block_lang, text in found if intro.startswith(f"`{name}`") and block_lang == lang]
        if len(texts) != 1:
            raise SystemExit(f"README.md quick start: expected one ```{lang} block after `{name}`, found {len(texts)}")
        text = texts[0]
        if name == "Cargo.toml":
            if text.count(PLACEHOLDER) != 1:
                raise SystemExit(f"README.md quick start: Cargo.toml has no `{PLACEHOLDER}` to substitute")
            text = text.replace(PLACEHOLDER, f'path = "{hpy_core.resolve()}"')
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    commands = [text for _, lang, text in found if lang == "sh"]
    if len(commands) != 1:
        raise SystemExit(f"README.md quick start: expected one ```sh block, found {len(commands)}")
    (out_dir / "README-commands.sh").write_text(commands[0], encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
