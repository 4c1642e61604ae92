"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run, the whole rule catalogue in ``tool.driver.rules`` (sorted by id) and one result
per finding. Relative paths are given against ``%SRCROOT%``, the working directory; the
formatter names that directory in ``run.originalUriBaseIds`` only when the caller passes
``context.extra["sarif_root_uri"]`` (see ``working_directory_uri``), so that output is
otherwise the same on every machine. Like every formatter it renders and never filters.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kubelint.docs import rule_page, sections
from kubelint.formatters import FormatContext, dumps_indented
from kubelint.report import Finding, Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/kubelint/kubelint"
SRCROOT = "%SRCROOT%"
#: The key of kubelint's own entry in ``partialFingerprints``; bump the version when
#: what goes into the hash changes, so consumers do not match old against new.
FINGERPRINT_KEY = "kubelint/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
TAGS = ("kubernetes",)
MAX_TAGS = 10
#: GitHub code scanning's limit for shortDescription.text and fullDescription.text.
DESCRIPTION_LIMIT = 1024

_SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?\Z"
)
_WINDOWS_DRIVE = re.compile(r"[A-Za-z]:/")


def render(report: Report, context: FormatContext) -> str:
    rules = sorted(report.rules.values(), key=lambda rule: rule.id)
    index = {rule.id: position for position, rule in enumerate(rules)}
    driver: dict[str, Any] = {"name": "kubelint"}
    if context.version:
        driver["version"] = context.version
    driver["informationUri"] = INFORMATION_URI
    if _SEMVER.match(context.version):
        driver["semanticVersion"] = context.version
    driver["rules"] = [_descriptor(rule) for rule in rules]
    run: dict[str, Any] = {"tool": {"driver": driver}}
    root = context.extra.get("sarif_root_uri")
    if root:
        root = str(root)
        run["originalUriBaseIds"] = {SRCROOT: {"uri": root if root.endswith("/") else root + "/"}}
    run["columnKind"] = "unicodeCodePoints"  # kubelint counts columns in characters
    run["results"] = _results(report.findings, index)
    if report.pod_security:  # each workload's Pod Security Standards level
        run["properties"] = {
            "podSecurity": [
                {
                    "location": {
                        "physicalLocation": {
                            "artifactLocation": _artifact(found.file),
                            "region": {"startLine": found.line},
                        },
                        "logicalLocations": [
                            {"fullyQualifiedName": found.object.describe(), "kind": "resource"}
                        ],
                    },
                    "level": found.level,
                }
                for found in report.pod_security
            ]
        }
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return dumps_indented(document)


def working_directory_uri(directory: str | None = None) -> str:
    """``file:///…/`` for ``directory`` (the working directory by default): the value
    for ``FormatContext.extra["sarif_root_uri"]``."""
    uri = Path(directory or os.getcwd()).resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"  # only the root directory's ends in "/"


def rule_name(rule_id: str) -> str:
    """``liveness-initial-delay`` -> ``LivenessInitialDelay``."""
    return "".join(part[:1].upper() + part[1:] for part in rule_id.split("-"))


def _descriptor(rule: Any) -> dict[str, Any]:
    doc = inspect.cleandoc(rule.doc or "")
    what = sections(doc).get("What it does") or doc or rule.summary
    help_text = rule_page(rule)
    descriptor: dict[str, Any] = {"id": rule.id}
    if rule.aliases:  # a rename keeps the old ids: SARIF's word for them
        descriptor["deprecatedIds"] = list(rule.aliases)
    descriptor.update(
        {
            "name": rule_name(rule.id),
            "shortDescription": {"text": _shorten(rule.summary or rule.id)},
            "fullDescription": {"text": _shorten(what)},
            "defaultConfiguration": {"level": LEVELS[rule.severity]},
            "help": {"text": help_text, "markdown": help_text},
            **({"helpUri": rule.url} if rule.url else {}),
            "properties": _properties(rule),
        }
    )
    return descriptor


