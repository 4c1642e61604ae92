"""The language server re-lints only the YAML documents an edit touched
(``kubelint.lsp_documents``): what it publishes after every edit is exactly what a lint
of the whole text gives."""

from __future__ import annotations

import textwrap
from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path

from kubelint.lint import lint_text, resolve_config
from kubelint.lsp_worker import Job, Linting, Ranges, diagnostic_json, to_diagnostic
from tests.test_jobs import CRD, WIDGET

DEPLOYMENT = textwrap.dedent("""\
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: app{n}
      namespace: shop
      labels: {{app: app{n}}}
    spec:
      replicas: 2
      selector:
        matchLabels: {{app: app{n}}}
      template:
        metadata:
          labels: {{app: app{n}}}
        spec:
          containers:
            - name: app
              image: registry.example.com/app{n}:1.0
              resources:
                requests: {{cpu: 100m, memory: 128Mi}}
                limits: {{memory: 256Mi}}
    """)
JOB = textwrap.dedent("""\
    ---
    apiVersion: batch/v1
    kind: Job
    metadata:
      name: migrate
      namespace: shop
    spec:
      template:
        spec:
          restartPolicy: Always
          containers:
            - name: migrate
              image: registry.example.com/migrate:1.4
    """)
SERVICE = textwrap.dedent("""\
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: app1
      namespace: shop
    spec:
      selector: {app: app1}
      ports: [{port: 80, targetPort: http}]
    """)
PDB = textwrap.dedent("""\
    ---
    apiVersion: policy/v1
    kind: PodDisruptionBudget
    metadata:
      name: app1
      namespace: shop
    spec:
      minAvailable: 1
      selector:
        matchLabels: {app: app1}
    """)
#: Comments before the first document; app2 twice (object-duplicate names a line).
START = (
    "# the shop\n"
    + "".join(DEPLOYMENT.format(n=n) for n in range(4))
    + JOB
    + SERVICE
    + DEPLOYMENT.format(n=2)
)


