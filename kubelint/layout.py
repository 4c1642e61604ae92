"""Where Helm charts and kustomizations are in a tree: what ``kubelint.inputs`` asks of
every file it finds. Kept apart from ``kubelint.helm`` and ``kubelint.kustomize`` so that a
run without charts or kustomizations never imports their renderers (~30 ms of a start).
"""

from __future__ import annotations

import os

CHART_FILE = "Chart.yaml"
#: The names kustomize looks for in a directory, in its order.
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def is_chart(directory: str) -> bool:
    return os.path.isfile(os.path.join(directory, CHART_FILE))


def chart_of(path: str, known: dict[str, bool] | None = None) -> str | None:
    """The outermost chart that renders ``path`` (a file in a chart, or a subchart
    vendored under a parent's ``charts/``), or None. ``known``: which directories are
    charts, as far as found out already (filled in; the files of a tree share their
    ancestors, whose every level is otherwise asked again for each directory)."""
    known = {} if known is None else known

    def charted(directory: str) -> bool:
        answer = known.get(directory)
        if answer is None:
            answer = known[directory] = is_chart(directory)
        return answer

    directory = os.path.dirname(os.path.abspath(path))
    found = None
    while True:
        if charted(directory):
            found = directory
            parent = os.path.dirname(directory)
            if os.path.basename(parent) == "charts" and charted(os.path.dirname(parent)):
                directory = os.path.dirname(parent)
                continue
            return found
        parent = os.path.dirname(directory)
        if parent == directory:
            return found
        directory = parent


#: A chart's own files, which the renderer reads: never linted as manifests.
_CHART_DIRECTORIES = frozenset({"templates", "charts", "ci"})
_CHART_FILES = frozenset(
    {CHART_FILE, "Chart.lock", "requirements.yaml", "requirements.lock", "values.schema.json"}
)


def is_plain_manifest(chart: str, path: str) -> bool:
    """Is ``path`` in ``chart`` linted as it is? Helm's own files are the renderer's:
    templates, ``Chart.yaml``, values files, ``ci/`` and vendored ``charts/``. Everything
    else is a file like any other: ``crds/`` (Helm applies them untemplated), example
    manifests, files that ``.Files.Get`` reads (not objects, so skipped and counted)."""
    relative = os.path.relpath(os.path.abspath(path), chart).split(os.sep)
    while len(relative) > 2 and relative[0] == "charts":  # a vendored subchart's own
        relative = relative[2:]
    if len(relative) > 1:
        return relative[0] not in _CHART_DIRECTORIES
    name = relative[0]
    is_values = "values" in name and name.endswith((".yaml", ".yml"))
    return name not in _CHART_FILES and not is_values


def root_file(directory: str) -> str | None:
    """The kustomization file of ``directory``, or None."""
    for name in KUSTOMIZATION_NAMES:
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            return path
    return None


def under_a_kustomization(absolute: str) -> bool:
    """Is there a kustomization in the directory of ``absolute`` or above it?"""
    directory = os.path.dirname(absolute)
    while True:
        if root_file(directory) is not None:
            return True
        parent = os.path.dirname(directory)
        if parent == directory:
            return False
        directory = parent
