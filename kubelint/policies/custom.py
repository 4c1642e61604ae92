"""Rules from ``kind: Policy`` files: CEL validations or a JSON Schema, with a match.

A finding points at the field the rule names: a validation's ``path``; else, with the
expression's conjunction (``a && b``) split at its first part that is not true: for
``list.all(x, ...)`` (and ``!list.exists(x, ...)``) each item that fails, at the field of
the item the body names most specifically (a map's failing keys, at the key); else the
field the expression names that reaches deepest into the object (see
``expressions.Locator``). JSON Schema errors point at the failing field, or at the
missing one for ``required``.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kubelint.index import label_selector_matches
from kubelint.model import Manifest, Path
from kubelint.policies.expressions import (
    Locator,
    Place,
    compile_expression,
    evaluate,
    parse_field_path,
)
from kubelint.rule import Rule, RuleContext, Violation

#: CEL variables of a kubelint policy.
VARIABLES = ("object", "podSpec", "containers", "namespaceObject", "objects")
#: The variables whose fields have a place in the object's text.
LOCATED = ("object", "podSpec", "containers")


@dataclass(frozen=True)
class Scope:
    """A rule's ``match``: which objects it checks."""

    kinds: frozenset[str] | None = None
    api_groups: frozenset[str] | None = None
    pod_spec: bool = False
    namespaces: tuple[str, ...] = ()
    exclude_namespaces: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    exclude_names: tuple[str, ...] = ()
    label_selector: Mapping[str, Any] | None = None

    @classmethod
    def from_match(cls, match: Mapping[str, Any]) -> Scope:
        kinds = match.get("kinds")
        groups = match.get("apiGroups")
        return cls(
            kinds=None if not kinds or "*" in kinds else frozenset(kinds),
            api_groups=None if not groups or "*" in groups else frozenset(groups),
            pod_spec=bool(match.get("podSpec")),
            namespaces=tuple(match.get("namespaces", ())),
            exclude_namespaces=tuple(match.get("excludeNamespaces", ())),
            names=tuple(match.get("names", ())),
            exclude_names=tuple(match.get("excludeNames", ())),
            label_selector=match.get("labelSelector"),
        )

    def matches(self, obj: Manifest, ctx: RuleContext) -> bool:
        if self.kinds is not None and obj.kind not in self.kinds:
            return False
        if self.api_groups is not None and obj.api_group not in self.api_groups:
            return False
        if self.pod_spec and obj.pod_spec() is None:
            return False
        if self.namespaces or self.exclude_namespaces:
            namespace = ctx.namespace_of(obj)
            if namespace is None:  # cluster-scoped: a namespace condition cannot hold
                return not self.namespaces
            if self.namespaces and not _any_glob(self.namespaces, namespace):
                return False
            if _any_glob(self.exclude_namespaces, namespace):
                return False
        # metadata.name, as a ValidatingAdmissionPolicy's resourceNames: an object with
        # only a generateName has no name yet, so no name glob selects or excludes it.
        name = obj.name or ""
        if self.names and not _any_glob(self.names, name):
            return False
        if _any_glob(self.exclude_names, name):
            return False
        return self.label_selector is None or label_selector_matches(
            self.label_selector, obj.labels
        )


def _any_glob(patterns: Sequence[str], value: str) -> bool:
    return any(fnmatch.fnmatchcase(value, pattern) for pattern in patterns)


@dataclass
class Validation:
    """One CEL validation, compiled."""

    expression: str
    program: Any
    message: str | None
    message_program: Any  # None when there is no messageExpression
    path: Path | None
    locator: Locator


def compile_validation(item: Mapping[str, Any], where: Any) -> Validation:
    """``where(field)`` names the policy file's line for errors; raises ``ExpressionError``
    through it (see ``kubelint.policies.PolicyError``)."""
    expression = item["expression"]
    program = where(
        "expression", lambda: compile_expression(expression, VARIABLES, budget_at_load=True)
    )
    locator = Locator(expression, VARIABLES, LOCATED)
    # A messageExpression may name the item variable of a quantifier (``c.name``).
    extra = tuple(part.quantifier.variable for part in locator.parts if part.quantifier is not None)
    message_program = None
    if "messageExpression" in item:
        message_program = where(
            "messageExpression",
            lambda: compile_expression(item["messageExpression"], (*VARIABLES, *extra)),
        )
    path = parse_field_path(item["path"]) if "path" in item else None
    return Validation(expression, program, item.get("message"), message_program, path, locator)


