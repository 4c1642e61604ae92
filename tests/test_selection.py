"""Rule categories and which rules a run checks: --enable/--disable, enable:/disable: and
rules: in the config, with their precedence (a rule beats its category, which beats
`all`; --disable beats --enable; the command line beats the config)."""

from __future__ import annotations

import importlib
import json
import textwrap
from pathlib import Path

import pytest

from kubelint.builtin import builtin_rule_modules
from kubelint.cli import main
from kubelint.config import ConfigError, config_from_mapping, selection
from kubelint.plugins import PluginError, build_registry
from kubelint.rule import Rule
from tests.helpers import ROOT

PACKAGES = [
    "config",
    "core",
    "images",
    "networking",
    "pss",
    "rbac",
    "reliability",
    "resources",
    "scaling",
    "security",
    "storage",
    "suppressions",
    "validation",
    "versions",
    "workloads",
]

#: Every verb on every resource: each rbac rule reports it, at line 5.
ROLE = textwrap.dedent("""\
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata: {name: everything}
    rules:
      - apiGroups: ["*"]
        resources: ["*"]
        verbs: ["*"]
    """)

REGISTRY = build_registry()
CATEGORIES = REGISTRY.categories()
EVERY = set(REGISTRY.rules)
SECURITY = set(CATEGORIES["security"])
RBAC = set(CATEGORIES["rbac"])


def test_a_built_in_rules_category_is_its_package():
    assert list(CATEGORIES) == PACKAGES
    assert (
        sorted(p.name for p in (ROOT / "rules").iterdir() if (p / "__init__.py").is_file())
        == PACKAGES
    )
    for name in builtin_rule_modules():  # kubelint.rules.<package>.<module>
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, Rule):
                assert REGISTRY.rules[value.id].category == name.split(".")[2]
    assert sum(len(ids) for ids in CATEGORIES.values()) == len(EVERY)


def test_no_category_is_the_name_of_a_rule():
    names = set(REGISTRY.rules) | set(REGISTRY.aliases) | {"all"}
    assert not names & set(CATEGORIES)


def _plugin(tmp_path: Path, body: str) -> str:
    path = tmp_path / "plugin.py"
    path.write_text(
        "from kubelint.api import hookimpl, rule\n\n"
        + textwrap.dedent(body)
        + "\n@hookimpl\ndef kubelint_rules():\n    return [check]\n"
    )
    return str(path)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            """\
     @rule(id="team-label", severity="info", summary="s", category="privileged-container")
     def check(obj, ctx):
         yield from ()
     """,
            "plugin '{plugin}' puts rule 'team-label' in category 'privileged-container', a"
            " name that already means the rule defined by 'kubelint.builtin'; choose another"
            " category",
        ),
        (
            """\
     @rule(id="security", severity="info", summary="s")
     def check(obj, ctx):
         yield from ()
     """,
            "plugin 'kubelint.builtin' puts rule 'allow-privilege-escalation' in category",
        ),
        (
            """\
     @rule(id="team-label", severity="info", summary="s", category="all")
     def check(obj, ctx):
         yield from ()
     """,
            "plugin '{plugin}' puts rule 'team-label' in category 'all', a name that already"
            " means every rule; choose another category",
        ),
        (
            """\
     @rule(id="all", severity="info", summary="s")
     def check(obj, ctx):
         yield from ()
     """,
            "plugin '{plugin}' defines a rule named 'all', which means every rule; rename it",
        ),
    ],
)
def test_a_category_that_is_also_a_rule_name_fails_the_run(tmp_path, body, message):
    plugin = _plugin(tmp_path, body)
    with pytest.raises(PluginError) as raised:
        build_registry([plugin])
    expected = message.format(plugin=plugin)
    if "allow-privilege-escalation" in expected:  # any security rule: the first one found
        assert str(raised.value).startswith("plugin 'kubelint.builtin' puts rule '")
        assert str(raised.value).endswith(
            " in category 'security', a name that already"
            f" means the rule defined by {plugin!r}; choose"
            " another category"
        )
    else:
        assert str(raised.value) == expected


