"""## What it does
Reports a suppression whose `until=` date has passed, at its rule name: a comment
(`# kubelint: disable=RULE until=2027-03-31 -- why`) or an entry of the
`kubelint.io/ignore` annotation. Once expired, a suppression silences nothing: the
findings it covered are reported again, and this finding says why they came back. An
expired config exemption (`exemptions:` with `until:`) is said as a warning on standard
error naming its line in the config file, which is no manifest.

`until` is the last day the suppression works, on the date of the machine kubelint runs
on (its local time zone; CI runners usually run in UTC).

## Why is this bad?
A suppression with a date is a promise ("until the vendor ships a non-root image"). When
the day comes, the finding must come back and someone must either fix the manifest or
decide again, in review, with a new date and reason.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  containers:
    - name: agent  # kubelint: disable=run-as-root until=2024-06-30 -- vendor image, root before v3
      image: vendor/agent:2.9
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
  containers:
    - name: agent
      image: vendor/agent:3.0
```
"""

from kubelint.api import engine_rule

rule = engine_rule(
    id="suppression-expired",
    severity="warning",
    summary="a suppression's until date has passed",
    doc=__doc__,
)
