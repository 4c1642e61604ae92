"""A compiled policy as a rule: each binding's validations evaluated on each object it
matches."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from kubelint.model import Manifest, Path
from kubelint.policies.admission.common import (
    ACTION_SEVERITY,
    ADMISSION_GROUP,
    VARIABLE_USE,
    mapping,
)
from kubelint.policies.admission.compile import AdmissionPolicy, Compiled
from kubelint.policies.admission.match import matches, namespace_context, parameters, request_for
from kubelint.policies.expressions import evaluate
from kubelint.rule import Rule, RuleContext, Violation

_SEVERITY_ORDER = ("info", "warning", "error")
#: Admission configuration: the API server never runs a policy on these.
EXEMPT_KINDS = frozenset(
    {
        "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "MutatingAdmissionPolicy",
        "MutatingAdmissionPolicyBinding",
    }
)
_MAX_MESSAGE = 5 * 1024  # celconfig.MaxEvaluatedMessageExpressionSizeBytes


def severity_of(binding: Mapping[str, Any]) -> str:
    actions = mapping(binding.get("spec")).get("validationActions") or ["Deny"]
    levels = [ACTION_SEVERITY.get(action, "error") for action in actions]
    return max(levels, key=_SEVERITY_ORDER.index)


def policy_rule(policy: AdmissionPolicy, rule_id: str, params: Sequence[Manifest]) -> Rule:
    severities = [severity_of(b) for b in policy.bindings]
    severity = max(severities, key=_SEVERITY_ORDER.index) if severities else "error"

    def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
        if obj.api_group == ADMISSION_GROUP and obj.kind in EXEMPT_KINDS:
            return
        for binding in policy.bindings:
            yield from check_binding(policy, binding, obj, ctx, params)

    return Rule(
        id=rule_id,
        severity=severity,
        summary=policy.summary,
        check=check,
        doc=_doc(policy),
        enabled=bool(policy.bindings),
    )


def _doc(policy: AdmissionPolicy) -> str:
    lines = [
        f"## What it does\n\nEvaluates the ValidatingAdmissionPolicy `{policy.name}`"
        f" (from `{policy.source}`) offline against the linted objects, as the API"
        " server would when they are created.\n",
        "## Validations\n",
    ]
    for item, compiled, _ in policy.validations:
        message = item.get("message") or item.get("messageExpression") or ""
        lines.append(f"- `{compiled.expression}`" + (f": {message}" if message else ""))
    lines.append("\n## Bindings\n")
    if not policy.bindings:
        lines.append("None in the policy files: the policy enforces nothing (off).")
    for binding in policy.bindings:
        actions = ", ".join(mapping(binding.get("spec")).get("validationActions") or ["Deny"])
        lines.append(f"- `{mapping(binding.get('metadata')).get('name')}`: {actions}")
    return "\n".join(lines) + "\n"


def check_binding(
    policy: AdmissionPolicy,
    binding: Mapping[str, Any],
    obj: Manifest,
    ctx: RuleContext,
    params: Sequence[Manifest],
) -> Iterator[Violation]:
    spec = mapping(binding.get("spec"))
    request = request_for(obj, ctx)
    namespace_object, namespace_labels = namespace_context(obj, ctx, params)
    constraints = mapping(policy.spec.get("matchConstraints"))
    if not matches(constraints, request, obj, namespace_labels):
        return
    if "matchResources" in spec and not matches(
        mapping(spec["matchResources"]), request, obj, namespace_labels
    ):
        return
    severity = severity_of(binding)
    binding_name = mapping(binding.get("metadata")).get("name") or "?"
    suffix = f" [{policy.name}, binding {binding_name}]"
    # failurePolicy decides what an error does: Fail rejects the object, Ignore admits it.
    fail = policy.spec.get("failurePolicy", "Fail") != "Ignore"
    found = parameters(policy, spec, obj, ctx, params)
    if isinstance(found, str):
        if fail:
            yield ctx.violation((), found, severity)
        return
    seen: set[tuple[Path, str]] = set()  # selector params often fail alike: report once
    for param in found:
        data: dict[str, Any] = {
            "object": obj.data,
            "oldObject": None,
            "request": request,
            "params": param,
            "namespaceObject": namespace_object,
            "variables": {},
        }
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


def _evaluate_variables(
    policy: AdmissionPolicy, data: dict[str, Any]
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
    for name in VARIABLE_USE.findall(compiled.expression):
        if name in failed and error.endswith(f"no such key: {name}"):
            return f"variables.{name}: {failed[name]}"
    return error


def _conditions(
    policy: AdmissionPolicy, data: dict[str, Any], failed: Mapping[str, str]
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
            errors.append(
                (
                    _place(compiled, data),
                    f"matchConditions {name!r} failed to"
                    f" evaluate: {_why(error, compiled, failed)}; with failurePolicy"
                    " Fail the API server rejects the object",
                )
            )
    return errors[0] if errors else True


def _place(compiled: Compiled, data: dict[str, Any]) -> Path:
    places = compiled.locator.places(data) if compiled.locator is not None else []
    return places[0][1] if places else ()


def _message(
    item: Mapping[str, Any], message: Compiled | None, data: dict[str, Any], expression: str
) -> str:
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
