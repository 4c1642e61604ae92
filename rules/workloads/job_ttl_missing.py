"""## What it does
Reports a Job without `spec.ttlSecondsAfterFinished`.

Only Jobs written as such are checked. A CronJob's `jobTemplate` is not: the CronJob
controller deletes the Jobs it created beyond `successfulJobsHistoryLimit` (default 3) and
`failedJobsHistoryLimit` (default 1), so they do not pile up. A Job that has
`metadata.ownerReferences` (exported from a cluster, created by a CronJob or an operator)
is skipped too, as are Helm and Argo CD hook Jobs (`helm.sh/hook`,
`argocd.argoproj.io/hook` annotations) with a fixed `metadata.name`: both tools delete a
hook's previous Job of that name before creating it again (`before-hook-creation` /
`BeforeHookCreation` is their default delete policy), so at most one finished Job is
left. A hook Job named only by `generateName` gets a new name on every run, so it is
skipped only when its delete policy removes it when it finishes (`hook-succeeded`,
`HookSucceeded`, ...).

## Why is this bad?
A finished Job is not deleted: the Job object and its completed or failed pods stay in the
API server (and the pods' logs on their nodes) until someone deletes them. Jobs created
repeatedly (by a pipeline, with `generateName`) pile up, slow down `kubectl get`, and
count against `count/jobs.batch` and `pods` quotas. With `ttlSecondsAfterFinished` the
TTL-after-finished controller deletes the Job, and its pods with it, that many seconds
after it completes or fails. Re-applying a Job with the same name also fails while the
old, finished one still exists (its pod template is immutable), which a TTL avoids.
The source notes (004, "controller") describe the Job as the controller for one-off tasks
that run to completion.

## Example
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: registry.example.com/migrate:2.1
```

## Use instead
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  ttlSecondsAfterFinished: 86400
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: registry.example.com/migrate:2.1
```

## References
- https://kubernetes.io/docs/concepts/workloads/controllers/ttlafterfinished/
- https://kubernetes.io/docs/concepts/workloads/controllers/job/#clean-up-finished-jobs-automatically
- https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#jobs-history-limits
- Source notes 004 (controller): "Job 用于运行一次性任务的控制器"
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import Manifest, RuleContext, Violation, rule

HOOKS = {
    "helm.sh/hook": "helm.sh/hook-delete-policy",
    "argocd.argoproj.io/hook": "argocd.argoproj.io/hook-delete-policy",
}


def _hook_cleaned_up(obj: Manifest) -> bool:
    """A hook Job that its tool deletes: by name before the next run, or when it ends."""
    annotations = obj.annotations
    for hook, policy_key in HOOKS.items():
        if not annotations.get(hook):
            continue
        name = obj.metadata.get("name")
        if isinstance(name, str) and name:
            return True
        policy = annotations.get(policy_key)
        if isinstance(policy, str) and (
            "succeeded" in policy.lower() or "failed" in policy.lower()
        ):
            return True
    return False


@rule(
    id="job-ttl-missing",
    severity="info",
    kinds=("Job",),
    summary="a Job is never cleaned up after it finishes",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if not obj.is_kind("Job"):
        return
    spec = obj.get(("spec",))
    if not isinstance(spec, Mapping):
        return
    if obj.metadata.get("ownerReferences"):
        return  # created by a CronJob or an operator, which cleans it up
    if _hook_cleaned_up(obj):
        return
    if spec.get("ttlSecondsAfterFinished") is None:
        yield ctx.violation(
            ("spec", "ttlSecondsAfterFinished"),
            f"Job {obj.display_name or '?'!r} has no ttlSecondsAfterFinished: the"
            " finished Job and its pods stay in the cluster until deleted by"
            " hand",
        )
