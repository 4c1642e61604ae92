"""The public API for rule and plugin authors. Rules import only from here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubelint import pss, rbac
from kubelint.compliance import Control
from kubelint.constants import (
    BUILTIN_KIND_GROUPS,
    CLUSTER_SCOPED_KINDS,
    CONTROLLER_LABELS,
    KUBERNETES_VERSIONS,
    LONG_RUNNING_KINDS,
    POD_SPEC_KINDS,
    REPLICATED_KINDS,
    SCALABLE_KINDS,
    WORKLOAD_KINDS,
)
from kubelint.docs import with_kubernetes_versions
from kubelint.fix import Fix
from kubelint.index import (
    ObjectIndex,
    custom_resource_pod_labels,
    describe_selector,
    is_custom_resource,
    label_selector_matches,
    selector_keys,
    service_selector_matches,
)
from kubelint.model import (
    ContainerRef,
    Manifest,
    Path,
    as_mapping,
    effective_security_context,
    format_path,
    is_one_of,
    is_windows_pod,
    missing_metadata_keys,
    port_name_problems,
)
from kubelint.patterns import lazy_compile
from kubelint.plugins import hookimpl
from kubelint.quantity import InvalidQuantity, parse_quantity
from kubelint.rule import (
    Rule,
    RuleContext,
    RunContext,
    Violation,
    engine_rule,
    rule,
    version_minor,
)
from kubelint.schema import bundled
from kubelint.suggest import AFTER_SEMICOLON, IN_PARENTHESES, closest, did_you_mean
from kubelint.values import (
    base64_problem,
    has_placeholder,
    host_path_is_file,
    is_image_reference,
    looks_like_file,
    normalise_host_path,
)

if TYPE_CHECKING:
    from kubelint.policies.expressions import ExpressionError as CelError
    from kubelint.policies.expressions import compile_expression as compile_cel
    from kubelint.policies.expressions import evaluate as evaluate_cel
    from kubelint.policies.expressions import first_field as cel_first_field
    from kubelint.policies.expressions import parse_field_path

#: The CEL helpers, by public name: imported on first use, since importing the
#: expressions module loads the policy package (and with it the file loader), which
#: most rules and plugins never need.
_CEL = {
    "CelError": "ExpressionError",
    "compile_cel": "compile_expression",
    "evaluate_cel": "evaluate",
    "cel_first_field": "first_field",
    "parse_field_path": "parse_field_path",
}


def __getattr__(name: str) -> Any:
    if name in _CEL:
        from kubelint.policies import expressions

        value = getattr(expressions, _CEL[name])
        globals()[name] = value  # once: later lookups find it like any other name
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AFTER_SEMICOLON",
    "BUILTIN_KIND_GROUPS",
    "CLUSTER_SCOPED_KINDS",
    "CONTROLLER_LABELS",
    "IN_PARENTHESES",
    "KUBERNETES_VERSIONS",
    "LONG_RUNNING_KINDS",
    "POD_SPEC_KINDS",
    "REPLICATED_KINDS",
    "SCALABLE_KINDS",
    "WORKLOAD_KINDS",
    "CelError",
    "ContainerRef",
    "Control",
    "Fix",
    "InvalidQuantity",
    "Manifest",
    "ObjectIndex",
    "Path",
    "Rule",
    "RuleContext",
    "RunContext",
    "Violation",
    "as_mapping",
    "base64_problem",
    "bundled",
    "cel_first_field",
    "closest",
    "compile_cel",
    "custom_resource_pod_labels",
    "describe_selector",
    "did_you_mean",
    "effective_security_context",
    "engine_rule",
    "evaluate_cel",
    "format_path",
    "has_placeholder",
    "hookimpl",
    "host_path_is_file",
    "is_custom_resource",
    "is_image_reference",
    "is_one_of",
    "is_windows_pod",
    "label_selector_matches",
    "lazy_compile",
    "looks_like_file",
    "missing_metadata_keys",
    "normalise_host_path",
    "parse_field_path",
    "parse_quantity",
    "port_name_problems",
    "pss",
    "rbac",
    "rule",
    "selector_keys",
    "service_selector_matches",
    "version_minor",
    "with_kubernetes_versions",
]
