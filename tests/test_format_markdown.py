"""``--format markdown``: the pull-request summary, read back with a real markdown parser
(markdown-it-py, with GitHub's tables and autolinks): headings, table cells, link
targets, hostile text kept literal, the cap on a big run, and a golden file.

Regenerate the golden file deliberately with `KUBELINT_UPDATE_SNAPSHOTS=1 python -m pytest
tests/test_format_markdown.py` and review the diff like code."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from markdown_it import MarkdownIt

from kubelint.constants import SEVERITIES
from kubelint.formatters import FormatContext
from kubelint.formatters.markdown import (
    FINDINGS_BUDGET,
    MAX_FINDINGS_SHOWN,
    MAX_WORKLOADS_SHOWN,
    MESSAGE_LIMIT,
    WORKLOADS_BUDGET,
    escape,
    render,
)
from kubelint.formatters.text import summary_line
from kubelint.report import Finding, ObjectRef, Report, Summary, WorkloadLevel
from tests.helpers import ROOT, assert_golden, lint_in, registry

CONTEXT = FormatContext()
DEPLOYMENT = ObjectRef("apps/v1", "Deployment", "shop", "web")
FINDING_HEADER = ["Location", "Severity", "Rule", "Message"]


# --- reading the markdown back ---------------------------------------------------------------


def parser() -> MarkdownIt:
    """GitHub-flavoured: tables, strikethrough, raw HTML passed through and autolinks for
    scheme://, //host and e-mail addresses, as GitHub links them (not bare domains)."""
    md = MarkdownIt("gfm-like")
    md.linkify.set({"fuzzy_link": False})
    return md


@dataclass
class Cell:
    text: str
    hrefs: list[str]


@dataclass
class Page:
    headings: list[tuple[str, str]] = field(default_factory=list)  # (tag, text)
    paragraphs: list[str] = field(default_factory=list)
    tables: list[list[list[Cell]]] = field(default_factory=list)  # rows, header first
    html: list[str] = field(default_factory=list)  # raw HTML anywhere
    hrefs: list[str] = field(default_factory=list)  # every link target, in order


def parse(markdown: str) -> Page:
    page = Page()
    tokens = parser().parse(markdown)
    container = None
    for index, token in enumerate(tokens):
        if token.type == "html_block":
            page.html.append(token.content)
        elif token.type == "table_open":
            page.tables.append([])
        elif token.type == "tr_open":
            page.tables[-1].append([])
        elif token.type in ("heading_open", "paragraph_open", "th_open", "td_open"):
            container = token
        elif token.type == "inline":
            text, hrefs = [], []
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    text.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    text.append("\n")
                elif child.type == "link_open":
                    hrefs.append(str(child.attrs["href"]))
                elif child.type in ("html_inline", "image"):
                    page.html.append(child.content)
            page.hrefs.extend(hrefs)
            assert container is not None, tokens[index - 1]
            if container.type == "heading_open":
                page.headings.append((container.tag, "".join(text)))
            elif container.type == "paragraph_open":
                page.paragraphs.append("".join(text))
            else:
                page.tables[-1][-1].append(Cell("".join(text), hrefs))
    return page


def finding_rows(page: Page) -> list[list[Cell]]:
    """The rows of every findings table, in order."""
    rows = []
    for table in page.tables:
        if [cell.text for cell in table[0]] == FINDING_HEADER:
            rows.extend(table[1:])
    return rows


@pytest.fixture(scope="module")
def examples() -> Report:
    return lint_in(ROOT, ["examples"])


def make_report(*findings: Finding, files: int = 1, rules=None) -> Report:
    return Report(
        sorted(findings, key=Finding.sort_key),
        Summary(files=files, objects=1),
        rules if rules is not None else registry().rules,
    )


def finding(
    message="bad",
    file="a.yaml",
    line=3,
    rule="privileged-container",
    severity="error",
    template=None,
) -> Finding:
    return Finding(rule, severity, message, file, line, 5, line, 9, DEPLOYMENT, "spec", template)


