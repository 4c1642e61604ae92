"""The read-only index of every object in a run, for rules that look across objects,
and label-selector matching as the API server does it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from kubelint.model import Manifest, effective_namespace


class ObjectIndex:
    """Every object of the run by kind, namespace and name."""

    def __init__(self, objects: Iterable[Manifest], default_namespace: str = "default"):
        self.default_namespace = default_namespace
        self._by_kind: dict[str, list[Manifest]] = defaultdict(list)
        for obj in objects:
            if obj.kind:
                self._by_kind[obj.kind].append(obj)

    def namespace_of(self, obj: Manifest) -> str | None:
        return effective_namespace(obj, self.default_namespace)

    def of_kind(self, kind: str, namespace: str | None = None) -> Iterator[Manifest]:
        """Objects of ``kind``; only those in ``namespace`` when it is given."""
        for obj in self._by_kind.get(kind, ()):
            if namespace is None or self.namespace_of(obj) == namespace:
                yield obj

    def get(self, kind: str, name: str, namespace: str | None = None) -> Manifest | None:
        """The object of ``kind`` named ``name`` (in ``namespace`` when given)."""
        for obj in self.of_kind(kind, namespace):
            if obj.name == name:
                return obj
        return None

    def has_kind(self, kind: str, namespace: str | None = None) -> bool:
        return next(self.of_kind(kind, namespace), None) is not None


def selector_matches(selector: Mapping[str, Any] | None, labels: Mapping[str, Any]) -> bool:
    """Does a label selector select ``labels``?

    Accepts both forms Kubernetes uses: a ``LabelSelector`` (matchLabels and
    matchExpressions, as in Deployments) and a plain map (as in Services). An empty
    LabelSelector selects everything; None selects nothing.
    """
    if selector is None or not isinstance(selector, Mapping):
        return False
    if "matchLabels" not in selector and "matchExpressions" not in selector:
        return all(_text(labels.get(k)) == _text(v) and k in labels for k, v in selector.items())
    match_labels = selector.get("matchLabels") or {}
    if isinstance(match_labels, Mapping):
        for key, value in match_labels.items():
            if key not in labels or _text(labels[key]) != _text(value):
                return False
    for expression in selector.get("matchExpressions") or ():
        if not isinstance(expression, Mapping) or not _expression_matches(expression, labels):
            return False
    return True


def _expression_matches(expression: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    key = expression.get("key")
    operator = expression.get("operator")
    values = {_text(v) for v in expression.get("values") or ()}
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
