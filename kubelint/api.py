"""The public API for rule and plugin authors. Rules import only from here."""

from __future__ import annotations

from kubelint import rbac
from kubelint.constants import (
    BUILTIN_KIND_GROUPS,
    CLUSTER_SCOPED_KINDS,
    KUBERNETES_VERSIONS,
    LONG_RUNNING_KINDS,
    POD_SPEC_KINDS,
    SCALABLE_KINDS,
)
from kubelint.fix import Fix
from kubelint.index import ObjectIndex, label_selector_matches, service_selector_matches
from kubelint.model import (
    ContainerRef,
    Manifest,
    Path,
    as_mapping,
    effective_security_context,
    format_path,
    is_windows_pod,
)
from kubelint.plugins import hookimpl
from kubelint.quantity import InvalidQuantity, parse_quantity
from kubelint.rule import Rule, RuleContext, Violation, engine_rule, rule, version_minor

__all__ = [
    "BUILTIN_KIND_GROUPS",
    "CLUSTER_SCOPED_KINDS",
    "KUBERNETES_VERSIONS",
    "LONG_RUNNING_KINDS",
    "POD_SPEC_KINDS",
    "SCALABLE_KINDS",
    "ContainerRef",
    "Fix",
    "InvalidQuantity",
    "Manifest",
    "ObjectIndex",
    "Path",
    "Rule",
    "RuleContext",
    "Violation",
    "as_mapping",
    "effective_security_context",
    "engine_rule",
    "format_path",
    "hookimpl",
    "is_windows_pod",
    "label_selector_matches",
    "parse_quantity",
    "rbac",
    "rule",
    "service_selector_matches",
    "version_minor",
]
