"""Profiles: --profile and profile: select the rules and options a run starts from
(default, strict, pss-baseline, pss-restricted, pinned versions, a config's own
profiles), below the config's settings and --enable/--disable; their errors; `kubelint
rules --profile`; the cache key."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from kubelint.cache import Cache
from kubelint.cli import main
from kubelint.config import Config, ConfigError, config_from_mapping
from tests.helpers import registry

REGISTRY = registry()
#: What every PSS profile keeps: the core rules and the suppression checks on by default
#: (suppression-without-reason stays off unless --require-reason).
CORE = {
    "file-unreadable",
    "helm-render",
    "internal-error",
    "kustomize-build",
    "kustomize-remote",
    "manifest-structure",
    "yaml-duplicate-key",
    "yaml-limits",
    "yaml-syntax",
    "invalid-suppression",
    "suppression-expired",
    "unused-suppression",
}
BASELINE = {
    "pss-apparmor",
    "pss-capabilities",
    "pss-host-namespaces",
    "pss-host-path-volumes",
    "pss-host-ports",
    "pss-host-probes",
    "pss-host-process",
    "pss-privileged-containers",
    "pss-proc-mount-type",
    "pss-seccomp",
    "pss-selinux",
    "pss-sysctls",
}
#: The controls of the restricted table; HostPath Volumes is replaced by Volume Types.
RESTRICTED_ONLY = {
    "pss-privilege-escalation",
    "pss-running-as-non-root",
    "pss-running-as-non-root-user",
    "pss-volume-types",
}
RESTRICTED = BASELINE - {"pss-host-path-volumes"} | RESTRICTED_ONLY

#: A liveness probe that names a host: PSS forbids it from policy version 1.34 on.
PROBE_HOST = textwrap.dedent("""\
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: web
          image: registry.example.com/web:1.0
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
          livenessProbe:
            httpGet: {host: 10.0.0.1, path: /healthz, port: 8080}
    """)


def _settings(config: Config) -> dict[str, tuple[bool, dict]]:
    settings = config.rule_settings(None, REGISTRY)
    return {
        rule_id: (setting.enabled, dict(setting.options)) for rule_id, setting in settings.items()
    }


def _on(config: Config) -> dict[str, dict]:
    """The rules that run, with their options."""
    return {
        rule_id: options for rule_id, (enabled, options) in _settings(config).items() if enabled
    }


def _profile(spec: str, mapping: dict | None = None) -> Config:
    return config_from_mapping(mapping or {}, REGISTRY).with_profile(spec, REGISTRY, "--profile")[0]


# --- (1) the built-in profiles ---------------------------------------------------------------


def test_default_is_the_rules_on_by_default():
    assert _settings(_profile("default")) == _settings(Config())
    assert set(_on(Config())) == {
        rule_id for rule_id, rule in REGISTRY.rules.items() if rule.enabled
    }


def test_strict_is_every_rule_with_its_defaults():
    on = _on(_profile("strict"))
    assert set(on) == set(REGISTRY.rules)
    assert on["pss-capabilities"] == {"level": "baseline", "version": None}


def test_pss_baseline_is_the_baseline_controls_and_nothing_else():
    on = _on(_profile("pss-baseline"))
    assert set(on) == CORE | BASELINE
    assert {rule_id: on[rule_id] for rule_id in BASELINE} == {
        rule_id: {"level": "baseline", "version": None} for rule_id in BASELINE
    }


def test_pss_restricted_is_the_restricted_controls_and_nothing_else():
    on = _on(_profile("pss-restricted"))
    assert set(on) == CORE | RESTRICTED
    assert {rule_id: on[rule_id] for rule_id in RESTRICTED} == {
        **{
            rule_id: {"level": "restricted", "version": None}
            for rule_id in BASELINE - {"pss-host-path-volumes"}
        },
        **{rule_id: {"version": None} for rule_id in RESTRICTED_ONLY},
    }


@pytest.mark.parametrize(
    ("spec", "version"),
    [
        ("pss-restricted:v1.33", "v1.33"),
        ("pss-restricted:1.33", "v1.33"),
        ("pss-restricted:latest", "latest"),
        ("pss-baseline:v1.40", "v1.40"),
    ],
)
def test_a_version_pins_every_control(spec, version):
    config = _profile(spec)
    on = _on(config)
    level = spec.split(":")[0].removeprefix("pss-")
    controls = RESTRICTED if level == "restricted" else BASELINE
    assert set(on) == CORE | controls
    assert {on[rule_id]["version"] for rule_id in controls} == {version}
    assert (config.pss_level, config.pss_version) == (level, version)
    assert config.pod_security_policy == f"{level}:{version}"


def test_the_policy_without_a_version_is_the_target_kubernetes_version():
    config = _profile("pss-restricted", {"kubernetes-version": "1.31"})
    assert config.pod_security_policy == "restricted:v1.31"
    assert _profile("strict").pod_security_policy is None


# --- (2) a pinned version decides the verdict -------------------------------------------------


def _json(capsys, *args: str) -> tuple[int, dict]:
    code = main(["check", "--no-config", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_the_verdict_follows_the_pinned_version(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pod.yaml").write_text(PROBE_HOST)
    code, before = _json(capsys, "--profile", "pss-baseline:v1.33", "pod.yaml")
    assert (code, before["findings"]) == (0, [])
    assert [entry["level"] for entry in before["pod_security"]] == ["restricted"]
    code, after = _json(capsys, "--profile", "pss-baseline:v1.34", "pod.yaml")
    assert code == 1
    assert [(f["rule"], f["line"], f["message"]) for f in after["findings"]] == [
        (
            "pss-host-probes",
            16,
            'would violate PodSecurity "baseline:v1.34": probe or'
            ' lifecycle host (container "web" uses probe or lifecycle host "10.0.0.1")',
        )
    ]
    assert [entry["level"] for entry in after["pod_security"]] == ["privileged"]
    # Unpinned, the target version decides.
    assert (
        _json(capsys, "--profile", "pss-baseline", "--kubernetes-version", "1.33", "pod.yaml")[0]
        == 0
    )
    assert _json(capsys, "--profile", "pss-baseline", "pod.yaml")[0] == 1


# --- (3) where the profile sits among the settings --------------------------------------------


def test_the_config_and_the_command_line_win_over_the_profile(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pod.yaml").write_text(
        PROBE_HOST.replace("10.0.0.1", "1.2.3.4").replace("registry.example.com/web:1.0", "web")
    )
    (tmp_path / ".kubelint.yaml").write_text(
        textwrap.dedent("""\
        profile: pss-restricted
        enable: [image-tag-latest]
        rules:
          pss-host-probes: {severity: warning}
        """)
    )
    assert main(["check", "--format", "json", "--disable", "pss-seccomp", "pod.yaml"]) == 0
    found = [
        (f["rule"], f["severity"], f["line"])
        for f in json.loads(capsys.readouterr().out)["findings"]
    ]
    assert found == [("image-tag-latest", "warning", 11), ("pss-host-probes", "warning", 16)]
    # --profile replaces the config's profile; the config's settings still apply after it.
    # (`rules:` naming pss-host-probes turns it on, at its default level.)
    assert main(["check", "--format", "json", "--profile", "default", "pod.yaml"]) == 0
    found = [(f["rule"], f["line"]) for f in json.loads(capsys.readouterr().out)["findings"]]
    assert found == [
        ("naked-pod", 3),
        ("service-account-token-automount", 5),
        ("ephemeral-storage-missing", 10),
        ("resources-limits-missing", 10),
        ("resources-requests-missing", 10),
        ("image-tag-latest", 11),
        ("readonly-root-fs", 12),
        ("pss-host-probes", 16),
    ]


def test_config_options_replace_the_profiles():
    config = _profile(
        "pss-restricted:v1.30", {"rules": {"pss-capabilities": {"level": "baseline"}}}
    )
    assert _on(config)["pss-capabilities"] == {"level": "baseline", "version": "v1.30"}


def test_a_control_selector_adds_to_a_profile():
    on = _on(_profile("pss-baseline", {"enable": ["cis:5.1.*"]}))
    assert set(on) == CORE | BASELINE | {
        "default-service-account",
        "rbac-cluster-admin-binding",
        "rbac-create-pods",
        "rbac-escalate-bind-impersonate",
        "rbac-secrets-access",
        "rbac-wildcard",
        "service-account-token-automount",
    }


# --- (4) a config's own profiles --------------------------------------------------------------

PLATFORM = textwrap.dedent("""\
    profile: platform
    profiles:
      platform:
        extends: team
        enable: [image-tag-latest]
        disable: [pss-seccomp]
        rules:
          pss-capabilities: {severity: warning}
      team:
        extends: pss-restricted:v1.33
        disable: [pss-sysctls]
    """)


def _config(tmp_path: Path, text: str) -> Config:
    from kubelint.lint import resolve_config

    (tmp_path / ".kubelint.yaml").write_text(text)
    return resolve_config(str(tmp_path / ".kubelint.yaml"))[0]


def test_a_named_profile_extends_another(tmp_path):
    config = _config(tmp_path, PLATFORM)
    on = _on(config)
    assert set(on) == CORE | RESTRICTED - {"pss-seccomp", "pss-sysctls"} | {"image-tag-latest"}
    assert on["pss-apparmor"] == {"level": "restricted", "version": "v1.33"}
    settings = config.rule_settings(None, REGISTRY)
    assert settings["pss-capabilities"].severity == "warning"
    assert config.pod_security_policy == "restricted:v1.33"


def test_a_profile_defined_in_a_base_config_is_used_and_replaced_by_name(tmp_path):
    (tmp_path / "base.yaml").write_text(
        "profiles:\n  team: {extends: pss-baseline}\n  other: {extends: strict}\n"
    )
    config = _config(
        tmp_path, "extends: base.yaml\nprofile: team\nprofiles:\n  other: {extends: team}\n"
    )
    assert set(_on(config)) == CORE | BASELINE
    config, _ = config.with_profile("other", REGISTRY, "--profile")
    assert set(_on(config)) == CORE | BASELINE


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "profile: platfrom\nprofiles:\n  platform: {}\n",
            ".kubelint.yaml:1:1: unknown profile 'platfrom' (did you mean 'platform'?); the"
            " profiles"
            " are default, strict, pss-baseline, pss-restricted, platform",
        ),
        (
            "profiles:\n  a:\n    extends: b\n  b:\n    extends: a\n",
            ".kubelint.yaml:5:5: profile 'b' extends 'a', a cycle: a -> b -> a",
        ),
        (
            "profiles:\n  a:\n    extends: a\n",
            ".kubelint.yaml:3:5: profile 'a' extends 'a', a cycle: a -> a",
        ),
        (
            "profiles:\n  a:\n    extends: pss-restricted:v1.x\n",
            ".kubelint.yaml:3:5: profile 'pss-restricted:v1.x': the version is 'latest' or 'v1.N',"
            " as PSA's enforce-version label writes it (pss-restricted:v1.33)",
        ),
        (
            "profiles:\n  a:\n    extends: strict:v1.33\n",
            ".kubelint.yaml:3:5: profile 'strict' takes no version; only the pss-* profiles do",
        ),
        (
            "profiles:\n  a:\n    extends: stric\n",
            ".kubelint.yaml:3:5: unknown profile 'stric' (did you mean 'strict'?); the profiles are"
            " default, strict, pss-baseline, pss-restricted, a",
        ),
        (
            "profile: a:v1.30\nprofiles:\n  a: {extends: pss-baseline}\n",
            ".kubelint.yaml:1:1: profile 'a' takes no version; pin the version where it extends a"
            " PSS profile (extends: pss-restricted:v1.33)",
        ),
        (
            "profiles:\n  strict: {extends: default}\n",
            ".kubelint.yaml:2:3: 'strict' is one of kubelint's profiles; give yours another name"
            " (it"
            " may extend it)",
        ),
        (
            "profiles:\n  a: {extend: strict}\n",
            ".kubelint.yaml:2:7: unknown setting 'extend' (did you mean 'extends'?)",
        ),
        (
            "profiles:\n  Team: {}\n",
            ".kubelint.yaml:2:3: profiles: 'Team' is not a profile name: lower-case words joined by"
            " '-' (team-restricted)",
        ),
        (
            "profiles:\n  a:\n    enable: [securty]\n",
            ".kubelint.yaml:3:14: unknown rule or category 'securty' (did you mean 'security'?);"
            " `kubelint rules` lists them",
        ),
        (
            "profiles:\n  a:\n    rules:\n      pss-seccomp: {levle: restricted}\n",
            ".kubelint.yaml:4:21: rule 'pss-seccomp' has no option 'levle' (did you mean 'level'?);"
            " it accepts: enabled, severity, level, version",
        ),
        ("profile: 3\n", ".kubelint.yaml:1:1: profile: 3 is not of type 'string'"),
    ],
)
def test_profile_config_errors(tmp_path, monkeypatch, capsys, text, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".kubelint.yaml").write_text(text)
    (tmp_path / "pod.yaml").write_text(PROBE_HOST)
    assert main(["check", "pod.yaml"]) == 2
    assert capsys.readouterr().err == f"kubelint: error: {tmp_path}/{message}\n"


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        (
            "pss-restrcted",
            "--profile: unknown profile 'pss-restrcted' (did you mean"
            " 'pss-restricted'?); the profiles are default, strict, pss-baseline, pss-restricted",
        ),
        (
            "default:v1.33",
            "--profile: profile 'default' takes no version; only the pss-* profiles do",
        ),
        (
            "pss-baseline:v2.0",
            "--profile: profile 'pss-baseline:v2.0': the version is 'latest' or"
            " 'v1.N', as PSA's enforce-version label writes it (pss-restricted:v1.33)",
        ),
    ],
)
def test_profile_command_line_errors(tmp_path, monkeypatch, capsys, profile, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pod.yaml").write_text(PROBE_HOST)
    assert main(["check", "--no-config", "--profile", profile, "pod.yaml"]) == 2
    assert capsys.readouterr().err == f"kubelint: error: {message}\n"
    assert main(["rules", "--profile", profile]) == 2
    assert capsys.readouterr().err == f"kubelint: error: {message}\n"


def test_the_api_resolves_a_mappings_profile():
    config = config_from_mapping({"profile": "pss-baseline:v1.30"}, REGISTRY)
    assert set(_on(config)) == CORE | BASELINE
    with pytest.raises(ConfigError) as raised:
        config_from_mapping({"profile": "pss"}, REGISTRY)
    assert str(raised.value) == (
        "<config>:1: unknown profile 'pss'; the profiles are"
        " default, strict, pss-baseline, pss-restricted"
    )


# --- (5) kubelint rules --profile ---------------------------------------------------------------


def test_rules_lists_what_a_profile_runs_with_its_options(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".kubelint.yaml").write_text(PLATFORM)
    assert main(["rules", "--profile", "platform"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (
        "profile platform (extends team -> pss-restricted:v1.33): the Pod"
        " Security Standards restricted level at policy version v1.33, the core"
        " rules and the suppression checks, with its own settings"
    )
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == CORE | RESTRICTED - {"pss-seccomp", "pss-sysctls"} | {"image-tag-latest"}
    assert rows["pss-capabilities"].split()[:4] == ["pss-capabilities", "warning", "on", "pss"]
    assert rows["pss-capabilities"].endswith("  [level=restricted, version=v1.33]")
    assert rows["pss-volume-types"].endswith(" forbids  [version=v1.33]")
    assert rows["yaml-syntax"].endswith("the file is not valid YAML or JSON")  # defaults
    assert main(["rules", "--profile", "pss-baseline", "--format", "json"]) == 0
    listed = {r["id"]: r["options"] for r in json.loads(capsys.readouterr().out)}
    # --profile replaces the config's profile, and the settings that were its own.
    assert set(listed) == CORE | BASELINE
    assert listed["pss-selinux"] == {"level": "baseline", "version": None}


def test_rules_says_the_unpinned_version_is_the_targets(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".kubelint.yaml").write_text('kubernetes-version: "1.32"\n')
    assert main(["rules", "--profile", "pss-baseline"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "profile pss-baseline: the Pod Security Standards baseline level at policy version"
        " v1.32 (the target Kubernetes version), the core rules and the suppression checks"
    )


# --- (6) the cache ------------------------------------------------------------------------------


def test_the_profile_is_part_of_the_cache_key(tmp_path):
    scopes = set()
    for spec in ("default", "strict", "pss-restricted", "pss-restricted:v1.33"):
        config = _profile(spec)
        scopes.add(Cache(str(tmp_path), config, REGISTRY)._scope)
    assert len(scopes) == 4
    again = _profile("pss-restricted:v1.33")
    assert Cache(str(tmp_path), again, REGISTRY)._scope in scopes
