"""ValidatingAdmissionPolicy and its bindings, evaluated offline as the API server would
evaluate them when the linted objects are created.

Each policy with at least one binding becomes a rule named after the policy. As in a
cluster, a policy without a binding enforces nothing (``kubelint rules`` shows it as
such), each binding's ``matchResources`` narrows the policy's ``matchConstraints``, and a
binding's ``validationActions`` decide the severity: Deny -> error, Warn -> warning,
Audit -> info. Parameters (``paramKind`` + ``paramRef``) are looked up among the other
objects of the policy files and of the linted input.

What offline evaluation cannot know, and how kubelint answers:
- the operation is CREATE (``request.operation``), ``oldObject`` is null and
  ``request.userInfo`` is an anonymous user;
- a namespace's labels come from the Namespace object when the input or the policy files
  hold it; otherwise only ``kubernetes.io/metadata.name`` (which the API server sets);
- ``authorizer`` needs the cluster: validations and variables that use it are skipped
  (counted in ``kubelint check -v``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kubelint.index import label_selector_matches
from kubelint.model import Manifest, Path
from kubelint.policies.expressions import (
    compile_expression,
    evaluate,
    first_field,
    parse_field_path,
)
from kubelint.rule import Rule, RuleContext, Violation

ADMISSION_GROUP = "admissionregistration.k8s.io"
POLICY_KIND = "ValidatingAdmissionPolicy"
BINDING_KIND = "ValidatingAdmissionPolicyBinding"
VARIABLES = ("object", "oldObject", "request", "params", "namespaceObject", "variables")
ACTION_SEVERITY = {"Deny": "error", "Warn": "warning", "Audit": "info"}
_SEVERITY_ORDER = ("info", "warning", "error")
_AUTHORIZER = re.compile(r"\bauthorizer\b")

#: Plurals the simple English rules below get wrong.
_IRREGULAR_PLURALS = {"Endpoints": "endpoints", "EndpointSlice": "endpointslices",
                      "PodSecurityPolicy": "podsecuritypolicies"}


def resource_of(kind: str, crd_plurals: Mapping[str, str]) -> str:
    """The resource name (lower-case plural) the API serves ``kind`` under."""
    if kind in crd_plurals:
        return crd_plurals[kind]
    if kind in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[kind]
    lower = kind.lower()
    if lower.endswith("y") and lower[-2:-1] not in "aeiou":
        return lower[:-1] + "ies"
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return lower + "es"
    return lower + "s"


@dataclass
class Compiled:
    expression: str
    program: Any  # None: skipped (uses authorizer)


@dataclass
class AdmissionPolicy:
    name: str
    source: str
    spec: Mapping[str, Any]
    variables: list[tuple[str, Compiled]] = field(default_factory=list)
    conditions: list[tuple[str, Compiled]] = field(default_factory=list)
    validations: list[tuple[Mapping[str, Any], Compiled, Compiled | None]] = \
        field(default_factory=list)
    bindings: list[Mapping[str, Any]] = field(default_factory=list)
    skipped: int = 0
    summary: str = ""


def compile_policy(obj: Manifest, where: Any) -> AdmissionPolicy:
    """Compile a ValidatingAdmissionPolicy's expressions (errors through ``where``)."""
    spec = _mapping(obj.data.get("spec"))
    policy = AdmissionPolicy(obj.name or "?", obj.source.path, spec)
    summary = obj.annotations.get("kubelint.io/summary")
    policy.summary = summary if isinstance(summary, str) and summary else \
        f"ValidatingAdmissionPolicy {policy.name} denies the object"

    def compiled(path: Path, expression: Any) -> Compiled:
        if not isinstance(expression, str) or not expression.strip():
            where(path, lambda: _raise("an expression must be a non-empty string"))
        if _AUTHORIZER.search(expression):
            policy.skipped += 1
            return Compiled(expression, None)
        return Compiled(expression, where(path, lambda: compile_expression(expression,
                                                                            VARIABLES)))

    for index, item in enumerate(_list(spec.get("variables"))):
        policy.variables.append((str(item.get("name")),
                                 compiled(("spec", "variables", index, "expression"),
                                          item.get("expression"))))
    for index, item in enumerate(_list(spec.get("matchConditions"))):
        policy.conditions.append((str(item.get("name")),
                                  compiled(("spec", "matchConditions", index, "expression"),
                                           item.get("expression"))))
    for index, item in enumerate(_list(spec.get("validations"))):
        base = ("spec", "validations", index)
        message = None
        if "messageExpression" in item:
            message = compiled((*base, "messageExpression"), item["messageExpression"])
        policy.validations.append((item, compiled((*base, "expression"),
                                                  item.get("expression")), message))
    return policy