# --- (1) structure ---------------------------------------------------------------------------


def test_headings_counts_and_every_finding(examples):
    page = parse(render(examples, CONTEXT))
    files = list(dict.fromkeys(f.file for f in examples.findings))
    assert page.headings == [
        ("h2", "kubelint"),
        ("h3", "Findings"),
        *(("h4", file) for file in files),
    ]
    # The text format's closing sentence (tested with it), e.g. "Found 165 problems …".
    assert page.paragraphs == [summary_line(examples)]
    assert page.paragraphs[0].startswith(f"Found {len(examples.findings)} problems (")
    counts = Counter(f.severity for f in examples.findings)
    severities, rules = page.tables[0], page.tables[1]
    assert [[cell.text for cell in row] for row in severities] == [
        ["Severity", "Findings"],
        *([s, str(counts[s])] for s in SEVERITIES),
    ]
    by_rule: dict[str, Counter[str]] = {}
    for f in examples.findings:
        by_rule.setdefault(f.rule, Counter())[f.severity] += 1
    assert [cell.text for cell in rules[0]] == ["Rule", "Severity", "Findings"]
    assert {(row[0].text, tuple(row[0].hrefs), row[1].text, row[2].text) for row in rules[1:]} == {
        (
            rule,
            (examples.rules[rule].url,),
            ", ".join(s for s in SEVERITIES if counted[s]),
            str(sum(counted.values())),
        )
        for rule, counted in by_rule.items()
    }
    # Rules with errors come first, each group by count.
    first = rules[1]
    assert "error" in first[1].text
    assert [[cell.text for cell in row] for row in finding_rows(page)] == [
        [
            f"{f.file}:{f.line}",
            f.severity,
            f.rule,
            f.message + (f" (from {f.template})" if f.template else ""),
        ]
        for f in examples.findings
    ]
    assert [row[0].hrefs for row in finding_rows(page)] == [
        [f"{quote(f.file)}#L{f.line}"] for f in examples.findings
    ]
    assert page.html == []


def test_a_clean_run_says_so():
    clean = Report([], Summary(files=2, documents=3, objects=3), registry().rules)
    assert render(clean, CONTEXT) == "## kubelint\n\nNo problems in 2 files; 3 objects checked.\n"
    nothing = Report([], Summary(), registry().rules)
    assert render(nothing, CONTEXT) == (
        "## kubelint\n\nNo problems in 0 files: nothing was checked (no file to lint).\n"
    )


def test_links_are_relative_to_the_repository(tmp_path):
    report = make_report(
        finding(file="deploy/my app (v2)#1.yaml", line=12),
        finding(file=(tmp_path / "outside.yaml").as_posix(), line=4),
        finding(file="<stdin>", line=7),
        finding(file="chart/templates/web.yaml", line=3, template="chart/templates/web.yaml"),
        finding(file="caf\udce9.yaml", line=2),  # a file name that is not UTF-8
    )
    rows = finding_rows(parse(render(report, CONTEXT)))
    assert [(row[0].text, row[0].hrefs) for row in rows] == [
        ((tmp_path / "outside.yaml").as_posix() + ":4", []),
        ("<stdin>:7", []),
        ("caf\\xe9.yaml:2", ["caf%E9.yaml#L2"]),
        ("chart/templates/web.yaml:3", ["chart/templates/web.yaml#L3"]),
        ("deploy/my app (v2)#1.yaml:12", ["deploy/my%20app%20%28v2%29%231.yaml#L12"]),
    ]
    assert rows[3][3].text == "bad (from chart/templates/web.yaml)"


