#!/usr/bin/env python3
"""Benchmark: where a `kubelint check` run's time goes, as ratios to the parse floor.

Usage: python bench/breakdown.py PATH [--runs N]

PATH is a corpus or a generated repository (`bench/monorepo.py --keep DIR`). Each run
times, alternating so that machine noise hits them alike:

  * floor: ../shared/bench/parse_floor.py PATH (PyYAML's C loader; its own in-process
    parse seconds, without interpreter start-up);
  * reader: kubelint's loader alone on the same files (read, decode, parse into values
    and positions, find the objects), timed in process the same way;
  * start-up: a whole `kubelint check` process on one small file (`--no-cache`);
  * no rules: a whole `kubelint check PATH --disable all --jobs 1 --no-cache` process
    (start-up, reading, the index, the report's Pod Security levels, JSON output);
  * default: the same with the default rules, as `bench/monorepo.py` and
    `bench/corpus_check.py` time it.

The difference between the last two is what the rules cost. This is a benchmark, not a
test: figures go in notes, never in assertions.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from measure import floor_seconds, kubelint_command, print_medians, run, runs_and_paths

READER = """
import os, sys, time
from kubelint.loader import load_path
EXTS = (".yaml", ".yml", ".json")
root = sys.argv[1]
paths = [root] if os.path.isfile(root) else [
    os.path.join(folder, name)
    for folder, folders, names in sorted(os.walk(root))
    for name in sorted(names) if name.lower().endswith(EXTS)
]
start = time.perf_counter()
objects = sum(len(load_path(path, path).objects) for path in paths)
print(f"parse_seconds: {time.perf_counter() - start:.4f} objects: {objects}")
"""

SMALL = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {LOG_LEVEL: info}
"""


def reader_seconds(path: str) -> float:
    _, out = run([sys.executable, "-c", READER, path], (0,))
    return float(out.split()[1])


def main(argv: list[str]) -> int:
    runs, args = runs_and_paths(argv)
    if not args:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    path = args[0]
    times: dict[str, list[float]] = {
        "floor": [],
        "reader": [],
        "start-up": [],
        "no rules": [],
        "default": [],
    }
    with tempfile.TemporaryDirectory() as scratch:
        small = Path(scratch) / "settings.yaml"
        small.write_text(SMALL)
        for _ in range(runs):
            times["floor"].append(floor_seconds(path))
            times["reader"].append(reader_seconds(path))
            times["start-up"].append(run(kubelint_command(str(small), "--no-cache"))[0])
            times["no rules"].append(
                run(kubelint_command(path, "--disable", "all", "--jobs", "1", "--no-cache"))[0]
            )
            times["default"].append(run(kubelint_command(path, "--jobs", "1", "--no-cache"))[0])
    print(f"path: {path}   runs: {runs} (medians)")
    floor = print_medians(times, 9)
    rules = statistics.median(times["default"]) - statistics.median(times["no rules"])
    print(f"    rules: {rules:6.2f} s  ratio {rules / floor:5.2f}   (default - no rules)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
