"""## What it does
Reports a label or annotation that the API server rejects because of its syntax:

- label keys and values in `metadata.labels`, in pod template and job template labels,
  in selectors (every `matchLabels` and `matchExpressions`, a Service's `spec.selector`)
  and in a pod's `nodeSelector`;
- annotation keys in `metadata.annotations` and in template annotations (annotation
  values are free text, but they must be strings).

A label **value** is empty, or at most 63 characters of `[A-Za-z0-9]` at both ends with
`-`, `_`, `.` or alphanumerics between. A **key** is an optional prefix and a name,
`prefix/name`: the name follows the value syntax but must not be empty; the prefix is a
DNS subdomain (at most 253 characters, lowercase alphanumerics, `-` and `.`, alphanumeric
at both ends). Annotation keys follow the same rules, except that Kubernetes lowercases
them before checking, so an uppercase prefix is accepted there.

Values that are not strings are reported too: YAML reads `version: 1.0` as a number and
`enabled: true` as a boolean, and labels and annotations are maps of strings, so the API
server rejects the object while decoding it. Quote them (`version: "1.0"`). A null value
is decoded as the empty string, which is a valid label value.

Keys and values that contain a template placeholder left for a tool or a reader to fill
in (`${ZONE}`, `{{ .Values.tier }}`, `<node-hostname>`, `%{var}`) are skipped, as
`name-invalid` skips such names: the API server only ever sees the filled-in text.

Selectors are searched in built-in kinds only: the API server does not check the
selectors of custom resources, whose `matchLabels` may filter something other than labels
(an Argo CD ApplicationSet's generator selector matches parameters such as server URLs),
and CustomResourceDefinitions' schemas have fields named `matchLabels` that are not
selectors. The labels and annotations of custom resources are checked: the API server
validates every object's metadata.

## Why is this bad?
The API server rejects the whole object (`metadata.labels: Invalid value: ... must be 63
characters or less` / `a valid label must be an empty string or consist of alphanumeric
characters ...`), so the apply fails, often half way through a multi-document file, and
only at deploy time: nothing before that checks label syntax. The source notes (001,
"标签及标签选择器是什么？如何使用？") describe labels as the key/value pairs that
selectors match to tie Deployments and Services to their pods; a label that cannot be
stored ties nothing.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
    version: 1.0
  annotations:
    Team.Example.com/owner: shop
    example.com/owner/team: shop
spec:
  selector:
    matchLabels: {app: web-}
  template:
    metadata:
      labels: {app: web-}
    spec:
      containers:
        - name: web
          image: nginx:1.27
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
    version: "1.0"
  annotations:
    team.example.com/owner: shop
    example.com/owner-team: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
```

## References
- https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
- https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/#syntax-and-character-set
- Source notes 001 (label; 标签及标签选择器是什么？如何使用？)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

from kubelint.api import (
    BUILTIN_KIND_GROUPS,
    Manifest,
    Path,
    RuleContext,
    Violation,
    has_placeholder,
    lazy_compile,
    rule,
)

_NAME = lazy_compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
_SUBDOMAIN_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN = lazy_compile(rf"{_SUBDOMAIN_LABEL}(\.{_SUBDOMAIN_LABEL})*\Z")
_NAME_RULE = "alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric"
_OPERATORS_WITH_VALUES = ("In", "NotIn")


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (Mapping, list)):
        return "a mapping" if isinstance(value, Mapping) else "a list"
    return "not a string"


def key_problem(key: Any, annotation: bool = False) -> str | None:
    """Why ``key`` is not a valid label (or annotation) key, or None (a template
    placeholder is left to whatever fills it in)."""
    if not isinstance(key, str):
        return f"is {_type_name(key)}, not a string"
    return _text_key_problem(key, annotation)


# Keys and values repeat across every object of a run (app, team, tier...): each text is
# judged once. The answer depends on the text alone, so the cache serves every run.
@lru_cache(maxsize=4096)
def _text_key_problem(key: str, annotation: bool) -> str | None:
    if has_placeholder(key):
        return None
    checked = key.lower() if annotation else key
    parts = checked.split("/")
    if len(parts) > 2:
        return "has more than one '/' (a key is 'prefix/name')"
    if len(parts) == 2:
        prefix, name = parts
        if not prefix:
            return "has an empty prefix before '/'"
        if len(prefix) > 253:
            return f"has a prefix of {len(prefix)} characters (at most 253)"
        if not _SUBDOMAIN.match(prefix):
            return (
                f"has the prefix {prefix!r}, which is not a DNS subdomain (lowercase"
                " alphanumerics, '-' or '.', starting and ending with an alphanumeric)"
            )
    else:
        name = parts[0]
    if not name:
        return "has an empty name"
    if len(name) > 63:
        return f"has a name part of {len(name)} characters (at most 63)"
    if not _NAME.match(name):
        return f"has the name part {name!r}, which is not {_NAME_RULE}"
    return None


def value_problem(value: Any) -> str | None:
    """Why ``value`` is not a valid label value, or None (null decodes as ""; a template
    placeholder is left to whatever fills it in)."""
    if value is None:
        return None
    if not isinstance(value, str):
        return f"is {_type_name(value)}, not a string; quote it"
    return _text_value_problem(value)


@lru_cache(maxsize=4096)
def _text_value_problem(value: str) -> str | None:
    if has_placeholder(value):
        return None
    if len(value) > 63:
        return f"is {len(value)} characters long (at most 63)"
    if value and not _NAME.match(value):
        return f"is not empty or {_NAME_RULE}"
    return None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 70 else text[:60] + "...'"


def _check_labels(ctx: RuleContext, path: Path, labels: Any, what: str) -> Iterator[Violation]:
    """A map of label keys to label values (labels, matchLabels, nodeSelector)."""
    if not isinstance(labels, Mapping):
        return
    for key, value in labels.items():
        problems = []
        if (problem := key_problem(key)) is not None:
            problems.append(f"key {_shown(key)} {problem}")
        if (problem := value_problem(value)) is not None:
            problems.append(f"value {_shown(value)} {problem}")
        if problems:
            yield ctx.violation((*path, key), f"{what}: " + "; ".join(problems))


def _check_annotations(
    ctx: RuleContext, path: Path, annotations: Any, what: str
) -> Iterator[Violation]:
    if not isinstance(annotations, Mapping):
        return
    for key, value in annotations.items():
        problems = []
        if (problem := key_problem(key, annotation=True)) is not None:
            problems.append(f"key {_shown(key)} {problem}")
        if value is not None and not isinstance(value, str):
            problems.append(f"value {_shown(value)} is {_type_name(value)}, not a string; quote it")
        if problems:
            yield ctx.violation((*path, key), f"{what}: " + "; ".join(problems))


def _check_expressions(ctx: RuleContext, path: Path, expressions: Any) -> Iterator[Violation]:
    if not isinstance(expressions, list):
        return
    for index, expression in enumerate(expressions):
        if not isinstance(expression, Mapping):
            continue
        key = expression.get("key")
        if key is not None and (problem := key_problem(key)) is not None:
            yield ctx.violation(
                (*path, index, "key"), f"selector expression key {_shown(key)} {problem}"
            )
        values = expression.get("values")
        if expression.get("operator") not in _OPERATORS_WITH_VALUES or not isinstance(values, list):
            continue
        for position, value in enumerate(values):
            if value is not None and (problem := value_problem(value)) is not None:
                yield ctx.violation(
                    (*path, index, "values", position),
                    f"selector expression value {_shown(value)} {problem}",
                )


def _selectors(ctx: RuleContext, node: Any, path: Path) -> Iterator[Violation]:
    """Every matchLabels / matchExpressions below ``node`` (outside metadata), in
    document order."""
    for what, selector, where in _selector_nodes(node, path, []):
        if what == "matchLabels":
            yield from _check_labels(ctx, where, selector, "selector matchLabels")
        else:
            yield from _check_expressions(ctx, where, selector)


#: Fields of built-in kinds whose values hold no LabelSelector at any depth (a Container
#: has none): most of a workload's tree, not walked.
_NO_SELECTORS = frozenset(("containers", "initContainers", "ephemeralContainers"))


def _selector_nodes(
    node: Any,
    path: Path,
    found: list[tuple[str, Any, Path]],
) -> list[tuple[str, Any, Path]]:
    """Add (key, value, path) of every matchLabels / matchExpressions below ``node`` (a
    plain dict or list) to ``found``, in document order; the root's metadata is skipped.

    This visits every mapping and list of every built-in object, so it is a plain
    recursive function (nesting is at most MAX_NESTING_DEPTH deep) that descends only
    into non-empty containers, not a generator per node."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "matchLabels" or key == "matchExpressions":
                found.append((key, value, (*path, key)))
            elif (
                isinstance(value, (dict, list))
                and value
                and key not in _NO_SELECTORS
                and (path or key != "metadata")
            ):
                _selector_nodes(value, (*path, key), found)
    else:
        for index, value in enumerate(node):
            if isinstance(value, (dict, list)) and value:
                _selector_nodes(value, (*path, index), found)
    return found