def _raise(message: str) -> Any:
    from kubelint.policies.expressions import ExpressionError

    raise ExpressionError(message)


def _list(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) \
        else []


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def severity_of(binding: Mapping[str, Any]) -> str:
    actions = _mapping(binding.get("spec")).get("validationActions") or ["Deny"]
    levels = [ACTION_SEVERITY.get(action, "error") for action in actions]
    return max(levels, key=_SEVERITY_ORDER.index)


def policy_rule(policy: AdmissionPolicy, rule_id: str, params: Sequence[Manifest]) -> Rule:
    severities = [severity_of(b) for b in policy.bindings]
    severity = max(severities, key=_SEVERITY_ORDER.index) if severities else "error"

    def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
        for binding in policy.bindings:
            yield from _check_binding(policy, binding, obj, ctx, params)

    return Rule(id=rule_id, severity=severity, summary=policy.summary, check=check,
                doc=_doc(policy), enabled=bool(policy.bindings))


def _doc(policy: AdmissionPolicy) -> str:
    lines = [f"## What it does\n\nEvaluates the ValidatingAdmissionPolicy `{policy.name}`"
             f" (from `{policy.source}`) offline against the linted objects, as the API"
             " server would when they are created.\n",
             "## Validations\n"]
    for item, compiled, _ in policy.validations:
        message = item.get("message") or item.get("messageExpression") or ""
        lines.append(f"- `{compiled.expression}`" + (f": {message}" if message else ""))
    lines.append("\n## Bindings\n")
    if not policy.bindings:
        lines.append("None in the policy files: the policy enforces nothing (off).")
    for binding in policy.bindings:
        actions = ", ".join(_mapping(binding.get("spec")).get("validationActions") or ["Deny"])
        lines.append(f"- `{_mapping(binding.get('metadata')).get('name')}`: {actions}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Matching.

def _request(obj: Manifest, ctx: RuleContext) -> dict[str, Any]:
    group, _, version = (obj.api_version or "").rpartition("/")
    resource = resource_of(obj.kind or "", _crd_plurals(ctx))
    return {
        "kind": {"group": group, "version": version, "kind": obj.kind},
        "resource": {"group": group, "version": version, "resource": resource},
        "subResource": "",
        "requestKind": {"group": group, "version": version, "kind": obj.kind},
        "requestResource": {"group": group, "version": version, "resource": resource},
        "name": obj.name or "",
        "namespace": ctx.namespace_of(obj) or "",
        "operation": "CREATE",
        "userInfo": {"username": "", "groups": []},
        "dryRun": False,
        "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"},
    }


class _RunFacts:
    """What every object of one run asks the same: CRD plurals, objects by kind. Built
    once per run (asking per object made policies scan the whole input per object)."""

    def __init__(self, index: Any):
        self.index = index
        self.plurals: dict[str, str] = {}
        for crd in index.of_kind("CustomResourceDefinition"):
            names = _mapping(_mapping(crd.data.get("spec")).get("names"))
            if isinstance(names.get("kind"), str) and isinstance(names.get("plural"), str):
                self.plurals[names["kind"]] = names["plural"]
        self.by_kind: dict[tuple[str | None, str | None], list[Manifest]] = {}
        for obj in index.objects():
            self.by_kind.setdefault((obj.api_version, obj.kind), []).append(obj)


