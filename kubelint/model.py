"""The objects rules see: a Kubernetes object (``Manifest``) and the file it came from.

The traversal of pod specs and containers lives here, once, so that a rule about
containers is written once for every workload kind.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeGuard

from kubelint.constants import (
    BUILTIN_KIND_GROUPS,
    CLUSTER_SCOPED_KINDS,
    CUSTOM_LONG_RUNNING,
    CUSTOM_POD_SPEC_PATHS,
    LONG_RUNNING_KINDS,
    POD_SPEC_PATHS,
)
from kubelint.yamlparse import FIELDS, Positions, Span

if TYPE_CHECKING:  # the loader, which makes SourceFiles, knows nothing of suppressions
    from kubelint.suppression import Directives

#: A path into an object: mapping keys and sequence indexes.
Path = tuple[str | int, ...]


def format_path(path: Sequence[str | int]) -> str:
    """``("spec", "containers", 0, "image")`` -> ``spec.containers[0].image``."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        # Letters, digits, "-" and "_" only (and not empty), without a loop per character.
        elif part.replace("-", "a").replace("_", "a").isalnum():
            out.append(f".{part}" if out else part)
        else:
            out.append(f'["{part}"]')
    return "".join(out)


@dataclass(eq=False)
class SourceFile:
    """A file (or stdin buffer) that was linted."""

    path: str  # as shown to users: POSIX, relative to the working directory when below it
    text: str
    #: Its ``# kubelint:`` comments; None until the engine reads them from
    #: ``directive_text`` (tools that render text set them from the files they read).
    directives: Directives | None = None
    documents: int = 0
    skipped: int = 0
    #: Objects rendered together (one chart rendering, one kustomize build) see each
    #: other and the plain files in cross-resource rules, never another rendering of
    #: the same source; None for plain files.
    scope: str | None = None
    #: For rendered text: the files it was made from (templates, values files,
    #: resources, patches), counted as linted in the summary.
    made_from: tuple[str, ...] = ()
    #: The text as parsed, when it holds ``kubelint:`` (it may have suppression
    #: comments): kept even when ``text`` is let go, for the engine to read them from.
    directive_text: str | None = None


@dataclass(frozen=True)
class RelatedLocation:
    """A second place a finding concerns, e.g. the values-file line a Helm template took
    the offending value from. 1-based, like findings."""

    file: str
    line: int
    column: int
    message: str


@dataclass(eq=False)
class Placement:
    """Where a finding on a rendered object belongs in the files the user edits."""

    file: str  # display path (POSIX, relative to the working directory when below it)
    span: Span  # 0-based, in ``file``
    #: Start lines (0-based, in ``file``) of the nodes on the way to the finding, which
    #: ``# kubelint: disable=`` comments in ``file`` are matched against.
    node_lines: tuple[int, ...]
    directives: Directives
    related: tuple[RelatedLocation, ...] = ()
    #: Which rendering produced it when there are several of one source, as
    #: (preposition, name): ("with", "ci/prod-values.yaml"), ("through", "overlays/prod").
    #: None for the default rendering (a chart's own values, a base built on its own).
    variant: tuple[str, str] | None = None


class Origin(Protocol):
    """Maps an object rendered by a tool (Helm, kustomize) back to the files it was made
    from, so findings point at the template or patch line, not at generated text."""

    def place(
        self, obj: Manifest, path: Sequence[str | int], location: Location, message: str = ""
    ) -> Placement:
        """Where the finding at ``path`` (``location`` in the rendered text) with
        ``message`` belongs."""
        ...


class Location(NamedTuple):
    """Where a path resolved to, 0-based, plus the start lines of the nodes on the way
    (the document root first), which comment suppressions are matched against."""

    span: Span
    node_lines: tuple[int, ...]


