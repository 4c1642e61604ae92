#!/usr/bin/env python3
"""Scaffold a new rule: its module, its fixtures and its rendered docs.

Usage: python scripts/new_rule.py CATEGORY RULE-ID [--severity warning]
           [--kinds Deployment,StatefulSet] [--summary "what is wrong, in a few words"]

Writes rules/CATEGORY/RULE_ID.py (the docs sections the tests require, the decorator and a
check that reports nothing yet), fixtures/RULE-ID/fail-example.yaml (expecting a finding)
and pass-example.yaml, then runs scripts/render_rule_docs.py (docs/rules/RULE-ID.md, the
README's rules table, rules/catalog.json). Until the check is written, the fail fixture
and the docs' Example fail their tests: a stub rule cannot pass silently. CATEGORY is an
existing directory of rules/ (a new one must also be listed in pyproject.toml's
packages). Exit status: 0 when the files are written, 2 on a usage error (nothing is
written).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

from kubelint.constants import KUBERNETES_VERSIONS, SEVERITIES
from kubelint.plugins import build_registry
from kubelint.schema import load_bundle

ROOT = Path(__file__).resolve().parent.parent
RULE_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*\Z")
KIND = re.compile(r"[A-Z][A-Za-z0-9]*\Z")
TODO_SUMMARY = "TODO what is wrong, in a few words"

_CONTAINERS = ["containers:", "  - name: app", "    image: nginx:1.27"]
_TEMPLATE = [
    "template:",
    "  metadata:",
    "    labels: {app: example}",
    "  spec:",
    *("    " + line for line in _CONTAINERS),
]
_CONTROLLER = ["selector:", "  matchLabels: {app: example}", *_TEMPLATE]
_JOB = [
    "template:",
    "  spec:",
    "    restartPolicy: Never",
    *("    " + line for line in _CONTAINERS),
]
#: The spec of a minimal valid object of each built-in workload kind; other kinds get
#: metadata only.
SPECS = {
    "Pod": _CONTAINERS,
    **dict.fromkeys(("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"), _CONTROLLER),
    "ReplicationController": ["selector: {app: example}", *_TEMPLATE],
    "Job": _JOB,
    "CronJob": [
        'schedule: "0 3 * * *"',
        "jobTemplate:",
        "  spec:",
        *("    " + line for line in _JOB),
    ],
}

MODULE = '''"""## What it does
TODO: which objects and fields this rule reports, and which it leaves alone.

## Why is this bad?
TODO: what goes wrong in the cluster, for whom, and when.

## Example
```yaml
{example}```

## Use instead
```yaml
{example}```

## References
- TODO: the Kubernetes documentation page
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import Manifest, RuleContext, Violation, rule


