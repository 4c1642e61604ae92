"""Compliance mappings: the controls each rule implements (typed metadata, checked against
the catalogue), shown by `kubelint explain`, `kubelint rules --format json`, SARIF and the
rule pages, and selecting rules (`--enable cis:5.2.*`) with their precedence and errors."""

from __future__ import annotations

import json
import textwrap

import pytest

from kubelint import pss
from kubelint.cli import main
from kubelint.compliance import FRAMEWORKS, Control, as_controls, matches
from kubelint.config import ConfigError, config_from_mapping, selection
from kubelint.formatters import FormatContext
from kubelint.formatters.sarif import render as render_sarif
from kubelint.plugins import PluginError, build_registry
from kubelint.report import Report, Summary
from tests.helpers import registry
from tests.test_format_sarif import SCHEMA
from tests.test_selection import ROLE

REGISTRY = registry()
EVERY = set(REGISTRY.rules)


def _mapped(selector: str) -> set[str]:
    return {
        rule_id
        for rule_id, rule in REGISTRY.rules.items()
        if any(matches(selector, control) for control in rule.controls)
    }


# --- (1) the metadata -----------------------------------------------------------------------------


def test_every_control_a_rule_names_is_in_the_catalogue():
    for rule in REGISTRY.rules.values():
        for control in rule.controls:
            assert control.id in FRAMEWORKS[control.framework].controls, (rule.id, control)


def test_each_pss_rule_implements_its_control():
    for rule_id, control in pss.CONTROLS.items():
        refs = [c.ref for c in REGISTRY.rules[rule_id].controls if c.framework == "pss"]
        slug = rule_id.removeprefix("pss-")
        assert f"pss:{control.level}/{slug}" in refs
    # The two controls whose checks differ by level are mapped at both.
    assert [c.ref for c in REGISTRY.rules["pss-seccomp"].controls if c.framework == "pss"] == [
        "pss:baseline/seccomp",
        "pss:restricted/seccomp",
    ]


def test_every_pss_control_has_its_rule():
    implemented = {c.ref for rule_id in pss.CONTROLS for c in REGISTRY.rules[rule_id].controls}
    assert {f"pss:{id}" for id in FRAMEWORKS["pss"].controls} <= implemented


@pytest.mark.parametrize(
    ("rule_id", "refs"),
    [
        ("privileged-container", ["cis:5.2.2", "pss:baseline/privileged-containers"]),
        ("host-namespace", ["cis:5.2.3", "cis:5.2.4", "cis:5.2.5", "pss:baseline/host-namespaces"]),
        (
            "run-as-root",
            [
                "cis:5.2.7",
                "nsa:non-root-containers",
                "pss:restricted/running-as-non-root",
                "pss:restricted/running-as-non-root-user",
            ],
        ),
        ("readonly-root-fs", ["nsa:immutable-container-file-systems"]),
        ("rbac-wildcard", ["cis:5.1.3", "nsa:role-based-access-control"]),
        ("env-secret-ref", ["cis:5.4.1"]),
        ("image-tag-latest", []),
    ],
)
def test_mappings(rule_id, refs):
    assert [c.ref for c in REGISTRY.rules[rule_id].controls] == refs


def test_partial_mappings_say_what_is_left_out():
    controls = {c.ref: c.partial for c in REGISTRY.rules["capabilities-added"].controls}
    assert controls == {
        "cis:5.2.9": "only the dangerous capabilities it lists are reported",
        "pss:baseline/capabilities": "a deny-list of dangerous capabilities; the level allows"
        " adding 13 capabilities by exact name, and no other",
    }


def test_controls_are_sorted_and_checked_when_declared():
    assert [c.ref for c in as_controls(["cis:5.2.10", "cis:5.2.9", "acme:X-1"])] == [
        "acme:X-1",
        "cis:5.2.9",
        "cis:5.2.10",
    ]
    with pytest.raises(ValueError, match="listed twice"):
        as_controls(["cis:5.2.9", Control("cis:5.2.9", partial="x")])
    with pytest.raises(ValueError, match=r"'CIS 5\.2\.9' is not FRAMEWORK:ID"):
        Control("CIS 5.2.9")


def _plugin(tmp_path, controls: str) -> str:
    path = tmp_path / "plugin.py"
    path.write_text(
        textwrap.dedent(f"""\
        from kubelint.api import Control, hookimpl, rule

        @rule(id="team-label", severity="info", summary="s", controls={controls})
        def check(obj, ctx):
            yield from ()

        @hookimpl
        def kubelint_rules():
            return [check]
        """)
    )
    return str(path)


def test_a_plugin_rule_maps_to_a_framework_of_its_own(tmp_path):
    plugin = _plugin(tmp_path, '["acme:AC-1", Control("cis:5.7.4", partial="labels only")]')
    registry = build_registry([plugin])
    assert registry.rules["team-label"].controls == (
        Control("acme:AC-1"),
        Control("cis:5.7.4", "labels only"),
    )
    assert selection(registry, ["acme:*"], []) == ({"team-label"}, set())