def edits(start: str) -> list[tuple[str, str]]:
    """(what, text) after each edit, in order, each from the one before."""
    steps: list[tuple[str, str]] = []

    def step(what: str, text: str) -> str:
        assert text != (steps[-1][1] if steps else start), what
        steps.append((what, text))
        return text

    text = step("a value in one document", start.replace("replicas: 2", "replicas: 3", 1))
    text = step(
        "a value in the last document", text[::-1].replace("2 :sacilper", "5 :sacilper", 1)[::-1]
    )
    text = step(
        "the Service selects no pods (a Deployment's findings about it go)",
        text.replace("selector: {app: app1}", "selector: {app: app9}", 1),
    )
    text = step(
        "it selects them again", text.replace("selector: {app: app9}", "selector: {app: app1}", 1)
    )
    text = step("a PodDisruptionBudget at the end (a Deployment's pdb-missing goes)", text + PDB)
    text = step(
        "a Deployment renamed (a message in the Service's document names it)",
        text.replace("  name: app1\n", "  name: web1\n", 1),
    )
    text = step("named back", text.replace("  name: web1\n", "  name: app1\n", 1))
    text = step("the PodDisruptionBudget removed", text.replace(PDB, "", 1))
    text = step(
        "a line added in the first document",
        text.replace("  namespace: shop\n", "  namespace: shop\n  annotations: {a: b}\n", 1),
    )
    text = step("a line removed", text.replace("  annotations: {a: b}\n", "", 1))
    text = step("a document added at the end", text + DEPLOYMENT.format(n=9))
    text = step(
        "a document added in the middle", text.replace(JOB, JOB + SERVICE.replace("app1", "app3"))
    )
    text = step(
        "a --- line removed (two documents become one, with duplicate keys)",
        text.replace("\n---\napiVersion: v1\nkind: Service", "\napiVersion: v1\nkind: Service", 1),
    )
    text = step(
        "the --- line back",
        text.replace("\napiVersion: v1\nkind: Service", "\n---\napiVersion: v1\nkind: Service", 1),
    )
    text = step(
        "an unterminated flow mapping runs into the next ---",
        text.replace("labels: {app: app1}\n", "labels: {app: app1\n", 1),
    )
    text = step("another edit while broken", text.replace("replicas: 3", "replicas: 4", 1))
    text = step("fixed again", text.replace("labels: {app: app1\n", "labels: {app: app1}\n", 1))
    text = step(
        "an unterminated quoted scalar",
        text.replace(
            "image: registry.example.com/migrate:1.4", 'image: "registry.example.com/migrate', 1
        ),
    )
    text = step(
        "fixed again",
        text.replace(
            'image: "registry.example.com/migrate', "image: registry.example.com/migrate:1.4", 1
        ),
    )
    text = step(
        "a document split in two by a new --- line",
        text.replace("\nspec:\n  replicas: 4", "\n---\nspec:\n  replicas: 4", 1),
    )
    text = step(
        "joined again", text.replace("\n---\nspec:\n  replicas: 4", "\nspec:\n  replicas: 4", 1)
    )
    text = step(
        "a suppression comment for the next document",
        text.replace(JOB, "# kubelint: disable=restart-policy\n" + JOB, 1),
    )
    text = step(
        "the suppression comment names another rule (no line added)",
        text.replace(
            "# kubelint: disable=restart-policy\n", "# kubelint: disable=image-tag-latest\n", 1
        ),
    )
    text = step(
        "and that rule again",
        text.replace(
            "# kubelint: disable=image-tag-latest\n", "# kubelint: disable=restart-policy\n", 1
        ),
    )
    text = step(
        "a suppression comment at the end of a line",
        text.replace(
            "    restartPolicy: Always\n", "    restartPolicy: Always  # kubelint: disable=all\n", 1
        ),
    )
    text = step(
        "a value edited in a document after it", text.replace("replicas: 5", "replicas: 6", 1)
    )
    text = step(
        "disable-file in the last document",
        text.rstrip("\n") + "  # kubelint: disable-file=object-duplicate\n",
    )
    text = step("an edit elsewhere", text.replace("replicas: 4", "replicas: 2", 1))
    text = step(
        "disable-file removed",
        text.replace("  # kubelint: disable-file=object-duplicate\n", "\n", 1),
    )
    text = step(
        "suppressions removed",
        text.replace("# kubelint: disable=restart-policy\n", "", 1).replace(
            "  # kubelint: disable=all", ""
        ),
    )
    text = step(
        "an expired suppression naming a rule that is no rule's",
        text.replace(
            "    restartPolicy: Always\n",
            "    restartPolicy: Always  # kubelint: disable="
            "restart-policy,restart-polcy until=2020-01-01 -- old\n",
            1,
        ),
    )
    text = step(
        "an annotation naming no rule in another document",
        text.replace(
            "  name: app1\n",
            "  name: app1\n  annotations: {kubelint.io/ignore: restart-polcy}\n",
            1,
        ),
    )
    text = step(
        "an edit elsewhere (the suppressions' documents are kept)",
        text.replace("replicas: 2", "replicas: 4", 1),
    )
    text = step(
        "they are valid again",
        text.replace("until=2020-01-01", "until=2999-01-01", 1).replace(
            "ignore: restart-polcy}", "ignore: restart-policy}", 1
        ),
    )
    text = step(
        "and gone",
        text.replace(
            "  # kubelint: disable=restart-policy,restart-polcy until=2999-01-01 -- old", "", 1
        ).replace("  annotations: {kubelint.io/ignore: restart-policy}\n", "", 1),
    )
    text = step(
        "a Helm # Source: comment at the top, for every document (no line added)",
        text.replace("# the shop\n", "# Source: shop/templates/all.yaml\n", 1),
    )
    text = step("another template named", text.replace("all.yaml", "apps.yaml", 1))
    text = step(
        "no template", text.replace("# Source: shop/templates/apps.yaml\n", "# the shop\n", 1)
    )
    text = step(
        "a Helm # Source: comment",
        text.replace(JOB, "---\n# Source: shop/templates/job.yaml\n" + JOB[4:], 1),
    )
    text = step("an edit after it", text.replace("replicas: 6", "replicas: 7", 1))
    text = step("a CRD and a custom resource", text + "---\n" + CRD + "---\n" + WIDGET)
    text = step("the custom resource fixed", text.replace("size: big", "size: 3", 1))
    text = step("the CRD changed", text.replace("type: integer", "type: string", 1))
    text = step(
        "a duplicate key (its message names a line)",
        text.replace("  replicas: 7\n", "  replicas: 7\n  replicas: 8\n", 1),
    )
    text = step("a line added above it", "# top\n" + text)
    text = step(
        "a non-ASCII value",
        text.replace(
            "name: app1\n", 'name: app1\n  annotations: {note: "caf\u00e9 \U0001f680"}\n', 1
        ),
    )
    text = step("an edit after it", text.replace("replicas: 2", "replicas: 3", 1))
    text = step("CRLF line ends", text.replace("\n", "\r\n"))
    text = step("an edit in CRLF text", text.replace("replicas: 3", "replicas: 2", 1))
    text = step("LF again", text.replace("\r\n", "\n"))
    text = step("everything removed", "")
    text = step("something again", DEPLOYMENT.format(n=1))
    return steps