def test_link_base_points_links_at_the_commit():
    base = "https://github.com/acme/deploy (fork)/blob/0123abc"
    report = make_report(
        finding(file="deploy/my app.yaml", line=12), finding(file="<stdin>", line=7)
    )
    rows = finding_rows(parse(render(report, FormatContext(link_base=base))))
    assert [(row[0].text, row[0].hrefs) for row in rows] == [
        ("<stdin>:7", []),
        (
            "deploy/my app.yaml:12",
            ["https://github.com/acme/deploy%20%28fork%29/blob/0123abc/deploy/my%20app.yaml#L12"],
        ),
    ]


@pytest.mark.parametrize(
    ("options", "error"),
    [
        (
            ["--format", "markdown", "--link-base", "github.com/acme/r/blob/1/"],
            "kubelint: error: --link-base: 'github.com/acme/r/blob/1/' is not an http(s) URL (e.g."
            " https://github.com/ORG/REPO/blob/COMMIT/)\n",
        ),
        (
            ["--link-base", "https://github.com/acme/r/blob/1/"],
            "kubelint: error: --link-base: no markdown report in this run (add --format markdown,"
            " or --output markdown=FILE)\n",
        ),
    ],
)
def test_link_base_is_refused_where_it_cannot_apply(tmp_path, options, error):
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kubelint",
            "check",
            "--no-config",
            "--no-cache",
            *options,
            "a.yaml",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (2, "", error)


# --- (2) hostile text ------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](https://evil.example/a) ![pixel](https://evil.example/p.png)",
    "[ref]: https://evil.example/ref [ref]",
    "**bold** __bold__ *em* _em_ ~~gone~~ `code` ``x``",
    "a | b || c \\| d",
    "<https://evil.example/auto> https://evil.example/bare HTTP://EVIL.EXAMPLE",
    "//evil.example/path www.evil.example WWW.EVIL.EXAMPLE mail@evil.example",
    "mailto:x@evil.example xmpp:x@evil.example",
    "&lt;b&gt; &#60;i&#62; &amp;",
    "$x^2$ and $$y$$ @someone #123 :smile:",
    "\\*not em\\* \\\\ \\",
    "# not a heading ## nor this ##",
    "<!-- comment --> <details><summary>s</summary>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_stays_literal(text):
    report = make_report(finding(message=text, file=f"d/{text}.yaml", rule=f"r-{text}"))
    page = parse(render(report, CONTEXT))
    assert page.html == []
    [row] = finding_rows(page)
    assert [cell.text for cell in row] == [f"d/{text}.yaml:3", "error", f"r-{text}", text]
    assert row[0].hrefs == [quote(f"d/{text}.yaml") + "#L3"]
    assert page.headings[-1] == ("h4", f"d/{text}.yaml")
    # The only links are the location's (a rule outside the catalogue has no page).
    assert page.hrefs == [quote(f"d/{text}.yaml") + "#L3"]


def test_line_breaks_stay_in_their_cell():
    text = "first\nsecond\r\nthird\rfourth | fifth"
    report = make_report(finding(message=text, file="a\nb.yaml"))
    page = parse(render(report, CONTEXT))
    [row] = finding_rows(page)
    assert [cell.text for cell in row] == [
        "a b.yaml:3",
        "error",
        "privileged-container",
        "first second third fourth | fifth",
    ]
    assert page.headings[-1] == ("h4", "a b.yaml")


def test_www_names_are_broken_up():
    """GitHub links www. names, which the test parser (like CommonMark) does not: check
    the escape itself."""
    assert escape("see www.evil.example, WWW.x.y and awww.no") == (
        "see www\\.evil.example, WWW\\.x.y and awww.no"
    )


def test_rule_pages_link_only_to_web_addresses():
    rules = {
        "page": SimpleNamespace(url="https://docs.example/rules (v2)/page|x.md"),
        "script": SimpleNamespace(url="javascript:alert(1)"),
        "none": SimpleNamespace(url=None),
    }
    report = make_report(*(finding(rule=rule) for rule in rules), rules=rules)
    page = parse(render(report, CONTEXT))
    assert [(row[0].text, row[0].hrefs) for row in page.tables[1][1:]] == [
        ("none", []),
        ("page", ["https://docs.example/rules%20%28v2%29/page%7Cx.md"]),
        ("script", []),
    ]


