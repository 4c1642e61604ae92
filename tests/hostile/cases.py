"""The hostile inputs of issue 11 ("Keep every promise under attack"), one table.

Each case names a builder that writes its input into a fresh directory at test time, the
command line (``kubelint`` arguments, run with that directory as working directory) and the
exact outcome kubelint promises: exit status, the findings of the JSON report as (rule,
file, line[, message]), or the exact standard output, and the exact standard error. A
``check`` looks at what a run leaves behind (files fixed or kept, a report read from a
FIFO, a socket nobody connected to). ``tests/hostile/test_hostile.py`` runs every case
through the real command line with the limits of ``tests/hostile/limits.py``.

Sizes are chosen so that each case takes a second or a few when kubelint works: a regression
to quadratic time or unbounded memory then crosses the limits by orders of magnitude.
Cases marked ``slow`` (a quarter of a minute or more each, or a known failure that runs
into the time limit) are skipped unless ``KUBELINT_HOSTILE=all`` is set.

Every check command runs with ``--fail-level info``: the exit status then says whether
there are findings at all, whatever severity the severity policy gives a rule.

To add a case (a crash ``scripts/fuzz.py`` found, say): write a builder that recreates the
reproducer, run kubelint on it by hand, decide what the right answer is, and add a row.
If kubelint is wrong today, the row carries ``xfail`` with the reason.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import partial

from tests.hostile.limits import Run
from tests.hostile.scenes import (
    PV,
    PV_FIXED,
    PV_MESSAGE,
    Scene,
    fifo_reader,
    fifo_writer,
    listener,
    tripwire,
)

MIB = 1024 * 1024
LIMIT = "67,108,864"  # kubelint's input size limit (64 MiB), as its messages write it
OVER_LIMIT = f"file is over {LIMIT} bytes, over kubelint's limit of {LIMIT}; split it or exclude it"

CHECK = ("check", "--no-config", "--no-color", "--fail-level", "info")
JSON = (*CHECK, "--format", "json")

#: (rule, file, line) or (rule, file, line, message) of one finding in the JSON report.
Expected = tuple


@dataclass(frozen=True)
class Case:
    """One hostile input, the command that reads it and what kubelint must answer."""

    name: str
    build: Callable[[Scene], None]
    args: tuple[str, ...]
    exit: int
    #: The JSON report's findings, in order (a callable for long generated lists).
    findings: Sequence[Expected] | Callable[[], Sequence[Expected]] | None = None
    stdout: str | None = None  # exact standard output, for runs that print no JSON report
    #: Exact; "{dir}" stands for the case's directory. None: ``check`` looks at it (an
    #: xfail whose exact wording is the fix's to choose).
    stderr: str | None = ""
    stdin: Callable[[], Iterable[bytes]] | None = None
    #: Runs around kubelint: a FIFO writer or reader, a listener, a tripwire.
    beside: Callable[[Scene], AbstractContextManager[None]] | None = None
    check: Callable[[Scene, Run], None] | None = None
    slow: bool = False
    xfail: str | None = None  # kubelint is wrong today: why (the expectation is the fix's)


def _nothing(scene: Scene) -> None:
    """For inputs that are not files of the case (devices, standard input)."""


# -- many documents, many comments ----------------------------------------------------------


def _broken_documents(count: int, scene: Scene) -> None:
    scene.write("broken.yaml", "---\na: [\n" * count)


def _broken_findings(count: int) -> list[Expected]:
    # Each error is found at the next document's `---` (the last at the end of the file).
    return [
        (
            "yaml-syntax",
            "broken.yaml",
            2 * index + 3,
            "did not find expected node content (while parsing a flow node)",
        )
        for index in range(count)
    ]


def _suppression_comments(scene: Scene) -> None:
    scene.write("comments.yaml", "# kubelint: disable=x\n" * 20_000 + PV)


def _unknown_names_then_volume() -> list[Expected]:
    # "x" is no rule's: each comment says so (decided in one pass too), then the volume.
    return [
        *(
            ("unused-suppression", "comments.yaml", line, "suppression of 'x' names no rule")
            for line in range(1, 20_001)
        ),
        ("pv-reclaim-policy", "comments.yaml", 20_004, PV_MESSAGE),
    ]


def _volumes(count: int, sources: bool = False) -> str:
    """``count`` PersistentVolume documents (one fixable finding each), each after a helm
    ``# Source:`` comment when ``sources``."""
    source = "# Source: chart/templates/pv{}.yaml\n" if sources else ""
    return "".join(
        "---\n" + source.format(index) + PV.replace("{name: v}", f"{{name: v{index}}}")
        for index in range(count)
    )


def _persistent_volumes(count: int, sources: bool, scene: Scene) -> None:
    scene.write("volumes.yaml", _volumes(count, sources))


