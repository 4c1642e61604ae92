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

    return [
        (line[0], line[1:].rstrip("\n"))
        for line in difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), n=0
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_fix_changes_exactly_the_fixable_fields(tree, capsys):
    before = {p.name: p.read_text() for p in tree.glob("*.yaml")}
    assert main(["check", "--no-config", "--no-color", "--fix", "."]) == 1
    captured = capsys.readouterr()
    assert captured.err == "kubelint: fixed 6 problems in 2 files\n"
    after = {p.name: p.read_text() for p in tree.glob("*.yaml")}
    assert after["web.yaml"] == before["web.yaml"]
    assert after["values.yaml"] == before["values.yaml"]
    assert changed_lines(before["nightly-report.yaml"], after["nightly-report.yaml"]) == [
        ("-", "          restartPolicy: Always"),
        ("+", "          restartPolicy: OnFailure"),
    ]
    assert changed_lines(before["orders-db.yaml"], after["orders-db.yaml"]) == [
        ("-", "            successThreshold: 2"),
        ("+", "            successThreshold: 1"),
        ("+", "  clusterIP: None"),
        ("-", "  persistentVolumeReclaimPolicy: Recycle"),
        ("+", "  persistentVolumeReclaimPolicy: Retain"),
        ("+", "      restartPolicy: OnFailure"),
        ("-", "          imagePullPolicy: Never   # local image"),
        ("+", "          imagePullPolicy: IfNotPresent   # local image"),
    ]
    # The report shows what remains: no fixable finding is left.
    for rule in (
        "restart-policy",
        "probe-success-threshold",
        "pv-reclaim-policy",
        "statefulset-headless-service",
        "image-pull-policy-never",
    ):
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
        "   spec: {persistentVolumeReclaimPolicy: *p, hostPath: {path: /d}}}\n"
    )
    main(["check", "--no-config", "--fix", "flow.yaml"])
    err = capsys.readouterr().err
    lines = (tmp_path / "flow.yaml").read_text().splitlines()
    assert (
        lines[3] == "spec: {template: {spec: {restartPolicy: OnFailure, containers:"
        " [{name: a, image: 'a:1'}]}}}"
    )
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
    assert fixable == [
        "image-pull-policy-never",
        "probe-success-threshold",
        "pv-reclaim-policy",
        "restart-policy",
        "statefulset-headless-service",
        "unused-suppression",
    ]


def test_an_anchored_value_used_once_keeps_its_anchor(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pv.yaml").write_text(
        "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv}\nspec:\n"
        "  persistentVolumeReclaimPolicy: &policy Recycle  # old habit\n"
        "  hostPath: {path: /d}\n"
    )
    main(["check", "--no-config", "--fix", "pv.yaml"])
    capsys.readouterr()
    assert (tmp_path / "pv.yaml").read_text().splitlines()[
        4
    ] == "  persistentVolumeReclaimPolicy: &policy Retain  # old habit"


# -- --fix keeps what it does not fix: file identity, encodings, other objects -----------

BAD_PV = (
    "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv}\nspec:\n"
    "  persistentVolumeReclaimPolicy: Recycle\n  hostPath: {path: /d}\n"
)
FIXED_PV = BAD_PV.replace("Recycle", "Retain")


def fix(path, capsys) -> str:
    main(["check", "--no-config", "--fix", str(path)])
    return capsys.readouterr().err


def test_a_shared_alias_is_not_fixed_through_another_object(tmp_path, monkeypatch, capsys):
    """A List whose Job and Deployment share `spec: &pod`: the Job's restartPolicy fix
    would land in the Deployment too (which allows only Always), so it is refused."""
    monkeypatch.chdir(tmp_path)
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "  - apiVersion: batch/v1\n    kind: Job\n    metadata: {name: job}\n"
        "    spec:\n      template: &pod\n        spec:\n"
        "          containers: [{name: a, image: 'a:1'}]\n"
        "  - apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web}\n"
        "    spec:\n      selector: {matchLabels: {app: web}}\n      template: *pod\n"
    )
    (tmp_path / "list.yaml").write_text(text)
    err = fix(tmp_path / "list.yaml", capsys)
    assert (tmp_path / "list.yaml").read_text() == text
    assert "1 fix not applied: the result would not parse to the intended objects" in err


