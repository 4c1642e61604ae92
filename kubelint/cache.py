"""The cache: a re-run over an unchanged tree reads the files, finds them unchanged and
prints the last report; a changed file is parsed and checked again on its own.

Like ruff's, it lives in ``.kubelint_cache`` beside the configuration file (the working
directory without one), or where ``--cache-dir`` or ``KUBELINT_CACHE_DIR`` say, with a
``.gitignore`` inside so that it is never committed. ``--no-cache`` turns it off.

What is kept, under a key made of kubelint's version and code, the Python version, the
effective configuration and everything it names (the config files, the bases they
extend, plugins, policies, CRD files):

* per file, by its path and content: the findings of checks that read only their
  object, which rules read other objects (``kubelint.rule.Evaluation``), the objects'
  data (the other files' cross-resource checks need them), the file's suppression
  comments, and where the last cross-resource findings were (so they are located again
  without parsing the file);
* per run, by every file's key and the rendered charts' and overlays' text: the report
  before the run's decisions (suppressions and their dates, ``--min-severity``), which
  are made again on every run: a suppression's ``until`` date may have passed since.

Checks that read other objects run again whenever any file changed, over every object,
so a cached run reports exactly what an uncached one does (a test compares them byte for
byte, before and after edits).

Entries are pickles signed with a key kept outside the repository (in the user's cache
directory), so a cache directory planted in a repository is never unpickled: reading a
pickle can run code.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import os
import pickle
import stat
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from kubelint import __version__
from kubelint.config import Config
from kubelint.plugins import Registry

CACHE_DIR_NAME = ".kubelint_cache"
#: Entries not written for this long are deleted (``Cache.prune``).
MAX_AGE_DAYS = 30
#: Bumped when what an entry holds changes shape.
_LAYOUT = 2
_GITIGNORE = "# Created by kubelint: the cache is never committed.\n*\n"


@dataclass(eq=False)
class FileEntry:
    """What the cache keeps of one file (see the module's docstring)."""

    result: Any  # kubelint.engine.FileResult, its cross findings left out
    #: (data, template) of each object, in order.
    objects: list[tuple[Any, str | None]] = field(default_factory=list)
    #: (object number, data, template) of its CRDs and kubelint Policies.
    definitions: list[tuple[int, Any, str | None]] = field(default_factory=list)


@dataclass(eq=False)
class RunEntry:
    """A whole run's findings before its decisions (``kubelint.engine.Collected``): the
    run decides again on every use, since a suppression may have expired since."""

    findings: list[Any]
    summary: Any
    notes: list[str]
    warnings: list[str]
    pod_security: list[Any] = field(default_factory=list)
    suppressions: list[Any] = field(default_factory=list)


def default_directory(config: Config) -> str:
    """Where the cache lives unless told: ``KUBELINT_CACHE_DIR``, else beside the config
    file (the working directory without one)."""
    configured = os.environ.get("KUBELINT_CACHE_DIR")
    if configured:
        return configured
    base = os.path.dirname(config.path) if config.path else os.getcwd()
    return os.path.join(base, CACHE_DIR_NAME)


class Cache:
    """One configuration's entries in a cache directory."""

    def __init__(self, directory: str, config: Config, registry: Registry):
        self.directory = directory
        self._secret = _secret()
        self._scope = os.path.join(directory, _digest(_configuration(config, registry)))
        self._made: set[str] = set()  # folders known to exist
        #: Why entries could not be written (said once, as a warning).
        self.problem: str | None = None
        if self._secret is None:
            self.problem = (
                "the cache is off: its signing key cannot be kept in the user's"
                " cache directory (XDG_CACHE_HOME or ~/.cache); run with"
                " --no-cache to skip it"
            )

    # -- keys ------------------------------------------------------------------------------
    def file_key(self, shown: str, fs_path: str, data: bytes) -> str:
        return _digest("file", shown, fs_path, hashlib.blake2b(data).hexdigest())

    def run_key(self, file_keys: list[str], rendered_texts: list[str]) -> str:
        return _digest("run", *file_keys, *rendered_texts)

    # -- entries ---------------------------------------------------------------------------
    def load(self, key: str) -> Any:
        """The entry under ``key``, or None (absent, unsigned, corrupt)."""
        if self._secret is None:
            return None
        try:
            with open(self._path(key), "rb") as handle:
                blob = handle.read()
        except OSError:
            return None
        signature, payload = blob[:32], blob[32:]
        if not hmac.compare_digest(signature, _sign(self._secret, payload)):
            return None
        try:
            return pickle.loads(payload)
        except Exception:  # written by another Python, truncated by a full disk, ...
            return None

    def save(self, key: str, entry: Any) -> None:
        if self._secret is None or self.problem is not None:
            return
        payload = pickle.dumps(entry, pickle.HIGHEST_PROTOCOL)
        path = self._path(key)
        try:
            folder = os.path.dirname(path)
            if folder not in self._made:
                os.makedirs(folder, exist_ok=True)
                self._mark()
                self._made.add(folder)
            # Written aside and renamed: a concurrent run never reads half an entry.
            temporary = f"{path}.{os.getpid()}.tmp"
            with open(temporary, "wb") as handle:
                handle.write(_sign(self._secret, payload) + payload)
            os.replace(temporary, path)
        except OSError as error:
            self.problem = (
                f"the cache in {self.directory} cannot be written:"
                f" {error.strerror or error}; run with --no-cache to skip it"
            )

    def prune(self, now: float | None = None) -> None:
        """Delete entries not written for ``MAX_AGE_DAYS`` (files that changed since,
        configurations no longer used), at most once a day: the cache would otherwise
        grow with every edit."""
        now = time.time() if now is None else now
        stamp = os.path.join(self.directory, ".pruned")
        try:
            if now - os.stat(stamp).st_mtime < 86_400:
                return
        except OSError:
            pass
        oldest = now - MAX_AGE_DAYS * 86_400
        try:
            for folder, _dirs, names in os.walk(self.directory, topdown=False):
                for name in names:
                    path = os.path.join(folder, name)
                    if not name.startswith(".") and os.stat(path).st_mtime < oldest:
                        os.unlink(path)
                if folder != self.directory and not os.listdir(folder):
                    os.rmdir(folder)
            with open(stamp, "w", encoding="utf-8"):
                pass
            os.utime(stamp, (now, now))
        except OSError:  # another run pruning at the same time, a read-only cache
            pass

    def _path(self, key: str) -> str:
        return os.path.join(self._scope, key[:2], key)

    def _mark(self) -> None:
        ignore = os.path.join(self.directory, ".gitignore")
        if not os.path.exists(ignore):
            with open(ignore, "w", encoding="utf-8") as handle:
                handle.write(_GITIGNORE)


def _digest(*parts: str) -> str:
    hasher = hashlib.blake2b(digest_size=20)
    for part in parts:
        hasher.update(part.encode("utf-8", "surrogateescape"))
        hasher.update(b"\0")
    return hasher.hexdigest()


def _sign(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, payload, hashlib.sha256).digest()


def _secret() -> bytes | None:
    """This user's signing key, made on first use; None if it cannot be kept (then
    nothing is cached)."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = os.path.join(home, "kubelint", "cache-key")
    damaged = False
    try:
        with open(path, "rb") as handle:
            secret = handle.read()
        if len(secret) == 32:
            return secret
        damaged = True  # truncated by a full disk, say: no entry can be trusted with it
    except OSError:
        pass
    try:
        import tempfile  # once per user: not on every start

        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(path))
        with os.fdopen(descriptor, "wb") as handle:  # mkstemp makes it 0600
            handle.write(os.urandom(32))
        try:
            if damaged:
                os.replace(temporary, path)  # a new key: the old entries no longer load
            else:
                os.link(temporary, path)  # the first of two concurrent runs wins
        except FileExistsError:
            pass
        finally:
            if os.path.lexists(temporary):
                os.unlink(temporary)
        with open(path, "rb") as handle:
            secret = handle.read()
        return secret if len(secret) == 32 else None
    except OSError:
        return None


def _configuration(config: Config, registry: Registry) -> str:
    """Everything besides a file's own text that decides its findings, as text."""
    settings = dataclasses.asdict(config)
    for volatile in ("own_files", "path"):  # which files are inputs: in the run key
        settings.pop(volatile, None)
    # The config files too (the one used and every base it extends): their settings are
    # in the effective configuration, but a base's content is what a user edits.
    named = [*config.crds, *config.plugins, *config.policies, *config.sources]
    return json.dumps(
        {
            "layout": _LAYOUT,
            "kubelint": __version__,
            "python": sys.version,
            "config": settings,
            "code": _code_stamp(registry),
            "named": {path: _content_stamp(os.path.join(config.root, path)) for path in named},
        },
        sort_keys=True,
        default=_jsonable,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return repr(value)


def _code_stamp(registry: Registry) -> list[Any]:
    """Size and modification time of the plugins' rule modules and, for a checkout (not
    an installed package, whose version says it all), of every kubelint module and data
    file: a checkout edited in place, or a plugin updated, gets fresh results."""
    import kubelint

    package = os.path.dirname(kubelint.__file__)
    installed = os.path.basename(os.path.dirname(package)) in ("site-packages", "dist-packages")
    files: set[str | None] = set()
    if not installed:  # a checkout, edited in place: its version says nothing (~5 ms)
        # Every file of the package, not the modules imported so far: those depend on
        # the input (charts import the Helm code) and the key must not.
        checkout = os.path.dirname(package)  # rules/ and schemas/ sit beside kubelint/
        for top in (package, os.path.join(checkout, "rules"), os.path.join(checkout, "schemas")):
            for folder, dirs, names in os.walk(top):
                dirs[:] = sorted(name for name in dirs if name != "__pycache__")
                files.update(
                    os.path.join(folder, name)
                    for name in names
                    if name.endswith((".py", ".json", ".gz"))
                )
    for rule in registry.rules.values():  # plugins' rules, and ours from a checkout
        module = sys.modules.get(getattr(rule.check, "__module__", "") or "")
        path = getattr(module, "__file__", None)
        if not installed or not (path or "").startswith(package):
            files.add(path)
    stamps = []
    for path in sorted(path for path in files if path):
        try:
            info = os.stat(path)
        except OSError:
            continue
        stamps.append((path, info.st_size, info.st_mtime_ns))
    return stamps


def _content_stamp(path: str) -> Any:
    """A digest of a file, or of every file under a directory."""
    if os.path.isdir(path):
        return {
            os.path.relpath(os.path.join(directory, name), path): _content_stamp(
                os.path.join(directory, name)
            )
            for directory, _dirs, names in os.walk(path)
            for name in sorted(names)
        }
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):  # a device or a FIFO: never read here
            return f"mode {info.st_mode:o}"
        digest = hashlib.blake2b()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError as error:
        return str(error)
