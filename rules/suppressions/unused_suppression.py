"""## What it does
Reports a suppression (a `# kubelint: disable=` or `disable-file=` comment, a name in the
`kubelint.io/ignore` annotation) that names no rule, with the rule it probably meant, or
that silenced nothing in this run, at the name.

A suppression is said to silence nothing only where that is certain: its rule ran on the
file (a suppression of a rule the config or the command line turns off is not
reported), the file was linted as written (not a Helm template or kustomize patch, whose
renderings depend on values kubelint may not see) and parsed, and the rule's checks did
not read other objects there (a Service's selector matching no Pod, say: whether the
other files were in the run decides that, and pre-commit passes only the changed ones).
Rule aliases (the old names of renamed rules) are rule names. `all` that silences
nothing is reported too.

`--fix` removes the unused names and keeps the others (`disable=a,b` -> `disable=b`); a
comment left with no name goes, up to another comment on its line. In an annotation a
name is removed only when another stays.

## Why is this bad?
A misspelt rule name silences nothing without a word: `disable=restart-polcy` leaves
the finding it was written for, or hides that the suppression was never needed. A
suppression that outlived its finding (the manifest was fixed, the rule changed) will
silently hide the next, unrelated finding on that node. ruff's `unused-noqa` (RUF100)
reports the same.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  restartPolicy: Always  # kubelint: disable=restart-polcy
  containers:
    - name: web
      image: nginx:1.27
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  restartPolicy: Always
  containers:
    - name: web
      image: nginx:1.27
```

## References
- ruff's unused-noqa (RUF100): https://docs.astral.sh/ruff/rules/unused-noqa/
"""

from kubelint.api import engine_rule

rule = engine_rule(
    id="unused-suppression",
    severity="warning",
    summary="a suppression names no rule or silences nothing",
    doc=__doc__,
    fixable=True,
)
