#!/usr/bin/env python3
"""Fuzz the language server's re-linting: after every edit of a sequence, what it would
publish must be what a lint of the whole text gives.

Usage (from the repository root, where ``import kubelint`` works):

    python scripts/fuzz_editor.py --seed 1 --count 300 --out fuzz-out
    python scripts/fuzz_editor.py --seed 1 --only 17 --out /tmp/again

Case N of a seed is always the same: its generator is seeded with (seed, N). A case opens
a file of ``fixtures/`` or ``examples/`` and edits it 3 to 8 times, each edit a small one
an editor makes (a character typed or deleted, a line removed, copied or moved, a ``---``
line added or removed, a suppression comment, an indentation change) or, now and then,
one of ``scripts/fuzz_mutations.py``'s attacks. Each version goes to one long-lived
``kubelint.lsp_worker.Linting`` (which keeps the documents it linted and re-lints what an
edit touched) and to a fresh one; their diagnostics, quick fixes and errors must be the
same, and neither may fail (an error diagnostic "kubelint failed on this document", an
``internal-error``). The first reproducers of each failure are kept under
OUT/crashes-editor/SIGNATURE/CASE/ (``v1.yaml``... and ``info.json``). Exit status 1 when
a case failed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))  # fuzz_mutations, also when imported by a test

import fuzz_mutations as m  # noqa: E402

from kubelint.lsp_worker import Job, Linting, Outcome  # noqa: E402


def _corpus() -> list[tuple[str, str]]:
    found = sorted(
        p
        for pattern in ("fixtures/**/*.yaml", "examples/**/*.yaml", "examples/**/*.yml")
        for p in ROOT.glob(pattern)
        if p.is_file() and p.stat().st_size < 200_000 and "templates" not in p.parts
    )
    return [
        (str(p.relative_to(ROOT)), p.read_text(encoding="utf-8", errors="replace")) for p in found
    ]


# -- edits ------------------------------------------------------------------------------


def _type(text: str, rng: random.Random) -> str:
    at = rng.randrange(len(text) + 1)
    return text[:at] + rng.choice("0123456789abcz :-{}[]'\"#\n") + text[at:]


def _delete(text: str, rng: random.Random) -> str:
    if not text:
        return text
    at = rng.randrange(len(text))
    return text[:at] + text[at + rng.randint(1, 3) :]


def _digit(text: str, rng: random.Random) -> str:
    digits = [match.start() for match in re.finditer(r"\d", text)]
    if not digits:
        return _type(text, rng)
    at = rng.choice(digits)
    return text[:at] + rng.choice("0123456789") + text[at + 1 :]


def _lines_edit(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    at = rng.randrange(len(lines))
    action = rng.choice(["remove", "copy", "move", "indent", "dedent"])
    if action == "remove":
        del lines[at]
    elif action == "copy":
        lines.insert(rng.randrange(len(lines) + 1), lines[at])
    elif action == "move":
        line = lines.pop(at)
        lines.insert(rng.randrange(len(lines) + 1), line)
    elif action == "indent":
        lines[at] = "  " + lines[at]
    elif lines[at].startswith(" "):
        lines[at] = lines[at][2:]
    return "\n".join(lines)


def _document_marker(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    markers = [n for n, line in enumerate(lines) if line.startswith("---")]
    if markers and rng.random() < 0.5:
        del lines[rng.choice(markers)]
    else:
        lines.insert(rng.randrange(len(lines) + 1), "---")
    return "\n".join(lines)


def _suppression(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    at = rng.randrange(len(lines))
    rule = rng.choice(["all", "image-tag-latest", "restart-policy", "no-such-rule", "schema"])
    comment = rng.choice(
        [
            f"# kubelint: disable={rule}",
            f"# kubelint: disable-next-line={rule}",
            f"# kubelint: disable-file={rule}",
            f"# kubelint: disable={rule} until=2020-01-01 -- old",
        ]
    )
    if rng.random() < 0.5:
        lines.insert(at, comment)
    else:
        lines[at] += "  " + comment
    return "\n".join(lines)


def _attack(text: str, rng: random.Random) -> str:
    mutator = rng.choice(
        [m.duplicate_line, m.anchors_aliases, m.line_endings, m.indentation, m.switch_kind]
    )
    return mutator(text.encode("utf-8"), rng).decode("utf-8", errors="replace")


EDITS = {
    "type": (_type, 3),
    "delete": (_delete, 3),
    "digit": (_digit, 3),
    "lines": (_lines_edit, 3),
    "document-marker": (_document_marker, 2),
    "suppression": (_suppression, 1),
    "attack": (_attack, 1),
}


def versions(rng: random.Random, corpus: list[tuple[str, str]]) -> tuple[str, list[str], list[str]]:
    """(source, the texts in order, the edits that made them)."""
    source, text = rng.choice(corpus)
    texts, done = [text], ["opened"]
    names = list(EDITS)
    for _ in range(rng.randint(3, 8)):
        name = rng.choices(names, [EDITS[n][1] for n in names])[0]
        text = EDITS[name][0](text, rng)
        texts.append(text)
        done.append(name)
    return source, texts, done


# -- judging ----------------------------------------------------------------------------


def _published(outcome: Outcome) -> object:
    """What the server would send: the diagnostics, quick fixes and messages."""
    if outcome.encoded is not None:
        diagnostics: object = json.loads(outcome.encoded)
    elif outcome.diagnostics is None:
        diagnostics = None
    else:
        diagnostics = [repr(diagnostic) for diagnostic in outcome.diagnostics]
    fixes = [(repr(diagnostic), repr(action)) for diagnostic, action in outcome.fixes]
    return diagnostics, fixes, outcome.errors


def _failure(outcome: Outcome) -> str | None:
    for error in outcome.errors:
        return "failed: " + re.sub(r"\d+", "N", error)[:120]
    encoded = outcome.encoded or ""
    match = re.search(r'"code": ?"internal-error"[^}]*"message": ?"([^"]{0,100})', encoded)
    if match:
        return "internal-error: " + re.sub(r"'[^']*'|\d+", "…", match.group(1))
    return None


def run_case(index: int, seed: int, corpus: list[tuple[str, str]], folder: Path) -> dict | None:
    """None when every version of the case was published as a whole lint gives it."""
    rng = random.Random(f"{seed}/editor/{index}")
    source, texts, done = versions(rng, corpus)
    uri = (folder / "edited.yaml").as_uri()
    kept = Linting()
    for version, text in enumerate(texts, 1):
        job = Job(uri, version, text, str(folder), None)
        incremental = kept.run(job)
        whole = Linting().run(Job(uri, version, text, str(folder), None))
        signature = _failure(incremental) or _failure(whole)
        if signature is None and _published(incremental) != _published(whole):
            signature = f"differs from a whole lint after {done[version - 1]}"
        if signature is not None:
            return {
                "signature": signature,
                "index": index,
                "seed": seed,
                "source": source,
                "edits": done[:version],
                "texts": texts[:version],
            }
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--out", type=Path, default=Path("fuzz-out"))
    parser.add_argument("--only", type=int, metavar="N", help="run case N alone")
    args = parser.parse_args(argv)
    corpus = _corpus()
    out = args.out.resolve() / "crashes-editor"
    failures: dict[str, list[dict]] = {}
    start = time.monotonic()
    indexes = [args.only] if args.only is not None else range(args.count)
    with tempfile.TemporaryDirectory() as folder:
        for done, index in enumerate(indexes, 1):
            failure = run_case(index, args.seed, corpus, Path(folder))
            if failure is not None:
                found = failures.setdefault(failure["signature"], [])
                found.append(failure)
                if len(found) <= m.KEEP_PER_SIGNATURE:
                    kept = out / m.slug(failure["signature"]) / f"s{args.seed}-{index}"
                    kept.mkdir(parents=True, exist_ok=True)
                    for number, text in enumerate(failure.pop("texts"), 1):
                        (kept / f"v{number}.yaml").write_text(text, encoding="utf-8")
                    (kept / "info.json").write_text(json.dumps(failure, indent=2) + "\n")
            if done % 50 == 0:
                print(
                    f"{done} cases, {len(failures)} distinct failures,"
                    f" {time.monotonic() - start:.0f} s",
                    flush=True,
                )
    print(
        f"{sum(map(len, failures.values()))} failing cases of {len(indexes)},"
        f" {len(failures)} distinct, in {time.monotonic() - start:.0f} s"
    )
    for signature, found in sorted(failures.items(), key=lambda item: -len(item[1])):
        print(f"  {len(found):4d}  {signature}\n        e.g. {out / m.slug(signature)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
