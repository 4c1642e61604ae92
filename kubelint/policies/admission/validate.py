"""What the API server would refuse to store: a policy or binding that fails its
schema or the checks of admissionregistration's validation.go."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any

from kubelint.constants import KUBERNETES_VERSIONS
from kubelint.model import Manifest, Path, format_path
from kubelint.policies.admission.common import ACTION_SEVERITY, ADMISSION_GROUP, POLICY_KIND
from kubelint.schema import Catalog, bundled, load_bundle

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def problems(obj: Manifest) -> list[tuple[Path, str]]:
    """(path, message) of each reason the API server would reject this policy or binding:
    its schema (strict: unknown fields too), then the checks of admissionregistration's
    validation.go that matter offline. Defaulted fields (failurePolicy, matchPolicy,
    selectors) may be left out."""
    found = _null_items(obj.data, ()) or _schema_problems(obj)
    if found:
        return found
    found = _overlay_problems(obj.data)
    spec = obj.data.get("spec")
    if not isinstance(spec, Mapping):
        spec = {}
    if obj.kind == POLICY_KIND:
        return found + _policy_problems(spec)
    return found + _binding_problems(spec)


def _null_items(value: Any, path: Path) -> list[tuple[Path, str]]:
    """A ``null`` in a list (``resourceRules: [null]``): the API server decodes it as an
    empty entry, which its validation rejects; nothing below may meet one."""
    out: list[tuple[Path, str]] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            out.extend(_null_items(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if item is None:
                out.append(((*path, index), "a null item in a list; remove it or fill it in"))
            else:
                out.extend(_null_items(item, (*path, index)))
    return out


def _schema_problems(obj: Manifest) -> list[tuple[Path, str]]:
    api_version, kind = obj.api_version or "", obj.kind or ""
    for version in reversed(KUBERNETES_VERSIONS):
        if load_bundle(version).definition_for(api_version, kind) is not None:
            break
    else:
        return [
            (
                ("apiVersion",),
                f"Kubernetes serves no {kind} as {api_version}; use {ADMISSION_GROUP}/v1",
            )
        ]
    out = []
    for problem in Catalog(version).problems(api_version, kind, obj.data):
        message = problem.message
        if (
            kind == POLICY_KIND
            and len(problem.path) == 4
            and problem.path[-1] == "fieldPath"
            and problem.path[:2] == ("spec", "validations")
        ):
            message += (
                " (fieldPath belongs to CRD validation rules; the API server rejects it"
                " here, and kubelint reports at the field the expression names)"
            )
        out.append((tuple(problem.path), message))
    return out


@lru_cache(maxsize=1)
def _overlay() -> Any:
    """A validator of ``schemas/admission.schema.json``: the values each field allows and
    the fields that must not be absent or empty."""
    import jsonschema

    return jsonschema.Draft202012Validator(json.loads(bundled("admission.schema.json")))


def _overlay_problems(data: Mapping[str, Any]) -> list[tuple[Path, str]]:
    validator = _overlay()
    errors = validator.iter_errors(_without_nulls(data))
    # A missing field is reported by each of the errors of its parent's "required".
    return list(dict.fromkeys(_overlay_messages(validator, errors, ())))


def _without_nulls(value: Any) -> Any:
    """``value`` without its null fields: the API server decodes them as absent."""
    if isinstance(value, Mapping):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def _overlay_messages(
    validator: Any, errors: Iterable[Any], base: Path
) -> Iterator[tuple[Path, str]]:
    """The messages of the overlay's errors (see its $comment), at ``base`` + their path."""
    for error in errors:
        path = (*base, *error.absolute_path)
        if error.validator == "enum":
            yield _not_supported(path, error.instance, error.validator_value)
        elif error.validator == "required":
            fields = error.schema.get("properties", {})
            for name in error.validator_value:
                if name in error.instance:
                    continue
                schema = fields.get(name, {})
                # Absent is empty, as Go decodes it: an absent mapping reports what it lacks.
                inner = list(
                    _overlay_messages(validator, validator.descend({}, schema), (*path, name))
                )
                yield from inner or [_required((*path, name), _description(validator, schema))]
        else:  # minItems, minLength, the non-blank pattern: present but empty
            yield _required(path, _description(validator, error.schema))


def _description(validator: Any, schema: Mapping[str, Any]) -> str:
    """A field's hint: its schema's description, or that of the definition it refers to."""
    ref = schema.get("$ref", "")
    return str(
        schema.get("description")
        or validator.schema["$defs"].get(ref.rpartition("/")[2], {}).get("description", "")
    )