class ContainerRef(NamedTuple):
    """A container of a pod spec and where it is."""

    path: Path
    container: Mapping[str, Any]
    init: bool

    @property
    def label(self) -> str:
        """How messages name it: ``container 'web'``, ``init container 'migrate'``, or
        ``container #2`` when it has no name."""
        name = self.container.get("name")
        kind = "init container" if self.init else "container"
        if isinstance(name, str) and name:
            return f"{kind} {name!r}"
        return f"{kind} #{self.path[-1]}"


#: PodSecurityContext fields a container inherits when its own securityContext does not
#: set them (the kubelet merges them so; the others are pod-only or container-only).
INHERITED_SECURITY_FIELDS = (
    "runAsNonRoot",
    "runAsUser",
    "runAsGroup",
    "seccompProfile",
    "seLinuxOptions",
    "appArmorProfile",
    "windowsOptions",
)


def is_mapping(value: Any) -> TypeGuard[Mapping[str, Any]]:
    """``isinstance(value, Mapping)``, without the ABC machinery for the loader's dicts and
    for None (an absent field), which rules ask about millions of times in a large run: an
    ABC check costs several times a plain type check."""
    return value.__class__ is dict or (value is not None and isinstance(value, Mapping))


def effective_security_context(
    pod_spec: Mapping[str, Any] | None, container: Mapping[str, Any]
) -> dict[str, Any]:
    """The container's securityContext with the pod's inherited fields filled in, so a
    rule never reports what the pod already sets."""
    own = container.get("securityContext")
    merged = dict(own) if is_mapping(own) else {}
    pod = pod_spec.get("securityContext") if is_mapping(pod_spec) else None
    if is_mapping(pod):
        for field_name in INHERITED_SECURITY_FIELDS:
            if merged.get(field_name) is None and pod.get(field_name) is not None:
                merged[field_name] = pod[field_name]
    return merged


def is_windows_pod(pod_spec: Mapping[str, Any]) -> bool:
    """A Windows pod (``os.name: windows``, or a HostProcess pod): the Linux-only
    securityContext fields do not apply there, and the API server rejects them."""
    os_spec = pod_spec.get("os")
    if is_mapping(os_spec) and os_spec.get("name") == "windows":
        return True
    pod_sc = pod_spec.get("securityContext")
    options = pod_sc.get("windowsOptions") if is_mapping(pod_sc) else None
    return is_mapping(options) and options.get("hostProcess") is True


def as_mapping(value: Any) -> Mapping[str, Any] | None:
    """A mapping as it is, null as an empty mapping, None for anything malformed (which
    schema validation reports), so rules can skip it."""
    if value is None:
        return {}
    return value if isinstance(value, (dict, Mapping)) else None


def is_one_of(obj: Manifest, kinds: object) -> bool:
    """Is ``obj`` one of the built-in ``kinds`` of a rule option (every kind when the list
    is empty or malformed)?"""
    if not isinstance(kinds, list) or not kinds:
        return True
    return any(isinstance(kind, str) and obj.is_kind(kind) for kind in kinds)


def missing_metadata_keys(obj: Manifest, field: str, keys: object) -> list[str]:
    """The ``keys`` absent from ``metadata.<field>`` (labels, annotations); none when the
    field is malformed, which schema validation reports."""
    present = as_mapping(obj.metadata.get(field))
    if present is None or not isinstance(keys, list):
        return []
    return [key for key in keys if isinstance(key, str) and key not in present]


#: A port name is an IANA_SVC_NAME (RFC 6335; k8s.io/apimachinery IsValidPortName).
MAX_PORT_NAME = 15
_PORT_NAME_CHARSET = re.compile(r"[-a-z0-9]+\Z")
_PORT_NAME_LETTER = re.compile(r"[a-z]")