def _template_metadata_paths(obj: Manifest) -> Iterator[Path]:
    """``spec.template.metadata`` and the like (CronJob: the job template's too)."""
    spec_path = obj.pod_spec_path()
    if spec_path is None:
        return
    for index, part in enumerate(spec_path):
        if part in ("template", "jobTemplate"):
            yield (*spec_path[: index + 1], "metadata")


@rule(
    id="label-value-invalid",
    severity="error",
    summary="a label or annotation key or a label value breaks the Kubernetes syntax",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    yield from _check_labels(ctx, ("metadata", "labels"), obj.metadata.get("labels"), "label")
    yield from _check_annotations(
        ctx, ("metadata", "annotations"), obj.metadata.get("annotations"), "annotation"
    )
    for path in _template_metadata_paths(obj):
        metadata = obj.get(path)
        if not isinstance(metadata, Mapping):
            continue
        yield from _check_labels(ctx, (*path, "labels"), metadata.get("labels"), "template label")
        yield from _check_annotations(
            ctx, (*path, "annotations"), metadata.get("annotations"), "template annotation"
        )
    spec_path = obj.pod_spec_path()
    pod_spec = obj.pod_spec()
    if spec_path is not None and pod_spec is not None:
        yield from _check_labels(
            ctx, (*spec_path, "nodeSelector"), pod_spec.get("nodeSelector"), "nodeSelector"
        )
    selector = obj.get(("spec", "selector"))
    if (
        obj.is_kind("Service")
        and isinstance(selector, Mapping)
        and not any(isinstance(value, (Mapping, list)) for value in selector.values())
    ):
        # (a selector written as a LabelSelector is service-selector-no-match's business)
        yield from _check_labels(ctx, ("spec", "selector"), selector, "Service selector")
    if obj.kind in BUILTIN_KIND_GROUPS and obj.is_kind(obj.kind):
        yield from _selectors(ctx, obj.data, ())
