"""ValidatingAdmissionPolicy and its bindings, evaluated offline as the API server would
evaluate them when the linted objects are created.

A policy or binding the API server would refuse (a field its schema does not know, such
as a ``fieldPath`` on a validation, which only CRD validation rules have; a wrong type;
what ``validation.go`` of admissionregistration rejects: no ``resourceRules``, no
``validationActions``, Deny with Warn, a ``paramRef`` with both or neither of ``name`` and
``selector``...) is a policy error naming its line (``problems``).

Each policy with at least one binding becomes a rule named after the policy. As in a
cluster, a policy without a binding enforces nothing (``kubelint rules`` shows it as
such), each binding's ``matchResources`` narrows the policy's ``matchConstraints``, and a
binding's ``validationActions`` decide the severity: Deny -> error, Warn -> warning,
Audit -> info. Parameters (``paramKind`` + ``paramRef``) are looked up among the other
objects of the policy files and of the linted input.

Matching follows the API server's matcher: resource rules with subresources
(``deployments/*`` and ``*/*`` match the object itself, ``deployments/scale`` does not),
``excludeResourceRules``, ``resourceNames`` (``metadata.name``; an object with only a
``generateName`` has none yet), ``scope``, ``matchPolicy: Equivalent`` (the default: a
rule for another version of the object's group and resource matches), object and
namespace selectors (a Namespace is matched on its own labels; a cluster-scoped object
by every namespaceSelector), and admission configuration objects (policies, bindings,
webhook configurations) are never matched. ``matchConditions`` then filter: one that is
false skips the policy; one that fails to evaluate rejects the object under
``failurePolicy: Fail`` and skips the policy under ``Ignore``. Likewise an expression
that fails to evaluate, and parameters that cannot be found (``parameterNotFoundAction:
Deny``) or cannot be looked up (a namespaced ``paramKind`` without
``paramRef.namespace`` for a cluster-scoped object), are findings under ``Fail`` only.
``variables`` are evaluated before the validations; one that fails matters only to the
expressions that use it, whose message names it.

A validation that is false is one finding, as the API server gives one message per
validation: at the field its expression is about (see ``expressions.Locator``; for
``list.all(x, ...)``, the first failing item), with the ``messageExpression`` (when it
gives a non-empty, one-line string), else ``message``, else ``failed expression: ...``.

What offline evaluation cannot know, and how kubelint answers:
- the operation is CREATE (``request.operation``), ``oldObject`` is null and
  ``request.userInfo`` is an anonymous user;
- the object is evaluated as written: neither defaulted by the API server (a Service
  without ``type`` has none; guard with ``has()``) nor converted to the version a rule
  names when ``matchPolicy: Equivalent`` matched it through another version;
- a namespace's labels come from the Namespace object when the input or the policy files
  hold it; otherwise only ``kubernetes.io/metadata.name`` (which the API server sets), and
  ``namespaceObject`` is a Namespace with just its name and that label (the API server
  fails a request in a namespace that does not exist);
- ``authorizer`` needs the cluster: validations, conditions and variables that use it
  (and expressions using those variables) are skipped (counted in ``kubelint check -v``);
- ``auditAnnotations`` only annotate the audit event: they are compiled, not evaluated;
- CEL runs on the objects as plain data: the field-name escaping Kubernetes applies to
  typed schemas (``object.spec.x__dash__y`` for ``x-y``) is not applied.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kubelint.constants import BUILTIN_KIND_GROUPS, CLUSTER_SCOPED_KINDS, KUBERNETES_VERSIONS
from kubelint.index import label_selector_matches
from kubelint.model import Manifest, Path, format_path
from kubelint.policies.expressions import Locator, compile_expression, evaluate, tokens
from kubelint.rule import Rule, RuleContext, Violation

ADMISSION_GROUP = "admissionregistration.k8s.io"
POLICY_KIND = "ValidatingAdmissionPolicy"
BINDING_KIND = "ValidatingAdmissionPolicyBinding"
VARIABLES = ("object", "oldObject", "request", "params", "namespaceObject", "variables")
ACTION_SEVERITY = {"Deny": "error", "Warn": "warning", "Audit": "info"}
_SEVERITY_ORDER = ("info", "warning", "error")
#: What the API server accepts (pkg/apis/admissionregistration/validation).
FAILURE_POLICIES = ("Fail", "Ignore")
MATCH_POLICIES = ("Exact", "Equivalent")
OPERATIONS = ("*", "CREATE", "UPDATE", "DELETE", "CONNECT")
SCOPES = ("*", "Cluster", "Namespaced")
REASONS = ("Unauthorized", "Forbidden", "Invalid", "RequestEntityTooLarge")
NOT_FOUND_ACTIONS = ("Allow", "Deny")
SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")
#: Admission configuration: the API server never runs a policy on these.
EXEMPT_KINDS = frozenset({
    "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
})
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_VARIABLE_USE = re.compile(r"\bvariables\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)")
_MAX_MESSAGE = 5 * 1024  # celconfig.MaxEvaluatedMessageExpressionSizeBytes

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


# ---------------------------------------------------------------------------
# What the API server would refuse to store.

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


# ---------------------------------------------------------------------------
# Compiling.

@dataclass
class Compiled:
    expression: str
    program: Any  # None: skipped (uses authorizer)
    locator: Locator | None = None


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
    audit_annotations: int = 0


def uses_authorizer(expression: str) -> bool:
    """Does the expression name the ``authorizer`` variable (not a field or a string)?"""
    items = tokens(expression)
    return any(token.kind == "ident" and token.text == "authorizer"
               and (position == 0 or items[position - 1].text not in (".", ".?"))
               for position, token in enumerate(items))


def compile_policy(obj: Manifest, where: Any) -> AdmissionPolicy:
    """Compile a ValidatingAdmissionPolicy's expressions (errors through ``where``); the
    policy passed ``problems()``."""
    spec = _mapping(obj.data.get("spec"))
    policy = AdmissionPolicy(obj.name or "?", obj.source.path, spec)
    summary = obj.annotations.get("kubelint.io/summary")
    policy.summary = summary if isinstance(summary, str) and summary else \
        f"ValidatingAdmissionPolicy {policy.name} denies the object"
    skipped_variables: set[str] = set()
    # As the API server compiles them: ``params`` is declared only with a paramKind.
    declared = VARIABLES if spec.get("paramKind") else \
        tuple(name for name in VARIABLES if name != "params")

    def compiled(path: Path, expression: str, locate: bool = False,
                 skippable: bool = True) -> Compiled:
        if skippable and (uses_authorizer(expression) or
                          skipped_variables & set(_VARIABLE_USE.findall(expression))):
            policy.skipped += 1
            return Compiled(expression, None)
        program = where(path, lambda: compile_expression(expression, declared,
                                                            budget_at_load=True))
        locator = Locator(expression, declared, ("object",)) if locate else None
        return Compiled(expression, program, locator)

    for index, item in enumerate(_list(spec.get("variables"))):
        variable = compiled(("spec", "variables", index, "expression"), item["expression"])
        if variable.program is None:
            skipped_variables.add(item["name"])
        policy.variables.append((item["name"], variable))
    for index, item in enumerate(_list(spec.get("matchConditions"))):
        policy.conditions.append((item["name"], compiled(
            ("spec", "matchConditions", index, "expression"), item["expression"], True)))
    for index, item in enumerate(_list(spec.get("validations"))):
        base = ("spec", "validations", index)
        message = None
        if item.get("messageExpression"):
            # The API server compiles messageExpression without authorizer: using it is
            # a compile error there too.
            message = compiled((*base, "messageExpression"), item["messageExpression"],
                               skippable=False)
        policy.validations.append((item, compiled((*base, "expression"), item["expression"],
                                                  True), message))
    for index, item in enumerate(_list(spec.get("auditAnnotations"))):
        policy.audit_annotations += 1  # never evaluated: compiled for their errors only
        value = item["valueExpression"]
        if not uses_authorizer(value):
            where(("spec", "auditAnnotations", index, "valueExpression"),
                  lambda value=value: compile_expression(value, declared))
    return policy


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
        if obj.api_group == ADMISSION_GROUP and obj.kind in EXEMPT_KINDS:
            return
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
    name = obj.metadata.get("name")  # none yet for an object with only a generateName
    return {
        "kind": {"group": group, "version": version, "kind": obj.kind},
        "resource": {"group": group, "version": version, "resource": resource},
        "subResource": "",
        "requestKind": {"group": group, "version": version, "kind": obj.kind},
        "requestResource": {"group": group, "version": version, "resource": resource},
        "name": name if isinstance(name, str) else "",
        "namespace": ctx.namespace_of(obj) or "",
        "operation": "CREATE",
        "userInfo": {"username": "", "groups": []},
        "dryRun": False,
        "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"},
    }


class _RunFacts:
    """What every object of one run asks the same: CRD plurals and scopes, objects by
    kind. Built once per run (asking per object made policies scan the whole input per
    object)."""

    def __init__(self, index: Any):
        self.index = index
        self.plurals: dict[str, str] = {}
        self.scopes: dict[str, str] = {}
        for crd in index.of_kind("CustomResourceDefinition"):
            spec = _mapping(crd.data.get("spec"))
            names = _mapping(spec.get("names"))
            if isinstance(names.get("kind"), str) and isinstance(names.get("plural"), str):
                self.plurals[names["kind"]] = names["plural"]
            if isinstance(names.get("kind"), str) and spec.get("scope") in SCOPES:
                self.scopes[names["kind"]] = spec["scope"]
        self.by_kind: dict[tuple[str | None, str | None], list[Manifest]] = {}
        for obj in index.objects():
            self.by_kind.setdefault((obj.api_version, obj.kind), []).append(obj)


def _run_facts(ctx: RuleContext) -> _RunFacts:
    if ctx.run is None:  # a context outside a run (tests): nothing to share
        return _RunFacts(ctx.index)
    return ctx.run.memo("admission", lambda: _RunFacts(ctx.index))  # type: ignore[no-any-return]


def _crd_plurals(ctx: RuleContext) -> dict[str, str]:
    return _run_facts(ctx).plurals


def _values(rule: Mapping[str, Any], key: str) -> list[Any]:
    values = rule.get(key)
    return values if isinstance(values, list) else []


def _rule_matches(rule: Mapping[str, Any], request: Mapping[str, Any], obj: Manifest,
                  any_version: bool = False) -> bool:
    """The API server's rules.Matcher (webhook/predicates/rules) for a CREATE of the
    object itself (no subresource); ``any_version`` for matchPolicy Equivalent."""
    resource = request["resource"]

    def has(key: str, value: str) -> bool:
        values = _values(rule, key)
        return "*" in values or value in values

    if not has("operations", "CREATE") or not has("apiGroups", resource["group"]):
        return False
    if not any_version and not has("apiVersions", resource["version"]):
        return False
    for pattern in _values(rule, "resources"):
        name, _, subresource = str(pattern).partition("/")
        if name in ("*", resource["resource"]) and subresource in ("*", ""):
            break
    else:
        return False
    scope = rule.get("scope") or "*"
    if scope == "Cluster" and not obj.cluster_scoped:
        return False
    if scope == "Namespaced" and obj.cluster_scoped:
        return False
    names = _values(rule, "resourceNames")
    return not names or request["name"] in names


def _rules_match(rules: list[Mapping[str, Any]], match: Mapping[str, Any],
                 request: Mapping[str, Any], obj: Manifest) -> bool:
    if any(_rule_matches(rule, request, obj) for rule in rules):
        return True
    # Equivalent (the default): the same group and resource served in another version
    # is the same object to the API server, which converts it for the policy.
    return match.get("matchPolicy") != "Exact" and \
        any(_rule_matches(rule, request, obj, any_version=True) for rule in rules)


def _matches(resources: Mapping[str, Any], request: Mapping[str, Any], obj: Manifest,
             namespace_labels: Mapping[str, Any] | None) -> bool:
    selector = resources.get("namespaceSelector")
    if isinstance(selector, Mapping) and namespace_labels is not None \
            and not label_selector_matches(selector, namespace_labels):
        return False
    selector = resources.get("objectSelector")
    if isinstance(selector, Mapping) and not label_selector_matches(selector, obj.labels):
        return False
    if _rules_match(_list(resources.get("excludeResourceRules")), resources, request, obj):
        return False
    rules = _list(resources.get("resourceRules"))
    # No resource rules (a binding may leave them out): every resource the policy matches.
    return not rules or _rules_match(rules, resources, request, obj)


def _namespace(obj: Manifest, ctx: RuleContext, known: Sequence[Manifest]
               ) -> tuple[Any, Mapping[str, Any] | None]:
    """(the Namespace object's data or None, the labels a namespaceSelector sees)."""
    if obj.kind == "Namespace":
        return None, {**obj.labels, "kubernetes.io/metadata.name": obj.name or ""}
    namespace = ctx.namespace_of(obj)
    if namespace is None:
        return None, None  # cluster-scoped: namespaceSelector does not apply
    found = ctx.index.get("Namespace", namespace)
    if found is None:  # then the policy files'
        found = next((item for item in known if item.kind == "Namespace"
                      and item.metadata.get("name") == namespace), None)
    labels = dict(found.labels) if found is not None else {}
    labels["kubernetes.io/metadata.name"] = namespace
    # The API server gives the stored Namespace, which exists (or the request fails) and
    # carries the name label it sets: the input's, else the least a namespace has.
    data: dict[str, Any] = dict(found.data) if found is not None else {
        "apiVersion": "v1", "kind": "Namespace", "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"}}
    data["metadata"] = {**(found.metadata if found is not None else {}), "name": namespace,
                        "labels": labels}
    return data, labels