def test_a_plugin_rule_joins_the_category_it_declares(tmp_path):
    plugin = _plugin(
        tmp_path,
        """\
        @rule(id="team-label", severity="info", summary="s", category="security")
        def check(obj, ctx):
            yield from ()
        """,
    )
    registry = build_registry([plugin])
    assert "team-label" in registry.categories()["security"]
    assert selection(registry, [], ["security"]) == (set(), SECURITY | {"team-label"})


@pytest.mark.parametrize(
    ("enable", "disable", "on", "off"),
    [
        (["security"], [], SECURITY, set()),
        (["security,rbac"], [], SECURITY | RBAC, set()),
        ([], ["all"], set(), EVERY),
        (["all"], ["security"], EVERY - SECURITY, SECURITY),
        (["security"], ["all"], SECURITY, EVERY - SECURITY),
        # A rule named explicitly beats its category.
        (
            ["privileged-container"],
            ["security"],
            {"privileged-container"},
            SECURITY - {"privileged-container"},
        ),
        (
            ["security"],
            ["privileged-container"],
            SECURITY - {"privileged-container"},
            {"privileged-container"},
        ),
        (
            ["security"],
            ["all", "privileged-container"],
            SECURITY - {"privileged-container"},
            EVERY - SECURITY | {"privileged-container"},
        ),
        # At the same level, --disable beats --enable.
        (["security"], ["security"], set(), SECURITY),
        (["all"], ["all"], set(), EVERY),
        (["rbac-wildcard"], ["rbac-wildcard"], set(), {"rbac-wildcard"}),
    ],
)
def test_command_line_precedence(enable, disable, on, off):
    assert selection(REGISTRY, enable, disable) == (on, off)


@pytest.mark.parametrize(
    ("flag", "name", "message"),
    [
        (
            "--enable",
            "securty",
            "--enable: unknown rule or category 'securty' (did you mean 'security'?); `kubelint"
            " rules` lists them",
        ),
        (
            "--disable",
            "rback",
            "--disable: unknown rule or category 'rback' (did you mean"
            " 'rbac'?); `kubelint rules` lists them",
        ),
        (
            "--enable",
            "liveness-inital-delay",
            "--enable: unknown rule or category 'liveness-inital-delay' (did you mean"
            " 'liveness-initial-delay'?); `kubelint rules` lists them",
        ),
    ],
)
def test_unknown_names_on_the_command_line(tmp_path, monkeypatch, capsys, flag, name, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
    assert main(["check", flag, name, "a.yaml"]) == 2
    assert capsys.readouterr().err == f"kubelint: error: {message}\n"
    with pytest.raises(ConfigError) as raised:
        selection(
            REGISTRY, [name] if flag == "--enable" else [], [name] if flag == "--disable" else []
        )
    assert str(raised.value) == message


def _enabled(mapping, path=None):
    config = config_from_mapping(mapping, REGISTRY)
    return {
        rule_id
        for rule_id, setting in config.rule_settings(path, REGISTRY).items()
        if setting.enabled
    }


DEFAULT_ON = {rule_id for rule_id, rule in REGISTRY.rules.items() if rule.enabled}


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        ({"disable": ["security"]}, DEFAULT_ON - SECURITY),
        ({"enable": ["security"]}, DEFAULT_ON | SECURITY),  # off-by-default ones too
        ({"disable": ["all"], "enable": ["rbac"]}, RBAC),
        (
            {"disable": ["all"], "enable": ["rbac"], "rules": {"rbac-wildcard": "off"}},
            RBAC - {"rbac-wildcard"},
        ),
        # rules: names a rule: it beats the category in disable:
        (
            {"disable": ["rbac"], "rules": {"rbac-wildcard": "warning"}},
            DEFAULT_ON - RBAC | {"rbac-wildcard"},
        ),
        ({"rules": {"rbac": "off"}}, DEFAULT_ON - RBAC),
        (
            {"rules": {"rbac": {"enabled": False}, "rbac-wildcard": True}},
            DEFAULT_ON - RBAC | {"rbac-wildcard"},
        ),
        # Same name, same layer: disabling wins.
        (
            {"enable": ["rbac-wildcard"], "disable": ["rbac-wildcard"]},
            DEFAULT_ON - {"rbac-wildcard"},
        ),
        ({"enable": ["rbac"], "rules": {"rbac": "off"}}, DEFAULT_ON - RBAC),
    ],
)
def test_config_precedence(mapping, expected):
    assert _enabled(mapping) == expected


