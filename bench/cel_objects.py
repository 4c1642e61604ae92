#!/usr/bin/env python3
"""Benchmark: a policy that reads ``objects`` (every object of the run) over N objects.

Usage: python bench/cel_objects.py [N ...]   (default 1000 3000)

Writes N ConfigMaps and a policy with two validations, ``objects.size() > 0`` and
``!objects.exists(o, o.metadata.name == object.metadata.name + '-x')``, and times
``kubelint check --policies`` on them (whole process), with and without the policy. The
first validation costs nothing per object once ``objects`` is converted once per run; the
second is a real O(N^2) comprehension, bounded by cel-cpp's 10,000 iterations per
evaluation. This is a benchmark, not a test: figures go in notes, never in assertions.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

POLICY = """\
apiVersion: kubelint.dev/v1
kind: Policy
metadata: {name: objects}
spec:
  rules:
    - id: objects-read
      summary: reads every object of the run
      match: {kinds: [ConfigMap]}
      validations:
        - expression: objects.size() > 0
        - expression: "!objects.exists(o, o.metadata.name == object.metadata.name + '-x')"
"""


def seconds(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        raise SystemExit(f"kubelint failed ({result.returncode}): {result.stderr}")
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv[1:]] or [1000, 3000]
    print(f"{'objects':>8} {'no policy s':>12} {'policy s':>9}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as scratch:
            root = Path(scratch)
            (root / "cms.yaml").write_text(
                "---\n".join(
                    f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}, namespace: ns}}\n"
                    "data: {k: v}\n"
                    for i in range(size)
                )
            )
            (root / "policy.yaml").write_text(POLICY)
            base = [
                sys.executable,
                "-m",
                "kubelint",
                "check",
                "--no-config",
                "--no-cache",
                "cms.yaml",
            ]
            plain = seconds(base, root)
            with_policy = seconds([*base, "--policies", "policy.yaml"], root)
            print(f"{size:>8} {plain:>12.2f} {with_policy:>9.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
