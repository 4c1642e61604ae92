"""Configuration: discovery, validation errors with file:line, and how settings apply."""

from __future__ import annotations

import textwrap

import pytest

from kubelint.cli import main

LIVENESS_POD = textwrap.dedent("""\
    apiVersion: v1
    kind: Pod
    metadata: {name: p}
    spec:
      restartPolicy: Always
      containers:
        - name: a
          image: a:1
          resources:
            requests: {cpu: 100m, memory: 64Mi, ephemeral-storage: 1Gi}
            limits: {memory: 64Mi}
          livenessProbe:
            exec: {command: ["true"]}
            periodSeconds: 1
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
      securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
      automountServiceAccountToken: false
    """)


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "pod.yaml").write_text(LIVENESS_POD)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *args):
    code = main(["check", "--no-color", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_no_config_uses_defaults(project, capsys):
    code, out, _ = run(capsys, "deploy")
    assert code == 0  # a warning only; the default fail level is error
    assert "deploy/pod.yaml:12:7: warning liveness-initial-delay" in out


def test_config_found_upward_from_the_working_directory(project, capsys, monkeypatch):
    (project / ".kubelint.yaml").write_text("fail-level: warning\n")
    monkeypatch.chdir(project / "deploy")
    code, out, _ = run(capsys, ".")
    assert code == 1
    assert "pod.yaml:12:7: warning liveness-initial-delay" in out


def test_pyproject_section(project, capsys):
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.kubelint]\nfail-level = "warning"\n\n'
        '[tool.kubelint.rules]\nliveness-initial-delay = "error"\n'
    )
    code, out, _ = run(capsys, "deploy")
    assert code == 1
    assert "error liveness-initial-delay" in out


def test_rules_off_severity_and_options(project, capsys):
    (project / ".kubelint.yaml").write_text(
        textwrap.dedent("""\
        rules:
          liveness-initial-delay: off
          resources-limits-missing:
            severity: error
            require-cpu-limit: true
        """)
    )
    code, out, _ = run(capsys, "deploy")
    assert "liveness-initial-delay" not in out
    assert "error resources-limits-missing container 'a' has no cpu limit" in out
    assert code == 1


def test_overrides_apply_per_path_glob(project, capsys):
    (project / "staging").mkdir()
    (project / "staging" / "pod.yaml").write_text(LIVENESS_POD)
    (project / ".kubelint.yaml").write_text(
        textwrap.dedent("""\
        overrides:
          - files: ["staging/**"]
            rules:
              liveness-initial-delay: false
        """)
    )
    _, out, _ = run(capsys, ".")
    assert "deploy/pod.yaml:12:7: warning liveness-initial-delay" in out
    assert "staging/pod.yaml:12:7: warning liveness-initial-delay" not in out


def test_exclude_applies_to_walked_and_named_files(project, capsys):
    (project / ".kubelint.yaml").write_text("exclude: [deploy/]\n")
    code, out, _ = run(capsys, ".")
    assert "No problems in 0 files" in out
    code, out, _ = run(capsys, "deploy/pod.yaml")
    assert "No problems in 0 files" in out and code == 0


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "fail-levl: error\n",
            ".kubelint.yaml:1:1: unknown setting 'fail-levl' (did you mean 'fail-level'?)",
        ),
        (
            "rules:\n  liveness-inital-delay: off\n",
            ".kubelint.yaml:2:3: unknown rule or category 'liveness-inital-delay' (did you mean"
            " 'liveness-initial-delay'?)",
        ),
        (
            "rules:\n  resources-limits-missing:\n    require-cpu: true\n",
            ".kubelint.yaml:3:5: rule 'resources-limits-missing' has no option 'require-cpu' (did"
            " you mean 'require-cpu-limit'?)",
        ),
        (
            "rules:\n  resources-limits-missing:\n    require-cpu-limit: maybe\n",
            ".kubelint.yaml:3:5: rules.resources-limits-missing.require-cpu-limit: 'maybe' is not"
            " of type 'boolean'",
        ),
        (
            "rules:\n  liveness-initial-delay: warn\n",
            '.kubelint.yaml:2:3: rules.liveness-initial-delay: "warn" is not one of true, false,'
            ' "on", "off", "error", "warning", "info"',
        ),
        (
            "fail-level: fatal\n",
            '.kubelint.yaml:1:1: fail-level: "fatal" is not one of "error", "warning", "info"',
        ),
        ("exclude: deploy\n", ".kubelint.yaml:1:1: exclude: 'deploy' is not of type 'array'"),
        (
            "overrides:\n  - rules: {}\n",
            ".kubelint.yaml:2:5: overrides.0: 'files' is a required property",
        ),
        ("rules: [\n", ".kubelint.yaml:2:1: did not find expected node content"),
        ("- a\n- b\n", ".kubelint.yaml:1: the config file must be a mapping of settings"),
        ("plugins: [./missing.py]\n", "plugin file './missing.py' not found"),
    ],
)
def test_config_errors_exit_2_with_file_and_line(project, capsys, config, message):
    (project / ".kubelint.yaml").write_text(config)
    code, out, err = run(capsys, "deploy")
    assert code == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_every_problem_is_listed_in_line_order(project, capsys):
    (project / ".kubelint.yaml").write_text("rules:\n  nope: off\nfail-level: x\n")
    _, _, err = run(capsys, "deploy")
    assert err.index(":2:3: unknown rule or category 'nope'") < err.index(":3:1: fail-level")


