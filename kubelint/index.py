"""The read-only index of every object in a run, for rules that look across objects,
and label-selector matching as the API server does it.

Cross-resource rules answer two kinds of question:

- *Is this object there?* (a ConfigMap named ``app-config`` in namespace ``shop``):
  looked up in the whole input (``get``, ``of_kind``), so an object defined in any file
  counts;
- *Does the input manage this kind here, so that a missing one is a mistake?* (does it
  define ConfigMaps in ``shop`` at all?): asked of the object's **unit** (``unit``), the
  objects that belong together: one chart rendering, one kustomize build, or the plain
  files of one directory. Unrelated examples in sibling directories then neither make
  nor hide a finding.

Operators create objects at run time from custom resources (a Rook ``CephCluster``
makes ``rook-ceph-mon`` pods and the ``rook-ceph-mon-endpoints`` ConfigMap):
``operator_source`` finds the custom resource or CRD that accounts for an object the
input lacks, and the rules stay quiet about it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from kubelint.constants import BUILTIN_KIND_GROUPS, CONTROLLER_POD_LABELS
from kubelint.model import Manifest, effective_namespace


class ObjectIndex:
    """Every object of the run (with apiVersion and kind) by kind, namespace and name.

    Objects are read-only during a run, so lists per namespace and kind, and the answers
    of ``services_for``/``workloads_for``, are computed once: rules ask them for every
    object, and rescanning made cross-object rules quadratic.
    """

    def __init__(self, objects: Iterable[Manifest], default_namespace: str = "default"):
        self.default_namespace = default_namespace
        self._objects = [obj for obj in objects if obj.kind and obj.api_version]
        self._by_kind: dict[str, list[Manifest]] = defaultdict(list)
        self._by_namespace: dict[str | None, list[Manifest]] = defaultdict(list)
        #: By kind and namespace: of_kind(kind, namespace) then reads a short list, where
        #: filtering the namespace's objects cost every kind asked a pass over them.
        self._by_kind_namespace: dict[tuple[str, str | None], list[Manifest]] = defaultdict(list)
        for obj in self._objects:
            assert obj.kind is not None
            namespace = effective_namespace(obj, default_namespace)
            self._by_kind[obj.kind].append(obj)
            self._by_namespace[namespace].append(obj)
            self._by_kind_namespace[(obj.kind, namespace)].append(obj)
        self._of_kind: dict[tuple[str, str | None], list[Manifest]] = {}
        self._answers: dict[tuple[str, int], list[Manifest]] = {}
        self._units: dict[str, ObjectIndex] = {}
        self._unit_members: dict[str, list[Manifest]] | None = None
        #: id(object) -> the objects with its identity before it (earlier_namesakes).
        self._namesakes: dict[int, list[Manifest]] | None = None
        self._operator_groups: list[tuple[str, Manifest]] | None = None
        self._runners: tuple[dict[str, list[tuple[int, Manifest]]], Manifest | None] | None = None
        # Postings for selectors, built on first use per namespace: candidates come from
        # the objects that carry one of a selector's labels, not from a scan.
        self._workload_postings: dict[str | None, _Postings] = {}
        self._service_postings: dict[str | None, _Postings] = {}
        self._hpa_targets: dict[tuple[str | None, str, str], list[Manifest]] | None = None
        self._names: dict[tuple[str, str | None], set[str]] = {}
        self._by_name: dict[tuple[str, str | None], dict[str, Manifest]] = {}
        self._selector_postings: dict[tuple[str, str | None, Any], _Postings] = {}

    def unit(self, obj: Manifest) -> ObjectIndex:
        """The objects of ``obj``'s unit (its rendering, or its directory's plain files),
        as an index: the scope of "does the input manage this kind here?" questions."""
        if self._unit_members is None:  # grouped in one pass: asked for every object
            self._unit_members = defaultdict(list)
            for other in self._objects:
                self._unit_members[other.unit].append(other)
        key = obj.unit
        found = self._units.get(key)
        if found is None:
            found = self._units[key] = ObjectIndex(
                self._unit_members.get(key, ()), self.default_namespace
            )
        return found

    def earlier_namesakes(self, obj: Manifest) -> list[Manifest]:
        """Objects applied together with ``obj`` (its rendering, or its file: sibling
        files are often alternatives, such as install.yaml and core-install.yaml) that
        come before it with the same identity: API group (one for the groups that serve
        the same built-in kind), kind, namespace and name."""
        if self._namesakes is None:  # one pass: asked for every object
            # Only objects with earlier namesakes in their unit get an entry.
            self._namesakes = {}
            seen: dict[tuple[str, tuple[str, str, str, str | None, str]], list[Manifest]] = {}
            for other in self._objects:
                identity = self._identity(other)
                if identity is not None:
                    found = seen.setdefault((other.unit, identity), [])
                    if found:
                        self._namesakes[id(other)] = list(found)
                    found.append(other)
        return list(self._namesakes.get(id(obj), ()))

    def _identity(self, obj: Manifest) -> tuple[str, str, str, str | None, str] | None:
        name = obj.metadata.get("name")
        if not isinstance(name, str) or not name or obj.kind is None:
            return None  # generateName only: every apply creates a new object
        kind = obj.kind
        builtin = kind in BUILTIN_KIND_GROUPS and obj.is_kind(kind)
        applied_with = obj.source.scope or obj.source.path
        return (applied_with, "" if builtin else obj.api_group, kind, self.namespace_of(obj), name)

    def operator_source(
        self,
        namespace: str | None,
        *,
        names: Iterable[str] = (),
        labels: Mapping[str, Any] | None = None,
    ) -> Manifest | None:
        """A custom resource (or CRD) of the input that accounts for objects an operator
        creates at run time with one of ``names`` or with pod/object ``labels`` (a
        selector's ``matchLabels``), or None. Linked when:

        - a name or label value is a custom resource's name, or starts with it and a
          dash (``rook-ceph-mon`` from the CephCluster ``rook-ceph``), for custom
          resources of ``namespace`` (or without one) that describe something running
          (``_runs_pods``: a ServiceMonitor or a Certificate named after an app makes no
          pods);
        - a label key's prefix is a CRD's API group or a parent domain of it
          (``longhorn.io/component`` and the group ``longhorn.io``; ``strimzi.io/cluster``
          and ``kafka.strimzi.io``), for CRDs and custom resources anywhere in the input;
        - ``app.kubernetes.io/managed-by`` names something other than a deployment tool.
        """
        labels = labels if isinstance(labels, Mapping) else {}
        runners, first_custom = self._pod_runners()
        managed_by = labels.get("app.kubernetes.io/managed-by")
        if (
            isinstance(managed_by, str)
            and managed_by.lower() not in _DEPLOYMENT_TOOLS
            and first_custom is not None
        ):
            return first_custom
        wanted = [text for text in (*names, *labels.values()) if isinstance(text, str) and text]
        found: list[tuple[int, Manifest]] = []
        for text in wanted:
            # The names ``text`` is or starts with (and a dash): looked up, not scanned.
            parts = text.split("-")
            for end in range(1, len(parts) + 1):
                for position, obj in runners.get("-".join(parts[:end]), ()):
                    # One without a namespace lands wherever it is applied: it may be here.
                    if namespace is None or obj.metadata.get("namespace") in (None, namespace):
                        found.append((position, obj))
        if found:
            return min(found, key=lambda candidate: candidate[0])[1]  # the first in the input
        domains = {key.partition("/")[0] for key in labels if isinstance(key, str) and "/" in key}
        domains = {domain for domain in domains if domain and not _builtin_domain(domain)}
        if domains:
            for group, obj in self._custom_groups():
                if any(group == domain or group.endswith("." + domain) for domain in domains):
                    return obj
        return None

    def _pod_runners(self) -> tuple[dict[str, list[tuple[int, Manifest]]], Manifest | None]:
        """Custom resources that describe something running (``_runs_pods``) by name,
        with their place in the input; and the input's first custom resource."""
        if self._runners is None:
            runners: dict[str, list[tuple[int, Manifest]]] = defaultdict(list)
            first = None
            for position, obj in enumerate(self._objects):
                if not is_custom_resource(obj):
                    continue
                first = first or obj
                name = obj.metadata.get("name")
                if isinstance(name, str) and name and _runs_pods(obj):
                    runners[name].append((position, obj))
            self._runners = (dict(runners), first)
        return self._runners

    def _custom_groups(self) -> list[tuple[str, Manifest]]:
        """(API group, object) of every CRD and custom resource of the input."""
        if self._operator_groups is None:
            found = []
            for obj in self._objects:
                if obj.kind == "CustomResourceDefinition":
                    group = _spec(obj).get("group")
                    if isinstance(group, str) and group:
                        found.append((group, obj))
                elif is_custom_resource(obj):
                    found.append((obj.api_group, obj))
            self._operator_groups = found
        return self._operator_groups

    def namespace_of(self, obj: Manifest) -> str | None:
        return effective_namespace(obj, self.default_namespace)

    def objects(self, namespace: str | None = None) -> Iterator[Manifest]:
        """Every object in input order (only those in ``namespace`` when it is given)."""
        return iter(self._objects if namespace is None else self._by_namespace.get(namespace, ()))

    def of_kind(self, kind: str, namespace: str | None = None) -> Iterator[Manifest]:
        """Objects of the built-in ``kind`` (any group for kinds kubelint does not know);
        only those in ``namespace`` when it is given."""
        key = (kind, namespace)
        found = self._of_kind.get(key)
        if found is None:
            source = (
                self._by_kind.get(kind, ())
                if namespace is None
                else self._by_kind_namespace.get(key, ())
            )
            found = self._of_kind[key] = [obj for obj in source if obj.is_kind(kind)]
        return iter(found)

    def get(self, kind: str, name: str, namespace: str | None = None) -> Manifest | None:
        """The (first) object of ``kind`` whose ``metadata.name`` is ``name`` (in
        ``namespace`` when given). Objects with only a ``generateName`` have no name yet."""
        key = (kind, namespace)
        by_name = self._by_name.get(key)
        if by_name is None:
            by_name = self._by_name[key] = {}
            for obj in self.of_kind(kind, namespace):
                found = obj.metadata.get("name")
                if isinstance(found, str):
                    by_name.setdefault(found, obj)
        return by_name.get(name)

    def has_kind(self, kind: str, namespace: str | None = None) -> bool:
        return next(self.of_kind(kind, namespace), None) is not None

    def names(self, kind: str, namespace: str | None = None) -> set[str]:
        """The ``metadata.name`` of every object of ``kind`` (in ``namespace``)."""
        key = (kind, namespace)
        found = self._names.get(key)
        if found is None:
            found = self._names[key] = {
                name
                for obj in self.of_kind(kind, namespace)
                if isinstance(name := obj.metadata.get("name"), str)
            }
        return found

    def workloads(self, namespace: str | None) -> list[Manifest]:
        """Objects with a pod template (or Pods) in ``namespace``, in input order."""
        return self._workloads_postings(namespace).members

    def workloads_matching(self, namespace: str | None, selector: Any) -> list[Manifest]:
        """Workloads of ``namespace`` whose pod labels a LabelSelector (``matchLabels``,
        ``matchExpressions``) selects, in input order."""
        postings = self._workloads_postings(namespace)
        match_labels = selector.get("matchLabels") if isinstance(selector, Mapping) else None
        candidates = postings.candidates(match_labels if isinstance(match_labels, Mapping) else {})
        return [
            obj for obj in candidates if label_selector_matches(selector, obj.pod_template_labels())
        ]

    def selecting(
        self,
        kind: str,
        namespace: str | None,
        labels: Mapping[str, Any],
        selector_of: Callable[[Manifest], Any],
    ) -> list[Manifest]:
        """Objects of ``kind`` in ``namespace`` whose LabelSelector (``selector_of(obj)``,
        a function kept for the run: its postings are built once) selects ``labels``,
        in input order."""
        key = (kind, namespace, selector_of)
        postings = self._selector_postings.get(key)
        if postings is None:
            postings = self._selector_postings[key] = _Postings(
                list(self.of_kind(kind, namespace)), lambda obj: _match_labels(selector_of(obj))
            )
        return [
            obj
            for obj in postings.selecting(labels)
            if label_selector_matches(selector_of(obj), labels)
        ]

    def workloads_of_budget(self, pdb: Manifest) -> list[Manifest]:
        """Workloads whose pods the PodDisruptionBudget selects (``pdbs_for`` the other
        way round)."""
        selector = _spec(pdb).get("selector")
        if pdb.api_version == "policy/v1beta1" and not selector:
            return []  # policy/v1beta1 read an empty selector as "no pods"
        return [
            obj
            for obj in self.workloads_matching(self.namespace_of(pdb), selector)
            if obj.pod_template_labels()
        ]

    def _workloads_postings(self, namespace: str | None) -> _Postings:
        found = self._workload_postings.get(namespace)
        if found is None:
            found = self._workload_postings[namespace] = _Postings(
                [obj for obj in self.objects(namespace) if obj.pod_spec_path() is not None],
                lambda obj: obj.pod_template_labels(),
            )
        return found

    def _memo(
        self, question: str, obj: Manifest, answer: Callable[[], list[Manifest]]
    ) -> list[Manifest]:
        key = (question, id(obj))
        found = self._answers.get(key)
        if found is None:
            found = self._answers[key] = answer()
        return found

    def services_for(self, workload: Manifest) -> list[Manifest]:
        """Services of the workload's namespace whose selector selects its pods."""

        def answer() -> list[Manifest]:
            labels = workload.pod_template_labels()
            if not labels:
                return []
            namespace = self.namespace_of(workload)
            postings = self._service_postings.get(namespace)
            if postings is None:
                # ExternalName Services ignore their selector: they select no pods.
                postings = self._service_postings[namespace] = _Postings(
                    [
                        service
                        for service in self.of_kind("Service", namespace)
                        if _spec(service).get("type") != "ExternalName"
                    ],
                    lambda service: _plain(_spec(service).get("selector")),
                )
            return [
                service
                for service in postings.selecting(labels)
                if service_selector_matches(_spec(service).get("selector"), labels)
            ]

        return self._memo("services", workload, answer)

    def workloads_for(self, service: Manifest) -> list[Manifest]:
        """Objects with a pod template (or Pods) in the Service's namespace that it
        selects, in input order."""

        def answer() -> list[Manifest]:
            selector = _spec(service).get("selector")
            if not isinstance(selector, Mapping) or not selector:
                return []  # no selector, or an empty one: it selects no pods
            postings = self._workloads_postings(self.namespace_of(service))
            return [
                obj
                for obj in postings.candidates(selector)
                if service_selector_matches(selector, obj.pod_template_labels())
            ]

        return self._memo("workloads", service, answer)

    def added_pod_labels(self, workload: Manifest) -> dict[str, Callable[[str], bool]]:
        """Labels the workload's controller adds to every pod it creates, beyond the
        template's (``pod-template-hash``, ``statefulset.kubernetes.io/pod-name``, ...),
        each with a test of the values it can take: a selector may select pods by them."""
        name = workload.metadata.get("name")
        return {
            label: _added_value_test(label, workload.kind, name if isinstance(name, str) else "")
            for label in CONTROLLER_POD_LABELS.get(workload.kind or "", ())
        }

    def hpas_for(self, workload: Manifest) -> list[Manifest]:
        """HorizontalPodAutoscalers of the workload's namespace whose scaleTargetRef names
        it (kind and name; apiVersion, when given, must be in the workload's API group:
        the HPA controller resolves the target through the group, not the version)."""
        if self._hpa_targets is None:  # HPAs by the (namespace, kind, name) they target
            self._hpa_targets = defaultdict(list)
            for hpa in self.of_kind("HorizontalPodAutoscaler"):
                target = _spec(hpa).get("scaleTargetRef")
                if (
                    isinstance(target, Mapping)
                    and isinstance(target.get("kind"), str)
                    and isinstance(target.get("name"), str)
                ):
                    self._hpa_targets[
                        (self.namespace_of(hpa), target["kind"], target["name"])
                    ].append(hpa)
        name = workload.metadata.get("name")
        if workload.kind is None or not isinstance(name, str):
            return []
        found = []
        for hpa in self._hpa_targets.get((self.namespace_of(workload), workload.kind, name), ()):
            target = _spec(hpa)["scaleTargetRef"]
            version = target.get("apiVersion")
            if (
                not isinstance(version, str)
                or _group(version) == workload.api_group
                or {_group(version), workload.api_group} <= {"apps", "extensions"}
                # a built-in kind under a mistyped apiVersion (see is_kind)
                or (
                    workload.kind is not None
                    and workload.is_kind(workload.kind)
                    and _group(version) in BUILTIN_KIND_GROUPS.get(workload.kind, ())
                )
            ):
                found.append(hpa)
        return found

    def pdbs_for(self, workload: Manifest) -> list[Manifest]:
        """PodDisruptionBudgets of the workload's namespace that select its pods."""
        labels = workload.pod_template_labels()
        if not labels:
            return []
        return [
            pdb
            for pdb in self.selecting(
                "PodDisruptionBudget", self.namespace_of(workload), labels, _budget_selector
            )
            # policy/v1beta1 read an empty selector as "no pods"; policy/v1 as "all".
            if not (pdb.api_version == "policy/v1beta1" and not _spec(pdb).get("selector"))
        ]


class _Postings:
    """Objects by the labels they carry (``members``' labels) or select (selectors'
    ``matchLabels``), so that matching looks at the objects sharing a label, not all."""

    def __init__(self, members: list[Manifest], labels_of: Callable[[Manifest], Mapping[str, Any]]):
        self.members = members
        self._by_label: dict[tuple[str, str], list[int]] = defaultdict(list)
        #: Members whose labels are empty (a selector of none selects by expressions only,
        #: or everything): candidates for every question.
        self._unlabelled: list[int] = []
        for position, member in enumerate(members):
            labels = labels_of(member)
            if not labels:
                self._unlabelled.append(position)
            for key, value in labels.items():
                self._by_label[(str(key), _text(value))].append(position)

    def candidates(self, wanted: Mapping[str, Any]) -> list[Manifest]:
        """Members that carry every (key, value) of ``wanted`` may match it: those in the
        shortest list of one of them; every member when ``wanted`` is empty."""
        if not wanted:
            return self.members
        shortest: list[int] | None = None
        for key, value in wanted.items():
            found = self._by_label.get((str(key), _text(value)), [])
            if shortest is None or len(found) < len(shortest):
                shortest = found
            if not shortest:
                return []
        return [self.members[p] for p in shortest or ()]

    def selecting(self, labels: Mapping[str, Any]) -> list[Manifest]:
        """Members (selectors) that may select objects with ``labels``: those with one of
        its labels among theirs, and those with none, in input order."""
        positions = set(self._unlabelled)
        for key, value in labels.items():
            positions.update(self._by_label.get((str(key), _text(value)), ()))
        return [self.members[p] for p in sorted(positions)]


#: Controller-added labels whose values are numbers (an ordinal, a generation, an index).
_NUMBERED_LABELS = frozenset(
    {
        "pod-template-generation",
        "apps.kubernetes.io/pod-index",
        "batch.kubernetes.io/job-completion-index",
    }
)


def _added_value_test(label: str, kind: str | None, name: str) -> Callable[[str], bool]:
    """The values a controller-added ``label`` takes on the pods of workload ``name``."""
    if label == "statefulset.kubernetes.io/pod-name":

        def pod_name(value: str) -> bool:
            prefix, _, ordinal = value.rpartition("-")
            return prefix == name and ordinal.isdigit()

        return pod_name
    if label in ("job-name", "batch.kubernetes.io/job-name"):
        # A CronJob's Jobs are named <cronjob>-<scheduled time>.
        return name.__eq__ if kind == "Job" else lambda value: value.startswith(f"{name}-")
    if label in _NUMBERED_LABELS:
        return str.isdigit
    return bool  # a hash or a uid: any value


def _budget_selector(pdb: Manifest) -> Any:
    return _spec(pdb).get("selector")


def _plain(selector: Any) -> Mapping[str, Any]:
    """A Service selector's labels ({} when it is not a plain map)."""
    if not isinstance(selector, Mapping) or any(
        isinstance(v, (Mapping, list)) for v in selector.values()
    ):
        return {}
    return selector


def _match_labels(selector: Any) -> Mapping[str, Any]:
    """A LabelSelector's ``matchLabels`` ({} when absent or malformed)."""
    found = selector.get("matchLabels") if isinstance(selector, (dict, Mapping)) else None
    return found if isinstance(found, (dict, Mapping)) else {}


#: ``app.kubernetes.io/managed-by`` values of the tools that apply manifests, not operators.
_DEPLOYMENT_TOOLS = frozenset(
    {
        "helm",
        "tiller",
        "kustomize",
        "kubectl",
        "argocd",
        "flux",
        "skaffold",
        "kapp",
        "jsonnet",
        "timoni",
        "pulumi",
        "terraform",
    }
)
#: API groups of built-in kinds besides the "*.k8s.io" ones.
_BUILTIN_GROUPS = frozenset({"", "apps", "batch", "policy", "autoscaling", "extensions"})


#: Spec fields of custom resources that describe pods an operator runs (a CephCluster's
#: ``mon`` and ``storage``, a Kafka's ``replicas``, an Alertmanager's ``image``).
_POD_FIELDS = frozenset(
    {
        "replicas",
        "image",
        "template",
        "podTemplate",
        "podMetadata",
        "resources",
        "nodeSelector",
        "tolerations",
        "affinity",
        "storage",
        "version",
        "instances",
        "size",
        "mon",
        "cephVersion",
    }
)


def _runs_pods(obj: Manifest) -> bool:
    """Does the custom resource describe a workload (its spec, or a section of it, has
    fields such as ``replicas``, ``image`` or ``resources``)?"""
    spec = obj.data.get("spec")
    if not isinstance(spec, Mapping):
        return False
    sections = [spec, *(value for value in spec.values() if isinstance(value, Mapping))]
    return any(key in _POD_FIELDS for section in sections for key in section)


def is_custom_resource(obj: Manifest) -> bool:
    """Is ``obj`` of a kind an API server extension serves (not a built-in group)?"""
    group = obj.api_group
    return group not in _BUILTIN_GROUPS and not _builtin_domain(group)


def custom_resource_pod_labels(obj: Manifest) -> Iterator[Mapping[str, Any]]:
    """Labels an operator may give the pods of a custom resource (the non-empty ones of):
    the resource's own, its pod template's (Argo Rollouts, OpenKruise) or its podMetadata
    (prometheus-operator)."""
    for path in (
        ("metadata", "labels"),
        ("spec", "template", "metadata", "labels"),
        ("spec", "podMetadata", "labels"),
    ):
        labels = obj.get(path)
        if isinstance(labels, Mapping) and labels:
            yield labels


def selector_keys(selector: Mapping[str, Any]) -> set[str]:
    """The label keys a LabelSelector names, in ``matchLabels`` and ``matchExpressions``."""
    keys: set[str] = set()
    match_labels = selector.get("matchLabels")
    if isinstance(match_labels, Mapping):
        keys.update(str(key) for key in match_labels)
    expressions = selector.get("matchExpressions")
    if isinstance(expressions, list):
        keys.update(str(item.get("key")) for item in expressions if isinstance(item, Mapping))
    return keys


def describe_selector(selector: Mapping[str, Any]) -> str:
    """A LabelSelector for a message: ``app=web, tier In ['a', 'b']``."""
    parts = []
    match_labels = selector.get("matchLabels")
    if isinstance(match_labels, Mapping):
        parts += [f"{key}={value}" for key, value in match_labels.items()]
    expressions = selector.get("matchExpressions")
    for expression in expressions if isinstance(expressions, list) else ():
        if isinstance(expression, Mapping):
            values = expression.get("values")
            shown = f" {values}" if isinstance(values, list) and values else ""
            parts.append(f"{expression.get('key')} {expression.get('operator')}{shown}")
    return ", ".join(parts)


def _builtin_domain(domain: str) -> bool:
    return (
        domain == "k8s.io"
        or domain.endswith(".k8s.io")
        or domain == "kubernetes.io"
        or domain.endswith(".kubernetes.io")
    )


def _group(api_version: str) -> str:
    return api_version.rpartition("/")[0]


def _spec(obj: Manifest) -> Mapping[str, Any]:
    spec = obj.data.get("spec")
    return spec if isinstance(spec, (dict, Mapping)) else {}


def label_selector_matches(selector: Any, labels: Mapping[str, Any]) -> bool:
    """Does a ``LabelSelector`` (matchLabels and matchExpressions, as in Deployments,
    PodDisruptionBudgets, NetworkPolicies) select ``labels``?

    An empty selector selects everything; a missing (None) or malformed one, nothing.
    """
    if not isinstance(selector, (dict, Mapping)):
        return False
    match_labels = selector.get("matchLabels")
    expressions = selector.get("matchExpressions")
    if match_labels is not None and not isinstance(match_labels, (dict, Mapping)):
        return False
    if expressions is not None and not isinstance(expressions, list):
        return False
    for key, value in (match_labels or {}).items():
        if key not in labels or _text(labels[key]) != _text(value):
            return False
    return all(
        isinstance(expression, (dict, Mapping)) and _expression_matches(expression, labels)
        for expression in expressions or ()
    )


def service_selector_matches(selector: Any, labels: Mapping[str, Any]) -> bool:
    """Does a Service's (or ReplicationController's) plain-map selector select ``labels``?

    Unlike a LabelSelector, an empty or missing map selects nothing (a Service without a
    selector has manually managed endpoints), and every value must be a label value.
    """
    if not isinstance(selector, Mapping) or not selector:
        return False
    for key, value in selector.items():
        if isinstance(value, (Mapping, list)) or key not in labels:
            return False
        if _text(labels[key]) != _text(value):
            return False
    return True


def _expression_matches(expression: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    key = expression.get("key")
    if not isinstance(key, str):
        return False
    operator = expression.get("operator")
    raw_values = expression.get("values")
    if raw_values is None:
        raw_values = []
    if not isinstance(raw_values, list):
        return False
    values = {_text(v) for v in raw_values}
    if operator == "In":
        return key in labels and _text(labels[key]) in values
    if operator == "NotIn":
        return key not in labels or _text(labels[key]) not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    return False  # an unknown operator selects nothing (the API server rejects it)


def _text(value: Any) -> str:
    """Label values are strings; YAML may have resolved ``true`` or ``1`` to other types."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)
