"""## What it does
Checks the timing fields of every `livenessProbe`, `readinessProbe` and `startupProbe`
(containers and init containers):

- `timeoutSeconds` is longer than `periodSeconds` (warning), comparing the values
  Kubernetes uses: an unset field or a 0 takes its default (`timeoutSeconds` 1,
  `periodSeconds` 10), so `timeoutSeconds: 15` with the default period is reported too.
  A timeout equal to the period is not reported: a probe that hangs for its whole timeout
  ends just as the next one is due, so the period holds;
- `initialDelaySeconds`, `periodSeconds`, `timeoutSeconds`, `failureThreshold` or
  `successThreshold` is negative, or the probe's `terminationGracePeriodSeconds` is not
  positive (error).

Values that are not integers (strings, floats, booleans) are left to schema validation.

## Why is this bad?
The kubelet runs the probes of a container one after another: when a probe hangs until its
timeout, the next one starts only after it ends. A timeout longer than the period therefore
stretches the period: with `periodSeconds: 5` and `timeoutSeconds: 10`, a hanging
application is probed every 10 seconds, not 5, and it takes `failureThreshold` x 10
seconds, not x 5, to restart it or take it out of its Services. The configuration says one
thing and the cluster does another. Keep the timeout at most the period.

The API server rejects negative values outright (`must be greater than or equal to 0`), so
the apply fails. A 0 is accepted: for `periodSeconds`, `timeoutSeconds`, `successThreshold`
and `failureThreshold` it means "use the default", which is why their documented minimum of
1 is met once defaults are filled in (the source notes 001, "pod 的就绪探针的属性参数有哪些",
list these minimums: period, timeout, failure and success thresholds at least 1). A probe's
`terminationGracePeriodSeconds` has no default to fall back to: the API server rejects 0 as
well as negative values (`must be greater than 0`).

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
            initialDelaySeconds: 15
            periodSeconds: 5
            timeoutSeconds: 10
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
            initialDelaySeconds: 15
            periodSeconds: 10
            timeoutSeconds: 3
```

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes
- https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe
- Source notes 001 (存活探针的属性参数有哪几个?; pod 的就绪探针的属性参数有哪些): defaults
  and minimums of periodSeconds, timeoutSeconds, successThreshold and failureThreshold
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule

from ._probes import TIMING_DEFAULTS, effective, integer, probes

#: Fields the API server requires to be >= 0; 0 means the default for all but the delay.
NON_NEGATIVE = (
    "initialDelaySeconds",
    "periodSeconds",
    "timeoutSeconds",
    "failureThreshold",
    "successThreshold",
)
GRACE = "terminationGracePeriodSeconds"


@rule(
    id="probe-timing",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a probe's timing is rejected or does not work as written",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    for ref in obj.containers(include_init=True):
        for probe_name, probe in probes(ref.container):
            where = f"{ref.label} {probe_name}"
            for field in NON_NEGATIVE:
                value = integer(probe.get(field))
                if value is not None and value < 0:
                    default = (
                        f" (0 means the default, {TIMING_DEFAULTS[field]})"
                        if TIMING_DEFAULTS[field]
                        else ""
                    )
                    yield ctx.violation(
                        (*ref.path, probe_name, field),
                        f"{where} {field} is {value}; the API server rejects"
                        f" negative values{default}",
                        severity="error",
                    )
            grace = integer(probe.get(GRACE))
            if grace is not None and grace <= 0:
                yield ctx.violation(
                    (*ref.path, probe_name, GRACE),
                    f"{where} {GRACE} is {grace}; the API server requires it"
                    " to be greater than 0 (omit it to use the pod's)",
                    severity="error",
                )
            timeout = effective(probe, "timeoutSeconds")
            period = effective(probe, "periodSeconds")
            if timeout is None or period is None or timeout <= period:
                continue  # a timeout equal to the period ends as the next probe is due
            field = "timeoutSeconds" if probe.get("timeoutSeconds") else "periodSeconds"
            shown_timeout = (
                f"{timeout}" if probe.get("timeoutSeconds") else f"{timeout} (the default)"
            )
            shown_period = f"{period}" if probe.get("periodSeconds") else f"{period} (the default)"
            yield ctx.violation(
                (*ref.path, probe_name, field),
                f"{where} timeoutSeconds {shown_timeout} is longer than"
                f" periodSeconds {shown_period}: a probe that hangs delays"
                " the next one, so the container is probed less often than"
                " configured and failures are detected late",
            )
