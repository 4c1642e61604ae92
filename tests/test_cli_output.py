"""The everyday output options of `kubelint check`: --statistics, --quiet, --exit-zero,
--show-source, --min-severity, the fixable count of the summary, and `kubelint rules
--format markdown`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest

from kubelint.cli import main
from kubelint.formatters import FormatContext
from kubelint.formatters import text as text_formatter
from kubelint.report import Finding, Report, Summary
from tests.helpers import ROOT
from tests.test_cli import BAD_JOB, kubelint

#: A Job with a finding of each severity; the error has a safe fix.
JOB = BAD_JOB.replace("restartPolicy: Never", "restartPolicy: Always").replace(
    "  ttlSecondsAfterFinished: 600\n", ""
)
TTL = (
    "job.yaml:6:1: info job-ttl-missing Job 'migrate' has no ttlSecondsAfterFinished: the"
    " finished Job and its pods stay in the cluster until deleted by hand"
)
RESTART = (
    "job.yaml:9:7: error restart-policy Job 'migrate' pod template has restartPolicy"
    " 'Always'; a Job allows OnFailure or Never"
)
LIVENESS = (
    "job.yaml:16:11: warning liveness-initial-delay container 'migrate' livenessProbe"
    " restarts it if it does not answer within about 3s of starting (0s delay + 3"
    " failures x 1s period) and it has no startupProbe; give it at least 10s or add a"
    " startupProbe"
)
SUMMARY = "Found 3 problems (1 error, 1 warning, 1 info) in 1 of 1 file; 1 object checked.\n"
FIXABLE = "1 fixable with `--fix`.\n"


@pytest.fixture
def tree(tmp_path, monkeypatch):
    (tmp_path / "job.yaml").write_text(JOB)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["check", "--no-config", "--no-cache", "--no-color", *args])
    out, err = capsys.readouterr()
    return status, out, err


# -- the summary says what --fix would fix ------------------------------------------------


def test_the_summary_counts_the_fixable_findings(tree, capsys):
    assert check(capsys, "job.yaml") == (
        1,
        f"{TTL}\n{RESTART}\n{LIVENESS}\n\n{SUMMARY}{FIXABLE}",
        "",
    )


def test_a_report_longer_than_a_slice_is_written_whole(tree, capsys, monkeypatch):
    """Standard output gets the report a slice at a time (not encoded whole at once):
    every slice, in order, and nothing else."""
    import kubelint.cli

    monkeypatch.setattr(kubelint.cli, "_STDOUT_SLICE", 7)
    assert check(capsys, "job.yaml") == (
        1,
        f"{TTL}\n{RESTART}\n{LIVENESS}\n\n{SUMMARY}{FIXABLE}",
        "",
    )


def test_no_fixable_count_for_standard_input_which_cannot_be_fixed(tree):
    result = kubelint("check", "--no-config", "--no-cache", "-", stdin=JOB, cwd=tree)
    assert (result.returncode, result.stdout) == (
        1,
        "\n".join(line.replace("job.yaml", "<stdin>", 1) for line in (TTL, RESTART, LIVENESS))
        + f"\n\n{SUMMARY}",
    )


def test_no_fixable_count_once_fix_ran(tmp_path, monkeypatch, capsys):
    """The Job's restartPolicy fix would land in the Deployment through the alias, so
    --fix refuses it: the finding stays, and is not said to be fixable with --fix."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "list.yaml").write_text(
        "apiVersion: v1\nkind: List\nitems:\n"
        "  - apiVersion: batch/v1\n    kind: Job\n    metadata: {name: job}\n"
        "    spec:\n      template: &pod\n        spec:\n"
        "          containers: [{name: a, image: 'a:1'}]\n"
        "  - apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web}\n"
        "    spec:\n      selector: {matchLabels: {app: web}}\n      template: *pod\n"
    )
    args = ("--disable", "all", "--enable", "restart-policy", "list.yaml")
    finding = (
        "list.yaml:9:9: error restart-policy Job 'job' pod template has no"
        " restartPolicy, so it defaults to Always; a Job allows OnFailure or Never\n\n"
        "Found 1 problem (1 error, 0 warnings, 0 info) in 1 of 1 file; 2 objects"
        " checked.\n"
    )
    assert check(capsys, *args)[1] == finding + FIXABLE
    status, out, _ = check(capsys, "--fix", *args)
    assert (status, out) == (1, finding)


