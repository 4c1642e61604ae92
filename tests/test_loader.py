"""The loader: Kubernetes scalar resolution, positions, JSON, Lists, and bad input of
every kind becoming a finding at the right place (never a crash, never a lost file)."""

from __future__ import annotations

import os

import pytest

from kubelint import lint_text
from kubelint.config import Config
from kubelint.lint import lint_paths
from kubelint.loader import display_path, load_text
from kubelint.model import SourceFile
from kubelint.yamlparse import PARSER_BACKEND, parse_stream, resolve_plain
from tests.helpers import only_rule_config, registry


def where(findings):
    return [(f.rule, f.line, f.column) for f in findings]


def load(text):
    return load_text(text, SourceFile("t.yaml", text))


def test_fast_c_parser_is_used():
    import _ruamel_yaml

    from kubelint.yamlparse import _EventParser

    assert PARSER_BACKEND == "ruamel.yaml.clib"
    assert issubclass(_EventParser, _ruamel_yaml.CParser)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", True),
        ("Y", True),
        ("on", True),
        ("NO", False),
        ("off", False),
        ("n", False),
        ("true", True),
        ("~", None),
        ("null", None),
        ("", None),
        ("0777", 511),
        ("0x1F", 31),
        ("0o17", 15),
        ("0b101", 5),
        ("-0b101", -5),
        ("1_000", 1000),
        ("+12", 12),
        ("08", 8.0),
        ("1e3", 1000.0),
        ("1.5", 1.5),
        (".5", 0.5),
        ("2001-12-14", "2001-12-14"),
        ("1:30", "1:30"),
        ("=", "="),
        ("abc", "abc"),
        ("0.0.0.0", "0.0.0.0"),
        ("99999999999999999999", 1e20),
    ],
)
def test_plain_scalars_resolve_as_kubernetes_does(text, value):
    assert resolve_plain(text) == value
    assert type(resolve_plain(text)) is type(value)


def test_quoted_and_tagged_scalars():
    [document] = list(
        parse_stream(
            "a: 'yes'\nb: \"0777\"\nc: !!str 12\nd: !!int '7'\ne: |\n  on\nf: ! 3\ng: !Ref x\n"
        )
    )
    assert document.value == {
        "a": "yes",
        "b": "0777",
        "c": "12",
        "d": 7,
        "e": "on\n",
        "f": "3",
        "g": "x",
    }


def test_keys_become_strings_like_the_api_machinery():
    [document] = list(parse_stream("labels:\n  yes: a\n  1: b\n  ~: c\n"))
    assert document.value == {"labels": {"true": "a", "1": "b", "null": "c"}}


def test_merge_keys_explicit_keys_win():
    [document] = list(
        parse_stream(
            "base: &b {cpu: 1, memory: 1Gi}\nextra: &e {cpu: 9, disk: 5}\n"
            "r:\n  <<: [*b, *e]\n  memory: 2Gi\n"
        )
    )
    assert document.value["r"] == {"memory": "2Gi", "cpu": 1, "disk": 5}


def test_positions_point_at_keys_and_items():
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
        "    - name: a\n      image: x\n    - name: b\n      image: y\n"
    )
    [obj] = load(text).objects
    span = obj.locate(("spec", "containers", 1, "image")).span
    assert (span.line, span.column, span.end_line, span.end_column) == (9, 6, 9, 14)
    item = obj.locate(("spec", "containers", 1)).span
    assert (item.line, item.column) == (8, 6)
    # Missing keys fall back to the nearest existing ancestor.
    missing = obj.locate(("spec", "containers", 1, "livenessProbe", "initialDelaySeconds"))
    assert (missing.span.line, missing.span.column) == (8, 6)
    assert missing.node_lines == (0, 4, 5, 8)


def test_alias_values_are_located_at_the_alias():
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: &l {app: a}\n"
        "spec:\n  nodeSelector: *l\n"
    )
    [obj] = load(text).objects
    span = obj.locate(("spec", "nodeSelector", "app")).span
    assert (span.line, span.column) == (6, 2)


