"""Suppression in every form: trailing and own-line comments, document and file scope,
the ignore annotation, rule aliases and ``all``."""

from __future__ import annotations

from tests.helpers import lint_only

RULE = "liveness-initial-delay"

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p{annotations}
spec:
  containers:
    - name: a{comment_a}
      image: a:1
      livenessProbe:{comment_probe}
        {{exec: {{command: ["true"]}}, periodSeconds: 1}}
    - name: b
      image: b:1
      livenessProbe:
        {{exec: {{command: ["true"]}}, periodSeconds: 1}}
"""


def lines(text):
    return [f.line for f in lint_only(text, RULE)]


def pod(annotations="", comment_a="", comment_probe=""):
    return POD.format(annotations=annotations, comment_a=comment_a, comment_probe=comment_probe)


def test_unsuppressed_baseline():
    assert lines(pod()) == [9, 13]


def test_trailing_comment_silences_the_node_of_its_line_and_below():
    assert lines(pod(comment_probe="  # kubelint: disable=liveness-initial-delay")) == [13]
    # On the item's first line it covers the whole container.
    assert lines(pod(comment_a="  # kubelint: disable=liveness-initial-delay")) == [13]


def test_trailing_comment_for_another_rule_does_not_silence():
    assert lines(pod(comment_probe="  # kubelint: disable=restart-policy")) == [9, 13]


def test_own_line_comment_silences_the_following_node():
    text = pod().replace("    - name: b\n",
                         "    # kubelint: disable=liveness-initial-delay\n    - name: b\n")
    assert lines(text) == [9]


def test_comment_before_the_first_key_silences_the_document():
    text = "# kubelint: disable=liveness-initial-delay\n" + pod() + "---\n" + pod()
    assert lines(text) == [25, 29]


def test_comment_after_document_marker_silences_that_document_only():
    text = pod() + "---\n# kubelint: disable=liveness-initial-delay\n" + pod()
    assert lines(text) == [9, 13]


def test_disable_file_anywhere():
    text = pod() + "---\n" + pod() + "# kubelint: disable-file=liveness-initial-delay\n"
    assert lines(text) == []


def test_annotation_silences_the_object():
    annotated = pod(annotations="\n  annotations:\n    kubelint.io/ignore: \"restart-policy, "
                                "liveness-initial-delay\"")
    assert lines(annotated + "---\n" + pod()) == [26, 30]


def test_all_silences_every_rule():
    assert lines(pod(comment_probe="  # kubelint: disable=all")) == [13]


def test_comment_inside_a_flow_mapping_line():
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
            "    - {name: a, image: a, livenessProbe: {exec: {command: [x]}}}"
            "  # kubelint: disable=liveness-initial-delay\n")
    assert lines(text) == []


def test_yaml_findings_can_be_silenced_on_their_line():
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: 1\n"
            "  a: 2  # kubelint: disable=yaml-duplicate-key\n")
    assert lint_only(text, RULE) == []
    assert [f.line for f in lint_only(text.replace("  # kubelint: disable=yaml-duplicate-key",
                                                   ""), RULE)] == [6]


def test_own_line_comments_in_a_row_all_name_the_next_content_line():
    from kubelint.suppression import parse_directives

    text = "# kubelint: disable=a\n\n# kubelint: disable=b\n# note\n---\nkind: Pod\n"
    assert {line: [s.name for s in names]
            for line, names in parse_directives(text).before.items()} == {5: ["a", "b"]}
