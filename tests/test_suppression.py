"""Suppression in every form: trailing and own-line comments, document and file scope,
the ignore annotation, rule aliases and ``all``."""

from __future__ import annotations

from datetime import date

import pytest

from kubelint.config import Config, RuleSetting
from kubelint.lint import Linter, _can_fork
from kubelint.loader import load_text
from kubelint.model import SourceFile
from kubelint.plugins import build_registry
from tests.helpers import lint_only, registry

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
    text = pod().replace(
        "    - name: b\n", "    # kubelint: disable=liveness-initial-delay\n    - name: b\n"
    )
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
    annotated = pod(
        annotations='\n  annotations:\n    kubelint.io/ignore: "restart-policy, '
        'liveness-initial-delay"'
    )
    assert lines(annotated + "---\n" + pod()) == [26, 30]


def test_all_silences_every_rule():
    assert lines(pod(comment_probe="  # kubelint: disable=all")) == [13]


def test_comment_inside_a_flow_mapping_line():
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        "    - {name: a, image: a, livenessProbe: {exec: {command: [x]}}}"
        "  # kubelint: disable=liveness-initial-delay\n"
    )
    assert lines(text) == []


def test_yaml_findings_can_be_silenced_on_their_line():
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: 1\n"
        "  a: 2  # kubelint: disable=yaml-duplicate-key\n"
    )
    assert lint_only(text, RULE) == []
    assert [
        f.line
        for f in lint_only(text.replace("  # kubelint: disable=yaml-duplicate-key", ""), RULE)
    ] == [6]


def test_own_line_comments_in_a_row_all_name_the_next_content_line():
    from kubelint.suppression import parse_directives

    text = "# kubelint: disable=a\n\n# kubelint: disable=b\n# note\n---\nkind: Pod\n"
    assert {
        line: [s.name for s in names] for line, names in parse_directives(text).before.items()
    } == {5: ["a", "b"]}


# -- until dates, reasons, and what kubelint says about suppressions -------------------------

DAY = date(2027, 3, 31)
EXPIRED, UNUSED, INVALID, REASON = (
    "suppression-expired",
    "unused-suppression",
    "invalid-suppression",
    "suppression-without-reason",
)
ABOUT = (EXPIRED, UNUSED, INVALID, REASON)


def decided(text, *rules, today=DAY, filename="app.yaml", registry_=None, **settings):
    """(rule, line, column, message) of every finding of ``rules`` (the others are off)
    on ``today``."""
    reg = registry_ or registry()
    config = Config(cli_enable=set(rules), cli_disable=set(reg.rules) - set(rules), **settings)
    loaded = load_text(text, SourceFile(filename, text))
    return [
        (f.rule, f.line, f.column, f.message)
        for f in Linter(config, reg, today).run([loaded]).findings
    ]


def short(findings):
    """(rule, line, column) only."""
    return [finding[:3] for finding in findings]


LIVENESS_A = (
    RULE,
    9,
    7,
    "container 'a' livenessProbe restarts it if it does not answer"
    " within about 3s of starting (0s delay + 3 failures x 1s period) and it has no"
    " startupProbe; give it at least 10s or add a startupProbe",
)
LIVENESS_B = (RULE, 13, 7, LIVENESS_A[3].replace("'a'", "'b'"))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 3, 30), [LIVENESS_B]),
        (date(2027, 3, 31), [LIVENESS_B]),  # the last day it works
        (
            date(2027, 4, 1),
            [
                LIVENESS_A,
                (EXPIRED, 9, 43, "suppression of 'liveness-initial-delay' expired on 2027-03-31"),
                LIVENESS_B,
            ],
        ),
    ],
)
def test_until_is_the_last_day_a_comment_works(today, expected):
    text = pod(
        comment_probe="  # kubelint: disable=liveness-initial-delay until=2027-03-31 -- slow start"
    )
    assert decided(text, RULE, *ABOUT, today=today) == expected