def test_json_manifest_with_lines(tmp_path):
    path = tmp_path / "pod.json"
    path.write_text(
        '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "p"},\n'
        '  "spec": {\n    "containers": [\n      {"name": "a", "image": "x",\n'
        '       "livenessProbe": {"exec": {"command": ["true"]}, "periodSeconds": 1}}\n'
        "    ]\n  }\n}\n"
    )
    report = lint_paths([str(path)], only_rule_config("liveness-initial-delay"), registry())
    assert where(report.findings) == [("liveness-initial-delay", 8, 8)]
    assert report.summary.documents == 1 and report.summary.objects == 1


def test_list_items_are_objects_with_their_own_lines():
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a}\n"
        "  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {}\n"
        "  - just a string\n"
    )
    loaded = load(text)
    assert [obj.name for obj in loaded.objects] == ["a", None, None]
    findings = lint_text(text)
    assert [(f.rule, f.line, f.message) for f in findings] == [
        ("manifest-structure", 9, "object has no metadata.name (nor generateName)"),
        ("manifest-structure", 10, "List item 2 is not an object"),
    ]
    assert findings[0].path == "metadata.name"


def test_name_is_the_name_and_display_name_falls_back_to_generate_name():
    text = (
        "apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: migrate-}\n---\n"
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: m, generateName: migrate-}\n"
    )
    assert [(obj.name, obj.display_name) for obj in load(text).objects] == [
        (None, "migrate-"),
        ("m", "m"),
    ]


def test_documents_without_apiversion_and_kind_are_skipped_and_counted(tmp_path):
    path = tmp_path / "mixed.yaml"
    path.write_text(
        "replicaCount: 2\n---\n# only a comment\n---\n- a\n- b\n---\n"
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n---\n"
        "kind: Secret\nmetadata: {name: s}\n"
    )
    report = lint_paths([str(path)], Config(), registry())
    summary = report.summary
    assert (summary.documents, summary.objects, summary.skipped) == (4, 2, 2)
    assert where(report.findings) == [("manifest-structure", 12, 1)]
    assert report.findings[0].message == "object has kind but no apiVersion"


def test_syntax_error_is_located_and_later_documents_are_still_checked():
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [b\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n"
    )
    findings = lint_text(text)
    assert [(f.rule, f.line) for f in findings] == [("yaml-syntax", 9), ("manifest-structure", 12)]


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("a: b: c\n", 1, 5, "mapping values are not allowed"),
        ("a:\n\t- x\n", 2, 1, "cannot start any token"),
        ("a: 1\n\x07b: 2\n", 2, 1, "control characters"),
        ("a: *nothing\n", 1, 4, "refers to no anchor"),
        ("? [a, b]\n: c\n", 1, 3, "must be a scalar"),
    ],
)
def test_yaml_errors(text, line, column, fragment):
    [finding] = lint_text(text)
    assert (finding.rule, finding.line, finding.column) == ("yaml-syntax", line, column)
    assert fragment in finding.message


def test_duplicate_key_at_second_occurrence_and_last_value_wins():
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n"
    findings = lint_text(text)
    assert where(findings) == [("yaml-duplicate-key", 5, 3)]
    assert "first at line 4" in findings[0].message
    assert load(text).objects[0].name == "b"


def test_undecodable_bytes(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n")
    report = lint_paths([str(path)], Config(), registry())
    assert where(report.findings) == [("yaml-syntax", 3, 21)]
    assert "not valid UTF-8 (byte 0xe9)" in report.findings[0].message


def test_utf16_with_bom_is_read(tmp_path):
    path = tmp_path / "utf16.yaml"
    path.write_bytes("apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n".encode("utf-16"))
    report = lint_paths([str(path)], Config(), registry())
    assert where(report.findings) == [("manifest-structure", 3, 1)]


def test_unreadable_file_is_a_finding_not_a_skip(tmp_path):
    link = tmp_path / "gone.yaml"
    os.symlink(tmp_path / "deleted.yaml", link)
    report = lint_paths([str(tmp_path)], Config(), registry())
    assert where(report.findings) == [("file-unreadable", 1, 1)]
    assert report.summary.files == 1


def test_file_over_the_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr("kubelint.loader.MAX_FILE_BYTES", 10)
    path = tmp_path / "big.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\n")
    report = lint_paths([str(path)], Config(), registry())
    assert where(report.findings) == [("yaml-limits", 1, 1)]


BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{n}: &{n} [{','.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_alias_bomb_is_refused_without_expanding():
    assert len(BILLION_LAUGHS.encode()) < 400
    findings = lint_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n"
        + "".join("  " + line + "\n" for line in BILLION_LAUGHS.splitlines())
    )
    # Crossed while expanding `f` (line 10): e alone stands for 66,430 nodes.
    assert [(f.rule, f.line) for f in findings] == [("yaml-limits", 10)]
    assert "alias bomb" in findings[0].message


def test_recursive_alias_is_refused():
    findings = lint_text("apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: x\n  self: *m\n")
    assert where(findings) == [("yaml-limits", 5, 9)]


def test_deep_nesting_does_not_crash_the_interpreter():
    # The C composer recurses and segfaults near 30,000 levels; events do not.
    findings = lint_text("a: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert [f.rule for f in findings] == ["yaml-limits"]
    assert "nesting deeper than 200" in findings[0].message


def test_nodes_over_the_memory_budget_stop_the_file_with_a_finding(monkeypatch):
    """A 30 MB `a: [1,1,...]` took 3.2 GB; a file is read up to MAX_NODES_PER_FILE nodes
    (about 1 GiB), and the documents before the one crossing it are still linted."""
    monkeypatch.setattr("kubelint.yamlparse.MAX_NODES_PER_FILE", 16)
    findings = lint_text(
        "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: v}\n"
        "spec: {persistentVolumeReclaimPolicy: Recycle}\n"  # 13 nodes: read and linted
        "---\na: [1, 1, 1, 1, 1]\n"
    )
    assert where(findings) == [("pv-reclaim-policy", 4, 8), ("yaml-limits", 6, 5)]
    assert findings[1].message == (
        "more than 16 YAML nodes in one file (kubelint's memory budget); the rest of the"
        " file from this document on is not read: split the file"
    )


def test_merged_keys_are_located_at_the_merge_key():
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        "    - &base\n      name: a\n      image: x\n"
        "    - <<: *base\n      name: b\n"
    )
    [obj] = load(text).objects
    span = obj.locate(("spec", "containers", 1, "image")).span
    assert (span.line, span.column) == (8, 6)
    span = obj.locate(("spec", "containers", 1, "name")).span
    assert (span.line, span.column) == (9, 6)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("500G", 500 * 10**9),
        ("2Gi", 2 * 2**30),
        ("1000m", 1),
        ("1E", 10**18),
        ("1e3", 1000),
        (" 1Gi ", 2**30),
        ("0.5", 0.5),
        (1, 1),
        (0.25, 0.25),
        ("+1.5k", 1500),
        ("1Ei", 2**60),
        ("2E", 2 * 10**18),
        ("5e-1", 0.5),
    ],
)
def test_quantities(value, expected):
    from kubelint.quantity import parse_quantity

    assert parse_quantity(value) == expected


@pytest.mark.parametrize(
    "value", ["2GB", "1.5.5", "1 Gi", "Gi", "1e", "", "1e99999999", True, None, [1]]
)
def test_invalid_quantities(value):
    from kubelint.quantity import InvalidQuantity, parse_quantity

    with pytest.raises(InvalidQuantity):
        parse_quantity(value)


HELM_OUTPUT = """\
---
# Source: shop/templates/service.yaml
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
# Source: shop/templates/job.yaml
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    spec:
      restartPolicy: Always
      containers: [{name: m, image: "m:1"}]
"""