@rule(
    id={rule_id},
    severity={severity},
    kinds={kinds},
    summary={summary},
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    # TODO: yield ctx.violation(path, message) at the key the user must edit. Until then
    # fixtures/{fixtures}/fail-example.yaml and the Example above fail their tests.
    yield from ()
'''


def api_version(kind: str) -> str | None:
    """The kind's newest stable apiVersion in the newest bundled Kubernetes (autoscaling/v2
    over v1), else its first; None for a kind Kubernetes does not serve (a custom
    resource)."""
    served = sorted(
        api for api, kinds in load_bundle(KUBERNETES_VERSIONS[-1]).kinds.items() if kind in kinds
    )
    stable = {api: int(match[1]) for api in served if (match := re.search(r"(?:^|/)v(\d+)\Z", api))}
    if stable:
        return max(stable, key=stable.__getitem__)
    return next(iter(served), None)


def manifest(kind: str, expect: str = "") -> str:
    """A minimal object of ``kind``; ``expect`` is put on its ``metadata:`` line."""
    version = api_version(kind)
    lines = [
        f"apiVersion: {version or 'example.com/v1  # TODO: the custom resource group'}",
        f"kind: {kind}",
        f"metadata:{expect}",
        "  name: example",
    ]
    if kind in SPECS:
        lines += ["spec:", *("  " + line for line in SPECS[kind])]
    return "\n".join(lines) + "\n"


def problems(args: argparse.Namespace) -> list[str]:
    found = []
    categories = sorted(p.name for p in (ROOT / "rules").iterdir() if (p / "__init__.py").is_file())
    if args.category not in categories:
        found.append(f"unknown category {args.category!r}; one of: {', '.join(categories)}")
    if not RULE_ID.match(args.rule_id):
        found.append(f"rule id {args.rule_id!r} is not kebab-case (e.g. 'probe-port-unknown')")
    else:
        owner = build_registry().resolve(args.rule_id)
        if owner is not None:
            found.append(f"rule id {args.rule_id!r} is taken by {owner!r}")
        for path in module_path(args), ROOT / "fixtures" / args.rule_id:
            if path.exists():
                found.append(f"{path.relative_to(ROOT).as_posix()} exists")
    bad_kinds = [kind for kind in args.kinds if not KIND.match(kind)]
    if not args.kinds or bad_kinds:
        found.append(
            f"--kinds needs Kubernetes kinds such as Deployment,StatefulSet"
            f" (got {','.join(args.kinds)!r})"
        )
    if args.summary.endswith("."):
        found.append("--summary is a phrase: no final full stop")
    return found


def quoted(text: str) -> str:
    """A Python string literal in the codebase's double quotes."""
    return json.dumps(text, ensure_ascii=False)


def module_path(args: argparse.Namespace) -> Path:
    category: str = args.category
    name: str = args.rule_id.replace("-", "_")
    return ROOT / "rules" / category / f"{name}.py"


def write(args: argparse.Namespace) -> list[Path]:
    kind = args.kinds[0]
    fixtures = ROOT / "fixtures" / args.rule_id
    fixtures.mkdir()
    files = {
        module_path(args): MODULE.format(
            example=manifest(kind),
            fixtures=args.rule_id,
            rule_id=quoted(args.rule_id),
            severity=quoted(args.severity),
            summary=quoted(args.summary),
            kinds="(" + ", ".join(map(quoted, args.kinds)) + ("," * (len(args.kinds) == 1)) + ")",
        ),
        fixtures / "fail-example.yaml": (
            "# TODO: every way this rule fires, each `# expect:` on the line reported.\n"
            + manifest(kind, f"  # expect: {args.rule_id}")
        ),
        fixtures / "pass-example.yaml": (
            "# TODO: the near misses this rule must leave alone.\n" + manifest(kind)
        ),
    }
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return list(files)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="new_rule.py", description="Scaffold a kubelint rule, its fixtures and docs."
    )
    parser.add_argument("category", help="a directory of rules/, e.g. workloads")
    parser.add_argument("rule_id", metavar="rule-id", help="kebab-case, naming the problem")
    parser.add_argument("--severity", choices=SEVERITIES, default="warning")
    parser.add_argument(
        "--kinds",
        type=lambda text: [k.strip() for k in text.split(",")],
        default=["Deployment"],
        help="comma-separated (default: Deployment)",
    )
    parser.add_argument("--summary", default=TODO_SUMMARY)
    args = parser.parse_args(argv)
    found = problems(args)
    if found:
        for problem in found:
            print(f"new_rule.py: {problem}", file=sys.stderr)
        return 2
    written = write(args)
    # A fresh process: its registry imports the new module.
    subprocess.run([sys.executable, str(ROOT / "scripts" / "render_rule_docs.py")], check=True)
    for path in written:
        print(f"wrote {path.relative_to(ROOT).as_posix()}")
    print(
        f"next: write the check and the fixtures, then python -m pytest"
        f" tests/test_rule_fixtures.py tests/test_rule_docs.py -k {args.rule_id}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
