"""``--format sarif``: valid SARIF 2.1.0 (against the official schema when ../shared is
there), the shape GitHub code scanning reads, stable fingerprints, and a golden file.

Regenerate the golden file deliberately with `KUBELINT_UPDATE_SNAPSHOTS=1 python -m pytest
tests/test_format_sarif.py` and review the diff like code."""

from __future__ import annotations

import inspect
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kubelint
from kubelint.docs import sections
from kubelint.formatters import FormatContext
from kubelint.formatters.sarif import (
    DESCRIPTION_LIMIT,
    FINGERPRINT_KEY,
    artifact_uri,
    render,
    rule_name,
    working_directory_uri,
)
from kubelint.model import RelatedLocation
from kubelint.report import Finding, ObjectRef, Report, Summary
from tests.helpers import ROOT, SHARED, assert_golden, lint_in, registry

SCHEMA = SHARED / "schemas" / "sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
CONTEXT = FormatContext(version=kubelint.__version__)
#: RFC 3986 URI-reference characters, with every "%" starting an escape. jsonschema checks
#: the schema's "uri"/"uri-reference" formats only when rfc3987 is installed, so check here.
URI_REFERENCE = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*\Z")


def sarif(report: Report, context: FormatContext = CONTEXT) -> dict:
    return json.loads(render(report, context))


@pytest.fixture(scope="module")
def examples() -> Report:
    return lint_in(ROOT, ["examples"])


def fingerprints(document: dict) -> list[str]:
    return [
        result["partialFingerprints"][FINGERPRINT_KEY] for result in document["runs"][0]["results"]
    ]


def edge_report(tmp_path: Path) -> Report:
    """Findings the examples lack: a file outside the working directory, no object,
    a Helm template, a rule outside the catalogue and two findings with one identity."""
    outside = (tmp_path / "dir with space" / "ünïcode.yaml").as_posix()
    obj = ObjectRef("apps/v1", "Deployment", "shop", "web")
    findings = [
        Finding(
            "image-tag-latest",
            "warning",
            "image 'nginx' has no tag",
            outside,
            3,
            5,
            3,
            10,
            obj,
            "spec.template.spec.containers[0].image",
            "chart/templates/web.yaml",
            related=(RelatedLocation("chart/values.yaml", 8, 3, "value image.tag"),),
        ),
        Finding(
            "yaml-syntax", "error", "mapping values are not allowed here", "a b/c.yaml", 2, 7, 2, 8
        ),
        Finding("schema", "error", "first", "x.yaml", 4, 3, 4, 9, obj, "spec"),
        Finding("schema", "error", "second", "x.yaml", 4, 3, 4, 9, obj, "spec"),
        Finding("team-label", "info", "from a plugin", "x.yaml", 1, 1, 1, 2, obj, "metadata"),
    ]
    return Report(findings, Summary(files=3), registry().rules)


# --- (1) the official schema --------------------------------------------------------------


def test_validates_against_the_sarif_schema(examples, tmp_path):
    if not SCHEMA.is_file():
        pytest.skip(f"{SCHEMA} not found (../shared is not checked out)")
    from jsonschema import FormatChecker
    from jsonschema.validators import validator_for

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = validator_for(schema)  # the draft the schema declares in its "$schema"
    cls.check_schema(schema)
    validator = cls(schema, format_checker=FormatChecker())
    extra = {"sarif_root_uri": working_directory_uri(str(ROOT))}
    for document in (sarif(examples), sarif(edge_report(tmp_path), FormatContext(extra=extra))):
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        assert not errors, "\n".join(
            f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10]
        )


# --- (2) structure: what GitHub code scanning reads ----------------------------------------