# ---------------------------------------------------------------------------
# Evaluation.

def _check_binding(policy: AdmissionPolicy, binding: Mapping[str, Any], obj: Manifest,
                   ctx: RuleContext, params: Sequence[Manifest]) -> Iterator[Violation]:
    spec = _mapping(binding.get("spec"))
    request = _request(obj, ctx)
    namespace_object, namespace_labels = _namespace(obj, ctx, params)
    constraints = _mapping(policy.spec.get("matchConstraints"))
    if not _matches(constraints, request, obj, namespace_labels):
        return
    if "matchResources" in spec and not _matches(_mapping(spec["matchResources"]), request, obj,
                                                 namespace_labels):
        return
    severity = severity_of(binding)
    binding_name = _mapping(binding.get("metadata")).get("name") or "?"
    suffix = f" [{policy.name}, binding {binding_name}]"
    # failurePolicy decides what an error does: Fail rejects the object, Ignore admits it.
    fail = policy.spec.get("failurePolicy", "Fail") != "Ignore"
    found = _params(policy, spec, obj, ctx, params)
    if isinstance(found, str):
        if fail:
            yield ctx.violation((), found, severity)
        return
    seen: set[tuple[Path, str]] = set()  # selector params often fail alike: report once
    for param in found:
        data: dict[str, Any] = {"object": obj.data, "oldObject": None, "request": request,
                                "params": param, "namespaceObject": namespace_object,
                                "variables": {}}
        data["variables"], failed = _evaluate_variables(policy, data)
        condition = _conditions(policy, data, failed)
        if condition is False:
            continue
        if condition is not True:
            path, message = condition
            if fail and (path, message) not in seen:
                seen.add((path, message))
                yield ctx.violation(path, message + suffix, severity)
            continue
        for item, compiled, message_program in policy.validations:
            if compiled.program is None:
                continue
            value, error = evaluate(compiled.program, data)
            if error is None and value is True:
                continue
            if error is not None and not fail:
                continue  # failurePolicy Ignore: an error admits the object
            text = _message(item, message_program, data, compiled.expression)
            if error is not None:
                text = f"{text} (the expression failed: {_why(error, compiled, failed)})"
            elif not isinstance(value, bool):
                text = f"{text} (the expression gave {value!r}, not a boolean)"
            place = _place(compiled, data)
            if (place, text) not in seen:
                seen.add((place, text))
                yield ctx.violation(place, text + suffix, severity)