def _volume_findings(count: int, sources: bool) -> list[Expected]:
    lines = 6 if sources else 5
    return [
        (
            "pv-reclaim-policy",
            "volumes.yaml",
            lines * index + lines,
            PV_MESSAGE.replace("'v'", f"'v{index}'"),
        )
        for index in range(count)
    ]


def _all_fixed(count: int, scene: Scene, run: Run) -> None:
    expected = _volumes(count).replace("Recycle", "Retain")
    assert (scene.dir / "volumes.yaml").read_text() == expected


def _diff_of(count: int, scene: Scene, run: Run) -> None:
    lines = run.out.splitlines()
    assert lines[:2] == ["--- a/volumes.yaml", "+++ b/volumes.yaml"]
    assert lines.count("-spec: {persistentVolumeReclaimPolicy: Recycle}") == count
    assert lines.count("+spec: {persistentVolumeReclaimPolicy: Retain}") == count
    assert "Retain" not in (scene.dir / "volumes.yaml").read_text()


def _shared_alias_then_volumes(count: int, scene: Scene) -> None:
    """A List whose two PersistentVolumes share their policy through an alias (that fix is
    refused), then ``count`` PersistentVolumes that can be fixed."""
    scene.write(
        "volumes.yaml",
        (
            "apiVersion: v1\nkind: List\nitems:\n"
            "- {apiVersion: v1, kind: PersistentVolume, metadata: {name: pv},\n"
            "   spec: {persistentVolumeReclaimPolicy: &p Recycle, hostPath: {path: /d}}}\n"
            "- {apiVersion: v1, kind: PersistentVolume, metadata: {name: pv2},\n"
            "   spec: {persistentVolumeReclaimPolicy: *p, hostPath: {path: /d}}}\n"
        )
        + _volumes(count),
    )


def _templates_named(count: int, scene: Scene, run: Run) -> None:
    templates = [finding["template"] for finding in json.loads(run.out)["findings"]]
    assert templates == [f"chart/templates/pv{index}.yaml" for index in range(count)]


# -- resource bombs -------------------------------------------------------------------------

BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{','.join(['*' + previous] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)

NESTING = "nesting deeper than 200 levels; kubelint does not read this document"


def _alias_bomb(scene: Scene) -> None:
    scene.write(
        "bomb.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n"
        + "".join(f"  {line}\n" for line in BILLION_LAUGHS.splitlines()),
    )


def _huge_scalar(size: int, scene: Scene) -> None:
    with open(scene.dir / "scalar.yaml", "w", encoding="ascii") as handle:
        handle.write("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: ")
        for _ in range(size // MIB):
            handle.write("x" * MIB)
        handle.write("\n")


def _python_tags(scene: Scene) -> None:
    # Each tag would create a directory if anything constructed Python objects from it.
    scene.write(
        "tags.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: tags}\ndata:\n"
        '  a: !!python/object/apply:os.mkdir ["pwned-apply"]\n'
        "  b: !!python/object/new:os.mkdir {args: [pwned-new]}\n"
        "  c: !!python/name:os.system\n"
        "  d: !custom 5\n",
    )


def _nothing_executed(scene: Scene, run: Run) -> None:
    assert sorted(os.listdir(scene.dir)) == ["tags.yaml"]


def _symlink_loops(scene: Scene) -> None:
    scene.write("d/pv.yaml", PV)
    (scene.dir / "d" / "sub").mkdir()
    (scene.dir / "d" / "sub" / "up").symlink_to("..")  # a directory loop
    (scene.dir / "d" / "self.yaml").symlink_to("self.yaml")
    (scene.dir / "d" / "a.yaml").symlink_to("b.yaml")
    (scene.dir / "d" / "b.yaml").symlink_to("a.yaml")


LOOP = "cannot read the file: Too many levels of symbolic links"


# -- pipes, devices and standard input --------------------------------------------------------


def _fifo_in_directory(scene: Scene) -> None:
    scene.write("deploy/pv.yaml", PV)
    scene.fifo("deploy/nobody-writes.yaml")


def _two_files(scene: Scene, run: Run) -> None:
    """The FIFO is counted as a file read (empty), not waited for."""
    assert json.loads(run.out)["summary"]["files"] == 2


def _fifo(scene: Scene) -> None:
    scene.fifo("piped.yaml")


def _chunks(total: int, chunk: bytes = b"# " + b"x" * 1021 + b"\n") -> Iterator[bytes]:
    """``total`` bytes of YAML comment lines, a kilobyte at a time."""
    for _ in range(total // len(chunk)):
        yield chunk


def _pv_then_comments() -> Iterator[bytes]:
    yield PV.encode()
    yield from _chunks(200 * 1000 * 1000)


# -- line ends and encodings ----------------------------------------------------------------


def _pv_with_line_ends(newline: str, bom: str, scene: Scene) -> None:
    scene.write("pv.yaml", bom + PV.replace("\n", newline))


def _fixed_with_line_ends(newline: str, bom: str, scene: Scene, run: Run) -> None:
    expected = (bom + PV_FIXED.replace("\n", newline)).encode("utf-8")
    assert (scene.dir / "pv.yaml").read_bytes() == expected


def _suppressed_after_lone_cr(scene: Scene) -> None:
    scene.write(
        "pv.yaml",
        PV.replace("spec:", "# kubelint: disable=pv-reclaim-policy\nspec:").replace("\n", "\r"),
    )


def _non_utf8_names(scene: Scene) -> None:
    scene.write(b"d\xff/pv\xfe.yaml", PV)


def _valid_json_report(fmt: str, scene: Scene, run: Run) -> None:
    report = json.loads(run.stdout.decode("utf-8"))  # strict UTF-8, then strict JSON
    if fmt == "sarif":
        [result] = report["runs"][0]["results"]
        location = result["locations"][0]["physicalLocation"]
        assert (
            result["ruleId"],
            location["artifactLocation"]["uri"],
            location["region"]["startLine"],
        ) == ("pv-reclaim-policy", "d%FF/pv%FE.yaml", 4)
    else:  # gitlab
        [issue] = report
        assert (
            issue["check_name"],
            issue["location"]["path"],
            issue["location"]["lines"]["begin"],
        ) == ("pv-reclaim-policy", "d\\xff/pv\\xfe.yaml", 4)


# -- configuration files --------------------------------------------------------------------


def _with_config(name: str, text: str, scene: Scene) -> None:
    scene.write("pv.yaml", PV)
    scene.write(name, text)


def _deep_exclude(scene: Scene) -> None:
    deep = "/".join(["d"] * 25)
    scene.write(f"{deep}/x.yaml", PV)
    scene.write(f"{deep}/y.yaml", PV)
    scene.write(".kubelint.yaml", 'exclude: ["**/**/**/**/**/**/**/**/**/**/x.yaml"]\n')


def _bracket_exclude(scene: Scene) -> None:
    for name in ("x].yaml", "xy.yaml", "xz.yaml"):
        scene.write(name, PV)
    scene.write(".kubelint.yaml", 'exclude: ["x[]y].yaml"]\n')  # the class of "]" and "y"


# -- policies and CRD schemas -----------------------------------------------------------------


def _policy(rule: str) -> str:
    return (
        "apiVersion: kubelint.dev/v1\nkind: Policy\nmetadata: {name: test}\nspec:\n"
        "  rules:\n    - id: name-shape\n      summary: names are a's\n      schema:\n"
        "        properties:\n          metadata:\n            properties:\n"
        f"              name: {rule}\n"
    )


def _redos_policy(scene: Scene) -> None:
    scene.write("p.yaml", _policy('{pattern: "^(a+)+$"}'))
    scene.write(
        "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + "a" * 35 + "!\n"
    )


def _policy_ref_nowhere(ref: str, scene: Scene) -> None:
    scene.write(
        "p.yaml",
        _policy(f'{{$ref: "{ref}"}}').replace(
            "      schema:\n", "      schema:\n        $defs: {word: {type: string}}\n"
        ),
    )
    scene.write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")


def _policy_error_at(start: str) -> Callable[[Scene, Run], None]:
    def check(scene: Scene, run: Run) -> None:
        assert run.err.startswith(f"kubelint: error: {start}") and run.err.count("\n") == 1

    return check


def _remote_url(scene: Scene) -> str:
    return f"http://127.0.0.1:{scene.state['port']}/schema.json"


def _file_url(scene: Scene) -> str:
    return f"file://{scene.dir}/schema.json"


def _policy_ref(kind: str, scene: Scene) -> None:
    ref = {"http": _remote_url, "file": _file_url, "relative": lambda _: "schema.json"}[kind](scene)
    scene.write("p.yaml", _policy(f'{{$ref: "{ref}"}}'))


def _crd_ref(kind: str, scene: Scene) -> None:
    ref = {"http": _remote_url, "file": _file_url}[kind](scene)
    scene.write(
        "example.com/widget_v1.json",
        json.dumps({"type": "object", "properties": {"spec": {"$ref": ref}}}),
    )
    scene.write(
        "w.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {}\n"
    )


def _nobody_connected(scene: Scene, run: Run) -> None:
    assert scene.state["connected"] is False


def _never_read(scene: Scene, run: Run) -> None:
    assert scene.state["tripped"] is False


def _ref_error(where: str, ref: str) -> str:
    return (
        f"kubelint: error: {where}: $ref '{ref}' is outside the schema; kubelint never"
        " fetches schemas (put it under $defs and refer to #/$defs/...)\n"
    )


def _crd_ref_warning(ref: str) -> str:
    return (
        "kubelint: warning: example.com/widget_v1.json: the JSON Schema does not compile:"
        f" properties/spec/$ref: $ref '{ref}' is outside the schema; kubelint never fetches"
        " schemas\n"
    )


NO_WIDGET_SCHEMA = (
    "no schema for example.com/v1 Widget: add its CustomResourceDefinition to"
    " the input or to --crds"
)


def _vap_null_rule(scene: Scene) -> None:
    scene.write(
        "p.yaml",
        "apiVersion: admissionregistration.k8s.io/v1\n"
        "kind: ValidatingAdmissionPolicy\nmetadata: {name: p.example.com}\nspec:\n"
        "  matchConstraints:\n    resourceRules: [null]\n"
        "  validations: [{expression: 'true'}]\n",
    )
    scene.write("pv.yaml", PV)


# -- outputs and --fix ------------------------------------------------------------------------


def _pv(scene: Scene) -> None:
    scene.write("pv.yaml", PV)


def _pv_with_mode(mode: int, scene: Scene) -> None:
    scene.write("pv.yaml", PV, mode=mode)


def _kept(name: str, content: str = PV) -> Callable[[Scene, Run], None]:
    def check(scene: Scene, run: Run) -> None:
        assert (scene.dir / name).read_text() == content

    return check


def _pv_and_link(scene: Scene) -> None:
    scene.write("pv.yaml", PV)
    (scene.dir / "link.yaml").symlink_to("pv.yaml")


def _sarif_read_from_fifo(scene: Scene, run: Run) -> None:
    assert (scene.dir / "report.sarif").is_fifo()
    [result] = json.loads(scene.state["report.sarif"])["runs"][0]["results"]
    assert (
        result["ruleId"],
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
    ) == ("pv-reclaim-policy", 4)


def _pv_in_directory(scene: Scene) -> None:
    scene.write("deploy/pv.yaml", PV)


def _pv_and_link_640(scene: Scene) -> None:
    _pv_and_link(scene)
    os.chmod(scene.dir / "pv.yaml", 0o640)


def _fixed_through_symlink(scene: Scene, run: Run) -> None:
    assert (scene.dir / "link.yaml").is_symlink()
    assert (scene.dir / "pv.yaml").read_text() == PV_FIXED
    assert (scene.dir / "pv.yaml").stat().st_mode & 0o777 == 0o640


def _hard_links(scene: Scene) -> None:
    scene.write("a.yaml", PV)
    os.link(scene.dir / "a.yaml", scene.dir / "b.yaml")


def _fixed_both_names(scene: Scene, run: Run) -> None:
    first, second = (scene.dir / "a.yaml").stat(), (scene.dir / "b.yaml").stat()
    assert (scene.dir / "b.yaml").read_text() == PV_FIXED
    assert (first.st_ino, first.st_nlink) == (second.st_ino, 2)


def _fixed_with_mode(scene: Scene, run: Run) -> None:
    assert (scene.dir / "pv.yaml").read_text() == PV_FIXED
    assert (scene.dir / "pv.yaml").stat().st_mode & 0o7777 == 0o751


FIXED_ONE = "kubelint: fixed 1 problem in 1 file\n"
NO_PROBLEMS = "No problems in 1 file; 1 object checked.\n"
PV_FOUND = [("pv-reclaim-policy", "pv.yaml", 4, PV_MESSAGE)]

CASES: tuple[Case, ...] = (
    # -- many documents, many comments: one pass, never quadratic ---------------------------
    Case(
        "broken-documents-2000",
        partial(_broken_documents, 2000),
        (*JSON, "broken.yaml"),
        1,
        partial(_broken_findings, 2000),
    ),
    Case(
        "broken-documents-20000",
        partial(_broken_documents, 20_000),
        (*JSON, "broken.yaml"),
        1,
        partial(_broken_findings, 20_000),
    ),
    Case(
        "suppression-comments-20000",
        _suppression_comments,
        (*JSON, "comments.yaml"),
        1,
        _unknown_names_then_volume,
    ),
    Case(
        "helm-sources-20000",
        partial(_persistent_volumes, 20_000, True),
        (*JSON, "volumes.yaml"),
        1,
        partial(_volume_findings, 20_000, True),
        check=partial(_templates_named, 20_000),
    ),
    Case(
        "fixable-findings-20000",
        partial(_persistent_volumes, 20_000, False),
        (*JSON, "volumes.yaml"),
        1,
        partial(_volume_findings, 20_000, False),
    ),
    Case(
        "diff-10000-fixes",
        partial(_persistent_volumes, 10_000, False),
        (*CHECK, "--diff", "volumes.yaml"),
        1,
        check=partial(_diff_of, 10_000),
    ),
    Case(
        "fix-refused-among-1000",
        partial(_shared_alias_then_volumes, 1000),
        (*JSON, "--fix", "volumes.yaml"),
        1,
        [
            ("pv-reclaim-policy", "volumes.yaml", 5, PV_MESSAGE.replace("'v'", "'pv'")),
            ("pv-reclaim-policy", "volumes.yaml", 7, PV_MESSAGE.replace("'v'", "'pv2'")),
        ],
        stderr="kubelint: warning: volumes.yaml: 1 fix not applied: the result would not parse"
        " to the intended objects (a value shared through an alias, or overlapping"
        " fixes)\nkubelint: fixed 1000 problems in 1 file\n",
    ),
    Case(
        "fix-20000-findings",
        partial(_persistent_volumes, 20_000, False),
        (*CHECK, "--fix", "volumes.yaml"),
        0,
        stdout="No problems in 1 file; 20000 objects checked.\n",
        stderr="kubelint: fixed 20000 problems in 1 file\n",
        check=partial(_all_fixed, 20_000),
    ),
    # -- resource bombs: refused without expanding ------------------------------------------
    Case(
        "alias-bomb",
        _alias_bomb,
        (*JSON, "bomb.yaml"),
        1,
        [
            (
                "yaml-limits",
                "bomb.yaml",
                10,
                "aliases expand to more than 100,000 nodes (an alias"
                " bomb?); kubelint does not read this document",
            )
        ],
    ),
    Case(
        "nesting-100k",
        lambda s: s.write("deep.yaml", "a: " + "[" * 10**5 + "]" * 10**5),
        (*JSON, "deep.yaml"),
        1,
        [("yaml-limits", "deep.yaml", 1, NESTING)],
    ),
    Case(
        "nesting-1m-unclosed",
        lambda s: s.write("deep.yaml", "[" * 10**6),
        (*JSON, "deep.yaml"),
        1,
        [("yaml-limits", "deep.yaml", 1, NESTING)],
    ),
    Case(
        "nesting-1m-json",
        lambda s: s.write("deep.json", '{"a":' * 10**6 + "1" + "}" * 10**6),
        (*JSON, "deep.json"),
        1,
        [("yaml-limits", "deep.json", 1, NESTING)],
    ),
    Case(
        "nesting-block-sequences",
        lambda s: s.write("deep.yaml", "- " * 10**5 + "x\n"),
        (*JSON, "deep.yaml"),
        1,
        [("yaml-limits", "deep.yaml", 1, NESTING)],
    ),
    Case(
        "node-flood",
        lambda s: s.write("flood.yaml", "a: [" + "1," * (15 * 10**6) + "1]\n"),
        (*JSON, "flood.yaml"),
        1,
        [
            (
                "yaml-limits",
                "flood.yaml",
                1,
                "more than 4,000,000 YAML nodes in one file"
                " (kubelint's memory budget); the rest of the file from this document on is not"
                " read: split the file",
            )
        ],
        slow=True,
    ),
    Case("scalar-60mb", partial(_huge_scalar, 60 * MIB), (*JSON, "scalar.yaml"), 0, []),
    Case(
        "scalar-100mb",
        partial(_huge_scalar, 100 * MIB),
        (*JSON, "scalar.yaml"),
        1,
        [
            (
                "yaml-limits",
                "scalar.yaml",
                1,
                f"file is {100 * MIB + 68:,} bytes, over"
                f" kubelint's limit of {LIMIT}; split it or exclude it",
            )
        ],
    ),
    Case(
        "python-tags-are-data",
        _python_tags,
        (*JSON, "tags.yaml"),
        1,
        [
            ("schema", "tags.yaml", 5, "data.a is a list; expected a string"),
            ("schema", "tags.yaml", 6, "data.b is a mapping; expected a string"),
            ("schema", "tags.yaml", 8, "data.d is 5; expected a string"),
        ],
        check=_nothing_executed,
    ),
    Case(
        "symlink-loops",
        _symlink_loops,
        (*JSON, "d", "d/self.yaml"),
        1,
        [
            ("file-unreadable", "d/a.yaml", 1, LOOP),
            ("file-unreadable", "d/b.yaml", 1, LOOP),
            ("pv-reclaim-policy", "d/pv.yaml", 4, PV_MESSAGE),
            ("file-unreadable", "d/self.yaml", 1, LOOP),
        ],
    ),
    # -- pipes, devices, standard input: bounded, never a hang ------------------------------
    Case(
        "fifo-in-directory",
        _fifo_in_directory,
        (*JSON, "deploy"),
        1,
        [("pv-reclaim-policy", "deploy/pv.yaml", 4, PV_MESSAGE)],
        check=_two_files,
    ),
    Case(
        "fifo-named-no-writer",
        _fifo,
        (*CHECK, "piped.yaml"),
        0,
        stdout="Nothing was checked: no Kubernetes object in 1 file.\n",
        stderr="kubelint: warning: nothing was checked in 1 file: they hold no YAML or JSON"
        " document (values files, kustomizations and tools' configurations are"
        " skipped)\n",
    ),
    Case(
        "fifo-named-with-writer",
        _nothing,
        (*JSON, "piped.yaml"),
        1,
        [("pv-reclaim-policy", "piped.yaml", 4, PV_MESSAGE)],
        beside=lambda s: fifo_writer(s, "piped.yaml", lambda: [PV.encode()]),
    ),
    Case(
        "fifo-named-endless-writer",
        _nothing,
        (*JSON, "piped.yaml"),
        1,
        [("yaml-limits", "piped.yaml", 1, OVER_LIMIT)],
        beside=lambda s: fifo_writer(s, "piped.yaml", partial(_chunks, 200 * 1000 * 1000)),
    ),
    Case(
        "dev-zero-manifest",
        _nothing,
        (*JSON, "/dev/zero"),
        1,
        [("yaml-limits", "/dev/zero", 1, OVER_LIMIT)],
    ),
    Case(
        "dev-zero-baseline",
        _pv,
        (*JSON, "--baseline", "/dev/zero", "pv.yaml"),
        2,
        stdout="",
        stderr=f"kubelint: error: cannot read the baseline /dev/zero: {OVER_LIMIT}\n",
    ),
    Case(
        "dev-zero-policies",
        _pv,
        (*JSON, "--policies", "/dev/zero", "pv.yaml"),
        2,
        stdout="",
        stderr=f"kubelint: error: /dev/zero:1:1: {OVER_LIMIT} (policy file)\n",
    ),
    # --crds problems are warnings by design (tests/test_crd.py): the run goes on without.
    Case(
        "dev-zero-crds",
        _pv,
        (*JSON, "--crds", "/dev/zero", "pv.yaml"),
        1,
        PV_FOUND,
        stderr=f"kubelint: warning: /dev/zero: {OVER_LIMIT}\n",
    ),
    Case(
        "stdin-200mb",
        _nothing,
        (*JSON, "-"),
        2,
        [("yaml-limits", "<stdin>", 1, OVER_LIMIT)],
        stdin=_pv_then_comments,
        stderr="kubelint: error: standard input is larger than kubelint's limit of 67,108,864"
        " bytes, so nothing was checked (the yaml-limits finding); split it or lint"
        " the files it came from\n",
    ),
    # -- line ends and encodings: lines end where YAML ends them ----------------------------
    *(
        Case(
            f"fix-line-ends-{name}",
            partial(_pv_with_line_ends, newline, bom),
            (*CHECK, "--fix", "pv.yaml"),
            0,
            stdout=NO_PROBLEMS,
            stderr=FIXED_ONE,
            check=partial(_fixed_with_line_ends, newline, bom),
        )
        for name, newline, bom in (
            ("lone-cr", "\r", ""),
            ("nel", "\x85", ""),
            ("u2028", "\u2028", ""),
            ("u2029", "\u2029", ""),
            ("bom-crlf", "\r\n", "\ufeff"),
        )
    ),
    Case("suppression-after-lone-cr", _suppressed_after_lone_cr, (*JSON, "pv.yaml"), 0, []),
    Case(
        "lone-surrogate-escape",
        lambda s: s.write(
            "s.yaml",
            'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata:\n  a: "\\ud800"\n',
        ),
        (*JSON, "s.yaml"),
        1,
        [
            (
                "yaml-syntax",
                "s.yaml",
                5,
                "found invalid Unicode character escape code (while parsing a quoted scalar)",
            )
        ],
    ),
    Case(
        "surrogate-bytes",
        lambda s: s.write(
            "s.yaml",
            b'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata:\n  a: "\xed\xa0\x80"\n',
        ),
        (*JSON, "s.yaml"),
        1,
        [("yaml-syntax", "s.yaml", 5, "not valid UTF-8 (byte 0xed); save the file as UTF-8")],
    ),
    Case(
        "non-utf8-names-json",
        _non_utf8_names,
        (*JSON, "."),
        1,
        [("pv-reclaim-policy", "d\\xff/pv\\xfe.yaml", 4, PV_MESSAGE)],
    ),
    *(
        Case(
            f"non-utf8-names-{fmt}",
            _non_utf8_names,
            (*CHECK, "--format", fmt, "."),
            1,
            check=partial(_valid_json_report, fmt),
        )
        for fmt in ("sarif", "gitlab")
    ),
    # -- configuration mistakes: exit 2 with the file and the reason ------------------------
    Case(
        "exclude-invalid-range",
        partial(_with_config, ".kubelint.yaml", 'exclude: ["[z-a]"]\n'),
        ("check", "pv.yaml"),
        2,
        stdout="",
        stderr="kubelint: error: {dir}/.kubelint.yaml:1:11: '[z-a]' is not a valid pattern:"
        " bad character range z-a at position 9\n",
    ),
    Case(
        "exclude-bracket-class",
        _bracket_exclude,
        ("check", "--fail-level", "info", "--format", "json", "."),
        1,
        [("pv-reclaim-policy", "xz.yaml", 4, PV_MESSAGE)],
    ),
    Case(
        "exclude-repeated-double-stars",
        _deep_exclude,
        ("check", "--fail-level", "info", "--format", "json", "."),
        1,
        [("pv-reclaim-policy", "/".join(["d"] * 25) + "/y.yaml", 4, PV_MESSAGE)],
    ),
    Case(
        "pyproject-tool-is-int",
        partial(_with_config, "pyproject.toml", "tool = 5\n"),
        ("check", "--config", "pyproject.toml", "pv.yaml"),
        2,
        stdout="",
        stderr="kubelint: error: pyproject.toml: `tool` must be a table, not int\n",
    ),
    Case(
        "pyproject-section-in-a-string",
        partial(_with_config, "pyproject.toml", '[tool]\nkubelint = "[tool.kubelint]"\n'),
        ("check", "--config", "pyproject.toml", "pv.yaml"),
        2,
        stdout="",
        stderr="kubelint: error: pyproject.toml: `tool.kubelint` must be a table, not str\n",
    ),
    # Found by its text, read as TOML: the string configures nothing (the finding stays).
    Case(
        "pyproject-section-in-a-multiline-string",
        partial(
            _with_config,
            "pyproject.toml",
            'a = """\n[tool.kubelint]\ndisable = ["pv-reclaim-policy"]\n"""\n',
        ),
        ("check", "--fail-level", "info", "--format", "json", "pv.yaml"),
        1,
        PV_FOUND,
    ),
    Case(
        "pyproject-deep-arrays",
        partial(
            _with_config,
            "pyproject.toml",
            "[tool.kubelint]\nexclude = " + "[" * 2000 + "]" * 2000 + "\n",
        ),
        ("check", "pv.yaml"),
        2,
        stdout="",
        stderr="kubelint: error: {dir}/pyproject.toml: not read: its TOML nests too deeply\n",
    ),
    Case(
        "pyproject-date",
        partial(_with_config, "pyproject.toml", "[tool.kubelint]\nfail-level = 1979-05-27\n"),
        ("check", "pv.yaml"),
        2,
        stdout="",
        stderr='kubelint: error: {dir}/pyproject.toml:2: fail-level: "1979-05-27" is not one of'
        ' "error", "warning", "info"\n',
    ),
    Case(
        "pyproject-time",
        partial(_with_config, "pyproject.toml", "[tool.kubelint]\nkubernetes-version = 07:32:00\n"),
        ("check", "pv.yaml"),
        2,
        stdout="",
        stderr='kubelint: error: {dir}/pyproject.toml:2: kubernetes-version: "07:32:00" is not'
        ' one of "1.25", "1.26", "1.27", "1.28", "1.29", "1.30", "1.31", "1.32",'
        ' "1.33", "1.34", "1.35", "1.36", "1.37"\n',
    ),
    # -- policies and CRD schemas: linear regexes, no fetching, no null crashes --------------
    Case(
        "policy-redos-pattern",
        _redos_policy,
        (*JSON, "--policies", "p.yaml", "--disable", "all", "--enable", "name-shape", "cm.yaml"),
        1,
        [
            (
                "name-shape",
                "cm.yaml",
                4,
                "metadata.name: '" + "a" * 35 + "!' does not match '^(a+)+$'",
            )
        ],
    ),
    Case(
        "policy-ref-http",
        partial(_policy_ref, "http"),
        (*JSON, "--policies", "p.yaml", "p.yaml"),
        2,
        stdout="",
        stderr="kubelint: error: p.yaml:12:22: $ref 'http://127.0.0.1:{port}/schema.json' is"
        " outside the schema; kubelint never fetches schemas (put it under $defs and"
        " refer to #/$defs/...)\n",
        beside=listener,
        check=_nobody_connected,
    ),
    Case(
        "policy-ref-file",
        partial(_policy_ref, "file"),
        (*JSON, "--policies", "p.yaml", "p.yaml"),
        2,
        stdout="",
        stderr=_ref_error("p.yaml:12:22", "file://{dir}/schema.json"),
        beside=lambda s: tripwire(s, "schema.json"),
        check=_never_read,
    ),
    Case(
        "policy-ref-relative",
        partial(_policy_ref, "relative"),
        (*JSON, "--policies", "p.yaml", "p.yaml"),
        2,
        stdout="",
        stderr=_ref_error("p.yaml:12:22", "schema.json"),
        beside=lambda s: tripwire(s, "schema.json"),
        check=_never_read,
    ),
    Case(
        "crds-ref-http",
        partial(_crd_ref, "http"),
        (*JSON, "--crds", "example.com/widget_v1.json", "w.yaml"),
        1,
        [("unknown-kind", "w.yaml", 2, NO_WIDGET_SCHEMA)],
        stderr=_crd_ref_warning("http://127.0.0.1:{port}/schema.json"),
        beside=listener,
        check=_nobody_connected,
    ),
    Case(
        "crds-ref-file",
        partial(_crd_ref, "file"),
        (*JSON, "--crds", "example.com/widget_v1.json", "w.yaml"),
        1,
        [("unknown-kind", "w.yaml", 2, NO_WIDGET_SCHEMA)],
        stderr=_crd_ref_warning("file://{dir}/schema.json"),
        beside=lambda s: tripwire(s, "schema.json"),
        check=_never_read,
    ),
    *(
        Case(
            f"policy-ref-to-missing-{what}",
            partial(_policy_ref_nowhere, ref),
            (*JSON, "--policies", "p.yaml", "cm.yaml"),
            2,
            stdout="",
            stderr=None,
            check=_policy_error_at(f"p.yaml:13:22: $ref '{ref}'"),
        )
        # Found by scripts/fuzz.py: every object the policy matched was an internal-error.
        for what, ref in (("pointer", "#/$defs/nope"), ("anchor", "#nope"))
    ),
    Case(
        "vap-null-resource-rule",
        _vap_null_rule,
        (*JSON, "--policies", "p.yaml", "pv.yaml"),
        2,
        stdout="",
        stderr="kubelint: error: p.yaml:6:21: a null item in a list; remove it or fill it in\n",
    ),
    # -- outputs: never over an input, written as they are to pipes --------------------------
    Case(
        "output-is-input",
        _pv,
        (*CHECK, "--output", "json=pv.yaml", "pv.yaml"),
        2,
        stdout="",
        stderr="kubelint: error: --output pv.yaml: it is also an input; writing there would"
        " replace the manifest\n",
        check=_kept("pv.yaml"),
    ),
    Case(
        "output-is-symlink-to-input",
        _pv_and_link,
        (*CHECK, "--output", "json=link.yaml", "pv.yaml"),
        2,
        stdout="",
        stderr="kubelint: error: --output link.yaml: it is also an input; writing there would"
        " replace the manifest\n",
        check=_kept("pv.yaml"),
    ),
    Case(
        "output-is-file-under-input-directory",
        _pv_in_directory,
        (*CHECK, "--output", "json=deploy/pv.yaml", "deploy"),
        2,
        stdout="",
        stderr="kubelint: error: --output deploy/pv.yaml: it is also an input; writing there"
        " would replace the manifest\n",
        check=_kept("deploy/pv.yaml"),
    ),
    Case(
        "output-sarif-to-fifo",
        _pv,
        (*CHECK, "--output", "sarif=report.sarif", "--format", "json", "pv.yaml"),
        1,
        PV_FOUND,
        beside=lambda s: fifo_reader(s, "report.sarif"),
        check=_sarif_read_from_fifo,
    ),
    # -- --fix keeps the file's identity -----------------------------------------------------
    Case(
        "fix-through-symlink",
        _pv_and_link_640,
        (*CHECK, "--fix", "link.yaml"),
        0,
        stdout=NO_PROBLEMS,
        stderr=FIXED_ONE,
        check=_fixed_through_symlink,
    ),
    Case(
        "fix-hard-link",
        _hard_links,
        (*CHECK, "--fix", "a.yaml"),
        0,
        stdout=NO_PROBLEMS,
        stderr=FIXED_ONE,
        check=_fixed_both_names,
    ),
    Case(
        "fix-read-only",
        partial(_pv_with_mode, 0o444),
        (*JSON, "--fix", "pv.yaml"),
        1,
        PV_FOUND,
        stderr="kubelint: warning: pv.yaml: 1 fix not applied: the file is read-only; make it"
        " writable to apply fixes\n",
        check=_kept("pv.yaml"),
    ),
    Case(
        "fix-keeps-mode",
        partial(_pv_with_mode, 0o751),
        (*CHECK, "--fix", "pv.yaml"),
        0,
        stdout=NO_PROBLEMS,
        stderr=FIXED_ONE,
        check=_fixed_with_mode,
    ),
)
