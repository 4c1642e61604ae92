#!/usr/bin/env python3
"""Benchmark: `kubelint check` over a corpus, as a ratio to the PyYAML parse floor.

Usage: python bench/corpus_check.py [CORPUS] [--runs N]

CORPUS defaults to ../shared/corpus/real. Each run times, in the same process tree and
alternating so that machine noise hits both alike:
  * the floor: ../shared/bench/parse_floor.py CORPUS (PyYAML's C loader; needs PyYAML);
  * kubelint: `python -m kubelint check CORPUS --format json` (whole process: start-up,
    plugin loading, parsing, every enabled rule, JSON output).
It prints the median of each and their ratio, and kubelint's documents per second.
This is a benchmark, not a test: figures go in notes, never in assertions.
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"


def floor_seconds(corpus: str) -> float:
    output = subprocess.run([sys.executable, str(SHARED / "bench" / "parse_floor.py"), corpus],
                            capture_output=True, text=True, check=True).stdout
    match = re.search(r"^parse_seconds: ([0-9.]+)$", output, re.M)
    assert match, output
    return float(match.group(1))


def kubelint_seconds(corpus: str) -> tuple[float, dict]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "kubelint", "check", corpus, "--format",
                             "json", "--no-config"], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"kubelint failed ({result.returncode}): {result.stderr}")
    return elapsed, json.loads(result.stdout)["summary"]


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("--")]
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 3
    if "--runs" in argv:
        args.remove(argv[argv.index("--runs") + 1])
    corpus = args[0] if args else str(SHARED / "corpus" / "real")
    floors, ours = [], []
    summary: dict = {}
    for _ in range(runs):
        floors.append(floor_seconds(corpus))
        seconds, summary = kubelint_seconds(corpus)
        ours.append(seconds)
    floor, kubelint = statistics.median(floors), statistics.median(ours)
    print(f"corpus: {corpus}")
    print(f"runs: {runs} (medians below)")
    print(f"documents: {summary['documents']} in {summary['files']} files"
          f" ({summary['objects']} objects, {summary['skipped']} skipped)")
    print(f"parse_floor_seconds: {floor:.3f}   (all runs: {', '.join(f'{x:.2f}' for x in floors)})")
    print(f"kubelint_seconds: {kubelint:.3f}   (all runs: {', '.join(f'{x:.2f}' for x in ours)})")
    print(f"ratio_to_floor: {kubelint / floor:.2f}")
    print(f"documents_per_second: {summary['documents'] / kubelint:,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
