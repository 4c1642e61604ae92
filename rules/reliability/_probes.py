"""Reading a container's probes, for the probe rules: which probes there are, and the
values Kubernetes gives their timing fields."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

PROBES = ("livenessProbe", "readinessProbe", "startupProbe")

#: Probe timing fields and the value the API server gives them when unset (or 0, but for
#: initialDelaySeconds, whose default is 0).
TIMING_DEFAULTS = {
    "initialDelaySeconds": 0,
    "periodSeconds": 10,
    "timeoutSeconds": 1,
    "successThreshold": 1,
    "failureThreshold": 3,
}


def probes(container: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(field name, probe) of each probe the container sets; a malformed one (not a
    mapping) is left to schema validation."""
    for name in PROBES:
        probe = container.get(name)
        if isinstance(probe, Mapping):
            yield name, probe


def integer(value: Any) -> int | None:
    """An integer field's value; None for anything else (bool is an int subclass)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def effective(probe: Mapping[str, Any], field: str) -> int | None:
    """The value Kubernetes uses for a timing field (unset or 0: the default); None when
    it is malformed (not an integer, or negative)."""
    value = probe.get(field)
    if value is None:
        return TIMING_DEFAULTS[field]
    number = integer(value)
    if number is None or number < 0:
        return None
    return number or TIMING_DEFAULTS[field]