# -- --statistics -------------------------------------------------------------------------


def test_statistics_count_per_rule_and_severity(tree, capsys):
    (tree / "prod").mkdir()
    (tree / "prod" / "job.yaml").write_text(JOB)
    (tree / ".kubelint.yaml").write_text(
        "overrides:\n  - files: [prod/*.yaml]\n    rules: {liveness-initial-delay: error}\n"
    )
    status = main(["check", "--no-cache", "--statistics", "."])
    assert (status, capsys.readouterr().out) == (
        1,
        (
            "2\tinfo   \t[ ] job-ttl-missing\n"
            "2\terror  \t[*] restart-policy\n"
            "1\terror  \t[ ] liveness-initial-delay\n"
            "1\twarning\t[ ] liveness-initial-delay\n"
            "\n"
            "Found 6 problems (3 errors, 1 warning, 2 info) in 2 of 2 files; 2 objects checked.\n"
            "[*] 2 fixable with `--fix`.\n"
        ),
    )


def test_statistics_as_json(tree, capsys):
    status, out, _ = check(capsys, "--statistics", "--format", "json", "job.yaml")
    assert status == 1
    assert json.loads(out) == [
        {
            "rule": "job-ttl-missing",
            "severity": "info",
            "count": 1,
            "fixable": False,
            "fixable_count": 0,
        },
        {
            "rule": "liveness-initial-delay",
            "severity": "warning",
            "count": 1,
            "fixable": False,
            "fixable_count": 0,
        },
        {
            "rule": "restart-policy",
            "severity": "error",
            "count": 1,
            "fixable": True,
            "fixable_count": 1,
        },
    ]


def test_statistics_quiet_and_without_fixable_findings(tree, capsys):
    assert check(capsys, "--statistics", "-q", "job.yaml") == (
        1,
        (
            "1\tinfo   \t[ ] job-ttl-missing\n"
            "1\twarning\t[ ] liveness-initial-delay\n"
            "1\terror  \t[*] restart-policy\n"
        ),
        "",
    )
    assert check(capsys, "--statistics", "--disable", "restart-policy", "job.yaml") == (
        0,
        (
            "1\tinfo   \tjob-ttl-missing\n"
            "1\twarning\tliveness-initial-delay\n"
            "\n"
            "Found 2 problems (0 errors, 1 warning, 1 info) in 1 of 1 file; 1 object checked.\n"
        ),
        "",
    )
    (tree / "job.yaml").write_text(BAD_JOB)
    assert check(capsys, "--statistics", "--disable", "liveness-initial-delay", "job.yaml") == (
        0,
        "No problems in 1 file; 1 object checked.\n",
        "",
    )
    assert check(
        capsys,
        "--statistics",
        "--format",
        "json",
        "--disable",
        "liveness-initial-delay",
        "job.yaml",
    ) == (0, "[]\n", "")


def test_statistics_from_the_cache_are_the_same(tree, capsys, monkeypatch):
    """Cached findings keep their fixes: the fixable marks survive a cache hit."""
    monkeypatch.setenv("KUBELINT_CACHE_DIR", str(tree / "cache"))
    expected = (
        "1\tinfo   \t[ ] job-ttl-missing\n"
        "1\twarning\t[ ] liveness-initial-delay\n"
        "1\terror  \t[*] restart-policy\n\n" + SUMMARY + "[*] " + FIXABLE,
        "",
    )
    assert main(["check", "--no-config", "--statistics", "job.yaml"]) == 1
    assert capsys.readouterr() == expected
    with pytest.MonkeyPatch.context() as patch:  # from the cache: nothing is checked
        patch.setattr("kubelint.pipeline._check", None)
        assert main(["check", "--no-config", "--statistics", "job.yaml"]) == 1
    assert capsys.readouterr() == expected


def test_statistics_go_where_the_format_goes_and_other_reports_stay_complete(tree, capsys):
    status, out, _ = check(
        capsys, "--statistics", "-q", "--output", "sarif=report.sarif", "job.yaml"
    )
    assert (status, out) == (
        1,
        "1\tinfo   \t[ ] job-ttl-missing\n"
        "1\twarning\t[ ] liveness-initial-delay\n"
        "1\terror  \t[*] restart-policy\n",
    )
    results = json.loads((tree / "report.sarif").read_text())["runs"][0]["results"]
    assert [result["ruleId"] for result in results] == [
        "job-ttl-missing",
        "restart-policy",
        "liveness-initial-delay",
    ]
    assert check(
        capsys, "--statistics", "--format", "json", "--output", "stats.json", "job.yaml"
    ) == (1, "", "")
    assert [row["rule"] for row in json.loads((tree / "stats.json").read_text())] == [
        "job-ttl-missing",
        "liveness-initial-delay",
        "restart-policy",
    ]


