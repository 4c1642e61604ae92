"""The JSON text of ``--format json`` (and the indented JSON of SARIF and GitLab) is
written without the standard library's pure-Python indenting encoder; these tests hold it
to ``json.dumps(indent=2, ensure_ascii=False)`` byte for byte, on every shape a field can
take. The golden files (tests/golden/examples.*) check the same on real output."""

from __future__ import annotations

import json
from collections import OrderedDict

import pytest

from kubelint.formatters import FormatContext, dumps_indented
from kubelint.formatters import json as json_formatter
from kubelint.model import RelatedLocation
from kubelint.report import Finding, ObjectRef, Report, Summary


def stdlib(document) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def reference(report: Report) -> str:
    """What the JSON formatter printed before it wrote the layout itself."""
    return stdlib(
        {
            "findings": [finding.to_dict() for finding in report.findings],
            "summary": report.summary.to_dict(report.findings),
        }
    )


STRINGS = [
    "",
    "plain",
    'quote " backslash \\ slash /',
    "line\nbreak\ttab\r\x00\x1f\x7f",
    "non-ASCII: é ü 日本語 🚀",
    "separators \u2028 \u2029",
    "lone \udcff surrogate",
    "{not: json}, [1, 2]",
]


@pytest.mark.parametrize(
    "document",
    [
        {},
        [],
        (),
        "",
        0,
        -1,
        2**70,
        1.5,
        -0.0,
        1e300,
        5e-324,
        True,
        False,
        None,
        {"a": {}, "b": [], "c": [{}], "d": [[]]},
        {"nested": [1, [2, [3, {"deep": {"deeper": [None, True, False, 0.1]}}]]]},
        {text: text for text in STRINGS},
        [STRINGS, tuple(STRINGS)],
        {"ints": [0, 1, -7, 10**20], "floats": [0.0, 3.14, -2.5e-8]},
        # Left to json.dumps: non-string keys, NaN and infinities, subclasses, other types.
        {1: "one", None: "none", False: "no", 2.5: "float"},
        {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")},
        OrderedDict(a=1),
        {"sub": OrderedDict(b=[1])},
        {"str-subclass": type("S", (str,), {})("x")},
        [type("I", (int,), {})(3)],
    ],
)
def test_dumps_indented_is_json_dumps(document):
    assert dumps_indented(document) == stdlib(document)


def test_dumps_indented_refuses_what_json_refuses():
    with pytest.raises(TypeError):
        dumps_indented({"a": {1, 2}})


OBJECTS = [
    None,
    ObjectRef("apps/v1", "Deployment", "shop", "web"),
    ObjectRef(None, None, None, None),
    ObjectRef("v1", "ConfigMap", None, "ü-日本"),
]
RELATED = [
    (),
    (RelatedLocation("values.yaml", 3, 1, "image.tag"),),
    (
        RelatedLocation("ci/prod-values.yaml", 10, 7, 'the "tag" é'),
        RelatedLocation("bad\udcffname.yaml", 1, 1, ""),
    ),
]


def findings() -> list[Finding]:
    out = []
    for number, (obj, related, text) in enumerate(
        (obj, related, text) for obj in OBJECTS for related in RELATED for text in STRINGS
    ):
        out.append(
            Finding(
                rule=f"rule-{number % 3}",
                severity=("error", "warning", "info")[number % 3],
                message=text or "m",
                file=["a.yaml", "dir/ü.yaml", "bad\udcffname.yaml", text][number % 4],
                line=number + 1,
                column=number % 7 + 1,
                end_line=number + 2,
                end_column=1,
                object=obj,
                path=text,
                template=[None, "templates/web.yaml", text][number % 3],
                related=related,
            )
        )
    return out


@pytest.mark.parametrize(
    "summary",
    [
        Summary(),
        Summary(
            files=3,
            documents=4,
            objects=5,
            skipped=1,
            unknown_kinds=2,
            tool_configs={"kustomize": 1},
        ),
        Summary(baselined=2, baseline_fixed=0),
    ],
)
def test_json_formatter_matches_json_dumps(summary):
    report = Report(findings(), summary)
    assert json_formatter.render(report, FormatContext()) == reference(report)


def test_json_formatter_without_findings():
    report = Report([], Summary(files=1))
    assert json_formatter.render(report, FormatContext()) == reference(report)


@pytest.mark.parametrize(
    "odd",
    [
        {"line": True},
        {"column": 2.0},
        {"end_line": None},
        {"rule": None},
        {"message": type("S", (str,), {})("a str subclass")},
    ],
)
def test_json_formatter_with_unexpected_field_types(odd):
    """A plugin's formatter-facing data can be anything: the output is still json.dumps's."""
    base = findings()[5]
    fields = {name: getattr(base, name) for name in Finding.__dataclass_fields__}
    fields.update(odd)
    report = Report([findings()[0], Finding(**fields)], Summary())
    assert json_formatter.render(report, FormatContext()) == reference(report)