def test_helm_template_sources_are_named(tmp_path):
    from kubelint.cli import main

    loaded = load(HELM_OUTPUT)
    assert [o.template for o in loaded.objects] == [
        "shop/templates/service.yaml",
        "shop/templates/job.yaml",
    ]
    findings = [f for f in lint_text(HELM_OUTPUT) if f.rule == "restart-policy"]
    assert [(f.line, f.template) for f in findings] == [(15, "shop/templates/job.yaml")]
    (tmp_path / "rendered.yaml").write_text(HELM_OUTPUT)
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(
            [
                "check",
                "--no-config",
                "--no-color",
                "--disable",
                "all",
                "--enable",
                "restart-policy",
                str(tmp_path / "rendered.yaml"),
            ]
        )
    assert (
        "error restart-policy Job 'migrate' pod template has restartPolicy 'Always'"
        in out.getvalue()
    )
    assert out.getvalue().splitlines()[0].endswith("(from shop/templates/job.yaml)")


def test_many_broken_documents_each_reported_at_its_line():
    """After an error, parsing resumes at the next `---` (found once, by bisection)."""
    from kubelint.yamlparse import YamlProblem, parse_stream

    text = "---\na: [\n" * 300 + "---\nb: 1\n"
    items = list(parse_stream(text))
    problems = [item for item in items if isinstance(item, YamlProblem)]
    assert [problem.line for problem in problems[:3]] == [2, 4, 6]
    assert len(problems) == 300 and items[-1].value == {"b": 1}


def test_helm_source_comments_name_each_documents_template():
    text = "".join(
        f"---\n# Source: c/templates/t{i}.yaml\napiVersion: v1\nkind: ConfigMap\n"
        f"metadata: {{name: c{i}}}\n"
        for i in range(50)
    )
    loaded = load_text(text, SourceFile("rendered.yaml", text))
    assert [obj.template for obj in loaded.objects] == [f"c/templates/t{i}.yaml" for i in range(50)]


def test_a_lone_surrogate_from_an_editor_is_a_finding():
    """lint_text gets str from editors; a lone surrogate cannot be parsed or saved."""
    findings = lint_text("apiVersion: v1\nkind: ConfigMap\ndata: {a: x\ud800}\n")
    assert [(f.rule, f.line, f.column, f.message) for f in findings] == [
        (
            "yaml-syntax",
            3,
            12,
            "a lone surrogate (U+D800) is not a Unicode character; the"
            " text cannot be saved as UTF-8",
        )
    ]


def test_a_regular_file_text_is_read_again_not_kept(tmp_path):
    """Parsed files do not hold their text (fixes and `kubelint test` read it again),
    unless they cannot be read again (standard input, pipes)."""
    from kubelint.loader import TextChanged, load_bytes, load_path

    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \u00e9t\u00e9}\n"
    path = tmp_path / "cm.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    loaded = load_path(str(path), "cm.yaml")
    assert loaded.source._held is None  # type: ignore[attr-defined]
    assert loaded.source.text == text
    assert load_bytes(text.encode(), "<stdin>").source.text == text
    again = load_path(str(path), "cm.yaml")
    path.write_text(text.replace("name", "nom_"))
    with pytest.raises(TextChanged):
        again.source.text  # noqa: B018


def test_positions_follow_the_data_not_object_identity():
    """Positions are packed per document and walked along the path, so a copy of the
    data (a pickle, as a cache or a worker makes) is located like the original; keys
    moved by a duplicate or added by a merge keep their own places."""
    import pickle

    from kubelint.model import locate

    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nbase: &b {p: 1, q: 2}\n"
        "data:\n  <<: *b\n  a: '1'\n  b: '2'\n  a: '3'\n"
    )
    [document] = list(parse_stream(text))
    value, positions = pickle.loads(pickle.dumps((document.value, document.positions)))
    assert list(value["data"]) == ["b", "a", "p", "q"]
    for path, expected in [
        (("data", "a"), (8, 2, 8, 8)),
        (("data", "b"), (7, 2, 7, 8)),
        (("data", "q"), (5, 2, 5, 4)),
        (("metadata", "name"), (2, 11, 2, 18)),
    ]:
        for data, where in ((document.value, document.positions), (value, positions)):
            span = locate(where, document.root, data, path).span
            assert (span.line, span.column, span.end_line, span.end_column) == expected, path


