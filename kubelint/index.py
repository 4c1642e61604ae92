"""The read-only index of every object in a run, for rules that look across objects,
and label-selector matching as the API server does it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from kubelint.model import Manifest, effective_namespace


class ObjectIndex:
    """Every object of the run (with apiVersion and kind) by kind, namespace and name."""

    def __init__(self, objects: Iterable[Manifest], default_namespace: str = "default"):
        self.default_namespace = default_namespace
        self._objects = [obj for obj in objects if obj.kind and obj.api_version]
        self._by_kind: dict[str, list[Manifest]] = defaultdict(list)
        for obj in self._objects:
            assert obj.kind is not None
            self._by_kind[obj.kind].append(obj)

    def objects(self, namespace: str | None = None) -> Iterator[Manifest]:
        """Every object in input order (only those in ``namespace`` when it is given)."""
        for obj in self._objects:
            if namespace is None or self.namespace_of(obj) == namespace:
                yield obj

    def namespace_of(self, obj: Manifest) -> str | None:
        return effective_namespace(obj, self.default_namespace)

    def of_kind(self, kind: str, namespace: str | None = None) -> Iterator[Manifest]:
        """Objects of the built-in ``kind`` (any group for kinds kubelint does not know);
        only those in ``namespace`` when it is given."""
        for obj in self._by_kind.get(kind, ()):
            if obj.is_kind(kind) and (namespace is None or self.namespace_of(obj) == namespace):
                yield obj

    def get(self, kind: str, name: str, namespace: str | None = None) -> Manifest | None:
        """The object of ``kind`` whose ``metadata.name`` is ``name`` (in ``namespace``
        when given). Objects with only a ``generateName`` have no name yet."""
        for obj in self.of_kind(kind, namespace):
            if obj.metadata.get("name") == name:
                return obj
        return None

    def has_kind(self, kind: str, namespace: str | None = None) -> bool:
        return next(self.of_kind(kind, namespace), None) is not None

    def services_for(self, workload: Manifest) -> list[Manifest]:
        """Services of the workload's namespace whose selector selects its pods."""
        labels = workload.pod_template_labels()
        if not labels:
            return []
        return [service for service in self.of_kind("Service", self.namespace_of(workload))
                if service_selector_matches(_spec(service).get("selector"), labels)]

    def workloads_for(self, service: Manifest) -> list[Manifest]:
        """Objects with a pod template (or Pods) in the Service's namespace that it selects."""
        selector = _spec(service).get("selector")
        return [obj for obj in self.objects(self.namespace_of(service))
                if obj.pod_spec_path() is not None
                and service_selector_matches(selector, obj.pod_template_labels())]

    def hpas_for(self, workload: Manifest) -> list[Manifest]:
        """HorizontalPodAutoscalers of the workload's namespace whose scaleTargetRef names
        it (kind and name; apiVersion, when given, must be the workload's)."""
        found = []
        for hpa in self.of_kind("HorizontalPodAutoscaler", self.namespace_of(workload)):
            target = _spec(hpa).get("scaleTargetRef")
            if not isinstance(target, Mapping):
                continue
            version = target.get("apiVersion")
            if (target.get("kind") == workload.kind
                    and target.get("name") == workload.metadata.get("name")
                    and (version is None or version == workload.api_version)):
                found.append(hpa)
        return found

    def pdbs_for(self, workload: Manifest) -> list[Manifest]:
        """PodDisruptionBudgets of the workload's namespace that select its pods."""
        labels = workload.pod_template_labels()
        if not labels:
            return []
        return [pdb for pdb in self.of_kind("PodDisruptionBudget", self.namespace_of(workload))
                if label_selector_matches(_spec(pdb).get("selector"), labels)]


def _spec(obj: Manifest) -> Mapping[str, Any]:
    spec = obj.data.get("spec")
    return spec if isinstance(spec, Mapping) else {}


def label_selector_matches(selector: Any, labels: Mapping[str, Any]) -> bool:
    """Does a ``LabelSelector`` (matchLabels and matchExpressions, as in Deployments,
    PodDisruptionBudgets, NetworkPolicies) select ``labels``?

    An empty selector selects everything; a missing (None) or malformed one, nothing.
    """
    if not isinstance(selector, Mapping):
        return False
    match_labels = selector.get("matchLabels")
    expressions = selector.get("matchExpressions")
    if match_labels is not None and not isinstance(match_labels, Mapping):
        return False
    if expressions is not None and not isinstance(expressions, list):
        return False
    for key, value in (match_labels or {}).items():
        if key not in labels or _text(labels[key]) != _text(value):
            return False
    return all(isinstance(expression, Mapping) and _expression_matches(expression, labels)
               for expression in expressions or ())


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