def test_json_manifests_stay_json(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "a"},
        "spec": {
            "template": {
                "spec": {"restartPolicy": "Always", "containers": [{"name": "a", "image": "a:1"}]}
            }
        },
    }
    pv = {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": "pv"},
        "spec": {"persistentVolumeReclaimPolicy": "Recycle", "hostPath": {"path": "/d"}},
    }
    cronjob = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "c"},
        "spec": {
            "schedule": "0 * * * *",
            "jobTemplate": {
                "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "c:1"}]}}}
            },
        },
    }
    for name, document in (("job.json", job), ("pv.json", pv), ("cronjob.json", cronjob)):
        (tmp_path / name).write_text(json.dumps(document, indent=2) + "\n")
        fix(tmp_path / name, capsys)
    assert (
        json.loads((tmp_path / "job.json").read_text())["spec"]["template"]["spec"]["restartPolicy"]
        == "OnFailure"
    )
    assert (
        json.loads((tmp_path / "pv.json").read_text())["spec"]["persistentVolumeReclaimPolicy"]
        == "Retain"
    )
    assert (
        json.loads((tmp_path / "cronjob.json").read_text())["spec"]["jobTemplate"]["spec"][
            "template"
        ]["spec"]["restartPolicy"]
        == "OnFailure"
    )


def test_mode_symlinks_and_hard_links_are_kept(tmp_path, monkeypatch, capsys):
    import os

    monkeypatch.chdir(tmp_path)
    target = tmp_path / "real.yaml"
    target.write_text(BAD_PV)
    target.chmod(0o640)
    (tmp_path / "link.yaml").symlink_to("real.yaml")
    fix(tmp_path / "link.yaml", capsys)
    assert (tmp_path / "link.yaml").is_symlink()
    assert target.read_text() == FIXED_PV
    assert target.stat().st_mode & 0o777 == 0o640

    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(BAD_PV)
    os.link(first, second)
    fix(first, capsys)
    assert second.read_text() == FIXED_PV and first.stat().st_ino == second.stat().st_ino


def test_read_only_files_are_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "pv.yaml"
    path.write_text(BAD_PV)
    path.chmod(0o444)
    err = fix(path, capsys)
    assert path.read_text() == BAD_PV
    assert "pv.yaml: 1 fix not applied: the file is read-only; make it writable" in err


def test_a_file_changed_after_linting_is_not_written(tmp_path, monkeypatch, capsys):
    """An editor saved the file between the lint and the write: the fix (computed on the
    old text) is not applied, and nothing the editor wrote is lost."""
    import kubelint.cli

    monkeypatch.chdir(tmp_path)
    path = tmp_path / "pv.yaml"
    path.write_text(BAD_PV)
    edited = BAD_PV + "# a comment saved meanwhile\n"
    original = kubelint.cli._fixes

    def fixes_then_an_edit(report, quiet):
        planned = original(report, quiet)
        path.write_text(edited)
        return planned

    monkeypatch.setattr(kubelint.cli, "_fixes", fixes_then_an_edit)
    err = fix(path, capsys)
    assert path.read_text() == edited
    assert "1 fix not applied: the file changed after it was linted" in err


def test_a_file_changed_while_it_is_linted_gets_no_fix(tmp_path, monkeypatch, capsys):
    """The loader lets a file's text go once parsed and reads it again to plan a fix:
    a file saved in between (same size even) is not planned against the new text."""
    from kubelint.fix import Fix, plan
    from kubelint.loader import load_path

    path = tmp_path / "pv.yaml"
    path.write_text(BAD_PV)
    [pv] = load_path(str(path), "pv.yaml").objects
    fix_ = Fix(("spec", "persistentVolumeReclaimPolicy"), "Retain")
    edit = plan(pv, fix_)
    assert edit is not None and edit.linted == BAD_PV
    path.write_text(BAD_PV.replace("/d}", "/e}"))
    [pv] = load_path(str(path), "pv.yaml").objects
    path.write_text(BAD_PV)  # same size, other bytes
    assert plan(pv, fix_) is None


