"""Timing and peak memory of commands, shared by the benchmarks (not a benchmark)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared"


def run(command: list[str], ok: tuple[int, ...] = (0, 1)) -> tuple[float, str]:
    """(wall seconds, standard output) of ``command``."""
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in ok:
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}): {result.stderr}")
    return elapsed, result.stdout


def peak_rss(command: list[str]) -> int:
    """Peak RSS in MiB of ``command`` (and its children), run alone in a fresh process:
    Linux reports the largest child a process ever had, so each gets its own parent."""
    script = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:],"
        " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
        " print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)"
    )
    return int(
        subprocess.run(
            [sys.executable, "-c", script, *command], capture_output=True, text=True, check=True
        ).stdout.strip()
    )


def floor_command(path: str) -> list[str]:
    return [sys.executable, str(SHARED / "bench" / "parse_floor.py"), path]


def floor_seconds(path: str) -> float:
    """Parse seconds of ../shared/bench/parse_floor.py (PyYAML's C loader) on ``path``."""
    _, out = run(floor_command(path), (0,))
    for line in out.splitlines():
        if line.startswith("parse_seconds:"):
            return float(line.split()[1])
    raise SystemExit(f"no parse_seconds in: {out}")


def kubelint_command(path: str, *options: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "kubelint",
        "check",
        path,
        "--format",
        "json",
        "--no-config",
        *options,
    ]


def print_medians(times: dict[str, list[float]], width: int) -> float:
    """Print each part's median seconds and its ratio to the median of ``times["floor"]``
    (all the runs too); return that floor."""
    import statistics

    floor = statistics.median(times["floor"])
    for part, values in times.items():
        median = statistics.median(values)
        print(
            f"{part:>{width}}: {median:6.2f} s  ratio {median / floor:5.2f}"
            f"   (all: {', '.join(f'{x:.2f}' for x in values)})"
        )
    return floor


def runs_and_paths(argv: list[str], default: int = 3) -> tuple[int, list[str]]:
    """``--runs N`` (``default`` without it) and the other arguments that are no option."""
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else default
    args = [a for a in argv[1:] if not a.startswith("--")]
    if "--runs" in argv:
        args.remove(argv[argv.index("--runs") + 1])
    return runs, args