@pytest.mark.parametrize(
    "args",
    [
        ("--statistics", "--format", "sarif"),
        ("--statistics", "--format", "github", "--output", "text=report.txt"),
    ],
)
def test_statistics_in_a_format_without_them_is_a_usage_error(tree, capsys, args):
    name = args[2]
    assert check(capsys, *args, "job.yaml") == (
        2,
        "",
        (
            f"kubelint: error: --statistics: the {name} format has no statistics; use --format"
            " text or json (a report in another format can be written beside it with --output"
            " FORMAT=FILE)\n"
        ),
    )
    assert not (tree / "report.txt").exists()


# -- --quiet ------------------------------------------------------------------------------


def test_quiet_prints_the_findings_alone(tree, capsys):
    assert check(capsys, "-q", "job.yaml") == (1, f"{TTL}\n{RESTART}\n{LIVENESS}\n", "")
    (tree / "values.yaml").write_text("replicaCount: 1\n")
    # Without -q: a summary, and a warning that the named file holds no object.
    assert check(capsys, "--quiet", "values.yaml") == (0, "", "")
    assert check(
        capsys,
        "--quiet",
        "--show-source",
        "--disable",
        "all",
        "--enable",
        "restart-policy",
        "job.yaml",
    ) == (
        1,
        (
            f"{RESTART}\n  |\n9 |       restartPolicy: Always\n"
            "  |       ^^^^^^^^^^^^^^^^^^^^^\n  |\n"
        ),
        "",
    )


def test_quiet_fix_and_baseline_say_nothing(tree, capsys):
    assert check(capsys, "-q", "--fix", "--write-baseline", "baseline.json", "job.yaml") == (
        0,
        f"{TTL}\n{LIVENESS}\n",
        "",
    )
    assert "restartPolicy: OnFailure" in (tree / "job.yaml").read_text()
    assert check(capsys, "-q", "--baseline", "baseline.json", "job.yaml") == (0, "", "")


def test_quiet_still_says_errors(tree):
    result = kubelint("check", "--no-config", "-q", "-", stdin="", cwd=tree)
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        "kubelint: error: nothing was read from standard input; the usual cause is an"
        " upstream command that failed, such as `helm template` or `kustomize build`\n",
    )
    result = kubelint("check", "-q", "--enable", "no-such-rule", "job.yaml", cwd=tree)
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        "kubelint: error: --enable: unknown rule or category 'no-such-rule';"
        " `kubelint rules` lists them\n",
    )


def test_quiet_and_verbose_together_are_a_usage_error(tree):
    result = kubelint("check", "-q", "-v", "job.yaml", cwd=tree)
    assert result.returncode == 2
    assert result.stderr.endswith(
        "kubelint check: error: argument -v/--verbose: not allowed with argument -q/--quiet\n"
    )


# -- --exit-zero --------------------------------------------------------------------------


def test_exit_zero_passes_findings_but_not_errors(tree, capsys):
    assert check(capsys, "--exit-zero", "--fail-level", "info", "job.yaml") == (
        0,
        f"{TTL}\n{RESTART}\n{LIVENESS}\n\n{SUMMARY}{FIXABLE}",
        "",
    )
    assert check(capsys, "--exit-zero", "missing.yaml") == (
        2,
        "",
        "kubelint: error: no such file or directory: missing.yaml\n",
    )
    result = kubelint("check", "--no-config", "--exit-zero", "-", stdin="", cwd=tree)
    assert result.returncode == 2


def test_exit_zero_with_diff(tree, capsys):
    assert check(capsys, "--exit-zero", "--diff", "job.yaml") == (
        0,
        (
            "--- a/job.yaml\n"
            "+++ b/job.yaml\n"
            "@@ -6,7 +6,7 @@\n"
            " spec:\n"
            "   template:\n"
            "     spec:\n"
            "-      restartPolicy: Always\n"
            "+      restartPolicy: OnFailure\n"
            "       containers:\n"
            "         - name: migrate\n"
            "           image: registry.example.com/migrate:1.4\n"
        ),
        "",
    )
    assert check(capsys, "--diff", "job.yaml")[0] == 1


