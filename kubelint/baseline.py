"""Baselines: record today's findings, then report only new ones.

An entry identifies a finding by file, object (apiVersion, kind, namespace, name), rule
and path inside the object, never by line: an edit elsewhere in the file moves lines but
does not resurrect old findings. Entries are matched as a multiset, so a second finding
of the same rule on the same field is new. Findings of the baseline that no longer occur
are counted as fixed.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from typing import Any

from kubelint.report import Finding, Report

FORMAT_VERSION = 1


class BaselineError(Exception):
    """The baseline file cannot be read (exit status 2)."""


def _key(finding: Finding) -> tuple[Any, ...]:
    file, rule, api_version, kind, namespace, name, path = finding.identity()
    if finding.object is None:
        # Findings about the file itself (yaml-syntax...) have no object or path: their
        # message tells them apart (fingerprints count occurrences instead).
        return (file, rule, None, finding.message)
    return (file, rule, (api_version, kind, namespace, name), path)


def _entry(key: tuple[Any, ...]) -> dict[str, Any]:
    file, rule, identity, detail = key
    entry: dict[str, Any] = {"file": file, "rule": rule}
    if identity is None:
        entry["message"] = detail
    else:
        api_version, kind, namespace, name = identity
        entry["object"] = {
            "apiVersion": api_version,
            "kind": kind,
            "namespace": namespace,
            "name": name,
        }
        entry["path"] = detail
    return entry


def _key_of_entry(entry: Any) -> tuple[Any, ...]:
    if (
        not isinstance(entry, dict)
        or not isinstance(entry.get("file"), str)
        or not isinstance(entry.get("rule"), str)
    ):
        raise ValueError(entry)
    obj = entry.get("object")
    if obj is None:
        return (entry["file"], entry["rule"], None, entry.get("message", ""))
    identity = (obj.get("apiVersion"), obj.get("kind"), obj.get("namespace"), obj.get("name"))
    return (entry["file"], entry["rule"], identity, entry.get("path", ""))


def render(findings: list[Finding]) -> str:
    """The baseline file for ``findings``: JSON, sorted, one entry per finding."""
    keys = sorted((_key(f) for f in findings), key=lambda k: json.dumps(k, default=str))
    document = {"kubelint-baseline": FORMAT_VERSION, "findings": [_entry(k) for k in keys]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def load(path: str) -> Counter[tuple[Any, ...]]:
    from kubelint.loader import read_file

    data, problem = read_file(path)  # bounded like manifests: /dev/zero is no baseline
    if data is None:
        raise BaselineError(
            f"cannot read the baseline {path}: {problem.message if problem else 'unreadable'}"
        )
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise BaselineError(f"{path}: the baseline is not UTF-8 JSON") from error
    except json.JSONDecodeError as error:
        raise BaselineError(
            f"{path}:{error.lineno}: the baseline is not valid JSON: {error.msg}"
        ) from error
    except RecursionError as error:
        raise BaselineError(f"{path}: the baseline nests too deep to be one") from error
    if not isinstance(document, dict) or document.get("kubelint-baseline") != FORMAT_VERSION:
        raise BaselineError(f"{path}: not a kubelint baseline (write one with --write-baseline)")
    try:
        return Counter(_key_of_entry(entry) for entry in document.get("findings", []))
    except ValueError as error:
        raise BaselineError(f"{path}: malformed baseline entry {error}") from error


def apply(report: Report, baseline: Counter[tuple[Any, ...]]) -> Report:
    """The report without the findings the baseline already holds; the summary counts the
    baselined findings that are gone as fixed."""
    remaining = Counter(baseline)
    new: list[Finding] = []
    for finding in report.findings:
        key = _key(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            new.append(finding)
    summary = replace(
        report.summary,
        baseline_fixed=sum(remaining.values()),
        baselined=len(report.findings) - len(new),
    )
    return replace(report, findings=new, summary=summary)
