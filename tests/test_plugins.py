"""Plugins: local and installed (entry points), the example plugin, and failures that
must fail the run (exit 2) or stay contained to one rule (internal-error)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from kubelint import lint_text
from kubelint.cli import main
from kubelint.config import Config
from kubelint.lint import Linter
from kubelint.loader import load_text
from kubelint.model import SourceFile
from kubelint.plugins import build_registry
from tests.helpers import ROOT

DEPLOYMENT = textwrap.dedent("""\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers:
            - name: web
              image: nginx:1.27
              livenessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 1}
    """)

CRASHING_PLUGIN = textwrap.dedent("""\
    from kubelint.api import hookimpl, rule

    @rule(id="always-crashes", severity="warning", summary="divides by zero")
    def check(obj, ctx):
        '''Crashes on every object.'''
        yield ctx.violation((), str(1 / 0))

    @hookimpl
    def kubelint_rules():
        return [check]
    """)


def test_example_plugin_from_config(tmp_path, monkeypatch, capsys):
    (tmp_path / "web.yaml").write_text(DEPLOYMENT)
    plugin = ROOT / "examples" / "plugins" / "team_label.py"
    (tmp_path / ".kubelint.yaml").write_text(
        f"plugins: [{plugin}]\nrules:\n  team-label-missing:\n    label: owner\n"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--fail-level", "warning", "--format", "json", "."]) == 1
    out = capsys.readouterr().out
    assert '"rule": "team-label-missing"' in out
    assert "Deployment 'web' has no 'owner' label" in out
    assert main(["explain", "team-label-missing"]) == 0
    assert "## Use instead" in capsys.readouterr().out


def test_plugin_by_module_name_relative_to_the_config(tmp_path, monkeypatch, capsys):
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "crashy.py").write_text(CRASHING_PLUGIN)
    (tmp_path / ".kubelint.yaml").write_text("plugins: [policies.crashy]\n")
    (tmp_path / "web.yaml").write_text(DEPLOYMENT)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-color", "."]) == 1
    out = capsys.readouterr().out
    # The crash is contained: one internal-error naming rule and object, others still run.
    assert (
        "web.yaml:1:1: error internal-error rule 'always-crashes' crashed on Deployment"
        " web: ZeroDivisionError: division by zero (please report this)"
    ) in out
    assert "web.yaml:13:11: warning liveness-initial-delay" in out


@pytest.mark.parametrize("entry", ["policies/crashy.py", "policies.crashy"])
def test_a_local_plugin_leaves_no_bytecode_beside_it(tmp_path, monkeypatch, entry):
    # Even where Python writes bytecode (PYTHONDONTWRITEBYTECODE unset), a plugin of the
    # user's repository is imported without a __pycache__ littering it.
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "crashy.py").write_text(CRASHING_PLUGIN)
    (tmp_path / ".kubelint.yaml").write_text(f"plugins: [{entry}]\n")
    (tmp_path / "web.yaml").write_text(DEPLOYMENT)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    monkeypatch.delitem(sys.modules, "policies", raising=False)
    monkeypatch.delitem(sys.modules, "policies.crashy", raising=False)
    assert main(["check", "--no-cache", "--quiet", "."]) == 1
    assert sorted(path.name for path in (tmp_path / "policies").iterdir()) == ["crashy.py"]
    assert sys.dont_write_bytecode is False


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "import not_a_module_anywhere\n",
            "plugin 'broken.py' failed to load: ModuleNotFoundError: No module named"
            " 'not_a_module_anywhere'",
        ),
        ("def oops(:\n", "plugin 'broken.py' failed to load: SyntaxError"),
        (
            "from kubelint.api import hookimpl, rule\n"
            "@rule(id='liveness-initial-delay', severity='error', summary='x')\n"
            "def check(obj, ctx):\n    return []\n"
            "@hookimpl\ndef kubelint_rules():\n    return [check]\n",
            "rule 'liveness-initial-delay' is defined twice",
        ),
        (
            "from kubelint.api import hookimpl\n@hookimpl\ndef kubelint_rules():\n"
            "    raise RuntimeError('no licence')\n",
            "failed while listing its rules: RuntimeError: no licence",
        ),
        (
            "from kubelint.api import hookimpl\n@hookimpl\ndef kubelint_rules():\n"
            "    return ['not a rule']\n",
            "expected rules made with kubelint.api.rule",
        ),
        # A plugin never decides the exit status: sys.exit at import or in a hook is an error.
        ("import sys\nsys.exit(0)\n", "plugin 'broken.py' failed to load: it called sys.exit(0)"),
        (
            "import sys\nfrom kubelint.api import hookimpl\n@hookimpl\ndef kubelint_rules():\n"
            "    sys.exit(3)\n",
            "failed while listing its rules: it called sys.exit(3)",
        ),
    ],
)
def test_a_plugin_that_fails_fails_the_run(tmp_path, monkeypatch, capsys, source, message):
    (tmp_path / "broken.py").write_text(source)
    (tmp_path / ".kubelint.yaml").write_text("plugins: [broken.py]\n")
    (tmp_path / "web.yaml").write_text(DEPLOYMENT)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "."]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err and "Traceback" not in captured.err


def _install_fake_distribution(site, entry_point, group="kubelint"):
    dist = site / "kubelint_demo-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: kubelint-demo\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[{group}]\ndemo = {entry_point}\n")


def test_installed_plugin_through_its_entry_point(tmp_path):
    site = tmp_path / "site"
    _install_fake_distribution(site, "team_label")
    (site / "team_label.py").write_text((ROOT / "examples/plugins/team_label.py").read_text())
    (tmp_path / "web.yaml").write_text(DEPLOYMENT)
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-m", "kubelint", "rules"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert "team-label-missing" in result.stdout
    result = subprocess.run(
        [sys.executable, "-m", "kubelint", "check", "--no-color", "."],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    # No labels at all: reported at metadata, the nearest ancestor that exists.
    assert (
        "web.yaml:3:1: warning team-label-missing Deployment 'web' has no 'team' label"
        in result.stdout
    )


# A distribution's entry points as importlib.metadata reads them: section headers are
# stripped lines in brackets, and only the exact group name counts.
@pytest.mark.parametrize(
    ("entry_points", "declared"),
    [
        ("[kubelint]\ndemo = team_label\n", True),
        (
            "# comment\n[console_scripts]\ndemo = x:main\n\n  [kubelint]  \ndemo = team_label\n",
            True,
        ),
        ("[console_scripts]\nkubelint = kubelint.cli:main\n", False),
        ("[kubelint.extras]\ndemo = team_label\n[pytest11]\nkubelint = kubelint_pytest\n", False),
    ],
)
def test_entry_point_group_is_found_in_installed_metadata(tmp_path, entry_points, declared):
    from kubelint.plugins import ENTRY_POINT_GROUP, declares_entry_points

    for suffix in ("dist-info", "egg-info"):
        dist = tmp_path / suffix / f"demo-1.0.{suffix}"
        dist.mkdir(parents=True)
        (dist / "entry_points.txt").write_text(entry_points)
        assert declares_entry_points(ENTRY_POINT_GROUP, [str(dist.parent)]) is declared
    assert declares_entry_points(ENTRY_POINT_GROUP, [str(tmp_path / "missing")]) is False


@pytest.mark.parametrize(("group", "loaded"), [("kubelint", True), ("console_scripts", False)])
def test_installed_plugins_are_looked_up_only_when_a_distribution_declares_them(
    tmp_path, group, loaded
):
    # A distribution that declares the group is loaded through pluggy (importlib.metadata);
    # without one, importlib.metadata is never imported, which keeps one-file runs fast.
    site = tmp_path / "site"
    _install_fake_distribution(site, "team_label", group=group)
    (site / "team_label.py").write_text((ROOT / "examples/plugins/team_label.py").read_text())
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = (
        "import sys\nfrom kubelint.plugins import build_registry\n"
        "rules = build_registry().rules\n"
        "print('team-label-missing' in rules, 'importlib.metadata' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(loaded), str(loaded)]


def test_installed_plugin_that_fails_to_import(tmp_path):
    site = tmp_path / "site"
    _install_fake_distribution(site, "missing_module_for_kubelint")
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-m", "kubelint", "check", "."],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 2
    assert "an installed kubelint plugin failed to load: ModuleNotFoundError" in result.stderr
    assert "Traceback" not in result.stderr


def test_builtin_rules_come_through_the_plugin_hooks():
    import pluggy

    from kubelint import builtin, hookspecs

    manager = pluggy.PluginManager("kubelint")
    manager.add_hookspecs(hookspecs)
    manager.register(builtin)
    [rules] = manager.hook.kubelint_rules()
    assert {r.id for r in rules} == set(build_registry().rules)
    [formatters] = manager.hook.kubelint_formatters()
    assert {"text", "json"} <= set(formatters)


def test_every_rule_module_is_registered():
    import importlib

    from kubelint.builtin import builtin_rule_modules
    from kubelint.rule import Rule

    modules = builtin_rule_modules()
    assert len(modules) == len({m.rsplit(".", 1)[-1] for m in modules})
    for name in modules:
        module = importlib.import_module(name)
        rules = [v for v in vars(module).values() if isinstance(v, Rule)]
        assert len(rules) == 1, f"{name} must define exactly one rule"
    # Helper modules (``_``-prefixed) are not rules.
    files = sorted(p for p in (ROOT / "rules").rglob("*.py") if not p.name.startswith("_"))
    assert len(files) == len(modules)


def test_rule_crash_inside_a_generator_is_contained():
    from kubelint.rule import rule

    @rule(id="lazy-crash", severity="info", summary="crashes midway")
    def check(obj, ctx):
        yield ctx.violation(("metadata",), "first")
        raise KeyError("spec")

    from types import SimpleNamespace

    from kubelint.plugins import hookimpl

    registry = build_registry(extra=[SimpleNamespace(kubelint_rules=hookimpl(lambda: [check]))])
    loaded = load_text(DEPLOYMENT, SourceFile("d.yaml", DEPLOYMENT))
    others = set(registry.rules) - {"lazy-crash", "internal-error"}
    findings = Linter(Config(cli_disable=others), registry).run([loaded]).findings
    assert [(f.rule, f.line) for f in findings] == [("internal-error", 1)]
    assert "KeyError" in findings[0].message


def test_lint_text_is_the_library_entry_point():
    findings = lint_text(DEPLOYMENT, filename="web.yaml")
    liveness = [(f.file, f.line, f.column) for f in findings if f.rule == "liveness-initial-delay"]
    assert liveness == [("web.yaml", 13, 11)]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "    import sys\n    sys.exit(0)\n",
            "rule 'exits' crashed on Deployment web: it called sys.exit(0) (please report this)",
        ),
        (
            "    yield 'a string'\n",
            "rule 'exits' yielded str 'a string' on Deployment web, not a Violation (ctx.violation"
            " makes one; please report this)",
        ),
    ],
)
def test_a_rule_that_exits_or_yields_junk_is_an_internal_error(
    tmp_path, monkeypatch, body, message
):
    (tmp_path / "exits.py").write_text(
        "from kubelint.api import hookimpl, rule\n"
        "@rule(id='exits', severity='info', summary='exits')\n"
        f"def check(obj, ctx):\n{body}"
        "@hookimpl\ndef kubelint_rules():\n    return [check]\n"
    )
    (tmp_path / ".kubelint.yaml").write_text("plugins: [exits.py]\n")
    (tmp_path / "web.yaml").write_text(DEPLOYMENT)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kubelint",
            "check",
            "--disable",
            "all",
            "--enable",
            "exits,internal-error",
            "--no-color",
            "web.yaml",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0] == f"web.yaml:1:1: error internal-error {message}"


def test_a_formatter_that_exits_is_an_error(tmp_path):
    (tmp_path / "fmt.py").write_text(
        "import sys\nfrom kubelint.api import hookimpl\n@hookimpl\n"
        "def kubelint_formatters():\n    return {'quiet': lambda report, ctx: sys.exit(0)}\n"
    )
    (tmp_path / ".kubelint.yaml").write_text("plugins: [fmt.py]\n")
    (tmp_path / "web.yaml").write_text(DEPLOYMENT)
    result = subprocess.run(
        [sys.executable, "-m", "kubelint", "check", "--format", "quiet", "web.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (result.returncode, result.stderr) == (
        2,
        "kubelint: error: the 'quiet' formatter failed: it called sys.exit(0)\n",
    )


def test_the_readme_names_only_what_kubelint_api_has():
    import re

    import kubelint.api

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"kubelint\.api\.([A-Za-z_]+)", readme))
    assert named and named <= set(kubelint.api.__all__)