@pytest.mark.parametrize(
    ("before", "comment", "expected", "day_before"),
    [
        (
            "    - name: b\n",
            "    # kubelint: disable=liveness-initial-delay until=2027-03-30 -- why\n",
            [(RULE, 9, 7), (EXPIRED, 11, 25), (RULE, 14, 7)],
            [(RULE, 9, 7)],
        ),  # the next node
        (
            "apiVersion: v1\n",
            "# kubelint: disable=liveness-initial-delay until=2027-03-30 -- a\n",
            [(EXPIRED, 1, 21), (RULE, 10, 7), (RULE, 14, 7)],
            [],
        ),  # before the first key
        (
            "    - name: b\n",
            "    # kubelint: disable-file=liveness-initial-delay until=2027-03-30 -- b\n",
            [(RULE, 9, 7), (EXPIRED, 11, 30), (RULE, 14, 7)],
            [],
        ),  # the file
    ],
)
def test_every_comment_form_expires(before, comment, expected, day_before):
    text = pod().replace(before, comment + before, 1)
    assert short(decided(text, RULE, *ABOUT)) == expected
    assert short(decided(text, RULE, *ABOUT, today=date(2027, 3, 30))) == day_before


ANNOTATED = pod(
    annotations="""
  annotations:
    kubelint.io/ignore: |
      liveness-initial-delay until=2027-03-30 -- slow JVM start
      restart-policy, image-tag-latest -- Jobs here are run by hand"""
).replace("image: a:1", "image: a")


def test_each_annotation_line_has_its_own_date_and_reason():
    found = decided(ANNOTATED, RULE, "image-tag-latest", "restart-policy", *ABOUT)
    assert found == [
        (EXPIRED, 7, 7, "suppression of 'liveness-initial-delay' expired on 2027-03-30"),
        (UNUSED, 8, 7, "suppression of 'restart-policy' silences nothing"),
        (RULE, 13, 7, LIVENESS_A[3]),
        (RULE, 17, 7, LIVENESS_B[3]),
    ]
    # A day earlier, the first line still works; image-tag-latest is silenced (a:1 -> a).
    assert short(
        decided(
            ANNOTATED, RULE, "image-tag-latest", "restart-policy", *ABOUT, today=date(2027, 3, 30)
        )
    ) == [(UNUSED, 8, 7)]


def test_a_one_line_annotation_takes_a_date_and_a_reason():
    text = pod(
        annotations='\n  annotations:\n    kubelint.io/ignore: "liveness-initial-delay,'
        ' restart-polcy until=2027-01-01 -- upstream"'
    )
    assert decided(text, RULE, *ABOUT) == [
        (EXPIRED, 6, 26, "suppression of 'liveness-initial-delay' expired on 2027-01-01"),
        # A name that is no rule's is said to be so, whatever its date.
        (
            UNUSED,
            6,
            50,
            "suppression of 'restart-polcy' names no rule (did you mean 'restart-policy'?)",
        ),
        (*LIVENESS_A[:1], 11, *LIVENESS_A[2:]),
        (*LIVENESS_B[:1], 15, *LIVENESS_B[2:]),
    ]


def test_require_reason_reports_each_suppression_without_one_and_it_still_silences():
    text = pod(
        comment_a="  # kubelint: disable=liveness-initial-delay,restart-policy",
        comment_probe="  # kubelint: disable=liveness-initial-delay --",
    )
    enabled = (RULE, "restart-policy", *ABOUT)
    assert decided(text, *enabled, require_reason=True) == [
        (
            REASON,
            7,
            16,
            "suppression of 'liveness-initial-delay', 'restart-policy' gives no"
            " reason: write it after ' -- '",
        ),
        (UNUSED, 7, 59, "suppression of 'restart-policy' silences nothing"),
        (
            REASON,
            9,
            23,
            "suppression of 'liveness-initial-delay' gives no reason: write it after ' -- '",
        ),
        LIVENESS_B,
    ]  # both comments cover the probe of 'a': both are used
    # Off unless asked for; the config turning the rule off wins over require-reason.
    reg = registry()
    off = [name for name in reg.rules if name not in (RULE, "restart-policy", UNUSED)]
    config = Config(
        cli_disable=set(off), require_reason=True, rules={REASON: RuleSetting(enabled=False)}
    )
    loaded = load_text(text, SourceFile("app.yaml", text))
    assert REASON not in {f.rule for f in Linter(config, reg, DAY).run([loaded]).findings}
    assert Config().rule_settings(None, reg)[REASON].enabled is False
    assert Config(require_reason=True).rule_settings(None, reg)[REASON].enabled is True