def port_name_problems(name: str) -> list[str]:
    """Why ``name`` is not a valid port name (container ports, Service targetPorts and
    probe ports are IANA_SVC_NAMEs), as the API server checks it; [] when it is valid."""
    problems = []
    if len(name) > MAX_PORT_NAME:
        problems.append(f"is {len(name)} characters long, more than {MAX_PORT_NAME}")
    if not _PORT_NAME_CHARSET.match(name):
        problems.append("may only contain lowercase letters, digits and '-'")
    if not _PORT_NAME_LETTER.search(name):
        problems.append("needs at least one letter")
    if "--" in name:
        problems.append("may not contain '--'")
    if name.startswith("-") or name.endswith("-"):
        problems.append("may not start or end with '-'")
    return problems


def lookup(node: Any, path: Sequence[str | int], default: Any = None) -> Any:
    """The value at ``path`` inside plain data, or ``default`` when any step is missing."""
    for part in path:
        if isinstance(part, int):
            if not isinstance(node, list) or not -len(node) <= part < len(node):
                return default
        # (dict, Mapping): the loader's mappings are dicts, answered without the ABC check
        # of Mapping, which costs ten times more (millions of calls in a large run).
        elif not isinstance(node, (dict, Mapping)) or part not in node:
            return default
        node = node[part]
    return node


#: A cached value not computed yet.
_UNKNOWN: Any = object()