def expected(text: str, path: Path, encoding: str | None = None) -> list[types.Diagnostic]:
    """What the server must publish: a lint of the whole text, as diagnostics."""
    _config, registry = resolve_config(None)
    ranges = Ranges(text, encoding)
    return [
        to_diagnostic(
            finding,
            ranges,
            registry.rules[finding.rule].url if finding.rule in registry.rules else None,
        )
        for finding in lint_text(text, str(path))
    ]


def test_every_edit_publishes_what_a_whole_lint_gives(tmp_path: Path) -> None:
    """In the linting process: after each edit, the diagnostics (as the server writes
    them) are those of the whole text; unchanged documents were not parsed again."""
    path = tmp_path / "apps.yaml"
    uri = from_fs_path(str(path))
    linting = Linting()
    parsed = []
    for version, (what, text) in enumerate([("opened", START), *edits(START)], 1):
        outcome = linting.run(Job(uri, version, text, str(tmp_path), None))
        assert outcome.encoded is not None, what
        want = "[" + ",".join(diagnostic_json(d) for d in expected(text, path)) + "]"
        assert outcome.encoded == want, what  # byte for byte
        parsed.append((what, linting.documents.parsed))
    by_edit = dict(parsed)
    assert by_edit["a value in one document"] == 1
    assert by_edit["a value in the last document"] == 1
    assert by_edit["the Service selects no pods (a Deployment's findings about it go)"] == 1
    assert by_edit["a PodDisruptionBudget at the end (a Deployment's pdb-missing goes)"] == 1
    assert by_edit["a Deployment renamed (a message in the Service's document names it)"] == 1
    assert by_edit["a line removed"] == 7  # the first object's document and all after it
    assert by_edit["a document added at the end"] == 1
    assert by_edit["fixed again"] == 1
    assert by_edit["an unterminated flow mapping runs into the next ---"] is None
    assert by_edit["another edit while broken"] is None
    assert by_edit["an edit after it"] == 1
    assert by_edit["a value edited in a document after it"] == 1
    assert by_edit["an edit in CRLF text"] == 1


def test_the_server_publishes_what_a_whole_lint_gives_after_each_edit(tmp_path: Path) -> None:
    """Through a real client: the published diagnostics of every version (edits inside a
    document, documents added and removed, YAML broken and fixed, suppressions) are those
    of a lint of the whole text; quick fixes still apply."""
    from tests.test_lsp import Client, run

    path = tmp_path / "apps.yaml"
    steps = [("opened", START), *edits(START)]

    async def test(client: Client) -> None:
        uri = client.open(path, START)
        published = await client.diagnostics(uri)
        for what, text in steps:
            if what != "opened":
                version = client.change(uri, text)
                published = await client.diagnostics(uri)
                while published.version != version:  # a stale one may still arrive
                    published = await client.diagnostics(uri)
            assert list(published.diagnostics) == expected(text, path), what
            fixable = [d for d in published.diagnostics if d.code == "restart-policy"]
            if fixable:
                actions = await client.text_document_code_action_async(
                    types.CodeActionParams(
                        text_document=types.TextDocumentIdentifier(uri=uri),
                        range=fixable[0].range,
                        context=types.CodeActionContext(diagnostics=fixable),
                    )
                )
                assert actions, what
                [action] = actions
                assert isinstance(action, types.CodeAction) and action.edit is not None
                assert action.edit.changes is not None
                [edit] = action.edit.changes[uri]
                start = edit.range.start
                line = text.replace("\r\n", "\n").split("\n")[start.line]
                assert line[start.character :].startswith("Always"), what

    run(tmp_path, test)


def _fuzz_editor():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "fuzz_editor", Path(__file__).resolve().parent.parent / "scripts" / "fuzz_editor.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_random_edits_publish_what_a_whole_lint_gives(tmp_path: Path) -> None:
    """scripts/fuzz_editor.py's first cases (seeded): sequences of small edits."""
    fuzz = _fuzz_editor()
    corpus = fuzz._corpus()
    assert [fuzz.run_case(index, 0, corpus, tmp_path) for index in range(20)] == [None] * 20


def test_the_editor_fuzzer_sees_a_finding_kept_wrongly(tmp_path: Path, monkeypatch) -> None:
    """The fuzzer's oracle is not blind: a re-lint that loses a kept document's finding
    is caught."""
    from kubelint import lsp_documents

    original = lsp_documents.Documents.lint

    def losing(self, *args, **kwargs):
        found = original(self, *args, **kwargs)
        return found[:-1] if found and self.parsed == 1 else found

    monkeypatch.setattr(lsp_documents.Documents, "lint", losing)
    fuzz = _fuzz_editor()
    corpus = fuzz._corpus()
    failures = [fuzz.run_case(index, 1, corpus, tmp_path) for index in range(40)]
    signatures = {failure["signature"] for failure in failures if failure is not None}
    assert signatures and all(s.startswith("differs from a whole lint after") for s in signatures)
