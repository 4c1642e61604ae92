"""Baselines: known findings stay hidden across unrelated edits; new ones are reported;
fixed ones are counted."""

from __future__ import annotations

import json

import pytest

from kubelint.cli import main
from tests.test_cli import BAD_JOB


@pytest.fixture
def tree(tmp_path, monkeypatch):
    (tmp_path / "job.yaml").write_text(BAD_JOB)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check_json(capsys, *args):
    code = main(["check", "--no-config", "--format", "json", *args, "."])
    return code, json.loads(capsys.readouterr().out)


def test_baseline_hides_known_findings_across_line_shifts(tree, capsys):
    assert main(["check", "--no-config", "--write-baseline", "baseline.json", "."]) == 0
    capsys.readouterr()
    entries = json.loads((tree / "baseline.json").read_text())
    assert entries["kubelint-baseline"] == 1
    assert entries["findings"] == [
        {
            "file": "job.yaml",
            "rule": "liveness-initial-delay",
            "object": {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "namespace": "shop",
                "name": "migrate",
            },
            "path": "spec.template.spec.containers[0].livenessProbe",
        }
    ]
    # An unrelated edit moves every line down: still nothing new.
    (tree / "job.yaml").write_text("# a new comment\n\n" + BAD_JOB)
    code, report = check_json(capsys, "--baseline", "baseline.json", "--fail-level", "info")
    assert (code, report["findings"]) == (0, [])
    assert report["summary"]["baseline"] == {"known": 1, "fixed": 0}


def test_new_findings_are_reported_and_fixed_ones_counted(tree, capsys):
    main(["check", "--no-config", "--write-baseline", "baseline.json", "."])
    capsys.readouterr()
    fixed = BAD_JOB.replace("livenessProbe:", "readinessProbe:")
    second = BAD_JOB.replace("name: migrate\n", "name: migrate-2\n", 1)
    (tree / "job.yaml").write_text(fixed + "---\n" + second)
    code, report = check_json(capsys, "--baseline", "baseline.json", "--fail-level", "warning")
    assert code == 1
    assert [(f["rule"], f["object"]["name"], f["line"]) for f in report["findings"]] == [
        ("liveness-initial-delay", "migrate-2", 42)
    ]
    assert report["summary"]["baseline"] == {"known": 0, "fixed": 1}


def test_text_summary_mentions_the_baseline(tree, capsys):
    main(["check", "--no-config", "--write-baseline", "b.json", "."])
    capsys.readouterr()
    main(["check", "--no-config", "--no-color", "--baseline", "b.json", "."])
    assert capsys.readouterr().out == (
        "No problems in 1 file; 1 object checked; baseline: 1 known finding hidden, 0 fixed.\n"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the baseline nope.json"),
        ("{", "nope.json:1: the baseline is not valid JSON"),
        ('{"findings": []}', "nope.json: not a kubelint baseline"),
        ('{"kubelint-baseline": 1, "findings": [{"rule": 1}]}', "malformed baseline entry"),
    ],
)
def test_bad_baselines_exit_2(tree, capsys, content, message):
    if content is not None:
        (tree / "nope.json").write_text(content)
    assert main(["check", "--no-config", "--baseline", "nope.json", "."]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            None,
            "cannot read the baseline /dev/zero: file is over 67,108,864 bytes, over"
            " kubelint's limit of 67,108,864; split it or exclude it",
        ),
        ("[" * 100_000 + "]" * 100_000, "the baseline nests too deep to be one"),
        (b"\xff\xfe", "the baseline is not UTF-8 JSON"),
    ],
)
def test_a_baseline_that_is_none_is_a_clear_error(tree, capsys, content, message):
    path = "/dev/zero"
    if content is not None:
        path = str(tree / "baseline.json")
        mode = "wb" if isinstance(content, bytes) else "w"
        with open(path, mode) as handle:
            handle.write(content)
    assert main(["check", "--no-config", "--baseline", path, "."]) == 2
    assert message in capsys.readouterr().err