class Manifest:
    """One Kubernetes object: its data (plain dicts and lists, read-only by convention)
    and what is needed to locate any path inside it."""

    __slots__ = (
        "_containers",
        "_metadata",
        "_pod_spec",
        "_pod_spec_path",
        "_positions",
        "_root_value",
        "_unit",
        "api_version",
        "data",
        "doc_root",
        "kind",
        "origin",
        "root_path",
        "source",
        "template",
    )

    def __init__(
        self,
        data: Mapping[str, Any],
        source: SourceFile,
        positions: Positions,
        doc_root: Span,
        root_path: Path = (),
        root_value: Any = None,
    ):
        self.data = data
        self.source = source
        self._positions = positions
        self.doc_root = doc_root
        #: For an item of a ``kind: List``: its path from the document root (items, i).
        self.root_path = root_path
        #: The value of the whole document (the List's, for an item), which ``root_path``
        #: and the positions start from.
        self._root_value = root_value
        #: The Helm template this object was rendered from (``# Source:`` comments that
        #: ``helm template`` prints), or None.
        self.template: str | None = None
        #: For objects rendered from a chart or a kustomization: where their text came
        #: from (``Origin``); None for objects read from the file they are reported in.
        self.origin: Origin | None = None
        api_version = data.get("apiVersion")
        kind = data.get("kind")
        self.api_version = api_version if isinstance(api_version, str) else None
        self.kind = kind if isinstance(kind, str) else None
        # Computed once: rules ask for every object, hundreds of times in a large run
        # (the data is read-only, so they never go stale).
        self._pod_spec_path: Any = _UNKNOWN
        self._pod_spec: Any = _UNKNOWN
        self._metadata: Any = _UNKNOWN
        self._unit: str | None = None
        self._containers: tuple[ContainerRef, ...] | None = None

    # -- identity ---------------------------------------------------------------
    @property
    def metadata(self) -> Mapping[str, Any]:
        metadata = self._metadata
        if metadata is _UNKNOWN:
            metadata = self.data.get("metadata")
            if not isinstance(metadata, (dict, Mapping)):
                metadata = {}
            self._metadata = metadata
        return metadata  # type: ignore[no-any-return]

    @property
    def name(self) -> str | None:
        """``metadata.name``; None for an object with only a ``generateName``, which the
        API server names when it creates it."""
        name = self.metadata.get("name")
        return name if isinstance(name, str) else None

    @property
    def display_name(self) -> str | None:
        """What to call the object in messages: its name, else its ``generateName``."""
        name = self.metadata.get("name")
        if isinstance(name, str):
            return name
        generate = self.metadata.get("generateName")
        return generate if isinstance(generate, str) else None

    @property
    def namespace(self) -> str | None:
        """``metadata.namespace`` as written (None when absent or cluster-scoped)."""
        namespace = self.metadata.get("namespace")
        return namespace if isinstance(namespace, str) and namespace else None

    @property
    def cluster_scoped(self) -> bool:
        return self.kind in CLUSTER_SCOPED_KINDS

    @property
    def labels(self) -> Mapping[str, Any]:
        labels = self.metadata.get("labels")
        return labels if is_mapping(labels) else {}

    @property
    def annotations(self) -> Mapping[str, Any]:
        annotations = self.metadata.get("annotations")
        return annotations if is_mapping(annotations) else {}

    @property
    def api_group(self) -> str:
        """The API group ("" for the core group)."""
        version = self.api_version or ""
        return version.rpartition("/")[0]

    def is_kind(self, kind: str) -> bool:
        """Is this the built-in ``kind`` (in one of the groups that serve it), or, for
        kinds kubelint does not know, any object of that kind?

        A bare core-group version (``apiVersion: v1``) on a built-in kind the core group
        does not serve (``Deployment``, ``PodDisruptionBudget``) counts as that kind: no
        custom resource can live in the core group, so the object can only be the built-in
        kind with a mistyped apiVersion. ``api-unknown-version`` reports the apiVersion;
        the other rules still check what the object says.
        """
        if self.kind != kind:
            return False
        groups = BUILTIN_KIND_GROUPS.get(kind)
        if groups is None or self.api_group in groups:
            return True
        version = self.api_version
        return "" not in groups and version is not None and version != "" and "/" not in version

    def __repr__(self) -> str:
        where = f"{self.namespace or ''}/{self.display_name}"
        return f"<Manifest {self.kind} {where} in {self.source.path}>"

    # -- access -----------------------------------------------------------------
    def get(self, path: Sequence[str | int], default: Any = None) -> Any:
        """The value at ``path``, or ``default`` when any step is missing."""
        return lookup(self.data, path, default)

    def pod_spec_path(self) -> Path | None:
        """Where this kind keeps its pod spec: a built-in workload kind, or a custom
        resource of a widely used controller (``CUSTOM_POD_SPEC_PATHS``)."""
        path = self._pod_spec_path
        if path is _UNKNOWN:
            path = POD_SPEC_PATHS.get(self.kind or "")
            if path is None or not self.is_kind(self.kind or ""):
                path = CUSTOM_POD_SPEC_PATHS.get((self.api_group, self.kind or ""))
            self._pod_spec_path = path
        return path  # type: ignore[no-any-return]

    def pod_spec(self) -> Mapping[str, Any] | None:
        spec = self._pod_spec
        if spec is _UNKNOWN:
            path = self.pod_spec_path()
            spec = None if path is None else self.get(path)
            if not is_mapping(spec):
                spec = None
            self._pod_spec = spec
        return spec  # type: ignore[no-any-return]

    def is_long_running(self) -> bool:
        """A controller whose pods run forever, or a bare Pod that restarts Always."""
        if (self.api_group, self.kind or "") in CUSTOM_LONG_RUNNING:
            return True
        if self.kind in LONG_RUNNING_KINDS:
            return self.is_kind(self.kind)
        if self.kind == "Pod" and self.is_kind("Pod"):
            spec = self.pod_spec() or {}
            return spec.get("restartPolicy") in (None, "Always")
        return False

    def is_replicated(self) -> bool:
        """A controller that runs ``spec.replicas`` copies of its pod: a Deployment, a
        StatefulSet, or a replicated workload custom resource (Argo Rollout, OpenShift
        DeploymentConfig, OpenKruise CloneSet)."""
        kind = self.kind or ""
        if kind in ("Deployment", "StatefulSet"):
            return self.is_kind(kind)
        return (self.api_group, kind) in CUSTOM_LONG_RUNNING

    @property
    def unit(self) -> str:
        """The objects this one belongs with: its rendering (one chart rendering, one
        kustomize build), or the directory of its plain file."""
        unit = self._unit
        if unit is None:
            unit = self._unit = self.source.scope or "dir:" + posixpath.dirname(self.source.path)
        return unit

    def pod_template_labels(self) -> Mapping[str, Any]:
        """Labels the pods of this object carry (the template's, or the Pod's own)."""
        path = self.pod_spec_path()
        if path is None:
            return {}
        labels = self.get((*path[:-1], "metadata", "labels")) if len(path) > 1 else self.labels
        return labels if is_mapping(labels) else {}

    def containers(self, include_init: bool = True) -> Iterator[ContainerRef]:
        """Containers of the pod spec, then init containers (unless ``include_init`` is
        false). Entries that are not mappings are skipped: schema validation reports them."""
        found = self._containers
        if found is None:
            # Listed once: a workload goes through some 40 rules that ask for them.
            found = self._containers = tuple(self._find_containers())
        if include_init:
            return iter(found)
        return (ref for ref in found if not ref.init)

    def _find_containers(self) -> Iterator[ContainerRef]:
        spec_path = self.pod_spec_path()
        spec = self.pod_spec()
        if spec_path is None or spec is None:
            return
        for group in ("containers", "initContainers"):
            items = spec.get(group)
            if not isinstance(items, list):
                continue
            for index, container in enumerate(items):
                if isinstance(container, (dict, Mapping)):
                    yield ContainerRef(
                        (*spec_path, group, index), container, group == "initContainers"
                    )

    # -- location ---------------------------------------------------------------
    def locate(self, path: Sequence[str | int]) -> Location:
        """Resolve ``path`` to a text span, falling back to the nearest existing ancestor
        for keys that are missing (a rule may point at a field that should be there)."""
        return locate(self._positions, self.doc_root, self._root_value, (*self.root_path, *path))


