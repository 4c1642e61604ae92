#!/usr/bin/env python3
"""Benchmark: how the cost of hostile inputs grows with their size.

Usage: python bench/hostile_growth.py

For each input kind, lints (in this process, through ``kubelint.lint.lint_text``'s
loader and the suppression parser) a small and a 5 times larger instance and prints the
seconds and the growth factor. Linear cost gives a factor near 5; quadratic near 25.

  broken-documents   "---\\na: [\\n" repeated: a syntax error in every document
  comment-lines      "# kubelint: disable=x" on every line before one key
  helm-sources       helm template output: a "# Source:" comment before each document

This is a benchmark, not a test: figures go in notes, never in assertions.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def _broken(count: int) -> str:
    return "---\na: [\n" * count


def _comments(count: int) -> str:
    return "# kubelint: disable=x\n" * count + "a: 1\n"


def _sources(count: int) -> str:
    return "".join(
        f"---\n# Source: chart/templates/t{i}.yaml\napiVersion: v1\n"
        f"kind: ConfigMap\nmetadata: {{name: c{i}}}\n"
        for i in range(count)
    )


def _seconds(make: Callable[[int], str], count: int) -> float:
    from kubelint.loader import load_text
    from kubelint.model import SourceFile

    text = make(count)
    start = time.perf_counter()
    load_text(text, SourceFile("hostile.yaml", text))
    return time.perf_counter() - start


def main() -> None:
    for name, make, small in (
        ("broken-documents", _broken, 2_000),
        ("comment-lines", _comments, 4_000),
        ("helm-sources", _sources, 4_000),
    ):
        first = _seconds(make, small)
        second = _seconds(make, small * 5)
        print(
            f"{name}: {small} -> {first:.3f} s, {small * 5} -> {second:.3f} s,"
            f" growth {second / first:.1f}x (linear: 5x)"
        )


if __name__ == "__main__":
    main()