LATEST_PODS = """\
apiVersion: v1
kind: List
items:
  - {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{image: "a:latest"}]}}
  - {apiVersion: v1, kind: Pod, metadata: {name: b}, spec: {containers: [{image: "b:latest"}]}}
  # kubelint: disable=image-tag-latest -- the third is cut: said of nothing then
  - {apiVersion: v1, kind: Pod, metadata: {name: c}, spec: {containers: [{image: "c:latest"}]}}
  - [not, an, object]
"""


def test_lint_text_with_a_config_and_its_registry():
    from kubelint.lint import lint_text as lint_buffer

    findings = lint_buffer(
        LATEST_PODS, "pods.yaml", only_rule_config("image-tag-latest"), registry=registry()
    )
    assert [(f.rule, f.file, f.line) for f in findings] == [
        ("image-tag-latest", "pods.yaml", 4),
        ("image-tag-latest", "pods.yaml", 5),
        ("manifest-structure", "pods.yaml", 8),
    ]
    assert findings.checked_lines is None


def test_lint_text_checks_the_first_objects_only_when_asked():
    from kubelint.lint import lint_text as lint_buffer

    findings = lint_buffer(
        LATEST_PODS,
        "pods.yaml",
        only_rule_config("image-tag-latest"),
        registry=registry(),
        max_objects=2,
    )
    assert [(f.rule, f.file, f.line) for f in findings] == [
        ("image-tag-latest", "pods.yaml", 4),
        ("image-tag-latest", "pods.yaml", 5),
    ]
    assert findings.checked_lines == 5


def test_lint_text_takes_a_registry_only_with_a_config():
    from kubelint.lint import lint_text as lint_buffer

    with pytest.raises(TypeError, match="a registry goes with a Config"):
        lint_buffer(LATEST_PODS, config={"rules": {}}, registry=registry())


def test_a_let_go_text_keeps_what_its_suppression_comments_are_read_from(tmp_path):
    """The loader knows nothing of suppressions: it keeps the text of a file that holds
    ``kubelint:`` for the engine, which reads the comments from it without reading the
    file again; a file without one keeps nothing."""
    from kubelint.engine import directives_of
    from kubelint.loader import load_path

    text = (
        "apiVersion: v1\nkind: ConfigMap  # kubelint: disable=name-invalid\nmetadata: {name: c}\n"
    )
    path = tmp_path / "cm.yaml"
    path.write_text(text)
    loaded = load_path(str(path), "cm.yaml")
    assert loaded.source._held is None  # type: ignore[attr-defined]
    assert loaded.source.directive_text == text
    assert loaded.source.directives is None
    path.unlink()  # read from the kept text, not the file
    [suppression] = directives_of(loaded.source)
    assert (suppression.name, suppression.kind, suppression.line) == ("name-invalid", "disable", 1)
    plain = tmp_path / "plain.yaml"
    plain.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    source = load_path(str(plain), "plain.yaml").source
    assert source.directive_text is None
    assert not directives_of(source)


@pytest.mark.skipif(os.sep != "/", reason="POSIX paths")
def test_display_path_is_relative_below_the_working_directory_else_absolute(tmp_path):
    work = tmp_path / "repo"
    (work / "apps").mkdir(parents=True)
    cwd = str(work)
    assert display_path(str(work / "apps" / "web.yaml"), cwd) == "apps/web.yaml"
    assert display_path(cwd, cwd) == "."
    assert display_path(str(tmp_path), cwd) == str(tmp_path)  # the parent
    assert display_path(str(tmp_path / "repo-old" / "a.yaml"), cwd) == str(
        tmp_path / "repo-old" / "a.yaml"
    )  # a sibling whose name starts like the working directory's
    assert display_path("/etc/hosts", cwd) == "/etc/hosts"