def test_a_plugin_rule_cannot_name_a_control_the_catalogue_lacks(tmp_path):
    plugin = _plugin(tmp_path, '["cis:5.9.9"]')
    with pytest.raises(PluginError) as raised:
        build_registry([plugin])
    assert str(raised.value) == (
        f"plugin {plugin!r} maps rule 'team-label' to 'cis:5.9.9':"
        " CIS Kubernetes Benchmark v1.10.0 has no control '5.9.9'"
    )


# --- (2) where users see them ---------------------------------------------------------------------


def test_explain_ends_with_the_controls(capsys):
    assert main(["explain", "host-port"]) == 0
    out = capsys.readouterr().out
    assert out.endswith(
        textwrap.dedent("""\

        ## Compliance
        The benchmark controls this rule implements (select rules by them: `--enable cis:5.2.*`):

        - `cis:5.2.13` (CIS Kubernetes Benchmark v1.10.0): Minimize the admission of containers which use HostPorts
        - `pss:baseline/host-ports` (Pod Security Standards): Baseline: Host Ports
        """)  # noqa: E501
    )
    assert main(["explain", "image-tag-latest"]) == 0
    assert "## Compliance" not in capsys.readouterr().out


def test_rules_json_lists_each_rules_controls(capsys):
    assert main(["rules", "--format", "json"]) == 0
    listed = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert listed["pss-running-as-non-root-user"]["controls"] == [
        {
            "id": "cis:5.2.7",
            "framework": "CIS Kubernetes Benchmark v1.10.0",
            "title": "Minimize the admission of root containers",
            "partial": "only an explicit runAsUser: 0 is reported",
        },
        {
            "id": "nsa:non-root-containers",
            "framework": "NSA/CISA Kubernetes Hardening Guide v1.2 (August 2022)",
            "title": "Kubernetes Pod security: \u201cNon-root\u201d containers and"
            " \u201crootless\u201d container engines",
            "partial": "only an explicit runAsUser: 0 is reported",
        },
        {
            "id": "pss:restricted/running-as-non-root-user",
            "framework": "Pod Security Standards",
            "title": "Restricted: Running as Non-root user",
        },
    ]
    assert listed["image-tag-latest"]["controls"] == []
    assert listed["run-as-root"]["options"] == {"min-uid": 1, "min-gid": 1}


def _sarif_rules() -> tuple[dict[str, dict], dict]:
    """The rule descriptors of a SARIF log with the whole catalogue, and the log."""
    report = Report([], Summary(), REGISTRY.rules)
    document = json.loads(render_sarif(report, FormatContext()))
    rules = {rule["id"]: rule for rule in document["runs"][0]["tool"]["driver"]["rules"]}
    return rules, document


def test_sarif_tags_and_properties():
    rules, _ = _sarif_rules()
    assert rules["host-port"]["properties"] == {
        "tags": ["kubernetes", "security", "cis:5.2.13", "pss:baseline/host-ports"],
        "controls": [
            {
                "id": "cis:5.2.13",
                "framework": "CIS Kubernetes Benchmark v1.10.0",
                "title": "Minimize the admission of containers which use HostPorts",
            },
            {
                "id": "pss:baseline/host-ports",
                "framework": "Pod Security Standards",
                "title": "Baseline: Host Ports",
            },
        ],
    }
    assert rules["image-tag-latest"]["properties"] == {"tags": ["kubernetes", "images"]}
    assert rules["host-port"]["help"]["text"].endswith(
        "- `pss:baseline/host-ports` (Pod Security Standards): Baseline: Host Ports\n"
    )


def test_sarif_with_controls_validates_against_the_schema():
    if not SCHEMA.is_file():
        pytest.skip(f"{SCHEMA} not found (../shared is not checked out)")
    from jsonschema import FormatChecker
    from jsonschema.validators import validator_for

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = validator_for(schema)(schema, format_checker=FormatChecker())
    _, document = _sarif_rules()
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]
    assert errors == []


# --- (3) selecting rules by control ---------------------------------------------------------------

CIS_52 = {
    "capabilities-added",
    "capabilities-not-dropped",
    "host-namespace",
    "host-port",
    "hostpath-volume",
    "privilege-escalation",
    "privileged-container",
    "run-as-root",
    "windows-host-process",
    "pss-capabilities",
    "pss-host-namespaces",
    "pss-host-path-volumes",
    "pss-host-ports",
    "pss-host-process",
    "pss-privilege-escalation",
    "pss-privileged-containers",
    "pss-running-as-non-root",
    "pss-running-as-non-root-user",
    "pss-volume-types",
}