# -- --min-severity -----------------------------------------------------------------------


def test_min_severity_hides_findings_below_it(tree, capsys):
    assert check(capsys, "--min-severity", "warning", "job.yaml") == (
        1,
        (
            f"{RESTART}\n{LIVENESS}\n\n"
            "Found 2 problems (1 error, 1 warning, 0 info) in 1 of 1 file; 1 object checked.\n"
            f"{FIXABLE}"
        ),
        "",
    )
    # What is not reported cannot fail the run, whatever the fail level.
    assert check(
        capsys,
        "--min-severity",
        "error",
        "--fail-level",
        "info",
        "--disable",
        "restart-policy",
        "job.yaml",
    ) == (0, "No problems in 1 file; 1 object checked.\n", "")
    # Nor is it recorded in a baseline.
    assert (
        check(capsys, "--min-severity", "warning", "-q", "--write-baseline", "b.json", "job.yaml")[
            0
        ]
        == 0
    )
    assert [entry["rule"] for entry in json.loads((tree / "b.json").read_text())["findings"]] == [
        "liveness-initial-delay",
        "restart-policy",
    ]


def test_min_severity_in_the_config_and_the_cache(tree, capsys, monkeypatch):
    monkeypatch.setenv("KUBELINT_CACHE_DIR", str(tree / "cache"))
    (tree / ".kubelint.yaml").write_text("min-severity: error\n")
    expected = (
        f"{RESTART}\n\n"
        "Found 1 problem (1 error, 0 warnings, 0 info) in 1 of 1 file; 1 object"
        f" checked.\n{FIXABLE}"
    )
    assert main(["check", "--no-color", "job.yaml"]) == 1
    assert capsys.readouterr().out == expected
    # The option wins over the config; the cache keeps each run's findings apart.
    assert main(["check", "--no-color", "--min-severity", "info", "job.yaml"]) == 1
    assert capsys.readouterr().out == f"{TTL}\n{RESTART}\n{LIVENESS}\n\n{SUMMARY}{FIXABLE}"
    with pytest.MonkeyPatch.context() as patch:  # from the cache: nothing is checked
        patch.setattr("kubelint.pipeline._check", None)
        assert main(["check", "--no-color", "job.yaml"]) == 1
    assert capsys.readouterr().out == expected


def test_min_severity_must_be_a_severity(tree, capsys):
    (tree / ".kubelint.yaml").write_text("min-severity: notice\n")
    assert main(["check", "job.yaml"]) == 2
    assert capsys.readouterr().err == (
        f'kubelint: error: {tree}/.kubelint.yaml:1:1: min-severity: "notice" is not one'
        ' of "error", "warning", "info"\n'
    )


# -- --show-source ------------------------------------------------------------------------

FRAMES = (
    f"{TTL}\n"
    "  |\n"
    "6 | spec:\n"
    "  | ^^^^\n"
    "  |\n"
    "\n"
    f"{RESTART}\n"
    "  |\n"
    "9 |       restartPolicy: Always\n"
    "  |       ^^^^^^^^^^^^^^^^^^^^^\n"
    "  |\n"
    "\n"
    f"{LIVENESS}\n"
    "   |\n"
    "16 |           livenessProbe:\n"
    "   |           ^^^^^^^^^^^^^\n"
    "   |\n"
    "\n"
)


def test_show_source_frames_each_finding(tree, capsys):
    assert check(capsys, "--show-source", "job.yaml") == (1, FRAMES + SUMMARY + FIXABLE, "")


def test_show_source_in_colour(tree, capsys):
    assert (
        main(
            [
                "check",
                "--no-config",
                "--no-cache",
                "--color",
                "--show-source",
                "--disable",
                "all",
                "--enable",
                "restart-policy",
                "job.yaml",
            ]
        )
        == 1
    )
    assert capsys.readouterr().out == (
        "\033[1mjob.yaml:9:7:\033[0m \033[31merror\033[0m \033[2mrestart-policy\033[0m Job"
        " 'migrate' pod template has restartPolicy 'Always'; a Job allows OnFailure or Never\n"
        "\033[1;34m  |\033[0m\n"
        "\033[1;34m9 |\033[0m       restartPolicy: Always\n"
        "\033[1;34m  |\033[0m       \033[1m\033[31m^^^^^^^^^^^^^^^^^^^^^\033[0m\n"
        "\033[1;34m  |\033[0m\n"
        "\n"
        "Found 1 problem (1 error, 0 warnings, 0 info) in 1 of 1 file; 1 object checked.\n"
        f"{FIXABLE}"
    )


