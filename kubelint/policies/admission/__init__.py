"""ValidatingAdmissionPolicy and its bindings, evaluated offline as the API server would
evaluate them when the linted objects are created.

A policy or binding the API server would refuse (a field its schema does not know, such
as a ``fieldPath`` on a validation, which only CRD validation rules have; a wrong type;
what ``validation.go`` of admissionregistration rejects: no ``resourceRules``, no
``validationActions``, Deny with Warn, a ``paramRef`` with both or neither of ``name`` and
``selector``...) is a policy error naming its line (``problems``). The values each field
allows and the fields that must not be empty are data, ``schemas/admission.schema.json``.

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

The modules follow a policy's way: ``validate`` (what the API server would refuse to
store), ``compile`` (the policy's CEL expressions), ``match`` (which objects a policy and
binding apply to, and the parameters a binding finds), ``evaluate`` (the policy as a rule,
run on each object).
"""

from __future__ import annotations

from kubelint.policies.admission.common import ADMISSION_GROUP, BINDING_KIND, POLICY_KIND
from kubelint.policies.admission.compile import AdmissionPolicy, compile_policy
from kubelint.policies.admission.evaluate import policy_rule
from kubelint.policies.admission.validate import problems

__all__ = [
    "ADMISSION_GROUP",
    "BINDING_KIND",
    "POLICY_KIND",
    "AdmissionPolicy",
    "compile_policy",
    "policy_rule",
    "problems",
]
