"""`extends:`: a config file builds on a base config. Settings of the extending file win,
lists add up, rule settings apply after the base's; paths in a base are relative to the
base, globs to the extending file; every mistake is a config error at file:line:col."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from kubelint.cli import main
from kubelint.config import ConfigError, HelmSettings, RuleSetting
from kubelint.lint import lint_text, resolve_config
from tests.test_selection import ROLE


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def shared(tmp_path, monkeypatch):
    """A repository (repo/) whose config extends a base kept elsewhere (shared/)."""
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "shared" / "crds" / "widget.yaml", "")
    _write(tmp_path / "shared" / "prod-values.yaml", "")
    _write(tmp_path / "repo" / "values.yaml", "")
    _write(tmp_path / "repo" / "role.yaml", ROLE)
    return tmp_path


def test_merge_semantics(shared):
    base = _write(
        shared / "shared" / "base.yaml",
        """\
        fail-level: warning
        namespace: shop
        strict-kinds: true
        exclude: [vendor/]
        crds: [crds/widget.yaml]
        helm:
          release-name: base
          values: [prod-values.yaml]
          set: [a=1]
        rules:
          rbac-wildcard: {severity: info}
        overrides:
          - files: [legacy/**]
            rules: {rbac: off}
        """,
    )
    top = _write(
        shared / "repo" / ".kubelint.yaml",
        """\
        extends: ../shared/base.yaml
        namespace: web
        exclude: [generated/]
        helm:
          values: [values.yaml]
          set: [b=2]
        disable: [images]
        """,
    )
    config, _ = resolve_config(str(top))
    assert (config.fail_level, config.namespace, config.strict_kinds) == ("warning", "web", True)
    assert config.exclude == ["vendor/", "generated/"]  # globs: relative to repo/
    assert config.crds == [str(shared / "shared" / "crds" / "widget.yaml")]
    assert config.helm == HelmSettings(
        release_name="base",
        values=[str(shared / "shared" / "prod-values.yaml"), str(shared / "repo" / "values.yaml")],
        set=["a=1", "b=2"],
        ci_values=True,
    )
    assert config.root == str(shared / "repo")
    assert config.sources == [str(top), str(base)]
    assert config.rules == {"images": RuleSetting(enabled=False)}
    assert [(o.patterns, o.rules) for o in config.extended] == [
        (None, {"rbac-wildcard": RuleSetting(enabled=True, severity="info")}),
        (["legacy/**"], {"rbac": RuleSetting(enabled=False)}),
    ]


@pytest.mark.parametrize(
    ("base", "top", "found"),
    [
        # The extending file's rule settings come after the base's, whatever their level.
        ("rules: {rbac-wildcard: warning}\n", "disable: [rbac]\n", []),
        ("disable: [rbac]\n", "rules: {rbac-wildcard: on}\n", [("rbac-wildcard", "warning")]),
        ("disable: [all]\nenable: [rbac-wildcard]\n", "", [("rbac-wildcard", "warning")]),
        # A severity set on top keeps the base's on/off, and the reverse.
        (
            "rules: {rbac-wildcard: info}\ndisable: [rbac]\n",
            "enable: [rbac-wildcard]\n",
            [("rbac-wildcard", "info")],
        ),
        # A base's overrides apply before the extending file's top level.
        (
            "disable: [rbac]\noverrides:\n  - files: ['*.yaml']\n    rules: {rbac-wildcard: on}\n",
            "",
            [("rbac-wildcard", "warning")],
        ),
        (
            "overrides:\n  - files: ['*.yaml']\n    rules: {rbac-wildcard: on}\n",
            "disable: [rbac]\n",
            [],
        ),
    ],
)
def test_rule_settings_apply_after_the_bases(shared, capsys, base, top, found):
    _write(shared / "repo" / "base.yaml", base)
    _write(shared / "repo" / ".kubelint.yaml", "extends: base.yaml\n" + top)
    os.chdir(shared / "repo")
    main(["check", "--no-cache", "--format", "json", "role.yaml"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule"], f["severity"]) for f in findings if f["rule"] == "rbac-wildcard"] == found


def test_a_chain_of_files_each_relative_to_the_one_naming_it(shared):
    _write(shared / "org" / "base.yaml", "fail-level: info\ncrds: [crds/]\n")
    _write(shared / "org" / "crds" / "a.yaml", "")
    _write(shared / "shared" / "team.yaml", "extends: ../org/base.yaml\nnamespace: team\n")
    _write(
        shared / "repo" / "pyproject.toml",
        '[tool.kubelint]\nextends = "../shared/team.yaml"\nfail-level = "warning"\n',
    )
    config, _ = resolve_config(str(shared / "repo" / "pyproject.toml"))
    assert (config.fail_level, config.namespace) == ("warning", "team")
    assert config.crds == [str(shared / "org" / "crds") + "/"]
    assert len(config.sources) == 3


def test_a_yaml_config_may_extend_a_pyproject(shared):
    _write(
        shared / "shared" / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.kubelint]\nnamespace = "from-toml"\n',
    )
    top = _write(shared / "repo" / ".kubelint.yaml", "extends: ../shared/pyproject.toml\n")
    assert resolve_config(str(top))[0].namespace == "from-toml"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"repo/.kubelint.yaml": "fail-level: info\nextends: base.yaml\n"},
            "{root}/repo/.kubelint.yaml:2:1: extends: no such file: {root}/repo/base.yaml",
        ),
        (
            {"repo/.kubelint.yaml": "extends: https://example.com/kubelint.yaml\n"},
            "{root}/repo/.kubelint.yaml:1:1: extends: 'https://example.com/kubelint.yaml' is a URL,"
            " and kubelint never reads the network; save the file and name its path",
        ),
        (
            {"repo/.kubelint.yaml": "extends: [a.yaml]\n"},
            '{root}/repo/.kubelint.yaml:1:1: extends: ["a.yaml"] is not the path of a config file',
        ),
        (
            {"repo/.kubelint.yaml": "extends: .kubelint.yaml\n"},
            "{root}/repo/.kubelint.yaml:1:1: extends: '.kubelint.yaml' is a cycle:"
            " {root}/repo/.kubelint.yaml -> {root}/repo/.kubelint.yaml",
        ),
        (
            {
                "repo/.kubelint.yaml": "extends: ../shared/a.yaml\n",
                "shared/a.yaml": "namespace: a\nextends: b.yaml\n",
                "shared/b.yaml": "extends: ../repo/.kubelint.yaml\n",
            },
            "{root}/shared/b.yaml:1:1: extends: '../repo/.kubelint.yaml' is a cycle:"
            " {root}/repo/.kubelint.yaml -> {root}/shared/a.yaml -> {root}/shared/b.yaml ->"
            " {root}/repo/.kubelint.yaml",
        ),
        # A mistake in a base is reported at the base's line, with the extending file's.
        (
            {
                "repo/.kubelint.yaml": "extends: ../shared/a.yaml\nfail-level: fatal\n",
                "shared/a.yaml": "namespace: a\nrules:\n  rbac-wildcrd: off\n",
            },
            '{root}/repo/.kubelint.yaml:2:1: fail-level: "fatal" is not one of "error",'
            ' "warning", "info"\n{root}/shared/a.yaml:3:3: unknown rule or category'
            " 'rbac-wildcrd' (did you mean 'rbac-wildcard'?); `kubelint rules` lists them",
        ),
        (
            {"repo/pyproject.toml": "[tool.kubelint]\nextends = 5\n"},
            "{root}/repo/pyproject.toml:2: extends: 5 is not the path of a config file",
        ),
    ],
)
def test_errors_name_the_file_and_line(shared, capsys, files, message):
    for name, text in files.items():
        _write(shared / name, text)
    os.chdir(shared / "repo")
    assert main(["check", "--no-cache", "role.yaml"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"kubelint: error: {message.format(root=shared)}\n"


def test_a_mapping_cannot_extend():
    with pytest.raises(ConfigError) as raised:
        lint_text(ROLE, config={"extends": "base.yaml"})
    assert str(raised.value) == (
        "<config>: extends: works in config files; pass the path of"
        " a config file that extends the base instead of a mapping"
    )


def test_editing_the_base_invalidates_the_cache(shared, capsys, monkeypatch):
    cache = shared / "cache"
    monkeypatch.setenv("KUBELINT_CACHE_DIR", str(cache))
    base = _write(shared / "shared" / "base.yaml", "fail-level: warning\n")
    _write(shared / "repo" / ".kubelint.yaml", "extends: ../shared/base.yaml\n")
    os.chdir(shared / "repo")

    def run() -> list[str]:
        main(["check", "--format", "json", "role.yaml"])
        return sorted(f["rule"] for f in json.loads(capsys.readouterr().out)["findings"])

    first = run()
    assert "rbac-wildcard" in first
    with monkeypatch.context() as patch:  # served from the cache: nothing is checked
        patch.setattr("kubelint.pipeline._check", None)
        assert run() == first
    scopes = {entry.name for entry in cache.iterdir() if entry.is_dir()}
    base.write_text("fail-level: warning\ndisable: [rbac-wildcard]\n")
    assert run() == [rule for rule in first if rule != "rbac-wildcard"]
    # Any edit of the base is a new key, even one that changes no setting.
    base.write_text("# shared by every repository\nfail-level: warning\n")
    assert run() == first
    assert len({entry.name for entry in cache.iterdir() if entry.is_dir()} - scopes) == 2