def test_show_source_reads_standard_input_not_the_file_it_names(tree):
    (tree / "job.yaml").write_text("# the file on disk differs\n")
    result = kubelint(
        "check",
        "--no-config",
        "--no-cache",
        "--show-source",
        "--stdin-filename",
        "job.yaml",
        "-",
        stdin=JOB,
        cwd=tree,
    )
    assert (result.returncode, result.stdout) == (1, FRAMES + SUMMARY)


def test_show_source_gives_no_frame_where_the_line_cannot_be_read_again(tmp_path):
    """A FIFO (like <(helm template …)) is read once: its findings come without frames."""
    fifo = tmp_path / "piped.yaml"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_text(JOB))
    writer.start()
    result = kubelint(
        "check", "--no-config", "--no-cache", "--show-source", "-q", "piped.yaml", cwd=tmp_path
    )
    writer.join(timeout=60)
    assert (result.returncode, result.stdout) == (
        1,
        "\n".join(line.replace("job.yaml", "piped.yaml", 1) for line in (TTL, RESTART, LIVENESS))
        + "\n",
    )


def test_show_source_needs_a_text_report(tree, capsys):
    assert check(capsys, "--show-source", "--format", "json", "job.yaml") == (
        2,
        "",
        (
            "kubelint: error: --show-source: no text report of this run lists findings (add"
            " --format text, or --output text=FILE)\n"
        ),
    )
    assert check(capsys, "--show-source", "--statistics", "job.yaml")[0] == 2
    status, out, _ = check(
        capsys, "--show-source", "--format", "json", "--output", "text=report.txt", "job.yaml"
    )
    assert (status, len(json.loads(out)["findings"])) == (1, 3)
    assert (tree / "report.txt").read_text() == FRAMES + SUMMARY + FIXABLE


@pytest.mark.skipif(
    not __import__("kubelint.helm").helm.find_renderer(),
    reason="no Helm renderer: helm on PATH or pip install 'kubelint[helm]'",
)
def test_show_source_frames_the_template_line_of_a_chart():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kubelint",
            "check",
            "--no-config",
            "--no-cache",
            "--show-source",
            "-q",
            "--disable",
            "all",
            "--enable",
            "image-tag-latest",
            "examples/charts/storefront",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert (result.returncode, result.stdout) == (
        0,
        (
            "examples/charts/storefront/templates/deployment.yaml:22:11: warning image-tag-latest"
            " container 'storefront' image 'registry.example.com/shop/storefront:latest' uses the"
            " moving tag 'latest'; pin a version (or a digest) (value image.tag from"
            " examples/charts/storefront/values.yaml:6)\n"
            "   |\n"
            '22 |           image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n'
            "   |           ^^^^^^\n"
            "   |\n"
        ),
    )


@pytest.mark.skipif(
    not __import__("kubelint.kustomize").kustomize.find_builder(),
    reason="no kustomize: kustomize or kubectl on PATH, or pip install 'kubelint[kustomize]'",
)
def test_show_source_frames_the_patch_line_of_an_overlay():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kubelint",
            "check",
            "--no-config",
            "--no-cache",
            "--show-source",
            "-q",
            "--disable",
            "all",
            "--enable",
            "image-tag-latest",
            "examples/kustomize/overlays/production",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert (result.returncode, result.stdout) == (
        0,
        (
            "examples/kustomize/overlays/production/debug-sidecar.yaml:11:11: warning"
            " image-tag-latest container 'debug' image 'busybox:latest' uses the moving tag"
            " 'latest'; pin a version (or a digest)\n"
            "   |\n"
            "11 |           image: busybox:latest\n"
            "   |           ^^^^^^^^^^^^^^^^^^^^^\n"
            "   |\n"
        ),
    )


def frame(line: str, column: int, end_line: int, end_column: int) -> str:
    """The text format's frame of one finding on line 7 of f.yaml, whose text is ``line``."""
    finding = Finding("r", "info", "m", "f.yaml", 7, column, end_line, end_column)
    report = Report([finding], Summary(files=1, objects=1))
    context = FormatContext(summary=False, source={"f.yaml": {7: line}})
    rendered = text_formatter.render(report, context)
    return rendered.removeprefix(f"f.yaml:7:{column}: info r m\n")


