"""An example kubelint plugin: every workload must say which team owns it.

Use it from `.kubelint.yaml`:

    plugins:
      - examples/plugins/team_label.py
    rules:
      team-label-missing:
        label: team

Or package it with an entry point in the ``kubelint`` group:

    [project.entry-points.kubelint]
    team_label = "team_label"
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import (
    POD_SPEC_KINDS,
    Manifest,
    Rule,
    RuleContext,
    Violation,
    hookimpl,
    rule,
)


@rule(
    id="team-label-missing",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a workload does not say which team owns it",
    options={
        "label": {
            "type": "string",
            "minLength": 1,
            "default": "team",
            "description": "the label that names the owning team",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    """## What it does
    Reports a workload without the owner label (option `label`, default `team`).

    ## Why is this bad?
    When it pages at night, nobody knows whom to wake.

    ## Example
    ```yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers: [{name: web, image: "nginx:1.27"}]
    ```

    ## Use instead
    ```yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      labels: {team: storefront}
    spec:
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers: [{name: web, image: "nginx:1.27"}]
    ```
    """
    label = ctx.options["label"]
    if label not in obj.labels:
        yield ctx.violation(
            ("metadata", "labels"), f"{obj.kind} {obj.display_name!r} has no {label!r} label"
        )


@hookimpl
def kubelint_rules() -> list[Rule]:
    return [check]
