"""The command line as users run it: exit codes, formats, stdin, rules and explain."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import textwrap

import pytest

from kubelint import __version__
from kubelint.cli import main
from tests.helpers import ROOT

BAD_JOB = textwrap.dedent("""\
    apiVersion: batch/v1
    kind: Job
    metadata:
      name: migrate
      namespace: shop
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: migrate
              image: registry.example.com/migrate:1.4
              resources:
                requests: {cpu: 100m, memory: 128Mi, ephemeral-storage: 1Gi}
                limits: {memory: 128Mi}
              livenessProbe:
                exec: {command: ["true"]}
                periodSeconds: 1
              securityContext:
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities: {drop: [ALL]}
          securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
          automountServiceAccountToken: false
      ttlSecondsAfterFinished: 600
    """)


def kubelint(*args, stdin=None, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "kubelint", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path, monkeypatch):
    (tmp_path / "job.yaml").write_text(BAD_JOB)
    (tmp_path / "values.yaml").write_text("replicaCount: 1\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_exit_codes_follow_the_fail_level(tree, capsys):
    assert main(["check", "."]) == 0
    assert main(["check", "--fail-level", "warning", "."]) == 1
    assert main(["check", "--disable", "liveness-initial-delay", "--fail-level", "info", "."]) == 0


def test_main_gives_the_caller_its_garbage_collector_back(tree, capsys):
    # A check runs with the collector off and freezes what it built; a caller that
    # passes argv (a test, an editor's process) gets it back as it was, nothing frozen.
    assert gc.isenabled()
    assert main(["check", "--no-cache", "."]) == 0
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    gc.disable()
    try:
        assert main(["check", "--no-cache", "."]) == 0
        assert main(["rules"]) == 0
        assert not gc.isenabled()
        assert gc.get_freeze_count() == 0
    finally:
        gc.enable()


def test_text_output(tree, capsys):
    main(["check", "--no-color", "."])
    assert capsys.readouterr().out == (
        "job.yaml:16:11: warning liveness-initial-delay container 'migrate' livenessProbe"
        " restarts it if it does not answer within about 3s of starting (0s delay + 3"
        " failures x 1s period) and it has no startupProbe; give it at least 10s or add a"
        " startupProbe\n"
        "\n"
        "Found 1 problem (0 errors, 1 warning, 0 info) in 1 of 2 files; 1 object checked,"
        " 1 non-Kubernetes document skipped.\n"
    )


def test_color_only_when_asked_or_on_a_terminal(tree, capsys):
    main(["check", "--color", "."])
    out = capsys.readouterr().out
    assert "\033[33mwarning\033[0m" in out
    main(["check", "."])  # captured output is not a terminal
    assert "\033[" not in capsys.readouterr().out


def test_json_output_shape(tree, capsys):
    assert main(["check", "--format", "json", "."]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document == {
        "findings": [
            {
                "rule": "liveness-initial-delay",
                "severity": "warning",
                "message": "container 'migrate' livenessProbe restarts it if it does not answer"
                " within about 3s of starting (0s delay + 3 failures x 1s period) and"
                " it has no startupProbe; give it at least 10s or add a startupProbe",
                "file": "job.yaml",
                "line": 16,
                "column": 11,
                "end_line": 16,
                "end_column": 24,
                "object": {
                    "apiVersion": "batch/v1",
                    "kind": "Job",
                    "namespace": "shop",
                    "name": "migrate",
                },
                "path": "spec.template.spec.containers[0].livenessProbe",
                "template": None,
                "related": [],
            }
        ],
        "summary": {
            "files": 2,
            "documents": 2,
            "objects": 1,
            "skipped": 1,
            "unknown_kinds": 0,
            "findings": {"error": 0, "warning": 1, "info": 0},
        },
        "pod_security": [
            {
                "file": "job.yaml",
                "line": 1,
                "level": "restricted",
                "object": {
                    "apiVersion": "batch/v1",
                    "kind": "Job",
                    "namespace": "shop",
                    "name": "migrate",
                },
            }
        ],
    }


def test_stdin_with_filename_uses_the_path_and_its_config(tree):
    (tree / ".kubelint.yaml").write_text(
        "overrides:\n  - files: [prod/*.yaml]\n    rules: {liveness-initial-delay: error}\n"
    )
    result = kubelint("check", "--stdin-filename", "prod/job.yaml", "-", stdin=BAD_JOB, cwd=tree)
    assert result.returncode == 1
    assert result.stdout.startswith("prod/job.yaml:16:11: error liveness-initial-delay ")
    plain = kubelint("check", "-", stdin=BAD_JOB, cwd=tree)
    assert plain.stdout.startswith("<stdin>:16:11: warning liveness-initial-delay ")
    assert plain.returncode == 0


def test_findings_are_ordered_by_file_line_column(tree, capsys):
    renamed = BAD_JOB.replace("name: migrate\n", "name: m\n")
    (tree / "a.yaml").write_text(renamed + "---\n" + BAD_JOB)
    main(["check", "--format", "json", "."])
    findings = json.loads(capsys.readouterr().out)["findings"]
    found = [(f["file"], f["line"], f["column"]) for f in findings]
    assert found == sorted(found)
    assert [f[0] for f in found] == ["a.yaml", "a.yaml", "job.yaml"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "missing-dir"], "no such file or directory: missing-dir"),
        (
            ["check", "--enable", "liveness-inital-delay", "."],
            "--enable: unknown rule or category 'liveness-inital-delay' (did you mean"
            " 'liveness-initial-delay'?)",
        ),
        (
            ["check", "--format", "xml", "."],
            "unknown format 'xml'; choose from github, gitlab, json, junit, markdown, sarif, text",
        ),
        (["explain", "no-such-rule"], "unknown rule 'no-such-rule'"),
    ],
)
def test_usage_errors_exit_2(tree, capsys, args, message):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_argparse_usage_errors_exit_2(tree):
    assert kubelint("check", "--fail-level", "fatal", cwd=tree).returncode == 2
    assert kubelint(cwd=tree).returncode == 2


def test_version():
    result = kubelint("--version")
    assert result.stdout.strip() == f"kubelint {__version__}"


def test_rules_lists_every_rule_with_state(tree, capsys):
    (tree / ".kubelint.yaml").write_text("rules:\n  liveness-initial-delay: off\n")
    main(["rules"])
    rows = {line.split()[0]: line.split()[1:3] for line in capsys.readouterr().out.splitlines()}
    assert rows["liveness-initial-delay"] == ["warning", "off"]
    assert rows["yaml-syntax"] == ["error", "on"]
    main(["rules", "--format", "json"])
    listed = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert listed["liveness-initial-delay"]["enabled"] is False


def test_explain_prints_the_docs(capsys):
    assert main(["explain", "liveness-initial-delay"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# liveness-initial-delay\n")
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in out


def test_runs_from_any_directory(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "kubelint", "check", str(ROOT / "examples")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr


def test_enable_all_and_disable_wins(tree, capsys):
    main(
        [
            "check",
            "--format",
            "json",
            "--enable",
            "all",
            "--disable",
            "liveness-initial-delay",
            "job.yaml",
        ]
    )
    rules = {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert "liveness-initial-delay" not in rules
    assert "priority-class-missing" in rules  # off by default, on with --enable all


def test_unknown_kubernetes_version_lists_the_available_ones(tree, capsys):
    assert main(["check", "--kubernetes-version", "1.12", "."]) == 2
    err = capsys.readouterr().err
    assert "unknown Kubernetes version '1.12'; kubelint has schemas for 1.25, 1.26," in err
    assert err.rstrip().endswith("1.37")
    assert main(["check", "--kubernetes-version", "v1.30.2", "."]) == 0


def test_output_files_beside_the_console(tree, capsys):
    assert main(["check", "--no-color", "--output", "json=report.json", "."]) == 0
    console = capsys.readouterr().out
    assert console.startswith("job.yaml:16:11: warning liveness-initial-delay")
    written = json.loads((tree / "report.json").read_text())
    assert [f["rule"] for f in written["findings"]] == ["liveness-initial-delay"]
    assert not [p for p in tree.iterdir() if p.name.startswith(".kubelint-")]


def test_output_without_format_replaces_the_console(tree, capsys):
    assert main(["check", "--format", "json", "--output", "all.json", "."]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads((tree / "all.json").read_text())["summary"]["files"] == 2


def test_output_errors(tree, capsys):
    assert main(["check", "--output", "xml=a.xml", "."]) == 2
    assert "unknown format 'xml'" in capsys.readouterr().err
    assert main(["check", "--output", "json=missing-dir/a.json", "."]) == 2
    assert "cannot write missing-dir/a.json" in capsys.readouterr().err


# Nothing checked never looks like a pass.

UPSTREAM = (
    "; the usual cause is an upstream command that failed, such as `helm template` or"
    " `kustomize build`\n"
)


@pytest.mark.parametrize(
    ("args", "stdin", "why"),
    [
        # kubectl kustomize overlays/typo | kubelint check -  (kustomize failed, printed nothing)
        (["-"], "", "nothing was read from standard input"),
        (
            ["--stdin-filename", "overlays/prod/all.yaml", "-"],
            "",
            "nothing was read from standard input",
        ),
        (
            ["-"],
            "# helm template printed only a comment\n---\n",
            "no Kubernetes object found in standard input (no YAML or JSON document)",
        ),
        (
            ["-"],
            "replicaCount: 1\n---\napiVersion: v1\nkind: Config\nclusters: []\n",
            "no Kubernetes object found in standard input (2 documents, none is an object)",
        ),
        # the files hold objects, standard input none: still a failed upstream command
        (["job.yaml", "-"], "", "nothing was read from standard input"),
    ],
)
def test_standard_input_without_an_object_exits_2(tree, args, stdin, why):
    result = kubelint("check", "--no-color", *args, stdin=stdin, cwd=tree)
    assert (result.returncode, result.stderr) == (2, f"kubelint: error: {why}{UPSTREAM}")


def test_standard_input_without_an_object_keeps_the_report(tree):
    result = kubelint("check", "-", stdin="", cwd=tree)
    assert result.stdout == "Nothing was checked: no Kubernetes object in 1 file.\n"
    result = kubelint("check", "--format", "json", "-", stdin="", cwd=tree)
    assert result.returncode == 2
    assert json.loads(result.stdout)["summary"]["objects"] == 0


def test_excluded_standard_input_is_a_warning(tree):
    (tree / ".kubelint.yaml").write_text("exclude: [generated/]\n")
    result = kubelint(
        "check", "--stdin-filename", "generated/all.yaml", "-", stdin=BAD_JOB, cwd=tree
    )
    assert (result.returncode, result.stderr) == (
        0,
        (
            "kubelint: warning: standard input (generated/all.yaml) is excluded by the config"
            " (.kubelint.yaml)\n"
        ),
    )


def test_a_directory_without_manifests_exits_2(tree, capsys):
    (tree / "empty").mkdir()
    (tree / "empty" / "README.md").write_text("not a manifest\n")
    assert main(["check", "--no-color", "empty"]) == 2
    assert capsys.readouterr() == (
        "No problems in 0 files: nothing was checked (no file to lint).\n",
        "kubelint: error: no manifest files (*.yaml, *.yml, *.json) found under empty\n",
    )
    assert main(["check", "--diff", "empty"]) == 2


def test_everything_excluded_exits_2(tree, capsys):
    (tree / ".kubelint.yaml").write_text("exclude: ['*.yaml']\n")
    assert main(["check", "--no-color", "."]) == 2
    assert capsys.readouterr().err == (
        "kubelint: error: all 2 files under . are excluded by the config (.kubelint.yaml)\n"
    )


def test_named_files_may_hold_no_object(tree, capsys):
    """pre-commit and editors name the changed files: a values file or an excluded file
    is not a failure, only a note."""
    assert main(["check", "--no-color", "values.yaml"]) == 0
    assert capsys.readouterr() == (
        "Nothing was checked: no Kubernetes object in 1 file; 1 non-Kubernetes document skipped.\n",
        "kubelint: warning: nothing was checked in 1 file: 1 document read, none is a"
        " Kubernetes object (values files, kustomizations and tools' configurations are"
        " skipped)\n",
    )
    (tree / ".kubelint.yaml").write_text("exclude: ['*.yaml']\n")
    assert main(["check", "--no-color", "job.yaml", "values.yaml"]) == 0
    assert capsys.readouterr().err == (
        "kubelint: warning: all 2 files named are excluded by the config (.kubelint.yaml)\n"
    )


def test_a_directory_of_files_without_objects_is_a_warning(tree, capsys):
    (tree / "job.yaml").unlink()
    assert main(["check", "--no-color", "."]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("Nothing was checked: no Kubernetes object in 1 file;")
    assert err.startswith("kubelint: warning: nothing was checked in 1 file:")


# -- reports never replace what they should not -------------------------------------------


def test_a_report_to_a_pipe_or_device_is_written_not_replaced(tree, tmp_path):
    """/dev/stdout of a process whose output is a pipe, and a FIFO: written to, never
    replaced by a regular file (as root that would turn /dev/null into a file)."""
    import os
    import threading

    result = kubelint("check", "--no-config", "--output", "json=/dev/stdout", "job.yaml", cwd=tree)
    assert result.returncode == 0, result.stderr
    assert '"rule": "liveness-initial-delay"' in result.stdout
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = kubelint("check", "--no-config", "--output", f"json={fifo}", "job.yaml", cwd=tree)
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(received[0])["findings"][0]["rule"] == "liveness-initial-delay"
    assert fifo.is_fifo()


def test_an_output_that_is_an_input_is_refused(tree):
    before = (tree / "job.yaml").read_text()
    result = kubelint("check", "--no-config", "--output", "json=job.yaml", "job.yaml", cwd=tree)
    assert (result.returncode, result.stderr) == (
        2,
        "kubelint: error: --output job.yaml: it is also an input; writing there would"
        " replace the manifest\n",
    )
    assert (tree / "job.yaml").read_text() == before
    # A manifest inside a linted directory is an input too; an earlier report is not.
    result = kubelint("check", "--no-config", "--output", "json=job.yaml", ".", cwd=tree)
    assert result.returncode == 2
    assert result.stderr.startswith("kubelint: error: --output job.yaml: it is also an input")
    assert (tree / "job.yaml").read_text() == before
    kubelint("check", "--no-config", "--output", "json=report.json", ".", cwd=tree)
    result = kubelint("check", "--no-config", "--output", "json=report.json", ".", cwd=tree)
    assert result.returncode == 0, result.stderr
    assert json.loads((tree / "report.json").read_text())["findings"][0]["file"] == "job.yaml"


def test_report_files_get_the_umask_mode_and_keep_their_own(tree):
    import os

    result = subprocess.run(
        [
            "sh",
            "-c",
            f"umask 027 && {sys.executable} -m kubelint check --no-config"
            " --output json=new.json job.yaml",
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (tree / "new.json").stat().st_mode & 0o777 == 0o640
    os.chmod(tree / "new.json", 0o604)
    kubelint("check", "--no-config", "--output", "json=new.json", "job.yaml", cwd=tree)
    assert (tree / "new.json").stat().st_mode & 0o777 == 0o604


def test_write_baseline_says_so_and_succeeds(tree):
    result = kubelint(
        "check",
        "--no-config",
        "--fail-level",
        "info",
        "--write-baseline",
        "baseline.json",
        ".",
        cwd=tree,
    )
    assert result.returncode == 0
    assert "kubelint: wrote 1 finding to the baseline baseline.json\n" in result.stderr


# -- inputs that are not regular files: bounded, never a hang ---------------------------


def test_fifos_and_devices_are_read_with_a_bound(tmp_path):
    import os
    import threading

    (tmp_path / "deploy").mkdir()
    os.mkfifo(tmp_path / "deploy" / "nobody-writes.yaml")  # in a directory: not a hang
    (tmp_path / "deploy" / "job.yaml").write_text(BAD_JOB)
    walked = kubelint("check", "--no-config", "--no-color", "deploy", cwd=tmp_path)
    assert walked.returncode == 0, walked.stderr
    assert "in 1 of 2 files" in walked.stdout

    fifo = tmp_path / "piped.yaml"  # like <(helm template …): a writer is waited for
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_text(BAD_JOB))
    writer.start()
    piped = kubelint("check", "--no-config", "--no-color", str(fifo), cwd=tmp_path)
    writer.join(timeout=60)
    assert "piped.yaml:16:11: warning liveness-initial-delay" in piped.stdout

    zero = kubelint("check", "--no-config", "--no-color", "/dev/zero", cwd=tmp_path)
    assert zero.returncode == 1
    assert zero.stdout.startswith(
        "/dev/zero:1:1: error yaml-limits file is over 67,108,864"
        " bytes, over kubelint's limit of 67,108,864"
    )


def test_standard_input_is_read_with_the_same_bound(tmp_path):
    big = b"# " + b"x" * (64 * 1024 * 1024) + b"\n"
    result = subprocess.run(
        [sys.executable, "-m", "kubelint", "check", "--no-color", "-"],
        input=big,
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
    )
    assert result.stdout.decode().startswith("<stdin>:1:1: error yaml-limits file is over")


def test_a_closed_pipe_is_no_traceback(tmp_path):
    """`kubelint rules | head -1`: the reader goes away; kubelint ends quietly."""
    result = subprocess.run(
        f"{sys.executable} -m kubelint rules | head -1",
        shell=True,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.startswith("anti-affinity-missing")
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--output", "sarif", "job.yaml"],
            "kubelint: error: --output sarif: name the file too: --output sarif=FILE\n",
        ),
        (
            ["--stdin-filename", "x.yaml", "job.yaml"],
            "kubelint: error: --stdin-filename names standard input: give it with '-' alone, not"
            " with files\n",
        ),
    ],
)
def test_ambiguous_command_lines_are_refused(tree, args, message):
    result = kubelint("check", "--no-config", *args, cwd=tree)
    assert (result.returncode, result.stderr) == (2, message)
    assert not (tree / "sarif").exists()


def test_an_unknown_flag_is_named_with_the_subcommands_usage(tree):
    result = kubelint("check", "--bogus", "job.yaml", cwd=tree)
    assert result.returncode == 2
    assert result.stderr.startswith("usage: kubelint check ")
    assert result.stderr.endswith("kubelint check: error: unrecognized arguments: --bogus\n")
