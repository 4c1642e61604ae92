"""The cache: a cached run reports byte for byte what an uncached run does, before and
after edits; it is ignored when planted, and says so when it cannot be written."""

from __future__ import annotations

import os
import pickle
import textwrap

import pytest

from kubelint.cli import main
from tests.test_jobs import _found, _tree

SECOND_DEPLOYMENT = textwrap.dedent("""\
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: webb, namespace: shop}
    spec:
      replicas: 2
      selector: {matchLabels: {app: webb}}
      template:
        metadata: {labels: {app: webb}}
        spec:
          containers:
            - name: web
              image: nginx:latest
    """)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.setenv("KUBELINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    root.mkdir()
    _tree(root)
    monkeypatch.chdir(root)
    return root


def _check(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["check", "--no-config", "--format", "json", *args, "."])
    out, err = capsys.readouterr()
    return code, out, err


def _entries(directory) -> int:
    return sum(
        1 for _, _, files in os.walk(directory) for name in files if not name.startswith(".")
    )  # not .gitignore, .pruned


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cached_runs_report_what_uncached_runs_do(repo, capsys, jobs):
    uncached = _check(capsys, "--no-cache")
    assert '"pod_security": [' in uncached[1]  # kept in the cache too
    assert not (repo.parent / "cache").exists()
    assert _check(capsys, "--jobs", jobs) == uncached  # fills the cache
    assert _entries(repo.parent / "cache") == 14  # 13 files and the run
    with pytest.MonkeyPatch.context() as patch:  # from the cache: nothing is checked
        patch.setattr("kubelint.pipeline._check", None)
        assert _check(capsys, "--jobs", jobs) == uncached
    # An edit that changes a local finding and a cross-resource one elsewhere: the
    # Service in app/svc.yaml now selects the new Deployment's pods.
    (repo / "app" / "deploy2.yaml").write_text(SECOND_DEPLOYMENT)
    edited = _check(capsys, "--no-cache")
    assert ("service-selector-no-match", "app/svc.yaml", 5) in _found(uncached[1])
    assert ("service-selector-no-match", "app/svc.yaml", 5) not in _found(edited[1])
    assert ("image-tag-latest", "app/deploy2.yaml", 12) in _found(edited[1])
    assert _check(capsys, "--jobs", jobs) == edited
    assert _check(capsys, "--jobs", jobs) == edited
    (repo / "app" / "deploy2.yaml").unlink()
    assert _check(capsys, "--jobs", jobs) == uncached


def test_settings_are_part_of_the_key(repo, capsys):
    everything = _check(capsys)
    fewer = _check(capsys, "--disable", "pdb-missing")
    assert ("pdb-missing", "app/deploy.yaml", 5) in _found(everything[1])
    assert ("pdb-missing", "app/deploy.yaml", 5) not in _found(fewer[1])
    assert _check(capsys, "--kubernetes-version", "1.30") == _check(
        capsys, "--kubernetes-version", "1.30", "--no-cache"
    )


def test_the_cache_directory_is_never_committed(repo, capsys, monkeypatch):
    monkeypatch.delenv("KUBELINT_CACHE_DIR")
    _check(capsys)
    assert (repo / ".kubelint_cache" / ".gitignore").read_text().endswith("\n*\n")
    _check(capsys, "--cache-dir", "elsewhere")
    assert (repo / "elsewhere" / ".gitignore").exists()


class _Planted:
    """Unpickling this would create a file: the cache must never unpickle it."""

    def __reduce__(self):
        return (open, (os.path.abspath("planted-ran"), "w"))


def test_a_planted_entry_is_not_unpickled(repo, capsys):
    expected = _check(capsys, "--no-cache")
    _check(capsys)  # fills the cache; now replace every entry with a hostile one
    for directory, _dirs, files in os.walk(repo.parent / "cache"):
        for name in files:
            if name != ".gitignore":
                with open(os.path.join(directory, name), "wb") as handle:
                    handle.write(b"\0" * 32 + pickle.dumps(_Planted()))
    assert _check(capsys) == expected
    assert not (repo / "planted-ran").exists()


def test_a_cache_that_cannot_be_written_is_a_warning(repo, capsys, monkeypatch):
    (repo.parent / "a-file").write_text("")
    monkeypatch.setenv("KUBELINT_CACHE_DIR", str(repo.parent / "a-file" / "cache"))
    code, out, err = _check(capsys)
    assert (code, out) == _check(capsys, "--no-cache")[:2]
    assert err == (
        f"kubelint: warning: the cache in {repo.parent / 'a-file' / 'cache'}"
        " cannot be written: Not a directory; run with --no-cache to skip it\n"
    )


def test_a_damaged_signing_key_is_replaced(repo, capsys, monkeypatch):
    home = repo.parent / "home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    (home / "kubelint").mkdir(parents=True)
    (home / "kubelint" / "cache-key").write_bytes(b"short")
    expected = _check(capsys, "--no-cache")
    assert _check(capsys) == expected  # no warning: the cache is on
    key = (home / "kubelint" / "cache-key").read_bytes()
    assert len(key) == 32
    assert os.listdir(home / "kubelint") == ["cache-key"]
    assert _entries(repo.parent / "cache") > 0
    assert _check(capsys) == expected  # entries signed with the new key load
    assert (home / "kubelint" / "cache-key").read_bytes() == key


def test_old_entries_are_pruned(repo, capsys):
    from kubelint.cache import MAX_AGE_DAYS, Cache
    from kubelint.config import Config
    from kubelint.plugins import build_registry

    expected = _check(capsys)
    cache_dir = repo.parent / "cache"
    entries = [
        os.path.join(folder, name)
        for folder, _dirs, names in os.walk(cache_dir)
        for name in names
        if not name.startswith(".")
    ]
    assert len(entries) == 14
    old = entries[0]
    long_ago = os.stat(old).st_mtime - (MAX_AGE_DAYS + 1) * 86_400
    os.utime(old, (long_ago, long_ago))
    cache = Cache(str(cache_dir), Config(), build_registry())
    cache.prune()  # pruned less than a day ago, by the run: nothing happens
    assert os.path.exists(old)
    cache.prune(now=os.stat(cache_dir / ".pruned").st_mtime + 86_400)
    assert not os.path.exists(old)
    assert all(os.path.exists(entry) for entry in entries[1:])
    assert _check(capsys) == expected  # the pruned entry is made again


def test_unreadable_files_are_told_apart(repo, capsys):
    # Two runs whose readable files are the same, each with another unreadable file.
    for name in ("x.yaml", "y.yaml"):
        (repo / name).symlink_to(repo / "gone.yaml")  # a dangling link cannot be read
    found = []
    for name in ("x.yaml", "y.yaml"):
        main(["check", "--no-config", "--format", "json", "config-0.yaml", name])
        found.append(_found(capsys.readouterr().out))
    assert ("file-unreadable", "x.yaml", 1) in found[0]
    assert ("file-unreadable", "y.yaml", 1) in found[1]