# --- (3) big runs ----------------------------------------------------------------------------


def test_the_list_stops_at_the_cap_and_the_counts_stay_complete():
    total = MAX_FINDINGS_SHOWN + 500
    findings = [finding(line=line, severity=SEVERITIES[line % 3]) for line in range(total)]
    page = parse(render(make_report(*findings), CONTEXT))
    assert len(finding_rows(page)) == MAX_FINDINGS_SHOWN
    assert page.paragraphs[-1] == (
        "500 more findings not listed here, to keep this summary within GitHub's 1 MiB"
        " limit; kubelint check lists them all."
    )
    assert [[cell.text for cell in row] for row in page.tables[0][1:]] == [
        ["error", "500"],
        ["warning", "500"],
        ["info", "500"],
    ]
    assert [cell.text for cell in page.tables[1][1]] == [
        "privileged-container",
        "error, warning, info",
        "1,500",
    ]


def test_the_list_stops_within_its_byte_budget():
    """Long messages (cut at MESSAGE_LIMIT characters) fill the budget before the cap:
    the list holds as many rows as fit, and the whole summary stays under 1 MiB."""
    long = "é" * (MESSAGE_LIMIT * 3)
    findings = [
        finding(message=long, file=f"dir/file-{n // 50:03}.yaml", line=n % 50 + 1)
        for n in range(MAX_FINDINGS_SHOWN)
    ]
    output = render(make_report(*findings), CONTEXT)
    assert len(output.encode("utf-8")) < 1024 * 1024
    rows = finding_rows(parse(output))
    assert {row[3].text for row in rows} == {"é" * MESSAGE_LIMIT + " …"}
    shown = len(rows)
    section = output[
        output.index("### Findings") + len("### Findings\n\n") : output.index(
            f"{MAX_FINDINGS_SHOWN - shown} more findings"
        )
    ]
    next_row = (
        f"| [dir/file-{shown // 50:03}.yaml:{shown % 50 + 1}]"
        f"(dir/file-{shown // 50:03}.yaml#L{shown % 50 + 1}) | error |"
        f" privileged-container | {'é' * MESSAGE_LIMIT} … |\n"
    )
    assert len(section.encode("utf-8")) <= FINDINGS_BUDGET
    assert len(section.encode("utf-8")) + len(next_row.encode("utf-8")) > FINDINGS_BUDGET


# --- (4) the command line and the golden file ------------------------------------------------


def test_golden_shop_and_output_file(tmp_path):
    """`kubelint check --no-config --format markdown examples/shop` from the repository
    root; `--output markdown=FILE` writes the same report."""
    written = tmp_path / "summary.md"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kubelint",
            "check",
            "--no-config",
            "--no-cache",
            "--format",
            "markdown",
            "--output",
            f"markdown={written}",
            "examples/shop",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr  # the shop has errors
    assert_golden("shop.md", result.stdout)
    assert written.read_text(encoding="utf-8") == result.stdout


# --- (5) the workloads' Pod Security Standards levels ----------------------------------------

WORKLOAD_HEADER = ["Location", "Workload", "Level"]


def level_rows(page: Page) -> list[list[str]]:
    tables = [table for table in page.tables if [c.text for c in table[0]] == WORKLOAD_HEADER]
    assert len(tables) <= 1
    return [[cell.text for cell in row] for row in tables[0][1:]] if tables else []


def levels_report(*levels: WorkloadLevel, policy: str | None = "restricted:v1.33") -> Report:
    report = make_report(finding())
    report.pod_security = list(levels)
    report.pod_security_policy = policy
    return report