def test_overrides_beat_the_top_level_whatever_their_level():
    mapping = {
        "rules": {"rbac-wildcard": "off"},
        "overrides": [{"files": ["legacy/**"], "rules": {"rbac": "on"}}],
    }
    assert "rbac-wildcard" not in _enabled(mapping, str(Path.cwd() / "app.yaml"))
    assert "rbac-wildcard" in _enabled(mapping, str(Path.cwd() / "legacy" / "app.yaml"))


def test_a_category_severity_applies_unless_the_rule_has_its_own():
    config = config_from_mapping({"rules": {"rbac": "info", "rbac-wildcard": "error"}}, REGISTRY)
    settings = config.rule_settings(None, REGISTRY)
    assert {rule_id: settings[rule_id].severity for rule_id in RBAC} == {
        rule_id: "error" if rule_id == "rbac-wildcard" else "info" for rule_id in RBAC
    }


def test_the_command_line_beats_the_config(tmp_path, monkeypatch, capsys):
    (tmp_path / "role.yaml").write_text(ROLE)
    (tmp_path / ".kubelint.yaml").write_text("disable: [rbac]\n")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--format", "json", "role.yaml"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []
    assert main(["check", "--format", "json", "--enable", "rbac", "role.yaml"]) == 1
    found = [(f["rule"], f["line"]) for f in json.loads(capsys.readouterr().out)["findings"]]
    assert found == [
        ("rbac-create-pods", 5),
        ("rbac-escalate-bind-impersonate", 5),
        ("rbac-pod-exec-attach", 5),
        ("rbac-secrets-access", 5),
        ("rbac-wildcard", 5),
    ]
    # The command line is the later source: its category beats the config's rule.
    (tmp_path / ".kubelint.yaml").write_text("rules: {rbac-wildcard: on}\n")
    assert main(["check", "--format", "json", "--disable", "rbac", "role.yaml"]) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "enable: [securty]\n",
            ".kubelint.yaml:1:10: unknown rule or category 'securty' (did you mean 'security'?);"
            " `kubelint rules` lists them",
        ),
        (
            "disable:\n  - all\n  - rabc\n",
            ".kubelint.yaml:3:5: unknown rule or category 'rabc' (did you mean 'rbac'?); `kubelint"
            " rules` lists them",
        ),
        (
            "rules:\n  securty: off\n",
            ".kubelint.yaml:2:3: unknown rule or category 'securty' (did you mean 'security'?);"
            " `kubelint rules` lists them",
        ),
        (
            "rules:\n  security:\n    allow: [a]\n",
            ".kubelint.yaml:3:5: category 'security' takes enabled and severity, not 'allow';"
            " options are set for each rule",
        ),
        ("enable: security\n", ".kubelint.yaml:1:1: enable: 'security' is not of type 'array'"),
    ],
)
def test_config_errors(tmp_path, monkeypatch, capsys, config, message):
    (tmp_path / ".kubelint.yaml").write_text(config)
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "a.yaml"]) == 2
    assert capsys.readouterr().err == f"kubelint: error: {tmp_path}/{message}\n"


def test_rules_shows_each_rules_category(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".kubelint.yaml").write_text("disable: [rbac]\n")
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    row = next(line for line in lines if line.startswith("rbac-wildcard "))
    assert row.split()[:4] == ["rbac-wildcard", "warning", "off", "rbac"]
    row = next(line for line in lines if line.startswith("image-pull-policy-never "))
    assert row.split()[:5] == ["image-pull-policy-never", "warning", "on", "images", "fix"]
    assert main(["rules", "--format", "json"]) == 0
    listed = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert {rule_id: r["category"] for rule_id, r in listed.items()} == {
        rule_id: rule.category for rule_id, rule in REGISTRY.rules.items()
    }


def test_explain_names_the_category(capsys):
    assert main(["explain", "rbac-wildcard"]) == 0
    assert "\nCategory: rbac.\n" in capsys.readouterr().out