def test_unknown_names_are_reported_with_the_rule_they_probably_meant():
    text = pod(
        comment_a="  # kubelint: disable=liveness-inital-delay,xyzzy -- typo",
        annotations="\n  annotations:\n    kubelint.io/ignore: restart-polcy -- a",
    )
    assert decided(text, RULE, *ABOUT) == [
        (
            UNUSED,
            6,
            25,
            "suppression of 'restart-polcy' names no rule (did you mean 'restart-policy'?)",
        ),
        (
            UNUSED,
            9,
            36,
            "suppression of 'liveness-inital-delay' names no rule (did you mean"
            " 'liveness-initial-delay'?)",
        ),
        (UNUSED, 9, 58, "suppression of 'xyzzy' names no rule"),
        (RULE, 11, 7, LIVENESS_A[3]),
        (RULE, 15, 7, LIVENESS_B[3]),
    ]


def test_silencing_nothing_is_reported_only_where_it_is_certain(tmp_path):
    comment = "  # kubelint: disable=liveness-initial-delay -- not needed here"
    text = pod(
        comment_a="  # kubelint: disable=liveness-initial-delay -- covers a's probe",
        annotations=f"\n  annotations:{comment}",
    )
    # The annotation key line covers metadata.annotations only: it silences nothing.
    assert short(decided(text, RULE, *ABOUT)) == [(UNUSED, 5, 37), (RULE, 14, 7)]
    # Not for a rule that is off in this run...
    assert short(decided(text, *ABOUT)) == []
    # ...nor in a file that did not parse (a document of it may hold what it silences)...
    assert short(decided(text + "---\nkey: [\n", RULE, *ABOUT)) == [(RULE, 14, 7)]
    # ...nor for a rule whose checks read other objects: whether those were in the run
    # decides what it finds (a Service selecting no pods).
    service = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web  # kubelint: disable="
        "service-selector-no-match,all -- the pods are in another repository\n"
        "spec:\n  selector: {app: web}\n  ports: [{port: 80}]\n"
    )
    assert decided(service, "service-selector-no-match", *ABOUT) == []
    assert (
        short(
            decided(
                service.replace("  name: web  # ", "  name: web\n  # "),
                "service-selector-no-match",
                *ABOUT,
            )
        )
        == []
    )


def test_all_that_silences_nothing_is_reported():
    text = pod(comment_a="  # kubelint: disable=all -- vendored")
    assert short(decided(text.replace("livenessProbe:", "readinessProbe:", 1), RULE, *ABOUT)) == [
        (UNUSED, 7, 36),
        (RULE, 13, 7),
    ]
    assert short(decided(text, RULE, *ABOUT)) == [(RULE, 13, 7)]


def _plugin_registry():
    from types import SimpleNamespace

    from kubelint.api import hookimpl, rule

    @rule(
        id="team-label",
        severity="warning",
        summary="the team label is missing",
        kinds=["Pod"],
        aliases=("owner-label",),
    )
    def check(obj, ctx):
        if "team" not in obj.labels:
            yield ctx.violation(("metadata",), "no team label")

    return build_registry(extra=[SimpleNamespace(kubelint_rules=hookimpl(lambda: [check]))])


@pytest.mark.parametrize("name", ["team-label", "owner-label"])
def test_plugin_rules_and_aliases_are_rule_names(name):
    reg = _plugin_registry()
    text = pod().replace("metadata:\n", f"metadata:  # kubelint: disable={name} -- legacy\n")
    assert decided(text, "team-label", *ABOUT, registry_=reg) == []
    unused = text.replace("metadata:  #", "metadata:\n  labels: {team: a}  #")
    assert short(decided(unused, "team-label", *ABOUT, registry_=reg)) == [(UNUSED, 4, 42)]


def test_findings_about_suppressions_are_silenced_by_naming_their_rule():
    same = pod(
        comment_a="  # kubelint: disable=restart-polcy,unused-suppression -- kept on purpose"
    )
    assert short(decided(same, RULE, *ABOUT)) == [(RULE, 9, 7), (RULE, 13, 7)]
    # ...by disable-file, not by all (a blanket suppression must not hide an expiry).
    expired = pod(
        comment_probe="  # kubelint: disable=liveness-initial-delay until=2027-01-01 -- a"
    )
    assert short(decided(expired + "# kubelint: disable-file=all -- vendored\n", RULE, *ABOUT)) == [
        (EXPIRED, 9, 43)
    ]
    assert short(
        decided(expired + "# kubelint: disable-file=suppression-expired -- later\n", RULE, *ABOUT)
    ) == [(RULE, 9, 7), (RULE, 13, 7)]
    # A name of such a rule that silences nothing is said, and that is final.
    assert decided(
        pod(comment_a="  # kubelint: disable=unused-suppression -- why"), RULE, *ABOUT
    ) == [
        (UNUSED, 7, 36, "suppression of 'unused-suppression' silences nothing"),
        LIVENESS_A,
        LIVENESS_B,
    ]


