"""## What it does
Reports a CronJob without `spec.startingDeadlineSeconds`.

## Why is this bad?
`startingDeadlineSeconds` is how late a scheduled run may still start. Without it there is
no limit: when the CronJob controller misses schedules (the controller manager was down or
overloaded, the CronJob was suspended), it starts the most recent missed run as soon as it
can, however late that is. A nightly backup can start at noon, a job meant for a
maintenance window can run in business hours, and resuming a suspended CronJob
(`suspend: false`) starts a run immediately. With a deadline, a run that could not start
in time is skipped and the next schedule is awaited.

Without a deadline the controller also counts missed schedules since the last scheduled
time; above 100 it records a `TooManyMissedTimes` warning event. Before Kubernetes 1.21
(the old CronJob controller) it went further and stopped scheduling the CronJob
altogether ("Cannot determine if job needs to be started. Too many missed start time
(> 100)"): a short-interval CronJob suspended or unscheduled for a few hours never ran
again until its status was reset. A deadline bounds the count to the schedules within it.

Values under 10 seconds are risky (the controller checks every 10 seconds and may skip
every run); this rule only checks that a deadline is set. This is an informational
finding.

## Example
```yaml
apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
spec:
  schedule: "0 2 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: backup
              image: registry.example.com/backup:1.4
```

## Use instead
```yaml
apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
spec:
  schedule: "0 2 * * *"
  startingDeadlineSeconds: 3600
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: backup
              image: registry.example.com/backup:1.4
```

## References
- https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#deadline-for-delayed-job-start
- https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#cron-job-limitations
- https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-suspension
- Source notes 004 (controller): "CronJob 用于定期执行任务的控制器"
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import Manifest, RuleContext, Violation, rule


@rule(
    id="cronjob-deadline-missing",
    severity="info",
    kinds=("CronJob",),
    summary="a CronJob has no deadline for starting a missed run",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if not obj.is_kind("CronJob"):
        return
    spec = obj.get(("spec",))
    if not isinstance(spec, Mapping):
        return
    if spec.get("startingDeadlineSeconds") is None:
        yield ctx.violation(
            ("spec", "startingDeadlineSeconds"),
            f"CronJob {obj.display_name or '?'!r} has no startingDeadlineSeconds: a"
            " missed run starts however late the controller gets to it;"
            " set how late a run may still start",
        )
