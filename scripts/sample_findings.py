#!/usr/bin/env python3
"""Draw a random sample of findings for a false-positive review, with their source.

Usage:
    python -m kubelint check CORPUS --format json --no-config > findings.json
    python scripts/sample_findings.py findings.json --seed 12 --count 60 [--severity error,warning]

Prints each sampled finding (rule, severity, file:line, message) followed by the lines
around it in its file, so a reviewer can judge it where the user would read it. The seed
makes the sample reproducible: put the command in the review's note.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("findings", type=Path, help="a kubelint --format json report")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument(
        "--severity", default="error,warning", help="comma-separated severities to sample from"
    )
    parser.add_argument("--context", type=int, default=3, help="lines shown around each")
    args = parser.parse_args()
    report = json.loads(args.findings.read_text(encoding="utf-8"))
    findings = report["findings"] if isinstance(report, dict) else report
    wanted = set(args.severity.split(","))
    pool = [f for f in findings if f["severity"] in wanted]
    sample = random.Random(args.seed).sample(pool, min(args.count, len(pool)))
    print(f"{len(sample)} of {len(pool)} {'/'.join(sorted(wanted))} findings, seed {args.seed}")
    for number, finding in enumerate(sample, 1):
        print(
            f"\n#{number} {finding['rule']} ({finding['severity']})"
            f" {finding['file']}:{finding['line']}:{finding['column']}"
        )
        print(f"   {finding['message']}")
        try:
            lines = Path(finding["file"]).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        first = max(finding["line"] - 1 - args.context, 0)
        for index in range(first, min(finding["line"] + args.context, len(lines))):
            mark = ">" if index == finding["line"] - 1 else " "
            print(f"   {mark}{index + 1:6} | {lines[index]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
