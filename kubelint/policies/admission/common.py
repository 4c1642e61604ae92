"""What the modules of ``kubelint.policies.admission`` share."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

ADMISSION_GROUP = "admissionregistration.k8s.io"
POLICY_KIND = "ValidatingAdmissionPolicy"
BINDING_KIND = "ValidatingAdmissionPolicyBinding"
ACTION_SEVERITY = {"Deny": "error", "Warn": "warning", "Audit": "info"}

VARIABLE_USE = re.compile(r"\bvariables\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)")


def mappings(value: Any) -> list[Mapping[str, Any]]:
    """The mappings in a list (none when ``value`` is not one)."""
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a mapping, else an empty one."""
    return value if isinstance(value, Mapping) else {}
