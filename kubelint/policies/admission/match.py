"""Which objects a policy and its binding apply to (the API server's matcher), and the
parameter objects a binding finds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kubelint.constants import BUILTIN_KIND_GROUPS, CLUSTER_SCOPED_KINDS
from kubelint.index import label_selector_matches
from kubelint.model import Manifest
from kubelint.policies.admission.common import mapping, mappings
from kubelint.policies.admission.compile import AdmissionPolicy
from kubelint.rule import RuleContext

SCOPES = ("*", "Cluster", "Namespaced")

#: Plurals the simple English rules below get wrong.
_IRREGULAR_PLURALS = {
    "Endpoints": "endpoints",
    "EndpointSlice": "endpointslices",
    "PodSecurityPolicy": "podsecuritypolicies",
}


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


def request_for(obj: Manifest, ctx: RuleContext) -> dict[str, Any]:
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
            spec = mapping(crd.data.get("spec"))
            names = mapping(spec.get("names"))
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
    return ctx.run.memo("admission", lambda: _RunFacts(ctx.index))


def _crd_plurals(ctx: RuleContext) -> dict[str, str]:
    return _run_facts(ctx).plurals


def _values(rule: Mapping[str, Any], key: str) -> list[Any]:
    values = rule.get(key)
    return values if isinstance(values, list) else []


def _rule_matches(
    rule: Mapping[str, Any], request: Mapping[str, Any], obj: Manifest, any_version: bool = False
) -> bool:
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


def _rules_match(
    rules: list[Mapping[str, Any]],
    match: Mapping[str, Any],
    request: Mapping[str, Any],
    obj: Manifest,
) -> bool:
    if any(_rule_matches(rule, request, obj) for rule in rules):
        return True
    # Equivalent (the default): the same group and resource served in another version
    # is the same object to the API server, which converts it for the policy.
    return match.get("matchPolicy") != "Exact" and any(
        _rule_matches(rule, request, obj, any_version=True) for rule in rules
    )


def matches(
    resources: Mapping[str, Any],
    request: Mapping[str, Any],
    obj: Manifest,
    namespace_labels: Mapping[str, Any] | None,
) -> bool:
    selector = resources.get("namespaceSelector")
    if (
        isinstance(selector, Mapping)
        and namespace_labels is not None
        and not label_selector_matches(selector, namespace_labels)
    ):
        return False
    selector = resources.get("objectSelector")
    if isinstance(selector, Mapping) and not label_selector_matches(selector, obj.labels):
        return False
    if _rules_match(mappings(resources.get("excludeResourceRules")), resources, request, obj):
        return False
    rules = mappings(resources.get("resourceRules"))
    # No resource rules (a binding may leave them out): every resource the policy matches.
    return not rules or _rules_match(rules, resources, request, obj)


def namespace_context(
    obj: Manifest, ctx: RuleContext, known: Sequence[Manifest]
) -> tuple[Any, Mapping[str, Any] | None]:
    """(the Namespace object's data or None, the labels a namespaceSelector sees)."""
    if obj.kind == "Namespace":
        # The API server sets the label to the name: one with only a generateName gets
        # a name on creation, never its prefix (the label still exists).
        return None, {**obj.labels, "kubernetes.io/metadata.name": obj.name or ""}
    namespace = ctx.namespace_of(obj)
    if namespace is None:
        return None, None  # cluster-scoped: namespaceSelector does not apply
    found = ctx.index.get("Namespace", namespace)
    if found is None:  # then the policy files'
        found = next(
            (
                item
                for item in known
                if item.kind == "Namespace" and item.metadata.get("name") == namespace
            ),
            None,
        )
    labels = dict(found.labels) if found is not None else {}
    labels["kubernetes.io/metadata.name"] = namespace
    # The API server gives the stored Namespace, which exists (or the request fails) and
    # carries the name label it sets: the input's, else the least a namespace has.
    data: dict[str, Any] = (
        dict(found.data)
        if found is not None
        else {
            "apiVersion": "v1",
            "kind": "Namespace",
            "spec": {"finalizers": ["kubernetes"]},
            "status": {"phase": "Active"},
        }
    )
    data["metadata"] = {
        **(found.metadata if found is not None else {}),
        "name": namespace,
        "labels": labels,
    }
    return data, labels


def param_scope(kind: str, ctx: RuleContext) -> str | None:
    """ "Cluster" or "Namespaced" for a paramKind, or None when kubelint cannot tell (a
    custom kind whose CustomResourceDefinition is not in the input)."""
    if kind in CLUSTER_SCOPED_KINDS:
        return "Cluster"
    if kind in BUILTIN_KIND_GROUPS:
        return "Namespaced"
    scope = _run_facts(ctx).scopes.get(kind)
    return scope if scope in ("Cluster", "Namespaced") else None


def parameters(
    policy: AdmissionPolicy,
    spec: Mapping[str, Any],
    obj: Manifest,
    ctx: RuleContext,
    candidates: Sequence[Manifest],
) -> list[Any] | str:
    """The parameter objects' data ([None] without paramKind or paramRef), or a message
    when the binding's parameters cannot be used (the API server's configuration error,
    which failurePolicy decides)."""
    kind = mapping(policy.spec.get("paramKind"))
    ref = mapping(spec.get("paramRef"))
    if not kind or not ref:
        return [None]
    api_version, kind_name = kind.get("apiVersion"), kind.get("kind")
    scope = param_scope(str(kind_name), ctx)
    namespace = ref.get("namespace") or None
    problem = None
    if scope == "Cluster" and namespace is not None:
        problem = f"paramRef.namespace must not be set for the cluster-scoped {kind_name}"
    elif scope == "Namespaced" and namespace is None and obj.cluster_scoped:
        problem = (
            f"paramRef has no namespace, and {obj.kind} {obj.display_name} is"
            " cluster-scoped:"
            f" it has no namespace to look up the {kind_name} in"
        )
    if problem is not None:
        return (
            f"ValidatingAdmissionPolicy {policy.name}: the binding cannot find its"
            f" parameters: {problem}; with failurePolicy Fail the API server rejects"
            " the object"
        )
    if namespace is None:
        namespace = ctx.namespace_of(obj)
    pool = [
        *(c for c in candidates if c.api_version == api_version and c.kind == kind_name),
        *_run_facts(ctx).by_kind.get((api_version, kind_name), ()),
    ]
    found = []
    for param in pool:
        if (
            scope != "Cluster"
            and not param.cluster_scoped
            and namespace is not None
            and (param.namespace or ctx.default_namespace) != namespace
        ):
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
    return (
        f"no parameters for ValidatingAdmissionPolicy {policy.name}: the binding's"
        f" {wanted} is not in the policy files or the input, and parameterNotFoundAction"
        " is Deny, so the API server would reject the object"
    )
