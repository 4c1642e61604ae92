"""`kubelint completion bash|zsh|fish`, driven through each shell's own completion
machinery: the exact candidates a user gets on TAB. A shell that is not installed skips
its tests."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kubelint.cli import _parser, main
from kubelint.config import selectors
from kubelint.plugins import build_registry
from tests.helpers import ROOT

REGISTRY = build_registry()
SELECTORS = set(selectors(REGISTRY))
ZSH_HARNESS = ROOT / "tests" / "completion" / "zsh_complete.zsh"


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = _parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _flags(parser: argparse.ArgumentParser) -> set[str]:
    return {flag for action in parser._actions for flag in action.option_strings}


COMMANDS = _subparsers()


@pytest.fixture(scope="module")
def scripts(tmp_path_factory) -> dict[str, Path]:
    """Each shell's script, as `kubelint completion SHELL` prints it."""
    directory = tmp_path_factory.mktemp("completion")
    made = {}
    for shell, name in (("bash", "kubelint.bash"), ("zsh", "_kubelint"), ("fish", "kubelint.fish")):
        result = subprocess.run(
            [sys.executable, "-m", "kubelint", "completion", shell],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        assert result.stderr == ""
        made[shell] = directory / name
        made[shell].write_text(result.stdout)
    return made


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A directory to complete file names in."""
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy.yaml").write_text("")
    (tmp_path / "notes.txt").write_text("")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _bash(script: Path, line: str) -> list[str]:
    # COMP_WORDS as bash splits the line: at blanks, and around '=' (COMP_WORDBREAKS).
    words = []
    for word in line.split(" "):
        parts = word.split("=")
        for index, part in enumerate(parts):
            if index:
                words.append("=")
            if part or index == 0:
                words.append(part)
    program = (
        'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));'
        ' COMP_LINE="${*}"; _kubelint;'
        ' if (( ${#COMPREPLY[@]} )); then printf "%s\\n" "${COMPREPLY[@]}"; fi'
    )
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", program, "bash", str(script), *words],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.splitlines()


def _zsh(script: Path, line: str) -> list[str]:
    result = subprocess.run(
        ["zsh", "-f", str(ZSH_HARNESS), str(script.parent), line],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.splitlines()


def _fish(script: Path, line: str) -> list[str]:
    result = subprocess.run(
        ["fish", "--no-config", "-c", "source $argv[1]; complete -C $argv[2]", str(script), line],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [candidate.split("\t")[0] for candidate in result.stdout.splitlines()]


def _zsh_usable() -> bool:
    if shutil.which("zsh") is None:
        return False
    return subprocess.run(["zsh", "-fc", "zmodload zsh/zpty"], timeout=30).returncode == 0


SHELLS = [
    pytest.param(
        "bash",
        _bash,
        marks=pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed"),
    ),
    pytest.param(
        "zsh",
        _zsh,
        marks=pytest.mark.skipif(not _zsh_usable(), reason="zsh with zsh/zpty is not installed"),
    ),
    pytest.param(
        "fish",
        _fish,
        marks=pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed"),
    ),
]


def _inserted(candidate: str) -> str:
    """What a candidate inserts in the last item of a list, as all shells show it: bash
    and fish keep the items before it (and fish the --option=) in the candidate, zsh
    keeps them aside."""
    return candidate.rsplit("=", 1)[-1].rsplit(",", 1)[-1].rstrip("/")


@pytest.mark.parametrize(("shell", "complete"), SHELLS)
def test_every_command_and_option_is_offered(scripts, shell, complete):
    assert set(complete(scripts[shell], "kubelint ")) == set(COMMANDS)
    assert set(complete(scripts[shell], "kubelint -")) == {"-h", "--help", "--version"}
    for name, parser in COMMANDS.items():
        assert set(complete(scripts[shell], f"kubelint {name} -")) == _flags(parser), name


def _starting(prefix: str) -> set[str]:
    return {name for name in SELECTORS if name.startswith(prefix)}


CASES = [
    ("kubelint check --ena", {"--enable"}),
    ("kubelint check --enable secu", {"security"}),
    ("kubelint check --enable rb", _starting("rb")),  # the category and its rules
    ("kubelint check --enable security,rbac-w", {"rbac-wildcard"}),
    ("kubelint check --enable=secu", {"security"}),
    (
        "kubelint check --disable=security,rbac-c",
        {"rbac-cluster-admin-binding", "rbac-create-pods"},
    ),
    ("kubelint check --disable ", SELECTORS),
    ("kubelint check --format j", {"json", "junit"}),
    ("kubelint check --fail-level ", {"error", "warning", "info"}),
    ("kubelint check --kubernetes-version 1.3", {f"1.3{n}" for n in range(8)}),
    ("kubelint check --set ", set()),
    ("kubelint check --jobs ", set()),
    ("kubelint check dep", {"deploy", "deploy.yaml"}),
    ("kubelint check --config dep", {"deploy", "deploy.yaml"}),
    ("kubelint check --cache-dir dep", {"deploy"}),
    ("kubelint test dep", {"deploy"}),
    ("kubelint explain rbac-w", {"rbac-wildcard"}),
    # Rules only (a category has no page): the rbac rules, not the category rbac.
    ("kubelint explain rbac", set(REGISTRY.categories()["rbac"])),
    ("kubelint rules --format ", {"text", "json", "markdown"}),
    ("kubelint completion ", {"bash", "zsh", "fish"}),
]


@pytest.mark.parametrize(("shell", "complete"), SHELLS)
@pytest.mark.parametrize(("line", "expected"), CASES, ids=[line for line, _ in CASES])
def test_values_complete_to_exactly(scripts, workdir, shell, complete, line, expected):
    assert {_inserted(candidate) for candidate in complete(scripts[shell], line)} == expected


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_script_registers_its_function(scripts):
    result = subprocess.run(
        ["bash", "--norc", "-c", 'source "$1"; complete -p kubelint', "bash", str(scripts["bash"])],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout == "complete -F _kubelint kubelint\n"


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_replaces_the_whole_list(scripts):
    assert _bash(scripts["bash"], "kubelint check --enable security,rbac-w") == [
        "security,rbac-wildcard"
    ]


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_keeps_the_option_and_the_items_before(scripts):
    assert _fish(scripts["fish"], "kubelint check --enable=security,rbac-w") == [
        "--enable=security,rbac-wildcard"
    ]


@pytest.mark.skipif(not _zsh_usable(), reason="zsh with zsh/zpty is not installed")
def test_zsh_script_can_be_sourced_too(scripts):
    result = subprocess.run(
        [
            "zsh",
            "-f",
            str(ZSH_HARNESS),
            str(scripts["zsh"].parent),
            "kubelint check --fail-level ",
            "source",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert set(result.stdout.splitlines()) == {"error", "warning", "info"}


def test_an_unknown_shell_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["completion", "powershell"])
    assert raised.value.code == 2
    assert (
        "argument SHELL: invalid choice: 'powershell' (choose from 'bash', 'zsh', 'fish')"
        in capsys.readouterr().err
    )
