"""Safe fixes: exact edits, everything else byte-for-byte, idempotent, verified."""

from __future__ import annotations

import json
import shutil

import pytest

from kubelint.cli import main
from kubelint.fix import Edit, apply
from tests.helpers import ROOT

HAND_WRITTEN_JOB = """\
---
# A Job written by hand: no restartPolicy, a comment that must survive.
apiVersion: batch/v1
kind: Job
metadata: {name: vacuum, namespace: shop}
spec:
  template:
    spec:
      containers:   # the one container
        - name: vacuum
          image: postgres:16.4
          imagePullPolicy: Never   # local image
"""


@pytest.fixture
def tree(tmp_path, monkeypatch):
    for path in (ROOT / "examples" / "shop").glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    with open(tmp_path / "orders-db.yaml", "a") as handle:
        handle.write(HAND_WRITTEN_JOB)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    import difflib

    return [(line[0], line[1:].rstrip("\n")) for line in difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_fix_changes_exactly_the_fixable_fields(tree, capsys):
    before = {p.name: p.read_text() for p in tree.glob("*.yaml")}
    assert main(["check", "--no-config", "--no-color", "--fix", "."]) == 1
    captured = capsys.readouterr()
    assert captured.err == "kubelint: fixed 6 problems in 2 files\n"
    after = {p.name: p.read_text() for p in tree.glob("*.yaml")}
    assert after["web.yaml"] == before["web.yaml"]
    assert after["values.yaml"] == before["values.yaml"]
    assert changed_lines(before["nightly-report.yaml"], after["nightly-report.yaml"]) == [
        ("-", "          restartPolicy: Always"), ("+", "          restartPolicy: OnFailure")]
    assert changed_lines(before["orders-db.yaml"], after["orders-db.yaml"]) == [
        ("-", "            successThreshold: 2"), ("+", "            successThreshold: 1"),
        ("+", "  clusterIP: None"),
        ("-", "  persistentVolumeReclaimPolicy: Recycle"),
        ("+", "  persistentVolumeReclaimPolicy: Retain"),
        ("+", "      restartPolicy: OnFailure"),
        ("-", "          imagePullPolicy: Never   # local image"),
        ("+", "          imagePullPolicy: IfNotPresent   # local image")]
    # The report shows what remains: no fixable finding is left.
    for rule in ("restart-policy", "probe-success-threshold", "pv-reclaim-policy",
                 "statefulset-headless-service", "image-pull-policy-never"):
        assert rule not in captured.out
    # Idempotent: a second run changes nothing.
    assert main(["check", "--no-config", "--fix", "."]) == 1
    assert capsys.readouterr().err == ""
    assert {p.name: p.read_text() for p in tree.glob("*.yaml")} == after


def test_diff_shows_and_writes_nothing(tree, capsys):
    before = {p.name: p.read_text() for p in tree.glob("*.yaml")}
    assert main(["check", "--no-config", "--diff", "."]) == 1
    out = capsys.readouterr().out
    assert "--- a/orders-db.yaml\n+++ b/orders-db.yaml\n" in out
    assert "+  clusterIP: None\n" in out
    assert {p.name: p.read_text() for p in tree.glob("*.yaml")} == before
    main(["check", "--no-config", "--fix", "."])
    capsys.readouterr()
    assert main(["check", "--no-config", "--diff", "."]) == 0
    assert capsys.readouterr().out == ""


def test_flow_mappings_aliases_and_stdin(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "flow.yaml").write_text(
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: a}\n"
        "spec: {template: {spec: {containers: [{name: a, image: 'a:1'}]}}}\n"
        "---\n"
        "apiVersion: v1\nkind: List\nitems:\n"
        "- {apiVersion: v1, kind: PersistentVolume, metadata: {name: pv},\n"
        "   spec: {persistentVolumeReclaimPolicy: &p Recycle, hostPath: {path: /d}}}\n"
        "- {apiVersion: v1, kind: PersistentVolume, metadata: {name: pv2},\n"
        "   spec: {persistentVolumeReclaimPolicy: *p, hostPath: {path: /d}}}\n")
    main(["check", "--no-config", "--fix", "flow.yaml"])
    err = capsys.readouterr().err
    lines = (tmp_path / "flow.yaml").read_text().splitlines()
    assert lines[3] == "spec: {template: {spec: {restartPolicy: OnFailure, containers:" \
                       " [{name: a, image: 'a:1'}]}}}"
    # The first PV's policy is shared with the second through an alias: changing it would
    # change another object too, so that fix is refused (and said so); the others apply.
    assert "persistentVolumeReclaimPolicy: &p Recycle" in lines[9]
    assert "persistentVolumeReclaimPolicy: *p" in lines[11]
    assert "flow.yaml: 1 fix not applied" in err
    assert "kubelint: fixed 1 problem in 1 file" in err
    assert main(["check", "--fix", "-"]) == 2
    assert "--fix and --diff work on files" in capsys.readouterr().err


def test_an_edit_that_would_not_parse_as_intended_is_refused():
    text = "a: 1\nb: 2\n"
    assert apply(text, [Edit("f", 3, 4, "9", 0, ("a",), 9)]) == "a: 9\nb: 2\n"
    assert apply(text, [Edit("f", 3, 4, "[", 0, ("a",), 9)]) is None  # breaks the YAML
    assert apply(text, [Edit("f", 3, 4, "8", 0, ("a",), 9)]) is None  # not the intended value
    overlapping = [Edit("f", 3, 4, "7", 0, ("a",), 7), Edit("f", 3, 4, "7", 0, ("a",), 7)]
    assert apply(text, overlapping) is None


def test_rules_lists_fixable_rules(capsys):
    main(["rules", "--format", "json"])
    fixable = sorted(r["id"] for r in json.loads(capsys.readouterr().out) if r["fixable"])
    assert fixable == ["image-pull-policy-never", "probe-success-threshold", "pv-reclaim-policy",
                       "restart-policy", "statefulset-headless-service"]


def test_an_anchored_value_used_once_keeps_its_anchor(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pv.yaml").write_text(
        "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv}\nspec:\n"
        "  persistentVolumeReclaimPolicy: &policy Recycle  # old habit\n"
        "  hostPath: {path: /d}\n")
    main(["check", "--no-config", "--fix", "pv.yaml"])
    capsys.readouterr()
    assert (tmp_path / "pv.yaml").read_text().splitlines()[4] == \
        "  persistentVolumeReclaimPolicy: &policy Retain  # old habit"
