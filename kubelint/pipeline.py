"""Checking many plain files: on every core (``--jobs``) and from the cache.

A check that reads only its object (with its options and the schemas) gives the same
findings whatever else is in the input, so any process can run it and its findings can
be kept per file. A check that reads other objects (``RuleContext.index``, see
``kubelint.rule.Evaluation``) needs every object of the run. So a run goes in passes:

0. the files that may define schemas (CRDs, kubelint Policies: ``may_define``) are
   parsed first, and their definitions go to every worker;
1. each plain file is read, parsed and checked by one worker (or taken from the cache);
   checks that read other objects stop (``CrossResource``) and are remembered, per
   object;
2. every worker gets every other worker's objects (their data, pickled: a tenth of the
   cost of parsing), builds the run's index and runs the remembered checks on its own
   files, whose positions it still holds.

Workers are forked, so they start in milliseconds with the configuration, the plugins
and the rendered charts already loaded. The parent process is worker 0: it also checks
standard input and the rendered charts and kustomize builds. Findings come back per file
and are merged in input order, then sorted on every field (``Finding.sort_key``), so the
report is the same whatever the number of workers, with or without the cache. A worker
that dies (a plugin's native code crashing, the kernel's OOM killer) costs time, not
findings: worker 0 does its files again.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import re
from collections.abc import Sequence
from typing import Any

from kubelint.cache import Cache, FileEntry, RunEntry
from kubelint.constants import POLICY_API_VERSION
from kubelint.engine import Collected, FileResult, Linter
from kubelint.loader import LoadedFile
from kubelint.model import Location, Manifest, SourceFile
from kubelint.plain import PlainFile
from kubelint.progress import Progress
from kubelint.report import Report
from kubelint.yamlparse import Positions, Span

#: A file that may hold a CRD or a kubelint Policy (``may_define``): their schemas must be
#: known to every worker before the first pass. Besides the plain words, a double-quoted
#: kind or apiVersion with an escape ("\u0043ustomResourceDefinition") could spell one.
_ESCAPED_KIND = re.compile(rb"""(?:kind|apiVersion)["']?\s*:\s*"[^"\n]*\\""")


class Unlocated(Manifest):
    """Another process's object, known by its data: located, if a finding ever needs
    it, by parsing its file again."""

    __slots__ = ("_file", "_number", "_real")

    def __init__(
        self, data: Any, source: SourceFile, template: str | None, file: PlainFile, number: int
    ):
        super().__init__(data, source, Positions(), Span(0, 0, 0, 0), (), data)
        self.template = template
        self._file = file
        self._number = number
        self._real: Manifest | None = None

    def locate(self, path: Sequence[str | int]) -> Location:
        if self._file.cached is not None:  # where the last run found it
            known = self._file.cached.result.located.get((self._number, tuple(path)))
            if known is not None:
                return known  # type: ignore[no-any-return]
        if self._real is None:
            from kubelint.loader import load_path

            objects = load_path(self._file.fs_path, self._file.shown).objects
            if self._number >= len(objects):  # the file changed during the run
                return Location(Span(0, 0, 0, 1), (0,))
            self._real = objects[self._number]
        return self._real.locate(path)


def check_plain(
    linter: Linter,
    files: list[PlainFile],
    rendered: list[LoadedFile],
    jobs: int,
    progress: Progress | None = None,
    fs_paths: dict[str, str] | None = None,
    cache: Cache | None = None,
) -> Report:
    """Check ``files`` (then ``rendered``) with ``jobs`` processes, taking what it can from
    ``cache``. ``fs_paths``: display paths to filesystem paths, as for ``Linter.run``."""
    run_key = None
    if cache is not None:
        for file in files:
            if file.data is not None and file.loaded is None:
                file.key = cache.file_key(file.shown, file.fs_path, file.data)
        if all(file.key is not None or file.problem is not None for file in files):
            # An unreadable file has no content key: its name and problem stand for it.
            run_key = cache.run_key(
                [file.key or f"{file.shown}\0{file.problem}" for file in files],
                [
                    text
                    for item in rendered
                    for text in (item.source.path, item.source.text, *item.source.made_from)
                ],
            )
            known = cache.load(run_key)
            if isinstance(known, RunEntry):  # decided again: today may not be that day
                return linter.decide(
                    Collected(
                        known.findings,
                        known.summary,
                        known.notes,
                        known.warnings,
                        known.pod_security,
                        known.suppressions,
                    )
                )
        for file in files:
            if file.key is not None:
                entry = cache.load(file.key)
                file.cached = entry if isinstance(entry, FileEntry) else None
    collected, found, stubs, results = _check(linter, files, rendered, jobs, progress, fs_paths)
    report = linter.decide(collected)
    if cache is not None:
        for number, file in enumerate(files):
            if file.key is not None and file.cached is None:
                local = dataclasses.replace(results[number], cross=[])
                cache.save(file.key, FileEntry(local, stubs.get(number, []), found.get(number, [])))
        if run_key is not None:
            cache.save(
                run_key,
                RunEntry(
                    collected.findings,
                    collected.summary,
                    collected.notes,
                    collected.warnings,
                    collected.pod_security,
                    collected.suppressions,
                ),
            )
        if cache.problem is not None:
            report.warnings.append(cache.problem)
        else:
            cache.prune()
    return report


def _check(
    linter: Linter,
    files: list[PlainFile],
    rendered: list[LoadedFile],
    jobs: int,
    progress: Progress | None,
    fs_paths: dict[str, str] | None,
) -> tuple[Collected, dict[int, Any], dict[int, Any], dict[int, FileResult]]:
    """The run's findings before its decisions, and for the cache: definitions, objects
    and results by file number."""
    sizes = [len(file.data or b"") for file in files]
    definers = {
        number
        for number, file in enumerate(files)
        if file.loaded is not None or may_define(file.data)
    }
    slices = _slices(
        sizes, jobs, [number for number in definers if files[number].loaded is not None]
    )
    workers = _start_workers(linter, files, slices, definers, rendered)

    # Pass 0: every worker needs the schemas the input defines, wherever they are.
    found = _share_definitions(files, slices[0], definers, workers)
    placed: dict[tuple[int, int], Manifest] = {}
    definitions = _definition_objects(files, found, rendered, placed)

    # Pass 1: the checks that read only their object; then every worker gets the others'
    # objects.
    linter.begin([], definitions)
    results, own, blobs = _share_first_pass(linter, files, slices[0], workers, found, progress)

    # Pass 2: the checks that read other objects, each worker on its own files.
    others: dict[int, list[tuple[Any, str | None]]] = {}
    for worker, blob in zip(workers, blobs[1:], strict=True):
        if not worker.failed:
            others.update(pickle.loads(blob))
    everything = _second_pass(linter, files, own, others, rendered, definitions, placed, results)
    rendered_results = [
        linter.check_file(
            item, (fs_paths or {}).get(item.source.path, item.source.path), progress=progress
        )
        for item in rendered
    ]
    _gather_second_pass(linter, files, workers, results, everything)
    collected = linter.collect(
        everything, [results[number] for number in range(len(files))] + rendered_results
    )
    objects = {
        **_stubs(own, {}),
        **{number: _complete(stubs, found.get(number, [])) for number, stubs in others.items()},
    }
    return collected, found, objects, results


def _start_workers(
    linter: Linter,
    files: list[PlainFile],
    slices: list[list[int]],
    definers: set[int],
    rendered: list[LoadedFile],
) -> list[_Worker]:
    """A forked worker for each slice but the first (this process's)."""
    workers = []
    if len(slices) > 1:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        linter.import_checks()
        workers = [
            _Worker(context, linter, files, numbers, definers, rendered) for numbers in slices[1:]
        ]
    for worker in workers:  # their files' bytes live on in the workers only
        for number in worker.numbers:
            files[number].data = None
    return workers


def _share_definitions(
    files: list[PlainFile], mine: list[int], definers: set[int], workers: list[_Worker]
) -> dict[int, list[tuple[int, Any, str | None]]]:
    """Pass 0: the CRDs and Policies of every file (``_definitions_in``), this process's
    and the workers'; each worker is sent those it does not have."""
    found = _definitions_in(files, mine, definers)
    for worker in workers:
        answer = worker.receive()
        if answer is None:  # it died: do its files here
            worker.failed = True
            answer = _definitions_in(files, worker.numbers, definers)
        found.update(answer)
    for worker in workers:  # each gets the definitions it does not have
        theirs = set(worker.numbers)
        message = pickle.dumps(
            {number: found[number] for number in found if number not in theirs},
            pickle.HIGHEST_PROTOCOL,
        )
        if not worker.failed and not worker.send(message):
            worker.failed = True
    return found


def _share_first_pass(
    linter: Linter,
    files: list[PlainFile],
    mine: list[int],
    workers: list[_Worker],
    found: dict[int, list[tuple[int, Any, str | None]]],
    progress: Progress | None,
) -> tuple[dict[int, FileResult], dict[int, LoadedFile], list[bytes]]:
    """Pass 1 here and in the workers (a dead worker's files done here): the results,
    this process's loaded files, and each process's objects pickled (this one's first),
    every worker being sent the others'."""
    results, own = _first_pass(linter, files, mine, progress)
    blobs = [pickle.dumps(_stubs(own, found), pickle.HIGHEST_PROTOCOL)]
    for worker in workers:
        answer = None if worker.failed else worker.receive()
        if answer is None:  # it died: do its files here
            worker.failed = True
            done, loaded = _first_pass(linter, files, worker.numbers, progress)
            results.update(done)
            own.update(loaded)
            blobs.append(pickle.dumps(_stubs(loaded, found), pickle.HIGHEST_PROTOCOL))
            continue
        done, blob = answer
        results.update(done)
        blobs.append(blob)
        if progress is not None:
            for result in done.values():
                for _ in range(result.objects):
                    progress.object_checked()
    for number, worker in enumerate(workers, 1):  # each gets the others' objects
        message = pickle.dumps(
            [blob for other, blob in enumerate(blobs) if other != number], pickle.HIGHEST_PROTOCOL
        )
        if not worker.failed and not worker.send(message):
            worker.failed = True
    return results, own, blobs


def _gather_second_pass(
    linter: Linter,
    files: list[PlainFile],
    workers: list[_Worker],
    results: dict[int, FileResult],
    everything: list[LoadedFile],
) -> None:
    """Take the workers' pass-2 findings into ``results`` (a worker that died: its
    remembered checks run here), and close them."""
    state = linter.run_state
    for worker in workers:
        answer = None if worker.failed else worker.receive()
        if answer is None:  # it died in the second pass: run its remembered checks here
            for number in worker.numbers:
                result = results[number]
                if result.deferred:
                    again = linter.check_file(
                        everything[number], files[number].fs_path, only=result.deferred
                    )
                    result.cross = again.findings + again.cross
                    result.located = again.located
            continue
        cross, skipped, catalog_built = answer
        for number, (findings, located) in cross.items():
            results[number].cross = findings
            results[number].located = located
        for why, count in skipped.items():
            state.cel_rules_skipped[why] = state.cel_rules_skipped.get(why, 0) + count
        if catalog_built:
            state.catalog  # noqa: B018 -- the notes tell how many custom schemas there are
    for worker in workers:
        worker.close()


def may_define(data: bytes | None) -> bool:
    """Might ``data`` hold a CRD or a kubelint Policy (whose schemas other objects need)?"""
    if not data:
        return False
    return (
        b"CustomResourceDefinition" in data
        or b"kubelint.dev" in data
        or (b"\\" in data and _ESCAPED_KIND.search(data) is not None)
    )


def _definitions_in(
    files: list[PlainFile],
    numbers: list[int],
    definers: set[int],
) -> dict[int, list[tuple[int, Any, str | None]]]:
    """Load the files among ``numbers`` that may define schemas; their CRDs and Policies
    (object number, data, template), by file number."""
    found: dict[int, list[tuple[int, Any, str | None]]] = {}
    for number in numbers:
        cached = files[number].cached
        if cached is not None:
            if cached.definitions:
                found[number] = cached.definitions
        elif number in definers:
            found[number] = [
                (index, obj.data, obj.template)
                for index, obj in enumerate(files[number].load().objects)
                if obj.is_kind("CustomResourceDefinition") or obj.api_version == POLICY_API_VERSION
            ]
    return found


def _definition_objects(
    files: list[PlainFile],
    found: dict[int, list[tuple[int, Any, Any]]],
    rendered: list[LoadedFile],
    placed: dict[tuple[int, int], Manifest],
) -> list[Manifest]:
    """The input's schema definitions in input order, the same in every worker; each
    one also in ``placed`` by (file number, object number)."""
    definitions: list[Manifest] = []
    for number in sorted(found):
        file = files[number]
        source = SourceFile(file.shown, "")
        for index, data, template in found[number]:
            obj = placed[number, index] = Unlocated(data, source, template, file, index)
            definitions.append(obj)
    return definitions + [obj for item in rendered for obj in item.objects]


def _slices(sizes: list[int], jobs: int, first: list[int]) -> list[list[int]]:
    """File numbers per worker, balanced by bytes; ``first`` go to worker 0."""
    slices: list[list[int]] = [[] for _ in range(max(1, jobs))]
    load = [0] * len(slices)
    for number in first:
        slices[0].append(number)
        load[0] += sizes[number]
    taken = set(first)
    rest = sorted(
        (number for number in range(len(sizes)) if number not in taken),
        key=lambda number: -sizes[number],
    )
    for number in rest:
        lightest = load.index(min(load))
        slices[lightest].append(number)
        load[lightest] += sizes[number] + 1
    return [sorted(numbers) for numbers in slices]


def _first_pass(
    linter: Linter,
    files: list[PlainFile],
    numbers: list[int],
    progress: Progress | None = None,
) -> tuple[dict[int, FileResult], dict[int, LoadedFile]]:
    """Load and check files with no other objects known: checks that read them stop."""
    results: dict[int, FileResult] = {}
    loaded: dict[int, LoadedFile] = {}
    linter.evaluation.deferring = True
    try:
        for number in numbers:
            file = files[number]
            if file.cached is not None:
                result = file.cached.result
                results[number] = dataclasses.replace(
                    result, findings=list(result.findings), cross=[], located={}
                )
                loaded[number] = _unlocated(file, file.cached.objects, result)
                if progress is not None:
                    for _ in range(result.objects):
                        progress.object_checked()
                continue
            loaded[number] = file.load()
        # Every object this process checks is known now: the catalog lets go of what it
        # compiled for a kind after the last of its objects (``RunState.expect``).
        fresh = [number for number in numbers if files[number].cached is None]
        linter.run_state.expect(obj for number in fresh for obj in loaded[number].objects)
        for number in fresh:
            results[number] = linter.check_file(
                loaded[number], files[number].fs_path, progress=progress
            )
    finally:
        linter.evaluation.deferring = False
    return results, loaded


def _unlocated(
    file: PlainFile,
    objects: Sequence[tuple[Any, str | None] | None],
    result: FileResult | None,
    known: list[Manifest | None] | None = None,
) -> LoadedFile:
    """A file known by its objects' data (from another worker or the cache); an object
    given as None is ``known`` already (a definition: see ``_stubs``)."""
    source = SourceFile(file.shown, "")
    if result is not None:
        source.directives = result.directives
        source.documents = result.documents
    made: list[Manifest] = []
    for index, stub in enumerate(objects):
        if stub is None:
            assert known is not None and known[index] is not None
            made.append(known[index])  # type: ignore[arg-type]
        else:
            made.append(Unlocated(stub[0], source, stub[1], file, index))
    return LoadedFile(source, made)


def _stubs(
    loaded: dict[int, LoadedFile],
    found: dict[int, list[tuple[int, Any, Any]]],
) -> dict[int, list[tuple[Any, str | None] | None]]:
    """What other workers need of these files' objects: their data and template; None
    for the definitions in ``found``, which every worker has already (large CRDs)."""
    stubs: dict[int, list[tuple[Any, str | None] | None]] = {}
    for number, item in loaded.items():
        sent = {index for index, _data, _template in found.get(number, ())}
        stubs[number] = [
            None if index in sent else (obj.data, obj.template)
            for index, obj in enumerate(item.objects)
        ]
    return stubs


def _complete(
    stubs: list[Any],
    definitions: list[tuple[int, Any, Any]],
) -> list[tuple[Any, str | None]]:
    """``_stubs``'s list with the definitions filled in (for the cache)."""
    filled = list(stubs)
    for index, data, template in definitions:
        filled[index] = (data, template)
    return filled


def _second_pass(
    linter: Linter,
    files: list[PlainFile],
    own: dict[int, LoadedFile],
    others: dict[int, list[Any]],
    rendered: list[LoadedFile],
    definitions: list[Manifest],
    placed: dict[tuple[int, int], Manifest],
    results: dict[int, FileResult],
) -> list[LoadedFile]:
    """Run the remembered checks of this worker's files, with every object known.
    Returns every file's objects (the run's input, in order)."""
    everything: list[LoadedFile] = []
    for number, file in enumerate(files):
        item = own.get(number)
        if item is None:
            stubs = others.get(number, [])
            known = [placed.get((number, index)) for index in range(len(stubs))]
            item = _unlocated(file, stubs, results.get(number), known)
        everything.append(item)
    first = linter.run_state
    linter.begin(everything + rendered, definitions)
    linter.run_state.adopt(first)  # the same definitions: keep the compiled schemas
    for number, item in own.items():
        result = results[number]
        if result.deferred:
            again = linter.check_file(item, files[number].fs_path, only=result.deferred)
            result.cross = again.findings + again.cross
            result.located = again.located
    return everything + rendered


class _Worker:
    """A forked process checking some of the files (see the module's docstring)."""

    def __init__(
        self,
        context: Any,
        linter: Linter,
        files: list[PlainFile],
        numbers: list[int],
        definers: set[int],
        rendered: list[LoadedFile],
    ):
        self.numbers = numbers
        self.failed = False
        self._connection, child = context.Pipe()
        self._process = context.Process(
            target=_work, daemon=True, args=(child, linter, files, numbers, definers, rendered)
        )
        self._process.start()
        child.close()

    def receive(self) -> Any:
        try:
            return pickle.loads(self._connection.recv_bytes())
        except (EOFError, OSError):
            return None

    def send(self, message: bytes) -> bool:
        try:
            self._connection.send_bytes(message)
            return True
        except OSError:
            return False

    def close(self) -> None:
        self._connection.close()
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()


def _work(
    connection: Any,
    linter: Linter,
    files: list[PlainFile],
    numbers: list[int],
    definers: set[int],
    rendered: list[LoadedFile],
) -> None:
    """A worker's life: definitions out and in, first pass, objects out, everyone's
    objects in, second pass."""
    try:
        found = _definitions_in(files, numbers, definers)
        connection.send_bytes(pickle.dumps(found, pickle.HIGHEST_PROTOCOL))
        found.update(pickle.loads(connection.recv_bytes()))
        placed: dict[tuple[int, int], Manifest] = {}
        definitions = _definition_objects(files, found, rendered, placed)
        linter.begin([], definitions)
        results, own = _first_pass(linter, files, numbers)
        connection.send_bytes(
            pickle.dumps(
                (results, pickle.dumps(_stubs(own, found), pickle.HIGHEST_PROTOCOL)),
                pickle.HIGHEST_PROTOCOL,
            )
        )
        others: dict[int, list[Any]] = {}
        for blob in pickle.loads(connection.recv_bytes()):
            others.update(pickle.loads(blob))
        _second_pass(linter, files, own, others, rendered, definitions, placed, results)
        state = linter.run_state
        connection.send_bytes(
            pickle.dumps(
                (
                    {
                        number: (results[number].cross, results[number].located)
                        for number in numbers
                        if results[number].deferred
                    },
                    state.cel_rules_skipped,
                    state._catalog is not None,
                ),
                pickle.HIGHEST_PROTOCOL,
            )
        )
    finally:
        # Leave without the parent's exit handlers and buffered output.
        os._exit(0)
