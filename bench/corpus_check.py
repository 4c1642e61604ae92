#!/usr/bin/env python3
"""Benchmark: `kubelint check` over a corpus, as a ratio to the PyYAML parse floor.

Usage: python bench/corpus_check.py [CORPUS] [--runs N]

CORPUS defaults to ../shared/corpus/real. Each run times, alternating so that machine
noise hits them alike:
  * the floor: ../shared/bench/parse_floor.py CORPUS (PyYAML's C loader; needs PyYAML);
  * kubelint, whole process (start-up, plugins, parsing, every enabled rule, JSON output):
    `--jobs 1 --no-cache`, `--jobs 2 --no-cache`, and a warm-cache re-run (the cache
    filled by a run just before, in a temporary directory).
It prints the median of each and its ratio to the floor's, and the peak RSS of the floor
and of `--jobs 1 --no-cache` (one measurement each).
This is a benchmark, not a test: figures go in notes, never in assertions.
"""

from __future__ import annotations

import os
import sys
import tempfile

from measure import (
    SHARED,
    floor_command,
    floor_seconds,
    kubelint_command,
    peak_rss,
    print_medians,
    run,
    runs_and_paths,
)


def main(argv: list[str]) -> int:
    runs, args = runs_and_paths(argv)
    corpus = args[0] if args else str(SHARED / "corpus" / "real")
    modes = {
        "jobs 1": ["--jobs", "1", "--no-cache"],
        "jobs 2": ["--jobs", "2", "--no-cache"],
        "warm cache": [],
    }
    times: dict[str, list[float]] = {"floor": [], **{mode: [] for mode in modes}}
    with tempfile.TemporaryDirectory() as cache:
        os.environ["KUBELINT_CACHE_DIR"] = cache
        run(kubelint_command(corpus))  # fills the cache
        for _ in range(runs):
            times["floor"].append(floor_seconds(corpus))
            for mode, options in modes.items():
                times[mode].append(run(kubelint_command(corpus, *options))[0])
    print(f"corpus: {corpus}   runs: {runs} (medians)")
    print_medians(times, 11)
    floor_rss = peak_rss(floor_command(corpus))
    ours_rss = peak_rss(kubelint_command(corpus, "--jobs", "1", "--no-cache"))
    print(
        f"peak RSS: floor {floor_rss} MiB, kubelint --jobs 1 {ours_rss} MiB"
        f" ({ours_rss / floor_rss:.1f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