def _evaluate_variables(policy: AdmissionPolicy, data: dict[str, Any]
                        ) -> tuple[dict[str, Any], dict[str, str]]:
    """(the values, the errors) of the variables, in order, each seeing those before."""
    variables: dict[str, Any] = {}
    failed: dict[str, str] = {}
    for name, compiled in policy.variables:
        if compiled.program is None:
            continue
        # A copy: evaluations remember the bounds of the data they saw by identity.
        value, error = evaluate(compiled.program, {**data, "variables": dict(variables)})
        if error is None:
            variables[name] = value
        else:
            failed[name] = _why(error, compiled, failed)
    return variables, failed


def _why(error: str, compiled: Compiled, failed: Mapping[str, str]) -> str:
    """The error, naming the failed variable the expression used (the API server
    evaluates variables lazily: an error is the expression's that uses it)."""
    for name in _VARIABLE_USE.findall(compiled.expression):
        if name in failed and error.endswith(f"no such key: {name}"):
            return f"variables.{name}: {failed[name]}"
    return error


def _conditions(policy: AdmissionPolicy, data: dict[str, Any], failed: Mapping[str, str]
                ) -> bool | tuple[Path, str]:
    """True: every matchCondition holds; False: one is false (the policy does not apply);
    else (where, message) of the first that failed to evaluate, when none is false."""
    errors: list[tuple[Path, str]] = []
    for name, compiled in policy.conditions:
        if compiled.program is None:
            continue
        value, error = evaluate(compiled.program, data)
        if error is None and value is False:
            return False
        if error is None and not isinstance(value, bool):
            error = f"it gave {value!r}, not a boolean"
        if error is not None:
            errors.append((_place(compiled, data), f"matchConditions {name!r} failed to"
                           f" evaluate: {_why(error, compiled, failed)}; with failurePolicy"
                           " Fail the API server rejects the object"))
    return errors[0] if errors else True


