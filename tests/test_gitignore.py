"""What git ignores is not linted when kubelint walks a directory: proven equal to git's
own answer (`git ls-files`, `git check-ignore -v`) on a tree with nested .gitignore files,
negations, anchors, directory patterns and .git/info/exclude."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kubelint.cli import main
from kubelint.constants import MANIFEST_SUFFIXES
from kubelint.inputs import collect

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n"
NAMESPACE_JSON = '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}\n'

IGNORES = {
    ".gitignore": """\
        # build output
        *.tmp.yaml
        /build/
        !keep.tmp.yaml
        logs
        **/cache/**
        docs/*.yaml
        \\#hash.yaml
        [ab]x.yaml
        trailing.yaml<sp><sp><sp>
        !/build/again.yaml
        deep/**/gen-*.yml
        """,
    "app/.gitignore": """\
        !important.tmp.yaml
        local/
        /only-here.yaml
        *.json
        """,
    "app/sub/.gitignore": "!*.json\nnested/\n!nested/\n",
    ".git/info/exclude": "secret*.yaml\n!app/secret-ok.yaml\n",
}

FILES = [
    "a.yaml",
    "a.tmp.yaml",
    "keep.tmp.yaml",
    "build/x.yaml",
    "build/again.yaml",
    "sub/build/y.yaml",
    "other/logs",
    "logs.yaml",
    "logs/z.yaml",
    "app/logs/z.yaml",
    "cache.yaml",
    "x/cache/c.yaml",
    "cache/c.yaml",
    "docs/d.yaml",
    "docs/more/d.yaml",
    "app/docs/d.yaml",
    "#hash.yaml",
    "hash.yaml",
    "ax.yaml",
    "cx.yaml",
    "trailing.yaml",
    "deep/gen-1.yml",
    "deep/a/b/gen-2.yml",
    "deep/a/b/other.yml",
    "app/a.tmp.yaml",
    "app/important.tmp.yaml",
    "app/local/l.yaml",
    "app/x/local/l.yaml",
    "app/only-here.yaml",
    "app/x/only-here.yaml",
    "only-here.yaml",
    "app/c.json",
    "app/sub/c.json",
    "app/sub/nested/n.yaml",
    "secret.yaml",
    "app/secret-ok.yaml",
    "app/secret-no.yaml",
    "weird [x].yaml",
    "space dir/s.yaml",
]
MANIFESTS = [name for name in FILES if name.endswith(MANIFEST_SUFFIXES)]


def _git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "HOME": str(repo),
        "XDG_CONFIG_HOME": str(repo / ".xdg"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, env=env, check=True, timeout=60
    ).stdout


@pytest.fixture
def repo(tmp_path, monkeypatch):
    _git(tmp_path, "init", "-q", ".")
    for name, text in IGNORES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        # Trailing blanks of a pattern, which git drops, are written as <sp>.
        path.write_text(textwrap.dedent(text).replace("<sp>", " "))
    for name in FILES:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(NAMESPACE_JSON if name.endswith(".json") else NAMESPACE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _walked(paths: list[str], respect: bool = True) -> set[str]:
    inputs = collect(paths, lambda _path: False, respect_gitignore=respect)
    return {os.path.relpath(path).replace(os.sep, "/") for path in inputs.files}


def _manifests(listing: str) -> set[str]:
    return {
        path
        for path in listing.splitlines()
        if path.endswith(MANIFEST_SUFFIXES) and not os.path.basename(path).startswith(".")
    }


def test_the_walk_lints_exactly_what_git_does_not_ignore(repo):
    not_ignored = _manifests(_git(repo, "ls-files", "--others", "--exclude-standard"))
    ignored = _manifests(_git(repo, "ls-files", "--others", "--ignored", "--exclude-standard"))
    assert not_ignored | ignored == set(MANIFESTS)
    assert ignored and not_ignored  # both sides are non-trivial
    assert _walked(["."]) == not_ignored
    assert _walked(["."], respect=False) == not_ignored | ignored


def test_each_skip_names_the_pattern_git_names(repo):
    inputs = collect(["."], lambda _path: False, respect_gitignore=True)
    ours = {
        os.path.relpath(item.path) + ("/" if item.is_dir else ""): (
            os.path.relpath(item.source),
            item.line,
            item.pattern,
        )
        for item in inputs.gitignored
    }
    # git check-ignore -v: "source:line:pattern<TAB>path" for each path it ignores.
    answer = _git(repo, "check-ignore", "-v", "--no-index", *ours)
    theirs = {}
    for line in answer.splitlines():
        where, path = line.split("\t")
        source, number, pattern = where.split(":", 2)
        theirs[path] = (source, int(number), pattern)
    assert ours == theirs


def test_verbose_names_what_was_skipped(repo, capsys):
    assert main(["check", "--no-cache", "--no-color", "app"]) == 0
    assert capsys.readouterr().out == (
        "No problems in 6 files; 6 objects checked, 7 paths git ignores skipped (-v names them).\n"
    )
    assert main(["check", "--no-cache", "-v", "app"]) == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if "skipped" in line]
    assert notes == [
        "kubelint: skipped app/local/ (ignored by app/.gitignore:2: local/)",
        "kubelint: skipped app/logs/ (ignored by .gitignore:5: logs)",
        "kubelint: skipped app/a.tmp.yaml (ignored by .gitignore:2: *.tmp.yaml)",
        "kubelint: skipped app/c.json (ignored by app/.gitignore:4: *.json)",
        "kubelint: skipped app/only-here.yaml (ignored by app/.gitignore:3: /only-here.yaml)",
        "kubelint: skipped app/secret-no.yaml (ignored by .git/info/exclude:1: secret*.yaml)",
        "kubelint: skipped app/x/local/ (ignored by app/.gitignore:2: local/)",
    ]


def test_files_named_on_the_command_line_are_always_linted(repo, capsys):
    assert _walked(["a.tmp.yaml", "build/x.yaml", "app/c.json"]) == {
        "a.tmp.yaml",
        "build/x.yaml",
        "app/c.json",
    }


def test_a_named_ignored_directory_is_linted_with_the_gitignores_inside_it(repo):
    assert _walked(["build"]) == {"build/x.yaml", "build/again.yaml"}
    assert _walked(["app/local"]) == {"app/local/l.yaml"}
    # Only app/sub's own .gitignore applies under app/sub/nested: "!nested/" re-includes.
    assert _walked(["app/sub"]) == {"app/sub/c.json", "app/sub/nested/n.yaml"}


def test_a_linked_worktree_uses_the_repositorys_exclude_file(repo, tmp_path_factory):
    _git(
        repo,
        "add",
        ".gitignore",
        "app/.gitignore",
        "app/sub/.gitignore",
        "a.yaml",
        "secret.yaml",
        "app/secret-ok.yaml",
        "app/secret-no.yaml",
        "-f",
    )
    _git(repo, "-c", "user.name=k", "-c", "user.email=k@example.com", "commit", "-q", "-m", "x")
    worktree = tmp_path_factory.mktemp("linked") / "wt"
    _git(repo, "worktree", "add", "-q", str(worktree))
    os.chdir(worktree)
    assert (worktree / ".git").is_file()
    # .git/info/exclude of the repository: secret*.yaml, but !app/secret-ok.yaml.
    assert _manifests(
        _git(worktree, "ls-files", "--others", "--ignored", "--exclude-standard", "--cached")
    ) == {"secret.yaml", "app/secret-no.yaml"}
    assert _walked(["."]) == {"a.yaml", "app/secret-ok.yaml"}


def test_outside_a_git_repository_gitignore_files_mean_nothing(tmp_path, monkeypatch):
    (tmp_path / ".gitignore").write_text("*.yaml\n")
    (tmp_path / "a.yaml").write_text(NAMESPACE)
    monkeypatch.chdir(tmp_path)
    assert _walked(["."]) == {"a.yaml"}


def test_config_and_flags_turn_it_off(repo, capsys):
    (repo / ".kubelint.yaml").write_text("respect-gitignore: false\n")
    assert main(["check", "--no-cache", "--format", "json", "build"]) == 0
    assert '"files": 2' in capsys.readouterr().out
    assert main(["check", "--no-cache", "--format", "json", "."]) == 0
    assert f'"files": {len(MANIFESTS)}' in capsys.readouterr().out
    assert main(["check", "--no-cache", "--format", "json", "--respect-gitignore", "."]) == 0
    walked = len(_walked(["."]))
    assert f'"files": {walked}' in capsys.readouterr().out
    (repo / ".kubelint.yaml").unlink()
    assert main(["check", "--no-cache", "--format", "json", "--no-respect-gitignore", "."]) == 0
    assert f'"files": {len(MANIFESTS)}' in capsys.readouterr().out


def test_everything_ignored_says_so(repo, capsys):
    assert main(["check", "--no-cache", "x"]) == 2
    assert capsys.readouterr().err == (
        "kubelint: error: the only file under x is ignored by git (see -v;"
        " --no-respect-gitignore lints what git ignores)\n"
    )
    (repo / ".kubelint.yaml").write_text("exclude: [deep/a/b/other.yml]\n")
    assert main(["check", "--no-cache", "deep"]) == 2
    assert capsys.readouterr().err == (
        "kubelint: error: all 3 files under deep are excluded by the config"
        " (.kubelint.yaml) or ignored by git (see -v; --no-respect-gitignore"
        " lints what git ignores)\n"
    )


def test_a_pattern_git_cannot_match_matches_nothing(repo):
    (repo / ".gitignore").write_text("[z-a].yaml\n*.tmp.yaml\n")
    assert "a.tmp.yaml" not in _walked(["."])
    assert "a.yaml" in _walked(["."])


def test_pathspec_is_imported_only_when_a_gitignore_is_found(tmp_path):
    (tmp_path / "a.yaml").write_text(NAMESPACE)
    probe = (
        "import sys; from kubelint.inputs import collect;"
        " collect(['.'], lambda p: False, respect_gitignore=True);"
        " print('pathspec' in sys.modules)"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert run.stdout == "False\n"
    _git(tmp_path, "init", "-q", ".")
    run = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert run.stdout == "False\n"  # a repository without any ignore file
    (tmp_path / ".gitignore").write_text("*.tmp.yaml\n")
    run = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert run.stdout == "True\n"
