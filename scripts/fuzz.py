#!/usr/bin/env python3
"""Fuzz kubelint's command line with mutated manifests and policies.

Usage (from the repository root, in an environment where ``python -m kubelint`` works):

    python scripts/fuzz.py --target manifests --seed 1 --count 2000 --out fuzz-out
    python scripts/fuzz.py --target policies --seed 1 --count 500 --out fuzz-out
    python scripts/fuzz.py --target manifests --seed 1 --only 1234 --out /tmp/again

Case N of a seed is always the same input: its generator is seeded with (seed, target, N),
so ``--only N`` rebuilds one case (its files stay in OUT/work/) to debug it.

manifests: a file of ``fixtures/`` or ``examples/`` with one to three mutations of
``scripts/fuzz_mutations.py`` (byte flips, truncation, duplicate keys, deep nesting, huge
scalars, anchors and aliases, random tags, mixed line ends, invalid UTF-8, document
markers, indentation, suppression comments, another kind, lines of another file, values
of the wrong type or shape), linted with every rule on (``--enable all``), sometimes with
``--fix``.
policies: a policy of ``examples/policies/`` (or one of the extra seeds) mutated where it
matters (CEL expressions, JSON Schema patterns and $refs, types, null items), run with
``--policies`` over the example policy tests.

Each run goes through ``tests/hostile/limits.py`` (the hostile suite's 60 s and 2 GiB). A run
is a crash when it leaves a traceback, exits other than 0, 1 or 2, runs out of time or
memory, prints a report that is not valid JSON, or reports an ``internal-error`` (a rule
or policy that raised). Crashes are grouped by signature (the exception and where it was
raised); the first reproducers of each are kept under OUT/crashes/SIGNATURE/ with the
command (``cmd.txt``), its output and ``info.json``; OUT/summary-TARGET-sSEED.json lists
them. Exit status 1 when there was a crash.

From a crash to a regression test: rerun the case with ``--only N``, shrink the input by
hand to the few lines that matter, decide what kubelint should answer, and add a row to
``tests/hostile/cases.py`` whose builder writes that input (strict ``xfail`` with the
reason until kubelint is fixed).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.hostile.limits: one definition of the limits

import fuzz_mutations as m  # noqa: E402

from tests.hostile.limits import TIMEOUT_SECONDS, Run, run_kubelint  # noqa: E402

CHECK = [
    "check",
    "--no-config",
    "--no-cache",
    "--no-color",
    "--fail-level",
    "info",
    "--format",
    "json",
]


@dataclass
class Case:
    """One generated input: its files, the kubelint arguments, what was done to it."""

    index: int
    files: dict[str, bytes]
    args: list[str]
    mutations: list[str] = field(default_factory=list)


# -- generation ---------------------------------------------------------------------------


def _corpus(
    patterns: list[str], exclude: Callable[[Path], bool] = lambda _: False
) -> list[tuple[str, bytes]]:
    found = sorted(
        {
            p
            for pattern in patterns
            for p in ROOT.glob(pattern)
            if p.is_file() and not exclude(p) and p.stat().st_size < m.MIB
        }
    )
    return [(str(p.relative_to(ROOT)), p.read_bytes()) for p in found]


def _mutate(
    data: bytes,
    rng: random.Random,
    mutators: dict[str, m.Mutator],
    weights: dict[str, int],
    case: Case,
    structural_only: float,
) -> bytes:
    """One to three mutations; in a share ``structural_only`` of the cases only the
    structural one (and another kind): a text mutation usually breaks the YAML, and a
    broken file never reaches the rules or the policy compiler."""
    names = list(mutators)
    if rng.random() < structural_only:
        names = [name for name in names if name in ("structural", "switch_kind")]
    for name in rng.choices(names, [weights.get(n, 1) for n in names], k=rng.randint(1, 3)):
        data = mutators[name](data, rng)
        case.mutations.append(name)
    return data


def _text_mutators(corpus: list[bytes]) -> dict[str, m.Mutator]:
    return {
        "flip_bytes": m.flip_bytes,
        "truncate": m.truncate,
        "duplicate_line": m.duplicate_line,
        "deep_nesting": m.deep_nesting,
        "huge_scalar": m.huge_scalar,
        "anchors_aliases": m.anchors_aliases,
        "random_tags": m.random_tags,
        "line_endings": m.line_endings,
        "invalid_utf8": m.invalid_utf8,
        "directives": m.directives,
        "indentation": m.indentation,
        "kubelint_comments": m.kubelint_comments,
        "switch_kind": m.switch_kind,
        "splice": m.splice(corpus),
    }


class Manifests:
    """Mutated manifests, linted with every rule on."""

    name = "manifests"

    def __init__(self) -> None:
        self.corpus = _corpus(
            [
                "fixtures/**/*.yaml",
                "fixtures/**/*.yml",
                "fixtures/**/*.json",
                "examples/**/*.yaml",
                "examples/**/*.yml",
                "examples/**/*.json",
            ]
        )
        self.mutators = {
            **_text_mutators([data for _, data in self.corpus]),
            "structural": m.structural(),
        }
        # Type confusion finds rule crashes; the reader's attacks are cheaper to vary.
        self.weights = {"structural": 6, "switch_kind": 3, "huge_scalar": 1}

    def case(self, index: int, rng: random.Random) -> Case:
        source, data = rng.choice(self.corpus)
        case = Case(index, {}, [], [f"from {source}"])
        data = _mutate(data, rng, self.mutators, self.weights, case, structural_only=0.5)
        name = "input" + rng.choice([Path(source).suffix, ".yaml", ".json"])
        case.files[name] = data
        case.args = [*CHECK, "--enable", "all"]
        if rng.random() < 0.3:
            case.args.append("--fix")
        if rng.random() < 0.2:
            case.args += ["--kubernetes-version", rng.choice(["1.25", "1.29", "1.37"])]
        case.args.append(name)
        return case


class Policies:
    """Mutated policies, run over the example policy tests."""

    name = "policies"

    def __init__(self) -> None:
        examples = ROOT / "examples" / "policies"
        self.corpus = _corpus(["examples/policies/*.yaml"]) + [
            (f"fuzz_mutations.EXTRA_POLICIES[{i}]", text.encode())
            for i, text in enumerate(m.EXTRA_POLICIES)
        ]
        self.targets = sorted((examples / "tests").rglob("*.yaml"))
        self.mutators = {
            **_text_mutators([data for _, data in self.corpus]),
            "structural": m.structural(m.policy_values, focus=0.9, edits=2),
        }
        self.weights = {"structural": 6, "huge_scalar": 0, "switch_kind": 0}

    def case(self, index: int, rng: random.Random) -> Case:
        source, data = rng.choice(self.corpus)
        case = Case(index, {}, [], [f"from {source}"])
        case.files["policy.yaml"] = _mutate(
            data, rng, self.mutators, self.weights, case, structural_only=0.8
        )
        targets = rng.sample(self.targets, rng.randint(1, 3))
        for number, target in enumerate(targets):
            case.files[f"m{number}.yaml"] = target.read_bytes()
        case.args = [
            *CHECK,
            "--policies",
            "policy.yaml",
            *(f"m{n}.yaml" for n in range(len(targets))),
        ]
        return case


# -- running and judging ------------------------------------------------------------------


def judge(run: Run) -> tuple[str, str] | None:
    """(kind, signature) of a crash, or None when kubelint kept its promises."""
    crash = run.crash()
    if crash == "traceback":
        lines = [line for line in run.err.splitlines() if line.strip()]
        frames = re.findall(r'File "[^"]*/((?:kubelint|rules)/[^"]+)", line \d+, in (\S+)', run.err)
        where = f"{frames[-1][0]}:{frames[-1][1]}" if frames else "?"
        return "traceback", f"traceback {_normal(lines[-1])} at {where}"
    if crash is not None:
        return crash.split(" ")[0], crash.split(" after ")[0]
    if run.returncode in (0, 1):
        try:
            report = json.loads(run.out)
        except ValueError as error:
            return "invalid-json", f"invalid JSON report: {type(error).__name__}"
        for finding in report.get("findings", []):
            if finding["rule"] == "internal-error":
                # "rule 'x' crashed on Kind name: Error: message": the rule and the error
                # type say which bug; the message names the object and the data.
                message = re.sub(r"crashed on \S+ .*?: ", "crashed: ", finding["message"])
                return "internal-error", f"internal-error {_normal(message)[:90]}".split(
                    " within "
                )[0].split(" {")[0]
    return None


def _normal(text: str) -> str:
    """A message with its particulars (numbers, quoted values) blurred, for grouping."""
    text = re.sub(r"'[^']{0,200}'|\"[^\"]{0,200}\"", "'…'", text)
    return re.sub(r"\d+", "N", text)[:160]


class Fuzzer:
    """Runs the cases of one target and seed, keeps reproducers, counts crashes."""

    def __init__(self, target: Manifests | Policies, seed: int, out: Path, timeout: float):
        self.target, self.seed, self.out, self.timeout = target, seed, out, timeout
        self.lock = threading.Lock()
        self.crashes: dict[str, dict] = {}  # signature -> kind, count, reproducers
        self.done = 0
        self.start = time.monotonic()
        self.exits: dict[str, int] = {}  # how runs ended: a fuzzer that only ever reaches
        # "exit 2" (every input refused at the door) tests the door alone

    def rng(self, index: int) -> random.Random:
        return random.Random(f"{self.seed}/{self.target.name}/{index}")

    def run_one(self, index: int, keep: bool = False) -> tuple[Case, Run, tuple | None]:
        try:
            case = self.target.case(index, self.rng(index))
        except Exception as error:  # a fuzzer bug must not end a long run; it is said
            print(f"case {index}: the generator failed: {error!r}", file=sys.stderr)
            case = Case(index, {"empty.yaml": b""}, [*CHECK, "empty.yaml"], ["generator-error"])
        work = self.out / "work" / f"{self.target.name}-s{self.seed}-{index}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        for name, data in case.files.items():
            (work / name).write_bytes(data)
        run = run_kubelint(case.args, work, timeout=self.timeout)
        verdict = judge(run)
        if verdict is not None:
            self._record(case, run, verdict, work)
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
        with self.lock:
            self.done += 1
            ended = "timeout" if run.timed_out else f"exit {run.returncode}"
            self.exits[ended] = self.exits.get(ended, 0) + 1
            if self.done % 100 == 0:
                print(
                    f"{self.done} runs, {len(self.crashes)} distinct crashes,"
                    f" {time.monotonic() - self.start:.0f} s",
                    flush=True,
                )
        return case, run, verdict

    def _record(self, case: Case, run: Run, verdict: tuple[str, str], work: Path) -> None:
        kind, signature = verdict
        with self.lock:
            entry = self.crashes.setdefault(
                signature, {"kind": kind, "count": 0, "reproducers": []}
            )
            entry["count"] += 1
            if len(entry["reproducers"]) >= m.KEEP_PER_SIGNATURE:
                return
            name = f"{self.target.name}-s{self.seed}-{case.index}"
            entry["reproducers"].append(name)
        kept = self.out / "crashes" / m.slug(signature) / name
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(work, kept)
        (kept / "cmd.txt").write_text(
            f"cd {kept} && {sys.executable} -m kubelint {' '.join(run.args)}\n"
            f"# rebuild: python scripts/fuzz.py --target {self.target.name} --seed {self.seed}"
            f" --only {case.index}\n"
        )
        (kept / "stderr.txt").write_bytes(run.stderr[-100_000:])
        (kept / "stdout.txt").write_bytes(run.stdout[:100_000])
        (kept / "info.json").write_text(
            json.dumps(
                {
                    "signature": signature,
                    "kind": kind,
                    "seed": self.seed,
                    "index": case.index,
                    "target": self.target.name,
                    "mutations": case.mutations,
                    "args": run.args,
                    "returncode": run.returncode,
                    "seconds": round(run.seconds, 2),
                },
                indent=2,
            )
            + "\n"
        )

    def summary(self, count: int, seconds: float) -> dict:
        return {
            "target": self.target.name,
            "seed": self.seed,
            "count": count,
            "seconds": round(seconds),
            "exits": dict(sorted(self.exits.items())),
            "crashes": sum(e["count"] for e in self.crashes.values()),
            "distinct": [
                {"signature": s, **e}
                for s, e in sorted(self.crashes.items(), key=lambda item: -item[1]["count"])
            ],
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", choices=["manifests", "policies"], default="manifests")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--out", type=Path, default=Path("fuzz-out"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--timeout",
        type=float,
        default=TIMEOUT_SECONDS,
        help="seconds a run may take (default: the hostile suite's limit)",
    )
    parser.add_argument(
        "--only", type=int, metavar="N", help="run case N alone and keep its files in OUT/work/"
    )
    args = parser.parse_args(argv)
    target = Manifests() if args.target == "manifests" else Policies()
    fuzzer = Fuzzer(target, args.seed, args.out.resolve(), args.timeout)
    if args.only is not None:
        case, run, verdict = fuzzer.run_one(args.only, keep=True)
        print(
            f"mutations: {', '.join(case.mutations)}\nexit {run.returncode} in"
            f" {run.seconds:.1f} s; {verdict[1] if verdict else 'no crash'}\n"
            f"files: {fuzzer.out / 'work'}\nstderr:\n{run.err[-4000:]}"
        )
        return 1 if verdict else 0
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(fuzzer.run_one, range(args.count)))
    summary = fuzzer.summary(args.count, time.monotonic() - fuzzer.start)
    path = fuzzer.out / f"summary-{target.name}-s{args.seed}.json"
    path.write_text(json.dumps(summary, indent=2) + "\n")
    print(
        f"{summary['crashes']} crashing runs of {args.count}, {len(fuzzer.crashes)} distinct"
        f" ({path}); runs ended: {summary['exits']}"
    )
    for entry in summary["distinct"]:
        print(
            f"  {entry['count']:5d}  {entry['signature']}\n         e.g."
            f" {args.out}/crashes/{m.slug(entry['signature'])}/{entry['reproducers'][0]}"
        )
    return 1 if fuzzer.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
