"""What the API server would refuse to store: a policy or binding that fails its
schema or the checks of admissionregistration's validation.go."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from kubelint.constants import KUBERNETES_VERSIONS
from kubelint.model import Manifest, Path, format_path
from kubelint.policies.admission.common import (
    ACTION_SEVERITY,
    ADMISSION_GROUP,
    POLICY_KIND,
    SCOPES,
)

#: What the API server accepts (pkg/apis/admissionregistration/validation).
FAILURE_POLICIES = ("Fail", "Ignore")
MATCH_POLICIES = ("Exact", "Equivalent")
OPERATIONS = ("*", "CREATE", "UPDATE", "DELETE", "CONNECT")
REASONS = ("Unauthorized", "Forbidden", "Invalid", "RequestEntityTooLarge")
NOT_FOUND_ACTIONS = ("Allow", "Deny")
SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def problems(obj: Manifest) -> list[tuple[Path, str]]:
    """(path, message) of each reason the API server would reject this policy or binding:
    its schema (strict: unknown fields too), then the checks of admissionregistration's
    validation.go that matter offline. Defaulted fields (failurePolicy, matchPolicy,
    selectors) may be left out."""
    found = _null_items(obj.data, ()) or _schema_problems(obj)
    if found:
        return found
    spec = obj.data.get("spec")
    if not isinstance(spec, Mapping):
        spec = {}
    if obj.kind == POLICY_KIND:
        return _policy_problems(spec)
    return _binding_problems(spec)


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
    from kubelint.schema import Catalog, load_bundle

    api_version, kind = obj.api_version or "", obj.kind or ""
    for version in reversed(KUBERNETES_VERSIONS):
        if load_bundle(version).definition_for(api_version, kind) is not None:
            break
    else:
        return [(("apiVersion",), f"Kubernetes serves no {kind} as {api_version}; use"
                                  f" {ADMISSION_GROUP}/v1")]
    out = []
    for problem in Catalog(version).problems(api_version, kind, obj.data):
        message = problem.message
        if kind == POLICY_KIND and len(problem.path) == 4 and problem.path[-1] == "fieldPath" \
                and problem.path[:2] == ("spec", "validations"):
            message += (" (fieldPath belongs to CRD validation rules; the API server rejects it"
                        " here, and kubelint reports at the field the expression names)")
        out.append((tuple(problem.path), message))
    return out


def _policy_problems(spec: Mapping[str, Any]) -> list[tuple[Path, str]]:
    out: list[tuple[Path, str]] = []
    base: Path = ("spec",)
    failure = spec.get("failurePolicy")
    if failure is not None and failure not in FAILURE_POLICIES:
        out.append(_not_supported((*base, "failurePolicy"), failure, FAILURE_POLICIES))
    param_kind = spec.get("paramKind")
    if param_kind is not None:
        for key in ("apiVersion", "kind"):
            if not param_kind.get(key):
                out.append(_required((*base, "paramKind", key)))
    constraints = spec.get("matchConstraints")
    if constraints is None or not constraints.get("resourceRules"):
        out.append(_required((*base, "matchConstraints", "resourceRules"),
                             "at least one rule, saying which resources the policy checks"))
    if constraints is not None:
        out.extend(_match_problems(constraints, (*base, "matchConstraints")))
    conditions = spec.get("matchConditions") or []
    if len(conditions) > 64:
        out.append(((*base, "matchConditions"), "spec.matchConditions: at most 64 conditions"))
    names: set[str] = set()
    for index, condition in enumerate(conditions):
        path = (*base, "matchConditions", index)
        name = condition.get("name")
        if not name:
            out.append(_required((*path, "name")))
        elif name in names:
            out.append(((*path, "name"), f"{format_path((*path, 'name'))}: duplicate name"
                                         f" {name!r}"))
        names.add(name or "")
        out.extend(_expression_problem((*path, "expression"), condition.get("expression")))
    variables: set[str] = set()
    for index, variable in enumerate(spec.get("variables") or []):
        path = (*base, "variables", index)
        name = variable.get("name")
        if not name or not name.strip():
            out.append(_required((*path, "name")))
        elif not _IDENTIFIER.match(name):
            out.append(((*path, "name"), f"{format_path((*path, 'name'))}: {name!r} is not a"
                                         " CEL identifier (letters, digits and _)"))
        elif name in variables:
            out.append(((*path, "name"), f"{format_path((*path, 'name'))}: duplicate name"
                                         f" {name!r}"))
        variables.add(name or "")
        out.extend(_expression_problem((*path, "expression"), variable.get("expression")))
    validations = spec.get("validations") or []
    annotations = spec.get("auditAnnotations") or []
    if not validations and not annotations:
        out.append(_required((*base, "validations"),
                             "validations or auditAnnotations must contain at least one item"))
    for index, validation in enumerate(validations):
        path = (*base, "validations", index)
        out.extend(_expression_problem((*path, "expression"), validation.get("expression")))
        if validation.get("messageExpression") is not None:
            out.extend(_expression_problem((*path, "messageExpression"),
                                           validation.get("messageExpression")))
        message = validation.get("message")
        where = format_path((*path, "message"))
        if message is not None and message and not message.strip():
            out.append(((*path, "message"), f"{where}: must be non-empty if specified"))
        elif message and re.search(r"[\r\n]", message.strip()):
            out.append(((*path, "message"), f"{where}: must not contain line breaks"))
        reason = validation.get("reason")
        if reason is not None and reason not in REASONS:
            out.append(_not_supported((*path, "reason"), reason, REASONS))
    keys: set[str] = set()
    for index, annotation in enumerate(annotations):
        path = (*base, "auditAnnotations", index)
        key = annotation.get("key")
        if key in keys:
            out.append(((*path, "key"), f"{format_path((*path, 'key'))}: duplicate key {key!r}"))
        keys.add(key)
        out.extend(_expression_problem((*path, "valueExpression"),
                                       annotation.get("valueExpression")))
    return out


def _binding_problems(spec: Mapping[str, Any]) -> list[tuple[Path, str]]:
    out: list[tuple[Path, str]] = []
    base: Path = ("spec",)
    if not spec.get("policyName"):
        out.append(_required((*base, "policyName"), "the name of the policy to bind"))
    actions = spec.get("validationActions") or []
    if not actions:
        out.append(_required((*base, "validationActions"),
                             "at least one of Deny, Warn and Audit"))
    seen: set[str] = set()
    for index, action in enumerate(actions):
        path = (*base, "validationActions", index)
        if action not in ACTION_SEVERITY:
            out.append(_not_supported(path, action, tuple(ACTION_SEVERITY)))
        elif action in seen:
            out.append((path, f"{format_path(path)}: duplicate action {action!r}"))
        seen.add(action)
    if {"Deny", "Warn"} <= seen:
        out.append(((*base, "validationActions"), "spec.validationActions: must not contain"
                                                  " both Deny and Warn"))
    ref = spec.get("paramRef")
    if ref is not None:
        path = (*base, "paramRef")
        named, selector = bool(ref.get("name")), ref.get("selector")
        if named and selector is not None:
            out.append(((*path, "selector"), "spec.paramRef: name and selector are mutually"
                                             " exclusive"))
        elif not named and selector is None:
            out.append((path, "spec.paramRef: one of name or selector must be specified"))
        if selector is not None:
            out.extend(_selector_problems(selector, (*path, "selector")))
        action = ref.get("parameterNotFoundAction")
        if action is not None and action not in NOT_FOUND_ACTIONS:
            out.append(_not_supported((*path, "parameterNotFoundAction"), action,
                                      NOT_FOUND_ACTIONS))
    match = spec.get("matchResources")
    if match is not None:
        out.extend(_match_problems(match, (*base, "matchResources")))
    return out


def _match_problems(match: Mapping[str, Any], base: Path) -> list[tuple[Path, str]]:
    out: list[tuple[Path, str]] = []
    policy = match.get("matchPolicy")
    if policy is not None and policy not in MATCH_POLICIES:
        out.append(_not_supported((*base, "matchPolicy"), policy, MATCH_POLICIES))
    for key in ("namespaceSelector", "objectSelector"):
        if match.get(key) is not None:
            out.extend(_selector_problems(match[key], (*base, key)))
    for key in ("resourceRules", "excludeResourceRules"):
        for index, rule in enumerate(match.get(key) or []):
            path = (*base, key, index)
            for name in ("operations", "apiGroups", "apiVersions", "resources"):
                values = rule.get(name) or []
                where = format_path((*path, name))
                if not values:
                    out.append(_required((*path, name), "at least one value ('*' for all)"))
                elif "*" in values and len(values) > 1 and name != "resources":
                    out.append(((*path, name), f"{where}: if '*' is present, it must be the"
                                               " only value"))
            for number, operation in enumerate(rule.get("operations") or []):
                if operation not in OPERATIONS:
                    out.append(_not_supported((*path, "operations", number), operation,
                                              OPERATIONS))
            resources = rule.get("resources") or []
            if "*/*" in resources and len(resources) > 1:
                out.append(((*path, "resources"), f"{format_path((*path, 'resources'))}: if"
                                                  " '*/*' is present, it must be the only value"))
            scope = rule.get("scope")
            if scope is not None and scope not in SCOPES:
                out.append(_not_supported((*path, "scope"), scope, SCOPES))
    return out


def _selector_problems(selector: Mapping[str, Any], base: Path) -> list[tuple[Path, str]]:
    out: list[tuple[Path, str]] = []
    for index, requirement in enumerate(selector.get("matchExpressions") or []):
        path = (*base, "matchExpressions", index)
        operator, values = requirement.get("operator"), requirement.get("values") or []
        if not requirement.get("key"):
            out.append(_required((*path, "key")))
        if operator not in SELECTOR_OPERATORS:
            out.append(_not_supported((*path, "operator"), operator, SELECTOR_OPERATORS))
        elif operator in ("In", "NotIn") and not values:
            out.append(_required((*path, "values"), f"at least one value for {operator}"))
        elif operator in ("Exists", "DoesNotExist") and values:
            out.append(((*path, "values"), f"{format_path((*path, 'values'))}: must be empty"
                                           f" for {operator}"))
    return out


def _expression_problem(path: Path, expression: Any) -> list[tuple[Path, str]]:
    if not isinstance(expression, str) or not expression.strip():
        return [_required(path, "a non-empty CEL expression")]
    return []


def _required(path: Path, what: str = "") -> tuple[Path, str]:
    return path, f"{format_path(path)}: required" + (f" ({what})" if what else "")


def _not_supported(path: Path, value: Any, allowed: Sequence[str]) -> tuple[Path, str]:
    return path, f"{format_path(path)}: {value!r} is not supported; expected one of" \
                 f" {', '.join(allowed)}"