def cel_rule(spec: Mapping[str, Any], validations: list[Validation], source: str) -> Rule:
    scope = Scope.from_match(spec.get("match") or {})
    uses_objects = any("objects" in v.expression for v in validations)

    def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
        if not scope.matches(obj, ctx):
            return
        data = _variables(obj, ctx, uses_objects)
        for validation in validations:
            yield from _validate(validation, obj, ctx, data)

    return _rule(spec, check, source)


def schema_rule(spec: Mapping[str, Any], validator: Any, source: str) -> Rule:
    scope = Scope.from_match(spec.get("match") or {})
    fixed_message = spec.get("message")

    def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
        if not scope.matches(obj, ctx):
            return
        seen: set[tuple[Path, str]] = set()
        for error in validator.iter_errors(obj.data):
            path: Path = tuple(error.absolute_path)
            if error.validator == "required" and isinstance(error.instance, Mapping):
                missing = [name for name in error.validator_value if name not in error.instance]
                path = (*path, missing[0]) if missing else path
            dotted = ".".join(str(part) for part in path) or "the object"
            message = fixed_message or f"{dotted}: {error.message}"
            if (path, message) not in seen:
                seen.add((path, message))
                yield ctx.violation(path, message)

    return _rule(spec, check, source)


def _rule(spec: Mapping[str, Any], check: Any, source: str) -> Rule:
    docs = spec.get("docs") or ""
    doc = f"{docs.rstrip()}\n\nDefined in the policy file `{source}`.\n"
    return Rule(
        id=spec["id"],
        severity=spec.get("severity", "error"),
        summary=spec["summary"],
        check=check,
        doc=doc,
        enabled=spec.get("enabled", True),
    )


def _variables(obj: Manifest, ctx: RuleContext, uses_objects: bool) -> dict[str, Any]:
    namespace = ctx.namespace_of(obj)
    namespace_object = ctx.index.get("Namespace", namespace) if namespace else None
    data = {
        "object": obj.data,
        "podSpec": obj.pod_spec(),
        "containers": [ref.container for ref in obj.containers()],
        "namespaceObject": namespace_object.data if namespace_object is not None else None,
        "objects": [],
    }
    if uses_objects:
        # Converting every object of the run costs time per evaluation: only when asked.
        def every() -> list[Any]:
            return [o.data for o in ctx.index.objects()]

        data["objects"] = ctx.run.memo("objects", every) if ctx.run is not None else every()
    return data


def _validate(
    validation: Validation, obj: Manifest, ctx: RuleContext, data: dict[str, Any]
) -> Iterator[Violation]:
    value, error = evaluate(validation.program, data)
    if error is None and value is True:
        return
    if error is None and not isinstance(value, bool):
        error = f"the expression gave {type(value).__name__} {value!r}, not a boolean"
    if validation.path is not None:
        places: list[Place] = [("object", validation.path, data)]
    else:
        places = validation.locator.places(data)
    if not places:
        places = [("object", (), data)]
    if error is not None:
        # An expression that fails to evaluate rejects the object, as failurePolicy Fail
        # does in a cluster; the message says why so the policy or object can be fixed.
        root, path, bound = places[0]
        yield ctx.violation(
            _root_path(obj, root, path),
            f"{_message(validation, bound)} (the expression failed: {error})",
        )
        return
    for root, path, bound in places:
        yield ctx.violation(_root_path(obj, root, path), _message(validation, bound))


def _message(validation: Validation, data: dict[str, Any]) -> str:
    if validation.message_program is not None:
        value, error = evaluate(validation.message_program, data)
        if error is None and isinstance(value, str) and value.strip():
            return value.strip()
    return validation.message or f"failed expression: {validation.expression}"


def _root_path(obj: Manifest, root: str, path: Sequence[str | int]) -> Path:
    """A path under one of the variables -> the path inside the object."""
    if root == "object":
        return tuple(path)
    spec_path = obj.pod_spec_path() or ()
    if root == "podSpec":
        return (*spec_path, *path)
    refs = list(obj.containers())
    if path and isinstance(path[0], int) and 0 <= path[0] < len(refs):
        return (*refs[path[0]].path, *path[1:])
    return (*spec_path, "containers")
