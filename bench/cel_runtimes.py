"""Compare the CEL runtimes on PyPI on the expressions Kubernetes policies use: import
time, compile time, time per evaluation, and which expressions each can run.

kubelint uses cel-expr-python. To reproduce the comparison (one runtime per process, so
import times are honest):

    python -m venv /tmp/cel && /tmp/cel/bin/pip install cel-python \\
        common-expression-language cel-expr-python
    for runtime in celpy cel google; do /tmp/cel/bin/python bench/cel_runtimes.py $runtime; done

celpy is the pure-Python cel-python, cel is common-expression-language (Rust bindings),
google is cel-expr-python (Google's cel-cpp bindings).
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from typing import Any

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
    "spec": {
        "replicas": 3,
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": [
                    {
                        "name": "a",
                        "image": "registry.example.com/a:1",
                        "resources": {"limits": {"memory": "256Mi"}},
                    },
                    {"name": "b", "image": "docker.io/b:2"},
                ]
            },
        },
    },
}
EXPRESSIONS = [
    "object.spec.template.spec.containers.all(c, c.image.startsWith('registry.example.com/'))",
    "has(object.metadata.labels) && 'team' in object.metadata.labels",
    "object.spec.replicas <= 5",
    "object.spec.template.spec.containers.exists(c, c.name.matches('^[a-z]+$'))",
    "object.spec.template.spec.containers.filter(c, !c.image.startsWith('registry.example.com/'))"
    ".map(c, c.name)",
    # The string extensions and optional syntax that Kubernetes enables:
    "object.metadata.name.lowerAscii() == 'web'",
    "object.?spec.?replicas.orValue(1) > 0",
    "'%s has %d'.format([object.metadata.name, 3])",
    "object.metadata.name.split('e').size() == 2",
]
ROUNDS = 2000


def main(runtime: str) -> dict[str, Any]:
    start = time.perf_counter()
    compile_one, run = _runtime(runtime)
    imported = time.perf_counter() - start
    results: dict[str, str] = {}
    programs = []
    start = time.perf_counter()
    for expression in EXPRESSIONS:
        try:
            programs.append((expression, compile_one(expression)))
        except Exception as error:
            results[expression] = f"compile error: {type(error).__name__}: {str(error)[:80]}"
    compiled = time.perf_counter() - start
    for expression, program in programs:
        try:
            results[expression] = repr(run(program))[:80]
        except Exception as error:
            results[expression] = f"evaluation error: {type(error).__name__}: {str(error)[:80]}"
    start = time.perf_counter()
    for _ in range(ROUNDS):
        for _, program in programs:
            with contextlib.suppress(Exception):  # failures were recorded above
                run(program)
    per_evaluation = (time.perf_counter() - start) / (ROUNDS * max(len(programs), 1))
    return {
        "runtime": runtime,
        "import_ms": round(imported * 1000, 1),
        "compile_ms_all": round(compiled * 1000, 2),
        "evaluation_us": round(per_evaluation * 1e6, 1),
        "results": results,
    }


def _runtime(runtime: str) -> tuple[Any, Any]:
    if runtime == "celpy":
        import celpy

        environment = celpy.Environment()
        activation = {"object": celpy.json_to_cel(DEPLOYMENT)}
        return (
            lambda e: environment.program(environment.compile(e)),
            lambda p: p.evaluate(activation),
        )
    if runtime == "cel":
        import cel

        context = cel.Context({"object": DEPLOYMENT})
        return cel.compile, lambda p: p.execute(context)
    if runtime == "google":
        from cel_expr_python import cel as google
        from cel_expr_python.ext import ext_optional, ext_strings

        environment = google.NewEnv(
            variables={"object": google.Type.DYN},
            extensions=[ext_strings.ExtStrings(), ext_optional.ExtOptional()],
        )
        return environment.compile, lambda p: p.eval(data={"object": DEPLOYMENT}).plain_value()
    raise SystemExit(f"unknown runtime {runtime!r}: choose celpy, cel or google")


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1] if len(sys.argv) > 1 else "google"), indent=1))