@pytest.mark.parametrize(
    ("line", "span", "expected"),
    [
        # A span going on to further lines: carets to the end of this one.
        ("  key: value", (3, 9, 1), "7 |   key: value\n  |   ^^^^^^^^^^\n"),
        # A column past the end (a missing value at the end of a line): a caret after it.
        ("key:", (6, 7, 7), "7 | key:\n  |     ^\n"),
        # Tabs expand to multiples of 4; wide characters take two columns, combining none.
        ("\tname: 名前", (8, 7, 10), "7 |     name: 名前\n  |           ^^^^\n"),
        ("e\u0301: x", (5, 7, 6), "7 | e\u0301: x\n  |    ^\n"),
        # Control characters cannot reach the terminal: shown as their symbols, aligned.
        ("a\x1b[31m: b", (9, 7, 10), "7 | a\u241b[31m: b\n  |         ^\n"),
        ("", (1, 7, 2), "7 |\n  | ^\n"),
    ],
)
def test_frames_put_the_carets_under_the_span(line, span, expected):
    column, end_line, end_column = span
    assert frame(line, column, end_line, end_column) == f"  |\n{expected}  |\n"


def test_a_long_line_is_framed_around_the_finding():
    line = '{"a": "' + "x" * 300 + '", "image": "nginx:latest", "b": "' + "y" * 300 + '"}'
    column = line.index('"image"') + 1
    framed = frame(line, column, 7, column + 7).splitlines()
    shown = "…" + line[column - 1 - 40 : column - 1 - 40 + 120] + "…"
    assert framed[1:3] == [f"7 | {shown}", f"  | {' ' * 41}^^^^^^^"]


def test_a_line_that_is_not_there_gets_no_frame():
    finding = Finding("r", "info", "m", "gone.yaml", 3, 1, 3, 2)
    report = Report([finding], Summary(files=1, objects=1))
    for source in ({}, {"gone.yaml": {}}):
        assert text_formatter.render(report, FormatContext(summary=False, source=source)) == (
            "gone.yaml:3:1: info r m\n"
        )


# -- kubelint rules --format markdown -----------------------------------------------------


def test_rules_as_a_markdown_table_like_the_readme(capsys):
    """The README's table is the same table, linked to the docs beside it."""
    assert main(["rules", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- rules-table -->\n")[1].split("<!-- /rules-table -->")[0]
    assert out == table.replace(
        "](docs/rules/", "](https://github.com/kubelint/kubelint/blob/main/docs/rules/"
    )
    assert out.splitlines()[:2] == [
        "| rule | category | severity | on by default | fixable | what it flags |",
        "|---|---|---|---|---|---|",
    ]
    assert (
        "| [`restart-policy`](https://github.com/kubelint/kubelint/blob/main/docs/rules/"
        "restart-policy.md) | reliability | error | yes | yes | a pod restartPolicy the"
        " controller does not allow |"
    ) in out.splitlines()


def test_a_markdown_cell_stays_one_cell():
    from kubelint.docs import rules_table
    from kubelint.rule import Rule

    rule = Rule(id="team-rule", severity="warning", summary="a | b\nc", check=None, enabled=False)
    assert rules_table([rule], lambda _rule: None)[2] == (
        "| `team-rule` |  | warning | no | no | a \\| b c |"
    )


def test_help_lists_the_output_options():
    result = subprocess.run(
        [sys.executable, "-m", "kubelint", "check", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    words = " ".join(result.stdout.split())  # as wrapped for any terminal width
    for entry in (
        "--min-severity {error,warning,info} report no finding below this severity, so none"
        " can fail the run (default: info, or min-severity in the config) ",
        "--exit-zero exit 0 even when findings are at or above the fail level (2 still means"
        " a usage, config or plugin error) ",
        "-q, --quiet print the findings and errors only: no summary, no warnings ",
        "--statistics print how many findings each rule reported instead of the findings"
        " (--format text or json; --output FORMAT=FILE reports stay complete) ",
        "--show-source show the source line of each finding, with carets under it, in text"
        " reports ",
    ):
        assert entry in words
    result = subprocess.run(
        [sys.executable, "-m", "kubelint", "rules", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (
        "--format {text,json,markdown} text (default), json, or a markdown table for documentation"
    ) in " ".join(result.stdout.split())
