"""## What it does
Reports a suppression kubelint cannot read, at the part it cannot read: a date that is
not `YYYY-MM-DD` or does not exist (`until=2027-02-30`), text that is neither a rule name,
`until=` nor a reason after ` -- ` (`disable=run-as-root because vendor`, rule names
separated by spaces), `until=` given twice, `disable=` with no rule, or an unknown
directive (`# kubelint: disabel=...`). It applies to comments and to each line of the
`kubelint.io/ignore` annotation. A suppression kubelint cannot read silences nothing.

The grammar: `# kubelint: disable=RULE[,RULE...] [until=YYYY-MM-DD] [-- reason]` (and
`disable-file=`); each line of the annotation is `RULE[,RULE...] [until=YYYY-MM-DD]
[-- reason]`.

## Why is this bad?
Ignoring a suppression that is almost right would be the worst of both: the author
believes the finding is handled (or that a date will bring it back), and kubelint does
something else. Saying so at the line is the only honest answer.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  containers:
    - name: agent  # kubelint: disable=run-as-root until=2027-02-30 -- vendor image needs root
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
    - name: agent  # kubelint: disable=run-as-root until=2027-02-28 -- vendor image needs root
      image: vendor/agent:2.9
```
"""

from kubelint.api import engine_rule

rule = engine_rule(
    id="invalid-suppression",
    severity="error",
    summary="a suppression kubelint cannot read",
    doc=__doc__,
)