def _place(compiled: Compiled, data: dict[str, Any]) -> Path:
    places = compiled.locator.places(data) if compiled.locator is not None else []
    return places[0][1] if places else ()


def _message(item: Mapping[str, Any], message: Compiled | None, data: dict[str, Any],
             expression: str) -> str:
    if message is not None and message.program is not None:
        value, error = evaluate(message.program, data)
        if error is None and isinstance(value, str):
            # As the API server: a blank, multi-line or huge result falls back.
            value = value.strip()
            if value and "\n" not in value and len(value.encode()) <= _MAX_MESSAGE:
                return value
    text = item.get("message")
    if isinstance(text, str) and text.strip():
        return text.strip()
    return f"failed expression: {expression.strip()}"


def param_scope(kind: str, ctx: RuleContext) -> str | None:
    """"Cluster" or "Namespaced" for a paramKind, or None when kubelint cannot tell (a
    custom kind whose CustomResourceDefinition is not in the input)."""
    if kind in CLUSTER_SCOPED_KINDS:
        return "Cluster"
    if kind in BUILTIN_KIND_GROUPS:
        return "Namespaced"
    scope = _run_facts(ctx).scopes.get(kind)
    return scope if scope in ("Cluster", "Namespaced") else None


def _params(policy: AdmissionPolicy, spec: Mapping[str, Any], obj: Manifest, ctx: RuleContext,
            candidates: Sequence[Manifest]) -> list[Any] | str:
    """The parameter objects' data ([None] without paramKind or paramRef), or a message
    when the binding's parameters cannot be used (the API server's configuration error,
    which failurePolicy decides)."""
    kind = _mapping(policy.spec.get("paramKind"))
    ref = _mapping(spec.get("paramRef"))
    if not kind or not ref:
        return [None]
    api_version, kind_name = kind.get("apiVersion"), kind.get("kind")
    scope = param_scope(str(kind_name), ctx)
    namespace = ref.get("namespace") or None
    problem = None
    if scope == "Cluster" and namespace is not None:
        problem = f"paramRef.namespace must not be set for the cluster-scoped {kind_name}"
    elif scope == "Namespaced" and namespace is None and obj.cluster_scoped:
        problem = (f"paramRef has no namespace, and {obj.kind} {obj.name} is cluster-scoped:"
                   f" it has no namespace to look up the {kind_name} in")
    if problem is not None:
        return (f"ValidatingAdmissionPolicy {policy.name}: the binding cannot find its"
                f" parameters: {problem}; with failurePolicy Fail the API server rejects"
                " the object")
    if namespace is None:
        namespace = ctx.namespace_of(obj)
    pool = [*(c for c in candidates if c.api_version == api_version and c.kind == kind_name),
            *_run_facts(ctx).by_kind.get((api_version, kind_name), ())]
    found = []
    for param in pool:
        if scope != "Cluster" and not param.cluster_scoped and namespace is not None \
                and (param.namespace or ctx.default_namespace) != namespace:
            continue
        if ref.get("name") and param.metadata.get("name") != ref["name"]:
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
    if namespace and scope != "Cluster":
        wanted += f" in namespace {namespace}"
    return (f"no parameters for ValidatingAdmissionPolicy {policy.name}: the binding's"
            f" {wanted} is not in the policy files or the input, and parameterNotFoundAction"
            " is Deny, so the API server would reject the object")