def _policy_problems(spec: Mapping[str, Any]) -> list[tuple[Path, str]]:
    """What validation.go checks of a policy beyond the overlay."""
    out: list[tuple[Path, str]] = []
    base: Path = ("spec",)
    constraints = spec.get("matchConstraints")
    if constraints is not None:
        out.extend(_match_problems(constraints, (*base, "matchConstraints")))
    conditions = spec.get("matchConditions") or []
    if len(conditions) > 64:
        out.append(((*base, "matchConditions"), "spec.matchConditions: at most 64 conditions"))
    names: set[str] = set()
    for index, condition in enumerate(conditions):
        path = (*base, "matchConditions", index, "name")
        name = condition.get("name")
        if name and name in names:
            out.append((path, f"{format_path(path)}: duplicate name {name!r}"))
        names.add(name)
    variables: set[str] = set()
    for index, variable in enumerate(spec.get("variables") or []):
        path = (*base, "variables", index, "name")
        name = variable.get("name")
        if not isinstance(name, str) or not name.strip():
            continue  # required: the overlay says so
        if not _IDENTIFIER.match(name):
            out.append(
                (
                    path,
                    f"{format_path(path)}: {name!r} is not a CEL identifier"
                    " (letters, digits and _)",
                )
            )
        elif name in variables:
            out.append((path, f"{format_path(path)}: duplicate name {name!r}"))
        variables.add(name)
    validations = spec.get("validations") or []
    annotations = spec.get("auditAnnotations") or []
    if not validations and not annotations:
        out.append(
            _required(
                (*base, "validations"),
                "validations or auditAnnotations must contain at least one item",
            )
        )
    for index, validation in enumerate(validations):
        path = (*base, "validations", index, "message")
        message = validation.get("message")
        if message is not None and message and not message.strip():
            out.append((path, f"{format_path(path)}: must be non-empty if specified"))
        elif message and re.search(r"[\r\n]", message.strip()):
            out.append((path, f"{format_path(path)}: must not contain line breaks"))
    keys: set[str] = set()
    for index, annotation in enumerate(annotations):
        path = (*base, "auditAnnotations", index, "key")
        key = annotation.get("key")
        if key in keys:
            out.append((path, f"{format_path(path)}: duplicate key {key!r}"))
        keys.add(key)
    return out


def _binding_problems(spec: Mapping[str, Any]) -> list[tuple[Path, str]]:
    """What validation.go checks of a binding beyond the overlay."""
    out: list[tuple[Path, str]] = []
    base: Path = ("spec",)
    seen: set[str] = set()
    for index, action in enumerate(spec.get("validationActions") or []):
        path = (*base, "validationActions", index)
        if action in ACTION_SEVERITY and action in seen:  # an unknown one: the overlay's
            out.append((path, f"{format_path(path)}: duplicate action {action!r}"))
        seen.add(action)
    if {"Deny", "Warn"} <= seen:
        out.append(
            (
                (*base, "validationActions"),
                "spec.validationActions: must not contain both Deny and Warn",
            )
        )
    ref = spec.get("paramRef")
    if ref is not None:
        path = (*base, "paramRef")
        named, selector = bool(ref.get("name")), ref.get("selector")
        if named and selector is not None:
            out.append(
                ((*path, "selector"), "spec.paramRef: name and selector are mutually exclusive")
            )
        elif not named and selector is None:
            out.append((path, "spec.paramRef: one of name or selector must be specified"))
        if selector is not None:
            out.extend(_selector_problems(selector, (*path, "selector")))
    match = spec.get("matchResources")
    if match is not None:
        out.extend(_match_problems(match, (*base, "matchResources")))
    return out


def _match_problems(match: Mapping[str, Any], base: Path) -> list[tuple[Path, str]]:
    out: list[tuple[Path, str]] = []
    for key in ("namespaceSelector", "objectSelector"):
        if match.get(key) is not None:
            out.extend(_selector_problems(match[key], (*base, key)))
    for key in ("resourceRules", "excludeResourceRules"):
        for index, rule in enumerate(match.get(key) or []):
            path = (*base, key, index)
            for name in ("operations", "apiGroups", "apiVersions"):
                values = rule.get(name) or []
                if "*" in values and len(values) > 1:
                    out.append(
                        (
                            (*path, name),
                            f"{format_path((*path, name))}: if '*' is"
                            " present, it must be the only value",
                        )
                    )
            resources = rule.get("resources") or []
            if "*/*" in resources and len(resources) > 1:
                out.append(
                    (
                        (*path, "resources"),
                        f"{format_path((*path, 'resources'))}: if"
                        " '*/*' is present, it must be the only value",
                    )
                )
    return out


def _selector_problems(selector: Mapping[str, Any], base: Path) -> list[tuple[Path, str]]:
    out: list[tuple[Path, str]] = []
    for index, requirement in enumerate(selector.get("matchExpressions") or []):
        path = (*base, "matchExpressions", index, "values")
        operator, values = requirement.get("operator"), requirement.get("values") or []
        if operator in ("In", "NotIn") and not values:
            out.append(_required(path, f"at least one value for {operator}"))
        elif operator in ("Exists", "DoesNotExist") and values:
            out.append((path, f"{format_path(path)}: must be empty for {operator}"))
    return out


def _required(path: Path, what: str = "") -> tuple[Path, str]:
    return path, f"{format_path(path)}: required" + (f" ({what})" if what else "")


def _not_supported(path: Path, value: Any, allowed: Sequence[str]) -> tuple[Path, str]:
    return (
        path,
        f"{format_path(path)}: {value!r} is not supported; expected one of {', '.join(allowed)}",
    )