def _properties(rule: Any) -> dict[str, Any]:
    """The rule's tags (``kubernetes``, its category, the controls it implements) and,
    for a rule mapped to controls, each control with its framework and title."""
    tags = list(TAGS)
    category = getattr(rule, "category", None)  # the category is a tag
    if category and category not in tags:
        tags.append(category)
    controls = getattr(rule, "controls", ())
    tags.extend(control.ref for control in controls)
    # GitHub shows ten tags at most; properties.controls keeps every control.
    properties: dict[str, Any] = {"tags": tags[:MAX_TAGS]}
    if controls:
        properties["controls"] = [control.to_dict() for control in controls]
    return properties


def _shorten(text: str) -> str:
    """``text`` within GitHub's description limit: whole paragraphs while they fit, else
    whole words, and an ellipsis when anything was left out (the help has it all)."""
    text = text.strip()
    if len(text) <= DESCRIPTION_LIMIT:
        return text
    room = DESCRIPTION_LIMIT - 2  # for " …"
    kept = ""
    for paragraph in text.split("\n\n"):
        candidate = f"{kept}\n\n{paragraph}" if kept else paragraph
        if len(candidate) > room:
            break
        kept = candidate
    if not kept:  # one long paragraph: cut between words (mid-word only if it is one)
        head = text[: room + 1]
        kept = head.rsplit(None, 1)[0] if len(head.split()) > 1 else text[:room]
    return kept.rstrip() + " …"


def _results(findings: list[Finding], index: dict[str, int]) -> list[dict[str, Any]]:
    seen: Counter[str] = Counter()
    results = []
    for finding in findings:
        result: dict[str, Any] = {"ruleId": finding.rule}
        if finding.rule in index:  # a rule outside the catalogue is still reported
            result["ruleIndex"] = index[finding.rule]
        location: dict[str, Any] = {
            "physicalLocation": {
                "artifactLocation": _artifact(finding.file),
                "region": {
                    "startLine": finding.line,
                    "startColumn": finding.column,
                    "endLine": finding.end_line,
                    "endColumn": finding.end_column,
                },
            }
        }
        if finding.object is not None:  # SARIF keeps these on the location, not the result
            logical = {"fullyQualifiedName": finding.object.describe(), "kind": "resource"}
            if finding.object.name:
                logical = {"name": finding.object.name, **logical}
            location["logicalLocations"] = [logical]
        result.update(
            {
                "level": LEVELS[finding.severity],
                "message": {"text": finding.message},
                "locations": [location],
            }
        )
        if finding.related:  # e.g. the values-file line a template took the value from
            result["relatedLocations"] = [
                {
                    "id": number,
                    "physicalLocation": {
                        "artifactLocation": _artifact(related.file),
                        "region": {"startLine": related.line, "startColumn": related.column},
                    },
                    "message": {"text": related.message},
                }
                for number, related in enumerate(finding.related, start=1)
            ]
        digest = fingerprint(finding)
        seen[digest] += 1
        result["partialFingerprints"] = {FINGERPRINT_KEY: f"{digest}:{seen[digest]}"}
        properties = {
            key: value
            for key, value in (("path", finding.path), ("template", finding.template))
            if value
        }
        if properties:
            result["properties"] = properties
        results.append(result)
    return results


def _artifact(path: str) -> dict[str, str]:
    artifact = {"uri": artifact_uri(path)}
    if not _is_absolute(path):
        artifact["uriBaseId"] = SRCROOT
    return artifact


def fingerprint(finding: Finding) -> str:
    """The hash of the finding's ``identity()``. ``render`` appends ``:N``, the finding's
    occurrence among those with the same hash, in report order."""
    encoded = json.dumps(list(finding.identity()), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8", "surrogateescape")).hexdigest()


def _is_absolute(path: str) -> bool:
    return path.startswith("/") or bool(_WINDOWS_DRIVE.match(path))


def artifact_uri(path: str) -> str:
    """A finding's POSIX path as a URI: relative paths percent-escaped (to resolve against
    ``%SRCROOT%``), absolute ones as ``file://`` URIs."""
    # The file name's own bytes, percent-escaped, also when they are not UTF-8.
    raw = path.encode("utf-8", "surrogateescape")
    if path.startswith("//"):  # a UNC path: //server/share/...
        return "file:" + quote(raw)
    if _WINDOWS_DRIVE.match(path):
        return "file:///" + path[:2] + quote(raw[2:])
    if path.startswith("/"):
        return "file://" + quote(raw)
    return quote(raw)
