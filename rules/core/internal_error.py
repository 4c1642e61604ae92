"""## What it does
Reports that a rule crashed while checking an object, naming the rule, the object and
the error. Every other rule still runs, and the other objects are still checked.

## Why is this bad?
The crashed rule did not check that object, so the result is incomplete: the finding is
an error so that a CI gate does not pass on a partial check. Please report it with the
object that triggered it.

## Example
A third-party rule that assumes `spec.replicas` is always a number and divides by it.

## Use instead
Upgrade kubelint or the plugin that owns the rule, or disable the rule for the affected
files with `overrides:` in `.kubelint.yaml` until it is fixed.
"""

from kubelint.api import engine_rule

rule = engine_rule(
    id="internal-error", severity="error", summary="a rule crashed on an object", doc=__doc__
)