def _run_facts(ctx: RuleContext) -> _RunFacts:
    if ctx.run is None:  # a context outside a run (tests): nothing to share
        return _RunFacts(ctx.index)
    return ctx.run.memo("admission", lambda: _RunFacts(ctx.index))  # type: ignore[no-any-return]


def _crd_plurals(ctx: RuleContext) -> dict[str, str]:
    return _run_facts(ctx).plurals


def _rule_matches(rule: Mapping[str, Any], request: Mapping[str, Any], obj: Manifest) -> bool:
    resource = request["resource"]

    def has(values: Any, value: str) -> bool:
        return isinstance(values, list) and ("*" in values or value in values)

    operations = rule.get("operations")
    if not has(operations, "CREATE"):
        return False
    if not has(rule.get("apiGroups"), resource["group"]):
        return False
    if not has(rule.get("apiVersions"), resource["version"]):
        return False
    resources = rule.get("resources")
    if not (has(resources, resource["resource"]) or has(resources, "*/*")):
        return False
    scope = rule.get("scope", "*")
    if scope == "Cluster" and not obj.cluster_scoped:
        return False
    if scope == "Namespaced" and obj.cluster_scoped:
        return False
    names = rule.get("resourceNames")
    return not names or request["name"] in names


def _matches(resources: Mapping[str, Any], request: Mapping[str, Any], obj: Manifest,
             namespace_labels: Mapping[str, Any] | None) -> bool:
    rules = _list(resources.get("resourceRules"))
    if "resourceRules" in resources and not any(_rule_matches(r, request, obj) for r in rules):
        return False
    if any(_rule_matches(r, request, obj) for r in _list(resources.get("excludeResourceRules"))):
        return False
    selector = resources.get("objectSelector")
    if isinstance(selector, Mapping) and not label_selector_matches(selector, obj.labels):
        return False
    selector = resources.get("namespaceSelector")
    if isinstance(selector, Mapping) and namespace_labels is not None:
        return label_selector_matches(selector, namespace_labels)
    return True


def _namespace(obj: Manifest, ctx: RuleContext) -> tuple[Any, Mapping[str, Any] | None]:
    """(the Namespace object's data or None, the labels a namespaceSelector sees)."""
    if obj.kind == "Namespace":
        return None, {**obj.labels, "kubernetes.io/metadata.name": obj.name or ""}
    namespace = ctx.namespace_of(obj)
    if namespace is None:
        return None, None  # cluster-scoped: namespaceSelector does not apply
    found = ctx.index.get("Namespace", namespace)
    labels = dict(found.labels) if found is not None else {}
    labels["kubernetes.io/metadata.name"] = namespace
    return (found.data if found is not None else None), labels


# ---------------------------------------------------------------------------
# Evaluation.

def _check_binding(policy: AdmissionPolicy, binding: Mapping[str, Any], obj: Manifest,
                   ctx: RuleContext, params: Sequence[Manifest]) -> Iterator[Violation]:
    spec = _mapping(binding.get("spec"))
    request = _request(obj, ctx)
    namespace_object, namespace_labels = _namespace(obj, ctx)
    constraints = _mapping(policy.spec.get("matchConstraints"))
    if not _matches(constraints, request, obj, namespace_labels):
        return
    if "matchResources" in spec and not _matches(_mapping(spec["matchResources"]), request, obj,
                                                 namespace_labels):
        return
    severity = severity_of(binding)
    binding_name = _mapping(binding.get("metadata")).get("name") or "?"
    found = _params(policy, spec, obj, ctx, params)
    if isinstance(found, str):
        yield ctx.violation((), found, severity)
        return
    for param in found:
        data: dict[str, Any] = {"object": obj.data, "oldObject": None, "request": request,
                                "params": param, "namespaceObject": namespace_object,
                                "variables": {}}
        data["variables"] = _evaluate_variables(policy, data)
        if not _conditions_hold(policy, data):
            continue
        for item, compiled, message in policy.validations:
            if compiled.program is None:
                continue
            value, error = evaluate(compiled.program, data)
            if error is None and value is True:
                continue
            text = _message(item, message, data, compiled.expression)
            if error is not None or not isinstance(value, bool):
                why = error or f"the expression gave {value!r}, not a boolean"
                text = f"{text} (the expression failed: {why})"
            where = _field(item, compiled.expression)
            suffix = f" [{policy.name}, binding {binding_name}]"
            yield ctx.violation(where, text + suffix, severity)