def test_missing_config_file_named_on_the_command_line(project, capsys):
    code, _, err = run(capsys, "--config", "nope.yaml", "deploy")
    assert code == 2 and "config file 'nope.yaml' not found" in err


def test_toml_errors_name_the_line(project, capsys):
    (project / "pyproject.toml").write_text(
        '[tool.kubelint]\nfail-level = "warning"\ncolour = true\n'
    )
    code, _, err = run(capsys, "deploy")
    assert code == 2 and "pyproject.toml:3: unknown setting 'colour'" in err


def test_lint_text_accepts_a_mapping_and_validates_it():
    from kubelint import lint_text
    from kubelint.config import ConfigError

    findings = lint_text(
        LIVENESS_POD, config={"rules": {"liveness-initial-delay": "error", "naked-pod": "off"}}
    )
    assert [(f.rule, f.severity, f.line) for f in findings] == [
        ("liveness-initial-delay", "error", 12)
    ]
    with pytest.raises(ConfigError, match="unknown rule or category 'nope'"):
        lint_text(LIVENESS_POD, config={"rules": {"nope": False}})


def config_error(path) -> str:
    """The ConfigError loading ``path`` raises."""
    from kubelint.config import ConfigError, load_config
    from kubelint.plugins import build_registry

    with pytest.raises(ConfigError) as raised:
        load_config(str(path), build_registry)
    return str(raised.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "kubernetes-version: 1.30\n",
            ".kubelint.yaml:1:1: kubernetes-version: 1.3 is a number (YAML reads 1.30 as 1.3);"
            " quote"
            ' the version: kubernetes-version: "1.NN"',
        ),
        (
            'exclude: ["[z-a]"]\n',
            ".kubelint.yaml:1:11: '[z-a]' is not a valid pattern: bad character range z-a at"
            " position 9",
        ),
    ],
)
def test_config_values_that_read_wrong_are_errors(tmp_path, text, message):
    (tmp_path / ".kubelint.yaml").write_text(text)
    assert config_error(tmp_path / ".kubelint.yaml") == f"{tmp_path}/{message}"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("tool = 5\n", "`tool` must be a table, not int"),
        ('[tool]\nkubelint = "[tool.kubelint]"\n', "`tool.kubelint` must be a table, not str"),
        (
            "[tool.kubelint]\nexclude = " + "[" * 2000 + "]" * 2000 + "\n",
            "its TOML nests too deeply",
        ),
        ("[tool.kubelint]\nfail-level = 1979-05-27\n", 'fail-level: "1979-05-27" is not one of'),
        (
            '[tool.kubelint]\nexclude = ["vendor/**", 1979-05-27]\n',
            "pyproject.toml:2: exclude[1]: 1979-05-27 is a TOML date or time, which no setting"
            " takes;"
            ' quote it if it is text: "1979-05-27"',
        ),
    ],
)
def test_odd_pyproject_files_are_config_errors(tmp_path, toml, message):
    (tmp_path / "pyproject.toml").write_text(toml)
    assert message in config_error(tmp_path / "pyproject.toml")


def test_repeated_double_stars_match_as_one():
    from kubelint.config import _matches_any

    deep = "/".join(["d"] * 25) + "/x"
    assert _matches_any(["**/**/**/**/**/**/**/**/**/**/x"], deep)
    assert not _matches_any(["**/**/**/**/**/**/**/**/**/**/x"], deep + "y")
    assert _matches_any(["x[]y]"], "x]") and _matches_any(["[!a]b"], "cb")


# -- a Config does not change once made --------------------------------------------------
def test_a_config_cannot_change_after_its_settings_are_read():
    # Rule settings are computed once per set of matching layers: a config changed after
    # that (a rule turned on by --enable) would keep reporting the rule as off.
    import dataclasses

    from kubelint.config import Config
    from kubelint.plugins import build_registry

    registry = build_registry([], ".")
    config = Config()
    assert config.rule_settings(None, registry)["required-labels"].enabled is False
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.cli_enable = frozenset({"required-labels"})  # type: ignore[misc]
    assert config.rule_settings(None, registry)["required-labels"].enabled is False


def test_a_derived_config_has_its_own_settings():
    import dataclasses

    from kubelint.config import Config
    from kubelint.plugins import build_registry

    registry = build_registry([], ".")
    config = Config()
    assert config.rule_settings(None, registry)["required-labels"].enabled is False
    enabled = dataclasses.replace(config, cli_enable=frozenset({"required-labels"}))
    assert enabled.rule_settings(None, registry)["required-labels"].enabled is True
    assert config.rule_settings(None, registry)["required-labels"].enabled is False