def test_an_unreadable_suppression_silences_nothing():
    text = pod(
        comment_probe="  # kubelint: disable=liveness-initial-delay until=2027-02-30",
        annotations="\n  annotations:\n    kubelint.io/ignore: |\n      restart-policy"
        " until=tomorrow\n      liveness-initial-delay because",
    )
    assert decided(text, RULE, *ABOUT) == [
        (
            INVALID,
            7,
            28,
            "until=tomorrow is not a date: write until=YYYY-MM-DD (the last day"
            " the suppression works)",
        ),
        (
            INVALID,
            8,
            30,
            "'because' is not part of a suppression: separate rule names with"
            " commas, and write the reason after ' -- '",
        ),
        (RULE, 13, 7, LIVENESS_A[3]),
        (
            INVALID,
            13,
            72,
            "until=2027-02-30 is not a date: write until=YYYY-MM-DD (the last"
            " day the suppression works)",
        ),
        (RULE, 17, 7, LIVENESS_B[3]),
    ]


# -- --fix: unused names go, everything else stays -------------------------------------------


def _fixed(text, *rules):
    from kubelint.fix import apply_safe

    reg = registry()
    config = Config(cli_enable={*rules, UNUSED}, cli_disable=set(reg.rules) - {*rules, UNUSED})
    loaded = load_text(text, SourceFile("app.yaml", text))
    edits = [f.edit for f in Linter(config, reg, DAY).run([loaded]).findings if f.edit is not None]
    unique = list({(e.start, e.end, e.text): e for e in edits}.values())
    after, _made, refused = apply_safe(text, unique)
    assert refused == 0
    return after


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "    - name: a  # kubelint: disable=restart-polcy,liveness-initial-delay -- why\n",
            "    - name: a  # kubelint: disable=liveness-initial-delay -- why\n",
        ),
        (
            "    - name: a  # kubelint: disable = liveness-initial-delay, restart-polcy, xyzzy\n",
            "    - name: a  # kubelint: disable = liveness-initial-delay\n",
        ),
        ("    - name: a  # kubelint: disable=restart-polcy -- typo\n", "    - name: a\n"),
        (
            "    - name: a  # kubelint: disable=restart-polcy  # see OPS-1\n",
            "    - name: a  # see OPS-1\n",
        ),
        (
            "    # kubelint: disable=restart-polcy,xyzzy until=2999-01-01 -- why\n    - name: a\n",
            "    - name: a\n",
        ),
        (
            "    # kubelint: disable=xyzzy  # keep this note\n    - name: a\n",
            "    # keep this note\n    - name: a\n",
        ),
    ],
)
def test_fix_removes_unused_names_and_keeps_the_rest(before, after):
    anchor = "    - name: a\n"
    assert _fixed(pod().replace(anchor, before), RULE) == pod().replace(anchor, after)


def test_fix_removes_unused_names_of_the_annotation_but_never_its_last():
    block = pod(
        annotations="\n  annotations:\n    kubelint.io/ignore: |\n"
        "      restart-polcy, liveness-initial-delay -- why\n"
        "      xyzzy -- only name"
    )
    assert _fixed(block, RULE) == block.replace("restart-polcy, liveness", "liveness")
    quoted = pod(
        annotations='\n  annotations: {kubelint.io/ignore: "liveness-initial-delay, xyzzy"}'
    )
    assert _fixed(quoted, RULE) == quoted.replace(", xyzzy", "")


def test_fix_through_the_command_line(tmp_path, monkeypatch, capsys):
    from kubelint.cli import main

    monkeypatch.chdir(tmp_path)
    text = pod(comment_a="  # kubelint: disable=restart-polcy -- typo")
    (tmp_path / "pod.yaml").write_text(text)
    assert (
        main(
            [
                "check",
                "--no-config",
                "--fix",
                "--disable",
                "all",
                "--enable",
                f"{RULE},{UNUSED}",
                "pod.yaml",
            ]
        )
        == 0
    )
    assert (tmp_path / "pod.yaml").read_text() == pod()
    assert "fixed 1 problem in 1 file" in capsys.readouterr().err