def test_bom_and_crlf_files(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    bom = tmp_path / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbf" + BAD_PV.encode())
    fix(bom, capsys)
    assert bom.read_bytes() == b"\xef\xbb\xbf" + FIXED_PV.encode()
    crlf = tmp_path / "crlf.yaml"
    crlf.write_bytes(
        b"apiVersion: batch/v1\r\nkind: Job\r\nmetadata: {name: a}\r\nspec:\r\n"
        b"  template:\r\n    spec:\r\n      containers: [{name: a, image: 'a:1'}]\r\n"
    )
    fix(crlf, capsys)
    assert crlf.read_bytes().split(b"\r\n")[6:8] == [
        b"      restartPolicy: OnFailure",
        b"      containers: [{name: a, image: 'a:1'}]",
    ]
    assert b"\n" not in crlf.read_bytes().replace(b"\r\n", b"")


@pytest.mark.parametrize("newline", ["\r", "\x85", "\u2028"])
def test_lines_end_where_yaml_ends_them(tmp_path, monkeypatch, capsys, newline):
    """A lone CR (or NEL, U+2028) ends a line for YAML: findings and fixes count lines
    the same way (it was an IndexError)."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "pv.yaml"
    path.write_bytes(BAD_PV.replace("\n", newline).encode())
    main(["check", "--no-config", "--no-color", "pv.yaml"])
    assert capsys.readouterr().out.startswith("pv.yaml:5:3: warning pv-reclaim-policy")
    fix(path, capsys)
    assert path.read_bytes() == FIXED_PV.replace("\n", newline).encode()


def _patched(before: str, diff: list[str]) -> str:
    """``before`` with a unified diff applied (hunks in order, as --diff writes them)."""
    import re

    lines, out, at, index = before.splitlines(keepends=True), [], 0, 2
    while index < len(diff):
        match = re.match(r"@@ -(\d+)(?:,(\d+))? ", diff[index])
        assert match, diff[index]
        start = int(match[1]) - 1 if match[2] != "0" else int(match[1])
        out += lines[at:start]
        at, index = start, index + 1
        while index < len(diff) and not diff[index].startswith("@@"):
            line, index = diff[index], index + 1
            if line[0] in " -":
                at += 1
            if line[0] in " +":
                out.append(line[1:])
    return "".join(out + lines[at:])


def test_diff_of_a_long_file_is_built_from_the_edits():
    """difflib was quadratic on 10,000 fixes of repeated objects (minutes); a file longer
    than DIFFLIB_LINES is compared only around its edits, and the diff still applies."""
    from kubelint.fix import DIFFLIB_LINES, Edit, unified_diff

    pv = (
        "---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: v}\n"
        "spec: {persistentVolumeReclaimPolicy: Recycle}\r"
    )  # a lone CR ends the last line
    before = pv * 600
    assert before.count("\n") > DIFFLIB_LINES
    edits = [
        Edit("f", start, start + len("Recycle"), "Retain\n", 0, (), None)
        for start in range(before.index("Recycle"), len(before), len(pv))
    ]
    after = before.replace("Recycle", "Retain\n")
    diff = unified_diff(before, after, edits, "pv.yaml")
    # Fixes every 5 lines, with 3 lines of context: one hunk from line 2 to the end.
    assert diff[:3] == ["--- a/pv.yaml\n", "+++ b/pv.yaml\n", "@@ -2,2999 +2,3599 @@\n"]
    assert _patched(before, diff) == after
    short = pv * 3
    import difflib

    assert unified_diff(short, short.replace("Recycle", "Retain"), edits[:3], "pv.yaml") == list(
        difflib.unified_diff(
            short.splitlines(keepends=True),
            short.replace("Recycle", "Retain").splitlines(keepends=True),
            "a/pv.yaml",
            "b/pv.yaml",
        )
    )
