"""A pre-commit run on one file starts in about a tenth of a second: what it must not
load, checked by what it imports (timings belong to bench/, not to tests)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example/web:1.2.3
"""

#: Runs kubelint on one file, then prints (to stderr) the modules it imported.
RUN_AND_LIST = """
import sys
from kubelint.cli import main
try:
    main(["check", sys.argv[1], "--no-config", "--no-cache"])
except SystemExit:
    pass
print("\\n".join(sorted(sys.modules)), file=sys.stderr)
"""


def loaded_by_a_run(folder: Path, name: str, text: str) -> tuple[str, set[str]]:
    """(the report, the modules imported) of a run on one file ``name`` holding ``text``."""
    manifest = folder / name
    manifest.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST, str(manifest)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=folder,
    )
    assert result.returncode in (0, 1), result.stderr
    return result.stdout, set(result.stderr.split())


#: What a run on a plain manifest never needs: the policy language and CEL (no policies,
#: no CRD validation rules), CRD compilation, charts and overlays, the editor's server,
#: the other formats, exemptions (none are configured), writing files (the report goes
#: to standard output); and with --no-cache and one process, the cache and the workers,
#: with the pickling and hashing they import.
NOT_LOADED = [
    "hashlib",
    "hmac",
    "kubelint.cache",
    "kubelint.cel",
    "kubelint.crd",
    "kubelint.exemptions",
    "kubelint.formatters.json",
    "kubelint.formatters.sarif",
    "kubelint.helm",
    "kubelint.kustomize",
    "kubelint.lsp",
    "kubelint.pipeline",
    "kubelint.policies",
    "kubelint.policies.expressions",
    "kubelint.writing",
    "pickle",
]


def test_a_one_file_run_loads_no_more_than_it_needs(tmp_path):
    report, loaded = loaded_by_a_run(tmp_path, "web.yaml", DEPLOYMENT)
    assert "web.yaml:" in report  # it did lint the file
    assert "kubelint.rules.validation.schema" in loaded
    assert [name for name in NOT_LOADED if name in loaded] == []


def test_every_dataclass_has_a_docstring():
    # Without one, dataclasses computes ``Name(field, ...)`` with inspect.signature when
    # the class is made: ~0.2 ms each at every start, and 8 ms for the first.
    undocumented = []
    for top in ("kubelint", "rules"):
        for path in sorted((ROOT / top).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.ClassDef)
                    and any(_is_dataclass(decorator) for decorator in node.decorator_list)
                    and ast.get_docstring(node) is None
                ):
                    undocumented.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert undocumented == []


def _is_dataclass(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (isinstance(target, ast.Name) and target.id == "dataclass") or (
        isinstance(target, ast.Attribute) and target.attr == "dataclass"
    )


#: Runs kubelint on a folder with a cache, then prints (to stderr) the modules it imported.
RUN_CACHED_AND_LIST = """
import sys
from kubelint.cli import main
try:
    main(["check", sys.argv[1], "--no-config", "--cache-dir", sys.argv[2]])
except SystemExit:
    pass
print("\\n".join(sorted(sys.modules)), file=sys.stderr)
"""


def test_a_run_the_cache_answers_starts_no_worker_machinery(tmp_path):
    # Over a megabyte of manifests: a run would take every core (see default_jobs), yet
    # one the cache answers whole forks nothing, and does not import multiprocessing.
    from kubelint.plain import AUTO_JOBS_MIN_BYTES

    folder = tmp_path / "repo"
    folder.mkdir()
    value = "x" * (AUTO_JOBS_MIN_BYTES // 2)
    for name in ("a", "b"):
        (folder / f"{name}.yaml").write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\ndata:\n  big: {value}\n"
        )
    runs = [
        subprocess.run(
            [sys.executable, "-c", RUN_CACHED_AND_LIST, str(folder), str(tmp_path / "cache")],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=folder,
        )
        for _ in range(2)
    ]
    assert [run.stdout for run in runs] == [runs[0].stdout] * 2
    assert "No problems in 2 files; 2 objects checked." in runs[0].stdout
    assert "multiprocessing" not in set(runs[1].stderr.split())