def test_a_glob_selects_the_rules_mapped_to_matching_controls():
    assert _mapped("cis:5.2.*") == CIS_52
    assert selection(REGISTRY, ["cis:5.2.*"], []) == (CIS_52, set())
    assert selection(REGISTRY, ["cis:5.2.7"], []) == (
        {"run-as-root", "pss-running-as-non-root", "pss-running-as-non-root-user"},
        set(),
    )
    assert selection(REGISTRY, ["nsa:role-based-access-control"], []) == (
        {
            "rbac-cluster-admin-binding",
            "rbac-create-pods",
            "rbac-escalate-bind-impersonate",
            "rbac-pod-exec-attach",
            "rbac-secrets-access",
            "rbac-wildcard",
        },
        set(),
    )
    assert selection(REGISTRY, [], ["pss:restricted/*"]) == (
        set(),
        {
            "capabilities-not-dropped",
            "privilege-escalation",
            "run-as-root",
            "seccomp-profile-missing",
            "pss-capabilities",
            "pss-privilege-escalation",
            "pss-running-as-non-root",
            "pss-running-as-non-root-user",
            "pss-seccomp",
            "pss-volume-types",
        },
    )


@pytest.mark.parametrize(
    ("enable", "disable", "on", "off"),
    [
        # A rule named explicitly beats a control selector.
        (["cis:5.2.*"], ["run-as-root"], CIS_52 - {"run-as-root"}, {"run-as-root"}),
        (["run-as-root"], ["cis:5.2.*"], {"run-as-root"}, CIS_52 - {"run-as-root"}),
        # A selector is at a category's level: between the two, disabling wins...
        (
            ["cis:5.2.*"],
            ["pss"],
            CIS_52 - set(REGISTRY.categories()["pss"]),
            set(REGISTRY.categories()["pss"]),
        ),
        (["security"], ["cis:5.2.*"], set(REGISTRY.categories()["security"]) - CIS_52, CIS_52),
        # ... and it beats all.
        (["cis:5.2.*"], ["all"], CIS_52, EVERY - CIS_52),
    ],
)
def test_selector_precedence(enable, disable, on, off):
    assert selection(REGISTRY, enable, disable) == (on, off)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "cis:5.1.7",
            "no rule implements cis:5.1.7 (Avoid use of system:masters group);"
            " `kubelint rules --format json` gives each rule's controls",
        ),
        ("cis:5.2", "no control 'cis:5.2' (did you mean 'cis:5.2.*'?)"),
        (
            "cis:5.2.77",
            "no rule is mapped to a control matching 'cis:5.2.77' (did you mean 'cis:5.2.7'?)",
        ),
        (
            "ciss:5.2.*",
            "unknown framework 'ciss' in 'ciss:5.2.*' (did you mean 'cis'?); rules are"
            " mapped to cis, nsa, pss",
        ),
        (
            "nsa:secrets",
            "no rule implements nsa:secrets (Network separation and hardening:"
            " Secrets); `kubelint rules --format json` gives each rule's controls",
        ),
        (
            "cis",
            "unknown rule or category 'cis'; to select the rules mapped to the CIS Kubernetes"
            " Benchmark v1.10.0, write 'cis:*'",
        ),
        (
            "cis:5 2",
            "'cis:5 2' is not a control selector: write FRAMEWORK:ID, with * and ? as"
            " wildcards (cis:5.2.7, cis:5.2.*, nsa:*, pss:restricted/*)",
        ),
    ],
)
def test_selectors_that_select_nothing(tmp_path, monkeypatch, capsys, name, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
    assert main(["check", "--no-config", "--enable", name, "a.yaml"]) == 2
    assert capsys.readouterr().err == f"kubelint: error: --enable: {message}\n"
    with pytest.raises(ConfigError) as raised:
        config_from_mapping({"disable": [name]}, REGISTRY, name="c.yaml")
    assert str(raised.value) == f"c.yaml:1: {message}"


def test_selectors_in_the_config(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".kubelint.yaml").write_text(
        textwrap.dedent("""\
        disable: [all]
        enable: ["cis:5.1.*"]
        rules:
          "cis:5.1.3": error
        """)
    )
    (tmp_path / "role.yaml").write_text(ROLE)
    assert main(["check", "--format", "json", "role.yaml"]) == 1
    found = [
        (f["rule"], f["severity"], f["line"])
        for f in json.loads(capsys.readouterr().out)["findings"]
    ]
    # rbac-pod-exec-attach maps to no CIS control: off.
    assert found == [
        ("rbac-create-pods", "warning", 5),
        ("rbac-escalate-bind-impersonate", "error", 5),
        ("rbac-secrets-access", "warning", 5),
        ("rbac-wildcard", "error", 5),
    ]
    (tmp_path / ".kubelint.yaml").write_text('enable: [all]\nrules:\n  "cis:5.1.77": off\n')
    assert main(["check", "role.yaml"]) == 2
    assert capsys.readouterr().err == (
        f"kubelint: error: {tmp_path}/.kubelint.yaml:3:3: no rule is mapped to a control"
        " matching 'cis:5.1.77' (did you mean 'cis:5.2.7'?)\n"
    )
