"""Config exemptions: findings not reported for code the team does not own, by object,
container and file, with a mandatory reason and an optional last day; their mistakes are
config errors at their line."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest

from kubelint.cli import main
from kubelint.lint import lint_paths, resolve_config

VENDOR = textwrap.dedent("""\
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: mesh, namespace: istio-system}
    spec:
      selector: {matchLabels: {app: mesh}}
      template:
        metadata: {labels: {app: mesh}}
        spec:
          containers:
            - name: proxy
              image: istio/proxy:1.24
            - name: app
              image: istio/app:1.24
    """)
RULE = "run-as-root"


def _run_as_root(tmp_path, monkeypatch, config: str, today=date(2027, 3, 31)):
    """(file, line, message) of the run-as-root findings, and the report's notes and
    warnings, with ``config`` as .kubelint.yaml."""
    (tmp_path / "vendor").mkdir(exist_ok=True)
    (tmp_path / "vendor" / "mesh.yaml").write_text(VENDOR)
    (tmp_path / "mesh.yaml").write_text(VENDOR.replace("istio-system", "shop"))
    (tmp_path / ".kubelint.yaml").write_text(config)
    monkeypatch.chdir(tmp_path)
    resolved, registry = resolve_config(".kubelint.yaml")
    report = lint_paths(["."], resolved, registry, today=today)
    return (
        [(f.file, f.line, f.message.split(" sets")[0]) for f in report.findings if f.rule == RULE],
        [note for note in report.notes if "exemption" in note],
        report.warnings,
    )


def _exemption(*lines: str) -> str:
    return "exemptions:\n  - " + "\n    ".join(lines) + "\n"


EVERY = [
    ("mesh.yaml", 10, "container 'proxy'"),
    ("mesh.yaml", 12, "container 'app'"),
    ("vendor/mesh.yaml", 10, "container 'proxy'"),
    ("vendor/mesh.yaml", 12, "container 'app'"),
]


@pytest.mark.parametrize(
    ("selectors", "expected"),
    [
        (["kind: Deployment"], []),
        (["kind: Deploy*", "namespace: istio-*"], EVERY[:2]),
        (["namespace: shop", "name: mes?"], EVERY[2:]),
        (["container: proxy"], [EVERY[1], EVERY[3]]),
        (["container: proxy", "files: [vendor/]"], [*EVERY[:2], EVERY[3]]),
        (["files: ['**/vendor/*.yaml']"], EVERY[:2]),
        (["kind: StatefulSet"], EVERY),
        (["name: mesh", "container: '[!p]*'"], [EVERY[0], EVERY[2]]),
    ],
)
def test_exemptions_select_by_object_container_and_file(tmp_path, monkeypatch, selectors, expected):
    config = _exemption(
        "rules: [run-as-root]", "reason: the vendor's images run as root", *selectors
    )
    assert _run_as_root(tmp_path, monkeypatch, config)[0] == expected


def test_an_exemption_ends_after_its_last_day(tmp_path, monkeypatch):
    config = _exemption(
        "rules: [run-as-root]",
        "reason: until the vendor ships non-root images",
        "until: 2027-03-31",
        "files: [vendor/]",
    )
    assert _run_as_root(tmp_path, monkeypatch, config) == (EVERY[:2], [], [])
    assert _run_as_root(tmp_path, monkeypatch, config, today=date(2027, 4, 1)) == (
        EVERY,
        [],
        [
            ".kubelint.yaml:2:5: the exemption of run-as-root expired on 2027-03-31:"
            " its findings are reported again"
        ],
    )


def test_an_exemption_that_matched_nothing_is_a_note(tmp_path, monkeypatch):
    config = _exemption(
        "rules: [run-as-root, image-tag-latest]", "reason: vendored", "files: [third_party/]"
    )
    assert _run_as_root(tmp_path, monkeypatch, config) == (
        EVERY,
        [
            ".kubelint.yaml:2:5: the exemption of run-as-root, image-tag-latest matched"
            " no finding in this run (it may cover files not linted in it)"
        ],
        [],
    )


def test_exemptions_in_pyproject_take_a_toml_date(tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text(
        textwrap.dedent("""\
        [tool.kubelint]
        [[tool.kubelint.exemptions]]
        rules = ["run-as-root"]
        reason = "vendored"
        until = 2027-03-31
        files = ["vendor/"]
        """)
    )
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "mesh.yaml").write_text(VENDOR)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache", "--disable", "all", "--enable", RULE, "."]) == 0
    assert "No problems" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "- rules: [run-as-root]\n    kind: Deployment",
            ".kubelint.yaml:2:5: exemptions.0: 'reason' is a required property",
        ),
        (
            "- rules: [run-as-rot]\n    reason: x\n    kind: Pod",
            ".kubelint.yaml:2:13: unknown rule 'run-as-rot' (did you mean 'run-as-root'?);"
            " `kubelint rules` lists them",
        ),
        (
            "- rules: [run-as-root]\n    reason: x\n    files: ['[z-a]']",
            ".kubelint.yaml:4:13: '[z-a]' is not a valid pattern: bad character range z-a at"
            " position 9",
        ),
        (
            "- rules: [run-as-root]\n    reason: x\n    until: 2027-02-30\n    kind: Pod",
            ".kubelint.yaml:4:5: until: 2027-02-30 is not a date (YYYY-MM-DD)",
        ),
        (
            "- rules: [run-as-root]\n    reason: x\n    until: next year\n    kind: Pod",
            ".kubelint.yaml:4:5: exemptions.0.until: 'next year' does not match"
            " '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'",
        ),
        (
            "- rules: [run-as-root]\n    reason: x",
            ".kubelint.yaml:2:5: an exemption names what it covers: kind, namespace, name,"
            " container or files (to turn a rule off everywhere, use rules:)",
        ),
        (
            "- rules: [run-as-root]\n    reason: '  '\n    kind: Pod",
            ".kubelint.yaml:3:5: reason: write why these findings are not reported",
        ),
    ],
)
def test_exemption_mistakes_are_config_errors_at_their_line(
    tmp_path, monkeypatch, capsys, entry, message
):
    (tmp_path / ".kubelint.yaml").write_text(f"exemptions:\n  {entry}\n")
    (tmp_path / "pod.yaml").write_text(VENDOR)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache", "pod.yaml"]) == 2
    assert capsys.readouterr().err == f"kubelint: error: {tmp_path}/{message}\n"


def test_a_finding_about_a_suppression_can_be_exempted(tmp_path, monkeypatch):
    config = _exemption(
        "rules: [unused-suppression]",
        "reason: the vendor's comments name rules of its own linter",
        "files: [vendor/]",
    )
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "pod.yaml").write_text(
        VENDOR.replace("- name: proxy", "- name: proxy  # kubelint: disable=vendor-check")
    )
    assert _run_as_root(tmp_path, monkeypatch, config)[1] == []
    resolved, registry = resolve_config(".kubelint.yaml")
    report = lint_paths(["vendor"], resolved, registry)
    assert [f.rule for f in report.findings if "suppression" in f.rule] == []
    report = lint_paths(["mesh.yaml"], resolved, registry)
    assert report.notes[-1] == (
        ".kubelint.yaml:2:5: the exemption of unused-suppression"
        " matched no finding in this run (it may cover files not"
        " linted in it)"
    )


def test_a_base_configs_exemptions_apply_too(tmp_path, monkeypatch):
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "base.yaml").write_text(
        _exemption("rules: [run-as-root]", "reason: vendored", "files: [vendor/]")
        + "require-reason: true\n"
    )
    config = "extends: team/base.yaml\n" + _exemption(
        "rules: [run-as-root]", "reason: ours too", "container: app", "until: 2027-01-01"
    )
    assert _run_as_root(tmp_path, monkeypatch, config) == (
        [("mesh.yaml", 10, "container 'proxy'"), ("mesh.yaml", 12, "container 'app'")],
        [],
        [
            ".kubelint.yaml:3:5: the exemption of run-as-root expired on 2027-01-01: its"
            " findings are reported again"
        ],
    )
    resolved, _registry = resolve_config(".kubelint.yaml")
    assert resolved.require_reason is True
    (tmp_path / "team" / "base.yaml").write_text(
        _exemption("rules: [run-as-rot]", "reason: x", "kind: Pod")
    )
    with pytest.raises(Exception, match=r"team/base.yaml:2:13: unknown rule 'run-as-rot'"):
        resolve_config(".kubelint.yaml")