#: A ConfigMap whose values hold a manifest and a script: their ``#`` lines are text.
CONFIGMAP_TEXT = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: scripts
  namespace: shop
data:
  embedded.yaml: |
    # kubelint: disable-file=all
    apiVersion: v1
    kind: Pod  # kubelint: disable=image-tag-latest

    # kubelint: disable=liveness-initial-delay
  run.sh: |-
    #!/bin/sh
    # kubelint: disable=nonsense
    echo hi
  # kubelint: disable=secret-in-configmap
  notes: >
    # kubelint: disable=restart-policy
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  containers:
    - name: web
      image: nginx:latest
"""


def test_a_block_scalars_text_holds_no_suppression(tmp_path, monkeypatch, capsys):
    from kubelint.cli import main
    from kubelint.lint import lint_text

    found = [
        (finding.rule, finding.line)
        for finding in lint_text(CONFIGMAP_TEXT, "scripts.yaml")
        if finding.rule in ("image-tag-latest", INVALID, UNUSED, "unknown-directive")
    ]
    # The real comment between the values is read (and silences nothing there); those
    # in the values are not, so the Pod's finding stays and nothing else is said.
    assert found == [(UNUSED, 17), ("image-tag-latest", 29)]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scripts.yaml").write_text(CONFIGMAP_TEXT)
    main(["check", "--no-config", "--fix", "scripts.yaml"])
    capsys.readouterr()
    # --fix removed the unused comment, and no line of the values.
    assert (tmp_path / "scripts.yaml").read_text() == CONFIGMAP_TEXT.replace(
        "  # kubelint: disable=secret-in-configmap\n", ""
    )


def test_block_scalar_text_is_told_from_yaml_line_by_line():
    from kubelint.suppression import block_scalar_lines

    text = [
        "a: |",  # 0
        "  # text",  # 1
        "  x",  # 2
        "b: 1",  # 3
        "c:",  # 4
        "  - |",  # 5
        "    # text",  # 6
        "  - >-",  # 7
        "    more",  # 8
        "",  # 9: a blank line inside is text
        "    text",  # 10
        "  - key: |2",  # 11: the width counts from the key's column (4)
        "     # a comment: indented 5, less than 6",  # 12
        "    back: 2",  # 13
        "d: |  # a comment on the indicator's line",  # 14
        "e: |",  # 15: empty, the next line is YAML again
        "f: 2",  # 16
        '"quoted key": >',  # 17
        "    text",  # 18
        "g: a > b",  # 19: not a block scalar
        "--- |",  # 20
        "# the document's text",  # 21
    ]
    assert sorted(block_scalar_lines(text)) == [1, 2, 6, 8, 9, 10, 18, 21]


# -- the run decides on its date, after the cache, the same with --jobs ----------------------


def _report(report):
    return ([finding.to_dict() for finding in report.findings], report.warnings)


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home"))  # the cache's signing key
    root = tmp_path / "repo"
    root.mkdir()
    (root / "pod.yaml").write_text(
        pod(comment_probe="  # kubelint: disable=liveness-initial-delay until=2027-03-31 -- slow")
    )
    (root / "other.yaml").write_text(
        pod(
            annotations="\n  annotations:\n    kubelint.io/ignore:"
            " liveness-initial-delay until=2027-03-31"
            " -- slow"
        ).replace("name: p", "name: q")
    )
    monkeypatch.chdir(root)
    return root


def test_a_cached_run_decides_on_its_own_date(tree, tmp_path):
    from kubelint.cache import Cache
    from kubelint.lint import lint_paths

    reg, config = registry(), Config()

    def run(today, cached=True):
        cache = Cache(str(tmp_path / "cache"), config, reg) if cached else None
        return _report(lint_paths(["."], config, reg, today=today, cache=cache))

    day_after = date(2027, 4, 1)
    before = run(DAY)  # fills the cache
    assert not any(f["rule"] == EXPIRED for f in before[0])
    with pytest.MonkeyPatch.context() as patch:  # the whole run from the cache
        patch.setattr("kubelint.pipeline._check", None)
        assert run(day_after) == run(day_after, cached=False)
        assert run(DAY) == before
    expired = [
        (f["file"], f["line"], f["rule"]) for f in run(day_after)[0] if f["rule"] in (EXPIRED, RULE)
    ]
    assert expired == [
        ("other.yaml", 6, EXPIRED),
        ("other.yaml", 11, RULE),
        ("other.yaml", 15, RULE),
        ("pod.yaml", 9, RULE),
        ("pod.yaml", 9, EXPIRED),
        ("pod.yaml", 13, RULE),
    ]
    # One file changed: the other comes from its file entry, decided on the day too.
    (tree / "other.yaml").write_text((tree / "other.yaml").read_text() + "\n")
    assert run(day_after) == run(day_after, cached=False)


@pytest.mark.skipif(not _can_fork(), reason="--jobs forks its workers")
def test_jobs_give_the_same_decisions(tree):
    from kubelint.lint import lint_paths

    reg, config = registry(), Config()
    for today in (DAY, date(2027, 4, 1)):
        one = lint_paths(["."], config, reg, jobs=1, today=today)
        two = lint_paths(["."], config, reg, jobs=2, today=today)
        assert _report(one) == _report(two)


def test_require_reason_on_the_command_line_fails_the_run(tmp_path, monkeypatch, capsys):
    from kubelint.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "pod.yaml").write_text(pod(comment_a="  # kubelint: disable=all"))
    args = ["check", "--no-config", "--disable", "all", "--enable", RULE, "pod.yaml"]
    assert main(args) == 0
    assert main([*args[:-1], "--require-reason", "pod.yaml"]) == 1
    out = capsys.readouterr().out
    assert (
        "pod.yaml:7:16: error suppression-without-reason suppression of 'all' gives no"
        " reason: write it after ' -- '"
    ) in out
    # The config key; turning all rules off turns this one off too.
    (tmp_path / ".kubelint.yaml").write_text("require-reason: true\n")
    assert main(["check", "pod.yaml"]) == 1
    assert "pod.yaml:7:16: error suppression-without-reason" in capsys.readouterr().out
    assert main(args[:1] + args[2:]) == 0


def test_a_trailing_comment_on_an_objects_first_line_covers_what_is_said_about_it():
    # A finding about the whole object is reported at its first line: a comment there
    # silences it (and, as before, only what starts on that line besides).
    text = (
        "apiVersion: storage.k8s.io/v1{}\nkind: StorageClass\nmetadata: {{name: slow}}\n"
        "provisioner: ebs.csi.aws.com\n"
    )
    structure = "pv-reclaim-policy"
    assert short(decided(text.format(""), structure, *ABOUT)) == [(structure, 1, 1)]
    assert (
        decided(text.format(f"  # kubelint: disable={structure} -- generated"), structure, *ABOUT)
        == []
    )
    assert short(
        decided(
            text.format("  # kubelint: disable=yaml-duplicate-key -- x"),
            structure,
            "yaml-duplicate-key",
            *ABOUT,
        )
    ) == [(structure, 1, 1), (UNUSED, 1, 52)]


@pytest.mark.parametrize(("items", "said"), [(10, True), (1001, False)])
def test_the_language_server_judges_only_the_objects_it_linted(tmp_path, items, said):
    """Past 1,000 objects it lints the first ones: a suppression on a later one silenced
    nothing because it was not linted, which it does not say."""
    import json

    from pygls.uris import from_fs_path

    from kubelint.lsp_worker import Job, Linting

    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        + "".join(
            f"  - {{apiVersion: v1, kind: ConfigMap, metadata: {{name: c{n}}}}}\n"
            for n in range(items)
        )
        + (
            "  - {apiVersion: v1, kind: ConfigMap, metadata: {name: z}}"
            "  # kubelint: disable=yaml-duplicate-key -- none here\n"
        )
    )
    uri = from_fs_path(str(tmp_path / "list.yaml"))
    outcome = Linting().run(Job(uri, 1, text, str(tmp_path), None))
    codes = [diagnostic.get("code") for diagnostic in json.loads(outcome.encoded)]
    assert (UNUSED in codes) is said


def test_a_comment_with_nothing_after_it_silences_nothing():
    text = pod() + "# kubelint: disable=liveness-initial-delay -- for what?\n---\n"
    assert short(decided(text, RULE, *ABOUT)) == [(RULE, 9, 7), (RULE, 13, 7), (UNUSED, 15, 21)]