def test_log_run_and_driver(examples):
    document = sarif(examples)
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert document["version"] == "2.1.0"
    assert len(document["runs"]) == 1
    run = document["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    assert "originalUriBaseIds" not in run  # machine-independent unless asked
    driver = run["tool"]["driver"]
    assert driver["name"] == "kubelint"
    assert driver["version"] == driver["semanticVersion"] == kubelint.__version__
    assert driver["informationUri"] == "https://github.com/kubelint/kubelint"


def test_every_rule_is_described(examples):
    rules = sarif(examples)["runs"][0]["tool"]["driver"]["rules"]
    catalogue = registry().rules
    ids = [rule["id"] for rule in rules]
    assert ids == sorted(catalogue)  # all of them, not only those with findings
    for descriptor in rules:
        rule = catalogue[descriptor["id"]]
        assert descriptor["name"] == rule_name(rule.id)
        assert descriptor["name"].isalnum() and descriptor["name"][0].isupper()
        assert descriptor["shortDescription"]["text"] == rule.summary
        full = descriptor["fullDescription"]["text"]
        assert full and len(full) <= DESCRIPTION_LIMIT
        assert descriptor["defaultConfiguration"]["level"] == LEVELS[rule.severity]
        assert descriptor["helpUri"] == (
            f"https://github.com/kubelint/kubelint/blob/main/docs/rules/{rule.id}.md"
        )
        # The help is the page helpUri points at, word for word.
        page = (ROOT / "docs" / "rules" / f"{rule.id}.md").read_text(encoding="utf-8")
        assert descriptor["help"]["markdown"] == descriptor["help"]["text"] == page
        assert "kubernetes" in descriptor["properties"]["tags"]
        assert len(descriptor["properties"]["tags"]) <= 10  # GitHub shows 10 at most
    by_id = {rule["id"]: rule for rule in rules}
    assert rule_name("liveness-initial-delay") == "LivenessInitialDelay"
    assert by_id["liveness-initial-delay"]["fullDescription"]["text"].startswith(
        "Reports a container whose `livenessProbe` can kill it before it has had time"
    )
    assert by_id["liveness-initial-delay"]["properties"]["tags"] == ["kubernetes", "reliability"]


def test_full_description_is_what_it_does(examples):
    """The section whole when it fits GitHub's limit, else its start and an ellipsis."""
    catalogue = registry().rules
    for descriptor in sarif(examples)["runs"][0]["tool"]["driver"]["rules"]:
        rule = catalogue[descriptor["id"]]
        what = sections(inspect.cleandoc(rule.doc))["What it does"].strip()
        full = descriptor["fullDescription"]["text"]
        if len(what) <= DESCRIPTION_LIMIT:
            assert full == what, rule.id
        else:
            assert full.endswith(" …") and len(full) <= DESCRIPTION_LIMIT, rule.id
            assert what.startswith(full.removesuffix(" …")), rule.id


def test_long_descriptions_are_cut_between_paragraphs(examples):
    rules = sarif(examples)["runs"][0]["tool"]["driver"]["rules"]
    cut = [rule for rule in rules if rule["fullDescription"]["text"].endswith(" …")]
    assert cut  # config-ref-missing's "What it does" alone is over 2,000 characters
    for rule in cut:
        kept = rule["fullDescription"]["text"].removesuffix(" …")
        assert kept in rule["help"]["markdown"]


def test_one_result_per_finding(examples):
    document = sarif(examples)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == len(examples.findings) > 0
    for finding, result in zip(examples.findings, results, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.rule
        assert result["level"] == LEVELS[finding.severity]
        assert result["message"]["text"] == finding.message
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": finding.file, "uriBaseId": "%SRCROOT%"}
        region = physical["region"]
        assert set(region) == {"startLine", "startColumn", "endLine", "endColumn"}
        assert min(region.values()) >= 1
        assert (region["endLine"], region["endColumn"]) > (
            region["startLine"],
            region["startColumn"],
        )
        assert (region["startLine"], region["startColumn"]) == (finding.line, finding.column)
        (logical,) = location["logicalLocations"]
        assert logical["fullyQualifiedName"] == finding.object.describe()
        assert logical["kind"] == "resource"
    first = next(r for r in results if r["ruleId"] == "restart-policy")
    assert first["locations"][0]["logicalLocations"][0] == {
        "name": "nightly-report",
        "fullyQualifiedName": "CronJob shop/nightly-report",
        "kind": "resource",
    }
    assert first["properties"] == {"path": "spec.jobTemplate.spec.template.spec.restartPolicy"}
    levels = {result["level"] for result in results}
    assert levels == {"error", "warning", "note"}  # the examples use every severity


def test_related_locations(tmp_path):
    """A value a Helm template took from a values file is a related location."""
    result = sarif(edge_report(tmp_path))["runs"][0]["results"][0]
    assert result["relatedLocations"] == [
        {
            "id": 1,
            "physicalLocation": {
                "artifactLocation": {"uri": "chart/values.yaml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 8, "startColumn": 3},
            },
            "message": {"text": "value image.tag"},
        }
    ]
    assert all(
        "relatedLocations" not in other
        for other in sarif(edge_report(tmp_path))["runs"][0]["results"][1:]
    )


def test_columns_are_code_points():
    """columnKind says unicodeCodePoints: a character outside the BMP before a finding
    counts once (twice in UTF-16, four times in UTF-8)."""
    line = 'spec: {containers: [{name: "é😀", image: nginx}]}'
    text = f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p, namespace: d}}\n{line}\n"
    findings = [f for f in kubelint.lint_text(text, "pod.yaml") if f.rule == "image-tag-latest"]
    run = sarif(Report(findings, Summary(files=1), registry().rules))["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    region = run["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (4, line.index("image") + 1)


def test_fingerprints_are_unique_and_survive_line_shifts(tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    before = sarif(lint_in(tmp_path, ["examples"]))
    target = tmp_path / "examples" / "shop" / "orders-db.yaml"
    target.write_text("\n" + target.read_text(encoding="utf-8"), encoding="utf-8")
    after = sarif(lint_in(tmp_path, ["examples"]))

    def keyed(document: dict) -> dict[str, dict]:
        return {
            result["partialFingerprints"][FINGERPRINT_KEY]: result
            for result in document["runs"][0]["results"]
        }

    assert len(keyed(before)) == len(fingerprints(before))  # unique
    old, new = keyed(before), keyed(after)
    assert old.keys() == new.keys()
    moved = 0
    for key, result in old.items():
        region = result["locations"][0]["physicalLocation"]["region"]
        shifted = new[key]["locations"][0]["physicalLocation"]["region"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        offset = 1 if uri == "examples/shop/orders-db.yaml" else 0
        assert shifted["startLine"] == region["startLine"] + offset
        moved += offset
    assert moved >= 2  # the test did move findings


def test_same_identity_gets_an_occurrence_counter(tmp_path):
    results = sarif(edge_report(tmp_path))["runs"][0]["results"]
    first, second = (r["partialFingerprints"][FINGERPRINT_KEY] for r in results[2:4])
    assert first.endswith(":1") and second.endswith(":2")
    assert first.rsplit(":", 1)[0] == second.rsplit(":", 1)[0]
    hashes = [r["partialFingerprints"][FINGERPRINT_KEY].split(":")[0] for r in results]
    assert all(len(h) == 64 and int(h, 16) >= 0 for h in hashes)


def test_file_outside_the_working_directory(tmp_path):
    manifest = tmp_path / "outside dir" / "job.yaml"
    manifest.parent.mkdir()
    shutil.copy(ROOT / "examples" / "shop" / "nightly-report.yaml", manifest)
    report = lint_in(ROOT, [str(manifest)])
    assert report.findings and Path(report.findings[0].file).is_absolute()
    for result in sarif(report)["runs"][0]["results"]:
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact == {"uri": manifest.resolve().as_uri()}  # no uriBaseId
        assert artifact["uri"].startswith("file:///") and "%20" in artifact["uri"]


def test_edge_cases(tmp_path):
    run = sarif(edge_report(tmp_path))["runs"][0]
    outside, syntax, _, _, plugin = run["results"]
    outside_path = tmp_path / "dir with space" / "ünïcode.yaml"
    assert outside["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": outside_path.as_uri()
    }
    assert outside["properties"] == {
        "path": "spec.template.spec.containers[0].image",
        "template": "chart/templates/web.yaml",
    }
    assert syntax["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "a%20b/c.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    assert "logicalLocations" not in syntax["locations"][0] and "properties" not in syntax
    assert "ruleIndex" not in plugin and plugin["ruleId"] == "team-label"  # still reported


def test_artifact_uris(examples, tmp_path):
    for report in (examples, edge_report(tmp_path)):
        for result in sarif(report)["runs"][0]["results"]:
            uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            assert URI_REFERENCE.match(uri), uri
    assert artifact_uri("examples/shop/web.yaml") == "examples/shop/web.yaml"
    assert artifact_uri("a b/#1:x%.yaml") == "a%20b/%231%3Ax%25.yaml"
    assert artifact_uri("dé.yaml") == "d%C3%A9.yaml"
    assert artifact_uri("/srv/a b.yaml") == "file:///srv/a%20b.yaml"
    assert artifact_uri("C:/Users/me/a b.yaml") == "file:///C:/Users/me/a%20b.yaml"
    assert artifact_uri("//server/share/a.yaml") == "file://server/share/a.yaml"


def test_source_root_only_when_given(examples, tmp_path):
    root = working_directory_uri(str(tmp_path))
    assert root == tmp_path.resolve().as_uri() + "/"
    assert working_directory_uri("/") == "file:///"  # the one URI that ends in "/" already
    for given in (root, root.rstrip("/")):
        run = sarif(examples, FormatContext(extra={"sarif_root_uri": given}))["runs"][0]
        assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": root}}


def test_deterministic_and_versions(examples):
    assert render(examples, CONTEXT) == render(examples, CONTEXT)
    driver = sarif(examples, FormatContext(version="1.2.0.dev3"))["runs"][0]["tool"]["driver"]
    assert driver["version"] == "1.2.0.dev3" and "semanticVersion" not in driver
    driver = sarif(examples, FormatContext())["runs"][0]["tool"]["driver"]
    assert "version" not in driver and "semanticVersion" not in driver
    empty = Report([], Summary(), registry().rules)
    assert sarif(empty)["runs"][0]["results"] == []


# --- (3) golden file ------------------------------------------------------------------------


def elide_rule_docs(document: dict) -> None:
    """Each rule descriptor's help and fullDescription (the rule's docs, ~800 kB over the
    catalogue) replaced by a pointer to the page they come from, so that a new rule or an
    edited rule page does not rewrite the golden file; test_every_rule_is_described and
    test_full_description_is_what_it_does check those texts against the docs."""
    for descriptor in document["runs"][0]["tool"]["driver"]["rules"]:
        elided = f"(elided: docs/rules/{descriptor['id']}.md)"
        descriptor["fullDescription"]["text"] = elided
        descriptor["help"] = {"text": elided, "markdown": elided}


def test_golden_examples(examples):
    """`kubelint check --no-config --format sarif examples` from the repository root, its
    rule docs elided. Until the CLI registers the format, the same report is rendered
    in-process."""
    if "sarif" in registry().formatters:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "kubelint",
                "check",
                "--no-config",
                "--format",
                "sarif",
                "examples",
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        assert result.returncode == 1, result.stderr  # the examples have errors
        output = result.stdout
    else:
        output = render(examples, CONTEXT)
    document = json.loads(output)
    # The layout is json.dumps's, so the golden file rewritten the same way keeps every
    # other byte of the output.
    assert output == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    # A CLI that names the working directory makes the output machine-specific.
    document["runs"][0].pop("originalUriBaseIds", None)
    elide_rule_docs(document)
    assert_golden("examples.sarif", json.dumps(document, indent=2, ensure_ascii=False) + "\n")
