"""Every hostile input of issue 11 through the real command line, under time and memory
limits (``tests/hostile/limits.py``: 60 s and 2 GiB of address space per run, a safety net
against hangs and blow-ups, not a benchmark).

The cases, their inputs and their exact expected outcomes are one table in
``tests/hostile/cases.py``; this module only runs them. ``KUBELINT_HOSTILE=all`` also runs
the cases marked slow.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.hostile.cases import CASES, Case
from tests.hostile.limits import run_kubelint
from tests.hostile.scenes import Scene


def _marks(case: Case) -> list[pytest.MarkDecorator]:
    marks = []
    if case.slow:
        marks.append(
            pytest.mark.skipif(
                os.environ.get("KUBELINT_HOSTILE") != "all",
                reason="slow; KUBELINT_HOSTILE=all runs it",
            )
        )
    if case.xfail:
        marks.append(pytest.mark.xfail(strict=True, reason=case.xfail))
    return marks


def _findings(stdout: str) -> list[tuple]:
    return [(f["rule"], f["file"], f["line"], f["message"]) for f in json.loads(stdout)["findings"]]


def _as_expected(actual: list[tuple], expected: list[tuple]) -> list[tuple]:
    """``actual`` cut to the fields ``expected`` names (a message is optional)."""
    return [a[: len(e)] for a, e in zip(actual, expected, strict=False)] + actual[len(expected) :]


@pytest.mark.parametrize(
    "case", [pytest.param(case, id=case.name, marks=_marks(case)) for case in CASES]
)
def test_hostile_input(case: Case, tmp_path: Path) -> None:
    scene = Scene(tmp_path.resolve())  # kubelint's messages name the real path
    if case.beside is not None:
        with case.beside(scene):
            case.build(scene)
            run = run_kubelint(case.args, scene.dir, stdin=case.stdin() if case.stdin else ())
    else:
        case.build(scene)
        run = run_kubelint(case.args, scene.dir, stdin=case.stdin() if case.stdin else ())

    assert run.crash() is None, f"{run.crash()}\n{run.err[-3000:]}"
    if case.stderr is None:
        assert run.returncode == case.exit, run.err
    else:
        assert (run.returncode, run.err) == (case.exit, scene.sub(case.stderr))
    if case.findings is not None:
        expected = list(case.findings() if callable(case.findings) else case.findings)
        actual = _findings(run.out)
        assert _as_expected(actual, expected) == expected
    if case.stdout is not None:
        assert run.out == case.stdout
    if case.check is not None:
        case.check(scene, run)


def test_every_case_checks_what_kubelint_printed() -> None:
    """A case without findings, stdout or a check would pass whatever kubelint printed."""
    assert len({case.name for case in CASES}) == len(CASES)
    assert [
        case.name
        for case in CASES
        if case.findings is None and case.stdout is None and case.check is None
    ] == []
    assert [case.name for case in CASES if case.stderr is None and case.check is None] == []