def _evaluate_variables(policy: AdmissionPolicy, data: dict[str, Any]) -> dict[str, Any]:
    variables: dict[str, Any] = {}
    for name, compiled in policy.variables:
        if compiled.program is None:
            continue
        value, error = evaluate(compiled.program, {**data, "variables": variables})
        if error is None:
            variables[name] = value
        # A variable that fails is left out: expressions using it fail with "no such key".
    return variables


def _conditions_hold(policy: AdmissionPolicy, data: dict[str, Any]) -> bool:
    for _, compiled in policy.conditions:
        if compiled.program is None:
            continue
        value, error = evaluate(compiled.program, data)
        if error is None and value is False:
            return False  # a false condition: the policy does not apply to this object
    return True


def _message(item: Mapping[str, Any], message: Compiled | None, data: dict[str, Any],
             expression: str) -> str:
    if message is not None and message.program is not None:
        value, error = evaluate(message.program, data)
        if error is None and isinstance(value, str) and value.strip():
            return value.strip()
    text = item.get("message")
    return text if isinstance(text, str) and text else f"failed expression: {expression}"


def _field(item: Mapping[str, Any], expression: str) -> Path:
    """The validation's fieldPath, else the field its expression names first."""
    field_path = item.get("fieldPath")
    if isinstance(field_path, str) and field_path:
        return parse_field_path(field_path)
    named = first_field(expression, ("object",))
    return tuple(named[1]) if named else ()


def _params(policy: AdmissionPolicy, spec: Mapping[str, Any], obj: Manifest, ctx: RuleContext,
            candidates: Sequence[Manifest]) -> list[Any] | str:
    """The parameter objects' data ([None] without paramKind), or a message when the
    binding's parameters are missing and parameterNotFoundAction is Deny."""
    kind = _mapping(policy.spec.get("paramKind"))
    ref = _mapping(spec.get("paramRef"))
    if not kind or not ref:
        return [None]
    api_version, kind_name = kind.get("apiVersion"), kind.get("kind")
    pool = [*(c for c in candidates if c.api_version == api_version and c.kind == kind_name),
            *_run_facts(ctx).by_kind.get((api_version, kind_name), ())]
    namespace = ref.get("namespace")
    if namespace is None:
        namespace = ctx.namespace_of(obj)
    found = []
    for param in pool:
        if param.api_version != api_version or param.kind != kind_name:
            continue
        if not param.cluster_scoped and namespace is not None \
                and (param.namespace or ctx.default_namespace) != namespace:
            continue
        if "name" in ref and param.name != ref["name"]:
            continue
        selector = ref.get("selector")
        if isinstance(selector, Mapping) and not label_selector_matches(selector, param.labels):
            continue
        found.append(param.data)
    unique = list({id(item): item for item in found}.values())
    if unique:
        return unique
    if ref.get("parameterNotFoundAction", "Deny") == "Allow":
        return []
    wanted = f"{kind_name} {ref.get('name') or '(selector)'}"
    if namespace:
        wanted += f" in namespace {namespace}"
    return (f"no parameters for ValidatingAdmissionPolicy {policy.name}: the binding's"
            f" {wanted} is not in the policy files or the input, and parameterNotFoundAction"
            " is Deny, so the API server would reject the object")
