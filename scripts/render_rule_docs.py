#!/usr/bin/env python3
"""Render every rule's documentation to docs/rules/<id>.md and the rules table between
the `<!-- rules-table -->` markers in README.md, from the installed registry.

Usage: python scripts/render_rule_docs.py [--check]

--check writes nothing and exits 1 when a file is out of date (tests/test_docs_rendered.py
runs it), so the README can never drift from the rules.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kubelint.docs import rule_page, rules_table
from kubelint.plugins import build_registry

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- rules-table -->", "<!-- /rules-table -->"


def outputs() -> dict[Path, str]:
    registry = build_registry()
    rules = sorted(registry.rules.values(), key=lambda r: r.id)
    files: dict[Path, str] = {}
    for rule in rules:
        files[ROOT / "docs" / "rules" / f"{rule.id}.md"] = rule_page(rule)
    rows = rules_table(rules, lambda rule: f"docs/rules/{rule.id}.md")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    files[ROOT / "README.md"] = f"{head}{START}\n" + "\n".join(rows) + f"\n{END}{tail}"
    return files


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for path, text in outputs().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            stale.append(path.relative_to(ROOT).as_posix())
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    if check and stale:
        print("out of date (run python scripts/render_rule_docs.py):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