def test_a_pss_profile_adds_each_workloads_level(tmp_path, monkeypatch, capsys):
    """`kubelint check --profile pss-restricted:v1.33 --format markdown`: the section comes
    before the findings, one row per workload, linked to its line."""
    from kubelint.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.yaml").write_text(
        textwrap.dedent("""\
        apiVersion: v1
        kind: Pod
        metadata: {name: open, namespace: shop}
        spec:
          hostNetwork: true
          containers:
            - {name: c, image: "registry.example.com/c:1"}
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {name: tight}
        spec:
          template:
            spec:
              restartPolicy: Never
              securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
              containers:
                - name: c
                  image: registry.example.com/c:1
                  securityContext:
                    allowPrivilegeEscalation: false
                    capabilities: {drop: [ALL]}
        """)
    )
    assert (
        main(
            [
                "check",
                "--no-config",
                "--no-cache",
                "--profile",
                "pss-restricted:v1.33",
                "--format",
                "markdown",
                "app.yaml",
            ]
        )
        == 1
    )
    page = parse(capsys.readouterr().out)
    assert page.headings == [
        ("h2", "kubelint"),
        ("h3", "Pod Security Standards"),
        ("h3", "Findings"),
        ("h4", "app.yaml"),
    ]
    assert page.paragraphs[1] == (
        "The strictest level each workload meets at policy version"
        " v1.33 (this run checks restricted:v1.33): 1 workload at"
        " restricted, 1 workload at privileged."
    )
    assert level_rows(page) == [
        ["app.yaml:1", "Pod shop/open", "privileged"],
        ["app.yaml:9", "Job tight", "restricted"],
    ]
    assert page.tables[2][1][0].hrefs == ["app.yaml#L1"]
    # Without a PSS profile there is no such section.
    assert main(["check", "--no-config", "--no-cache", "--format", "markdown", "app.yaml"]) == 1
    assert level_rows(parse(capsys.readouterr().out)) == []


def test_no_section_without_a_policy_or_workloads():
    workload = WorkloadLevel("a.yaml", 1, DEPLOYMENT, "baseline")
    assert "Pod Security Standards" not in render(levels_report(workload, policy=None), CONTEXT)
    assert "Pod Security Standards" not in render(levels_report(), CONTEXT)


def test_workload_names_stay_literal():
    hostile = ObjectRef("v1", "Pod", "ns", "<img src=x>*a*[l](http://e.example)|")
    page = parse(
        render(levels_report(WorkloadLevel("dir/[x].yaml", 3, hostile, "baseline")), CONTEXT)
    )
    assert level_rows(page) == [
        ["dir/[x].yaml:3", "Pod ns/<img src=x>*a*[l](http://e.example)|", "baseline"]
    ]
    assert page.html == []
    assert page.tables[2][1][0].hrefs == ["dir/%5Bx%5D.yaml#L3"]


def test_the_levels_stop_at_the_cap():
    levels = [
        WorkloadLevel("a.yaml", line, DEPLOYMENT, "baseline")
        for line in range(1, MAX_WORKLOADS_SHOWN + 11)
    ]
    page = parse(render(levels_report(*levels), CONTEXT))
    assert len(level_rows(page)) == MAX_WORKLOADS_SHOWN
    assert page.paragraphs[2] == (
        "10 more workloads not listed here, to keep this summary within GitHub's 1 MiB limit;"
        " kubelint check --format json lists them all (pod_security)."
    )
    # The counts cover every workload.
    assert page.paragraphs[1].endswith(f": {MAX_WORKLOADS_SHOWN + 10:,} workloads at baseline.")


def test_the_levels_stop_within_their_byte_budget():
    long = ObjectRef("apps/v1", "Deployment", "ns", "w" * 250)
    levels = [WorkloadLevel("a.yaml", line, long, "baseline") for line in range(1, 1001)]
    output = render(levels_report(*levels), CONTEXT)
    shown = len(level_rows(parse(output)))
    assert 0 < shown < 1000
    section = output[
        output.index("| Location | Workload | Level |") : output.index(
            f"{1000 - shown} more workloads"
        )
    ]
    assert len(section.encode("utf-8")) <= WORKLOADS_BUDGET + 200  # plus the table header
