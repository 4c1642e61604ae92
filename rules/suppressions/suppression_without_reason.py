"""## What it does
Reports a suppression comment or `kubelint.io/ignore` entry that gives no reason after
` -- `, once per comment or entry, at its start. Off by default: `--require-reason` turns
it on as `--enable suppression-without-reason` does (it wins over `--disable all`), and
`require-reason: true` in the config turns it on unless the rule is turned off (in
`rules:`, or with `--disable`).

The suppression still silences its findings: this finding (an error) fails the build
instead, once per suppression to write a reason for, at the line to edit, rather than
bringing back every finding it covers. Config exemptions always need a `reason`.

## Why is this bad?
A suppression without a reason cannot be reviewed, renewed or removed with confidence:
months later nobody knows whether the vendor image still needs root.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  containers:
    - name: agent  # kubelint: disable=run-as-root
      image: vendor/agent:2.9
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  containers:
    - name: agent  # kubelint: disable=run-as-root -- the vendor image needs root (ticket OPS-112)
      image: vendor/agent:2.9
```
"""

from kubelint.api import engine_rule

rule = engine_rule(
    id="suppression-without-reason",
    severity="error",
    summary="a suppression gives no reason",
    doc=__doc__,
    enabled=False,
)