def locate(
    positions: Positions, root: Span, root_value: Any, path: Sequence[str | int]
) -> Location:
    """Where ``path`` sits in a parsed document (see ``Manifest.locate``)."""
    node: Any = root_value
    record = positions.root
    lines = [root.line]
    data = positions.data  # read in place: an Entry per step cost a third of a finding
    at = -1  # the ints of the last entry found
    part: str | int = ""
    value: Any = None
    for step in path:
        index = positions.index(record, node, step)
        if index < 0:
            break
        at = record + 1 + index * FIELDS
        part, value = step, node[step]
        lines.append(data[at])
        link = data[at + 8]
        record = (link >> 1) - 1
        if link & 1:
            # An alias: report at the alias (*name), not inside the anchored text, which
            # belongs to another place in the file.
            break
        node = value
    if at < 0:
        span = root
    elif isinstance(part, int):
        span = _item_span(data, at, value, record)
    elif isinstance(value, (dict, list)) and value:
        span = Span(data[at], data[at + 1], data[at + 2], data[at + 3])
    else:
        span = Span(data[at], data[at + 1], data[at + 6], data[at + 7])
    return Location(span, tuple(lines))


def _item_span(data: Sequence[int], at: int, value: Any, record: int) -> Span:
    """A sequence item (its ints at ``at``): scalars whole; collections up to the end of
    their first key."""
    line, column = data[at + 4], data[at + 5]
    if isinstance(value, dict) and value and record >= 0 and data[record]:
        first = record + 1  # the first key's entry
        if data[first] == line:
            return Span(line, column, data[first + 2], data[first + 3])
    if isinstance(value, (dict, list)):
        return Span(line, column, line, column)
    return Span(line, column, data[at + 6], data[at + 7])


def effective_namespace(obj: Manifest, default: str) -> str | None:
    """The namespace an object lands in (``default`` when unset); None if cluster-scoped."""
    if obj.cluster_scoped:
        return None
    return obj.namespace or default
