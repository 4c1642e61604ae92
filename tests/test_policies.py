"""Policies as code: kubelint Policy files (CEL and JSON Schema), ValidatingAdmissionPolicy
with bindings and params, `kubelint test`, and policy errors. Findings are asserted exactly
(rule, line, severity, message)."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kubelint.cli import main
from kubelint.lint import Linter, resolve_config
from kubelint.loader import load_text
from kubelint.model import SourceFile
from kubelint.plugins import PluginError
from kubelint.policies import PolicyError, load_policy_plugin
from tests.helpers import CORE_RULES, ROOT

EXAMPLES = ROOT / "examples" / "policies"
needs_cel = pytest.mark.skipif(
    importlib.util.find_spec("cel_expr_python") is None,
    reason="cel-expr-python has no wheels for this Python",
)


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def lint(policies: list[Path], manifests: str, filename: str = "m.yaml"):
    """Findings of the policies' rules only, as (rule, line, severity, message)."""
    config, registry = resolve_config(None, policies=[str(p) for p in policies])
    ids = {rule.id for rule in load_policy_plugin([str(p) for p in policies]).rules}
    config = dataclasses.replace(
        config,
        cli_enable=frozenset(ids | CORE_RULES),
        cli_disable=frozenset(set(registry.rules) - ids - CORE_RULES),
    )
    text = textwrap.dedent(manifests).lstrip("\n")
    findings = Linter(config, registry).run([load_text(text, SourceFile(filename, text))]).findings
    return [(f.rule, f.line, f.severity, f.message) for f in findings]


def policy(rules: str) -> str:
    return (
        "apiVersion: kubelint.dev/v1\nkind: Policy\nmetadata: {name: test}\nspec:\n"
        "  rules:\n" + textwrap.indent(textwrap.dedent(rules).strip("\n"), "    ") + "\n"
    )


# ---------------------------------------------------------------------------
# The worked example.


@needs_cel
def test_examples_policies_pass_their_tests(capsys):
    assert main(["test", str(EXAMPLES)]) == 0
    out = capsys.readouterr().out.splitlines()
    shown = [
        line.replace(
            str(EXAMPLES.relative_to(Path.cwd()))
            if EXAMPLES.is_relative_to(Path.cwd())
            else str(EXAMPLES),
            "D",
        )
        for line in out
    ]
    assert shown == [
        "PASS  D/tests/image-registry/fail-images.yaml",
        "PASS  D/tests/image-registry/pass-images.yaml",
        "PASS  D/tests/loadbalancer/fail-services.yaml",
        "PASS  D/tests/loadbalancer/pass-services.yaml",
        "PASS  D/tests/team-label/fail-workloads.yaml",
        "PASS  D/tests/team-label/pass-workloads.yaml",
        "6 passed, 0 failed (3 rules, 2 policy files)",
    ]


@needs_cel
def test_example_findings_point_at_the_fields(tmp_path):
    policies = [EXAMPLES / "company.yaml", EXAMPLES / "loadbalancer.yaml"]
    findings = lint(
        policies,
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              initContainers:
                - name: migrate
                  image: busybox:1.36
              containers:
                - name: web
                  image: registry.example.com/web:1.4.2
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: public, namespace: shop}
        spec:
          type: LoadBalancer
          ports: [{port: 443}]
        """,
    )
    assert findings == [
        (
            "team-label-required",
            3,
            "error",
            "workloads need a non-empty `team` label naming the owning team",
        ),
        (
            "image-registry-company",
            13,
            "error",
            "image busybox:1.36 is not from registry.example.com/",
        ),
        (
            "loadbalancer-namespaces-example-com",
            22,
            "error",
            "Service public is of type LoadBalancer in namespace shop; only ingress-* namespaces"
            " may expose one [loadbalancer-namespaces.example.com, binding"
            " loadbalancer-namespaces-binding]",
        ),
    ]


@needs_cel
def test_kubelint_test_reports_what_differs(tmp_path, capsys):
    directory = tmp_path / "policies"
    shutil.copytree(EXAMPLES, directory)
    case = directory / "tests" / "team-label" / "fail-workloads.yaml"
    text = case.read_text()
    # Drop the expectation on line 5 and expect a finding on line 4 instead.
    lines = text.splitlines()
    lines[4] = lines[4].split("#")[0].rstrip()
    lines[3] += "  # expect: team-label-required"
    case.write_text("\n".join(lines) + "\n")
    os.chdir(tmp_path)
    assert main(["test", "policies"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[4:8] == [
        "FAIL  policies/tests/team-label/fail-workloads.yaml",
        "      line 4: expected team-label-required, not reported",
        "      line 5: unexpected team-label-required: workloads need a non-empty `team` label"
        " naming the owning team",
        "PASS  policies/tests/team-label/pass-workloads.yaml",
    ]
    assert out[-1] == "5 passed, 1 failed (3 rules, 2 policy files)"


def test_kubelint_test_without_cases_is_an_error(tmp_path, capsys):
    write(
        tmp_path,
        "p.yaml",
        policy("""
        - id: a
          summary: s
          schema: {type: object}
        """),
    )
    assert main(["test", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"kubelint: error: {tmp_path}: no test cases; put example manifests with"
        " '# expect: RULE' comments under a tests/ directory\n"
    )


def test_kubelint_test_notes_rules_without_a_failing_case(tmp_path, capsys):
    write(
        tmp_path,
        "p.yaml",
        policy("""
        - id: named
          summary: objects need a name label
          schema: {properties: {metadata: {required: [labels]}}}
        """),
    )
    write(
        tmp_path,
        "tests/pass.yaml",
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: a, labels: {x: y}}
        """,
    )
    os.chdir(tmp_path)
    assert main(["test", "."]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "PASS  tests/pass.yaml",
        "note: rules with no failing example: named",
        "1 passed, 0 failed (1 rule, 1 policy file)",
    ]


# ---------------------------------------------------------------------------
# JSON Schema policies (no CEL needed).


def test_schema_policy_points_at_failing_and_missing_fields(tmp_path):
    path = write(
        tmp_path,
        "p.yaml",
        policy("""
        - id: replicas-bounded
          severity: warning
          summary: replicas out of range
          match: {kinds: [Deployment], apiGroups: [apps]}
          schema:
            properties:
              spec:
                required: [replicas, revisionHistoryLimit]
                properties:
                  replicas: {type: integer, minimum: 2, maximum: 50}
        """),
    )
    findings = lint(
        [path],
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: a}
        spec:
          replicas: 1
          selector: {}
        ---
        apiVersion: example.com/v1
        kind: Deployment
        metadata: {name: custom}
        spec: {}
        """,
    )
    assert findings == [
        (
            "replicas-bounded",
            4,
            "warning",
            "spec.revisionHistoryLimit: 'revisionHistoryLimit' is a required property",
        ),
        ("replicas-bounded", 5, "warning", "spec.replicas: 1 is less than the minimum of 2"),
    ]


def test_match_conditions(tmp_path):
    path = write(
        tmp_path,
        "p.yaml",
        policy("""
        - id: owner
          summary: no owner annotation
          match:
            kinds: ["*"]
            namespaces: ["team-*"]
            excludeNamespaces: [team-legacy]
            excludeNames: ["tmp-*"]
            labelSelector: {matchExpressions: [{key: tier, operator: In, values: [web]}]}
          message: add an owner annotation
          schema: {properties: {metadata: {required: [annotations]}}}
        """),
    )
    findings = lint(
        [path],
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: hit, namespace: team-a, labels: {tier: web}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: other-tier, namespace: team-a, labels: {tier: db}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: legacy, namespace: team-legacy, labels: {tier: web}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: tmp-x, namespace: team-a, labels: {tier: web}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: default-ns, labels: {tier: web}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: team-b, labels: {tier: web}}
        """,
    )
    assert findings == [("owner", 3, "error", "add an owner annotation")]


def test_name_globs_match_metadata_name_not_generate_name(tmp_path):
    """An object with only a generateName is named when it is created: ``names`` does
    not select it by its prefix, nor does ``excludeNames`` leave it out."""
    path = write(
        tmp_path,
        "p.yaml",
        policy("""
        - id: migrations
          summary: s
          match: {kinds: [Job], names: ["migrate-*"]}
          message: selected
          schema: {required: [absent]}
        - id: not-migrations
          summary: s
          match: {kinds: [Job], excludeNames: ["migrate-*"]}
          message: not excluded
          schema: {required: [absent]}
        """),
    )
    findings = lint(
        [path],
        """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: migrate-a}
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {generateName: migrate-}
        """,
    )
    assert findings == [
        ("migrations", 1, "error", "selected"),
        ("not-migrations", 5, "error", "not excluded"),
    ]


def test_policy_rules_are_listed_explained_and_configurable(tmp_path, capsys):
    write(
        tmp_path,
        "policies/p.yaml",
        policy("""
        - id: named
          severity: warning
          summary: object without a name label
          docs: |
            ## What it does
            Asks for a name label.
          schema: {properties: {metadata: {required: [labels]}}}
        """),
    )
    write(
        tmp_path,
        ".kubelint.yaml",
        """
        policies: [policies]
        rules:
          named: error
        """,
    )
    write(
        tmp_path,
        "m.yaml",
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: a}
        """,
    )
    os.chdir(tmp_path)
    assert main(["rules", "--format", "json"]) == 0
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["named"] == {
        "id": "named",
        "category": None,
        "severity": "warning",
        "enabled": True,
        "summary": "object without a name label",
        "fixable": False,
        "aliases": [],
        "kinds": None,
        "options": {},
        "controls": [],
    }
    assert main(["explain", "named"]) == 0
    assert capsys.readouterr().out == (
        "# named\n\nobject without a name label\n\nDefault severity: warning (a real risk"
        " that a reviewer would ask to change).\n\n"
        "## What it does\nAsks for a name label.\n\n"
        "Defined in the policy file `policies/p.yaml`.\n"
    )
    assert main(["check", "m.yaml", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(f["rule"], f["line"], f["severity"]) for f in report["findings"]] == [
        ("named", 3, "error")
    ]
    assert main(["check", "m.yaml", "--format", "sarif"]) == 1
    sarif = json.loads(capsys.readouterr().out)
    driver_rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert driver_rules["named"]["shortDescription"]["text"] == "object without a name label"
    # Policy rules have no page on kubelint's site; built-in rules link to theirs.
    assert "helpUri" not in driver_rules["named"]
    assert (
        driver_rules["restart-policy"]["helpUri"]
        == "https://github.com/kubelint/kubelint/blob/main/docs/rules/restart-policy.md"
    )


# ---------------------------------------------------------------------------
# Policy errors: exit 2 with the policy file's line.


@pytest.mark.parametrize(
    "text, message",
    [
        (
            policy("""
        - id: Bad_Id
          summary: s
          schema: {}
        - id: two
          summary: t
          shcema: {}
        """),
            "p.yaml:6:7: spec.rules.0.id: 'Bad_Id' does not match '^[a-z][a-z0-9]*(-[a-z0-9]+)*$'\n"
            "p.yaml:9:7: spec.rules.1: a rule has either validations (CEL) or schema (JSON Schema),"
            " not both or neither; message goes with schema\n"
            "p.yaml:11:7: spec.rules.1: unknown field 'shcema' (did you mean 'schema'?)",
        ),
        (
            policy("""
        - id: a
          summary: s
          schema: {type: objekt}
        """),
            "p.yaml:8:16: not a valid JSON Schema: 'objekt' is not valid under any of the given"
            " schemas",
        ),
        (
            policy("""
        - id: a
          summary: s
          schema: {}
        - id: a
          summary: again
          schema: {}
        """),
            "p.yaml:9:7: rule 'a' is defined twice (also in p.yaml:6)",
        ),
        (
            "apiVersion: kubelint.dev/v1\nkind: Policy\nmetadata: {name: p\n",
            "p.yaml:4:1: did not find expected ',' or '}' (while parsing a flow mapping) (policy"
            " file)",
        ),
        (
            "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\n"
            "metadata: {name: b}\nspec:\n  policyName: missing\n  validationActions: [Deny]\n",
            "p.yaml:5:3: binding 'b' names policy 'missing', which is not in the policy files"
            " (policies there: none)",
        ),
        (
            # A policy with only a generateName is named when it is created: a binding
            # cannot name it in advance, by its prefix or otherwise.
            "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\n"
            "metadata: {generateName: deny-}\nspec:\n  matchConstraints:\n"
            "    resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: [CREATE],"
            " resources: [configmaps]}]\n  validations: [{expression: 'false'}]\n---\n"
            "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\n"
            "metadata: {name: b}\nspec:\n  policyName: deny-\n  validationActions: [Deny]\n",
            "p.yaml:13:3: binding 'b' names policy 'deny-', which is not in the policy files"
            " (policies there: none)",
        ),
    ],
)
def test_policy_errors_name_the_line(tmp_path, capsys, text, message):
    (tmp_path / "p.yaml").write_text(text)
    os.chdir(tmp_path)
    assert main(["check", "--no-config", "--policies", "p.yaml", "p.yaml"]) == 2
    assert capsys.readouterr().err == f"kubelint: error: {message}\n"


def test_policy_rule_id_clashing_with_a_builtin_rule(tmp_path, capsys):
    write(
        tmp_path,
        "p.yaml",
        policy("""
        - id: restart-policy
          summary: mine
          schema: {}
        """),
    )
    os.chdir(tmp_path)
    assert main(["rules", "--policies", "p.yaml"]) == 2
    assert capsys.readouterr().err == (
        "kubelint: error: rule 'restart-policy' is defined twice: by 'kubelint.builtin' and"
        " by 'policies in p.yaml'\n"
    )


def test_missing_policy_paths(tmp_path, capsys):
    os.chdir(tmp_path)
    assert main(["check", "--no-config", "--policies", "nope", "."]) == 2
    assert (
        capsys.readouterr().err == "kubelint: error: --policies: no such file or directory: nope\n"
    )
    write(
        tmp_path,
        ".kubelint.yaml",
        """
        fail-level: error
        policies:
          - policies/
        """,
    )
    assert main(["check", "."]) == 2
    assert capsys.readouterr().err == (
        f"kubelint: error: {tmp_path / '.kubelint.yaml'}:3:5: policy file or directory"
        " 'policies/' not found\n"
    )


def test_policy_error_is_a_plugin_error():
    assert issubclass(PolicyError, PluginError)


# ---------------------------------------------------------------------------
# CEL policies.


@needs_cel
def test_cel_locations_and_messages(tmp_path):
    path = write(
        tmp_path,
        "p.yaml",
        policy("""
        - id: labels
          summary: no team label
          match: {kinds: [Deployment]}
          validations:
            - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
              message: add a team label
        - id: replicas
          severity: warning
          summary: too few replicas
          match: {kinds: [Deployment]}
          validations:
            - expression: "object.spec.replicas >= 2"
              messageExpression: "'replicas is ' + string(object.spec.replicas) + ', want 2'"
            - expression: "object.spec.template.spec.containers.size() <= 1"
              path: spec.template.spec.containers[1].name
        - id: no-latest
          summary: latest tag
          match: {podSpec: true}
          validations:
            - expression: "!podSpec.containers.exists(c, c.image.endsWith(':latest'))"
              messageExpression: "c.name + ' uses a latest tag'"
        """),
    )
    findings = lint(
        [path],
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels:
            app: web
        spec:
          replicas: 1
          template:
            spec:
              containers:
                - name: a
                  image: a:latest
                - name: b
                  image: b:1.0
                - name: c
                  image: c:latest
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: bare}
        spec: {}
        """,
    )
    assert findings == [
        ("labels", 5, "error", "add a team label"),
        ("replicas", 8, "warning", "replicas is 1, want 2"),
        ("no-latest", 13, "error", "a uses a latest tag"),
        (
            "replicas",
            14,
            "warning",
            "failed expression: object.spec.template.spec.containers.size() <= 1",
        ),
        ("no-latest", 17, "error", "c uses a latest tag"),
        ("labels", 21, "error", "add a team label"),
        (
            "replicas",
            22,
            "warning",
            "failed expression: object.spec.replicas >= 2 (the"
            " expression failed: no such key: replicas)",
        ),
        (
            "replicas",
            22,
            "warning",
            "failed expression: object.spec.template.spec.containers"
            ".size() <= 1 (the expression failed: no such key: template)",
        ),
    ]


@needs_cel
def test_cross_resource_policy_with_objects(tmp_path):
    path = write(
        tmp_path,
        "p.yaml",
        policy("""
        - id: pdb-required
          summary: no PodDisruptionBudget
          match: {kinds: [Deployment]}
          validations:
            - expression: >-
                objects.exists(o, o.kind == 'PodDisruptionBudget'
                  && o.spec.selector.matchLabels == object.spec.selector.matchLabels)
              message: no PodDisruptionBudget selects these pods
        """),
    )
    findings = lint(
        [path],
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: covered}
        spec:
          selector: {matchLabels: {app: covered}}
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: covered}
        spec:
          maxUnavailable: 1
          selector: {matchLabels: {app: covered}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: bare}
        spec:
          selector: {matchLabels: {app: bare}}
        """,
    )
    assert findings == [("pdb-required", 18, "error", "no PodDisruptionBudget selects these pods")]


@needs_cel
def test_cel_compile_error_names_the_expression_line(tmp_path, capsys):
    write(
        tmp_path,
        "p.yaml",
        policy("""
        - id: a
          summary: s
          validations:
            - expression: "object.spec.replicas >"
        """),
    )
    os.chdir(tmp_path)
    assert main(["rules", "--policies", "p.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "kubelint: error: p.yaml:9:11: column 1:23: Syntax error: mismatched"
        " input '<EOF>' expecting"
    )


# ---------------------------------------------------------------------------
# ValidatingAdmissionPolicy.

VAP = """
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replicas.example.com}
spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules:
      - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
    excludeResourceRules:
      - {apiGroups: [apps], apiVersions: [v1], operations: ["*"], resources: [deployments],
         resourceNames: [exempt]}
    namespaceSelector:
      matchExpressions: [{key: environment, operator: NotIn, values: [sandbox]}]
  matchConditions:
    - name: not-paused
      expression: "!has(object.spec.paused) || !object.spec.paused"
  variables:
    - name: limit
      expression: "int(params.data.maxReplicas)"
  validations:
    - expression: "object.spec.replicas <= variables.limit"
      messageExpression: >-
        'replicas ' + string(object.spec.replicas) + ' above ' + string(variables.limit)
    - expression: "authorizer.group('').resource('pods').check('create').allowed()"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: replicas-prod}
spec:
  policyName: replicas.example.com
  validationActions: [Warn, Audit]
  paramRef: {name: replica-limits, parameterNotFoundAction: Deny}
  matchResources:
    objectSelector: {matchLabels: {tier: web}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: replica-limits, namespace: shop}
data: {maxReplicas: "5"}
"""


@needs_cel
def test_validating_admission_policy_offline(tmp_path):
    path = write(tmp_path, "vap.yaml", VAP)
    findings = lint(
        [path],
        """
        apiVersion: v1
        kind: Namespace
        metadata: {name: play, labels: {environment: sandbox}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: big, namespace: shop, labels: {tier: web}}
        spec:
          replicas: 9
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: small, namespace: shop, labels: {tier: web}}
        spec: {replicas: 3}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: exempt, namespace: shop, labels: {tier: web}}
        spec: {replicas: 9}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: sandboxed, namespace: play, labels: {tier: web}}
        spec: {replicas: 9}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: paused, namespace: shop, labels: {tier: web}}
        spec: {replicas: 9, paused: true}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: batch, namespace: shop, labels: {tier: batch}}
        spec: {replicas: 9}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: elsewhere, namespace: other, labels: {tier: web}}
        spec: {replicas: 1}
        """,
    )
    assert findings == [
        (
            "replicas-example-com",
            9,
            "warning",
            "replicas 9 above 5 [replicas.example.com, binding replicas-prod]",
        ),
        (
            "replicas-example-com",
            36,
            "warning",
            "no parameters for ValidatingAdmissionPolicy replicas.example.com: the binding's"
            " ConfigMap replica-limits in namespace other is not in the policy files or the"
            " input, and parameterNotFoundAction is Deny, so the API server would reject the"
            " object",
        ),
    ]


@needs_cel
def test_unbound_policy_is_off_and_notes_say_why(tmp_path, capsys):
    text = VAP.split("---")[0]
    write(tmp_path, "vap.yaml", text)
    write(
        tmp_path,
        "m.yaml",
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: big, namespace: shop}
        spec: {replicas: 9}
        """,
    )
    os.chdir(tmp_path)
    assert main(["rules", "--policies", "vap.yaml"]) == 0
    assert [
        line
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("replicas-example-com")
    ] == [
        "replicas-example-com              error    off  -                  "
        "ValidatingAdmissionPolicy replicas.example.com denies the object"
    ]
    assert (
        main(
            [
                "check",
                "-v",
                "--no-config",
                "--policies",
                "vap.yaml",
                "m.yaml",
                "--disable",
                "all",
                "--enable",
                "replicas-example-com",
            ]
        )
        == 0
    )
    err = capsys.readouterr().err.splitlines()
    assert (
        "kubelint: vap.yaml: ValidatingAdmissionPolicy replicas.example.com: 1"
        " expression(s) use authorizer, which needs the cluster; they were not"
        " evaluated" in err
    )
    assert (
        "kubelint: vap.yaml: ValidatingAdmissionPolicy replicas.example.com has no"
        " binding in the policy files; like the API server, kubelint enforces it only"
        " through a binding" in err
    )


def test_cel_policy_without_the_cel_runtime(tmp_path):
    """Python 3.10 has no cel-expr-python wheels: a CEL policy is a clear error, and a JSON
    Schema policy still works. The interpreter is started with the package hidden."""
    write(
        tmp_path,
        "cel.yaml",
        policy("""
        - id: a
          summary: s
          validations: [{expression: "true"}]
        """),
    )
    write(
        tmp_path,
        "schema.yaml",
        policy("""
        - id: b
          summary: s
          schema: {required: [metadata]}
        """),
    )
    program = (
        "import sys; sys.modules['cel_expr_python'] = None\n"
        "from kubelint.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    run = [sys.executable, "-c", program, "rules", "--policies"]
    cel = subprocess.run([*run, "cel.yaml"], cwd=tmp_path, capture_output=True, text=True)
    assert cel.returncode == 2
    assert cel.stderr == (
        "kubelint: error: cel.yaml:8:22: CEL expressions need the cel-expr-python package,"
        " which supports Python 3.11 and newer; install it (pip install cel-expr-python) or"
        " use JSON Schema policies\n"
    )
    schema = subprocess.run([*run, "schema.yaml"], cwd=tmp_path, capture_output=True, text=True)
    assert schema.returncode == 0, schema.stderr


# ---------------------------------------------------------------------------
# ValidatingAdmissionPolicy: what the API server would refuse is a policy error.

VAP_HEAD = (
    "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\n"
    "metadata: {name: p.example.com}\n"
)
RULES = (
    "  matchConstraints:\n    resourceRules: [{apiGroups: [apps], apiVersions: [v1],"
    " operations: [CREATE], resources: [deployments]}]\n"
)
BINDING = (
    "---\napiVersion: admissionregistration.k8s.io/v1\n"
    "kind: ValidatingAdmissionPolicyBinding\nmetadata: {name: b}\n"
)


@needs_cel
@pytest.mark.parametrize(
    "text, message",
    [
        (VAP_HEAD + "spec: [1, 2]\n", "p.yaml:4:1: spec is a list; expected a mapping"),
        (
            VAP_HEAD + "spec:\n" + RULES + "  validations: {expression: 'true'}\n",
            "p.yaml:7:3: spec.validations is a mapping; expected a list",
        ),
        (
            VAP_HEAD + "spec:\n" + RULES + "  validations: [{expression: 5}]\n",
            "p.yaml:7:18: spec.validations[0].expression is 5; expected a string",
        ),
        (
            VAP_HEAD + "spec:\n" + RULES + "  validations:\n"
            "    - {expression: 'object.spec.replicas > 1', fieldPath: spec.replicas}\n",
            "p.yaml:8:48: unknown field 'spec.validations[0].fieldPath' (fieldPath belongs to CRD"
            " validation rules; the API server rejects it here, and kubelint reports at the field"
            " the expression names)",
        ),
        (
            VAP_HEAD + "spec:\n  validations: [{expression: 'true'}]\n",
            "p.yaml:4:1: spec.matchConstraints.resourceRules: required (at least one rule, saying"
            " which resources the policy checks)",
        ),
        (
            VAP_HEAD + "spec:\n  failurePolicy: fail\n  matchConstraints:\n    resourceRules:\n"
            "      - {apiGroups: [apps], apiVersions: [], operations: [PATCH], resources: [pods]}\n"
            "  variables: [{name: my-limit, expression: '1'}]\n"
            "  validations: [{expression: 'true', message: ' '}]\n",
            "p.yaml:5:3: spec.failurePolicy: 'fail' is not supported; expected one of Fail,"
            " Ignore\n"
            "p.yaml:8:29: spec.matchConstraints.resourceRules[0].apiVersions: required (at least"
            " one"
            " value ('*' for all))\n"
            "p.yaml:8:59: spec.matchConstraints.resourceRules[0].operations[0]: 'PATCH' is not"
            " supported; expected one of *, CREATE, UPDATE, DELETE, CONNECT\n"
            "p.yaml:9:16: spec.variables[0].name: 'my-limit' is not a CEL identifier (letters,"
            " digits and _)\n"
            "p.yaml:10:38: spec.validations[0].message: must be non-empty if specified",
        ),
        (
            VAP_HEAD + "spec:\n" + RULES + "  validations: [{expression: 'params.max > 1'}]\n",
            "p.yaml:7:18: column 1:7: undeclared reference to 'params.max' (in container '')",
        ),
        (
            VAP_HEAD
            + "spec:\n"
            + RULES
            + "  validations: [{expression: 'true'}]\n"
            + BINDING
            + "spec:\n  validationActions: [Deny]\n",
            "p.yaml:12:1: missing required field 'policyName' in spec",
        ),
        (
            VAP_HEAD
            + "spec:\n"
            + RULES
            + "  validations: [{expression: 'true'}]\n"
            + BINDING
            + "spec:\n  policyName: p.example.com\n  validationActions: [Deny, Warn]\n"
            "  paramRef: {name: limits, selector: {}, parameterNotFoundAction: Skip}\n",
            "p.yaml:14:3: spec.validationActions: must not contain both Deny and Warn\n"
            "p.yaml:15:28: spec.paramRef: name and selector are mutually exclusive\n"
            "p.yaml:15:42: spec.paramRef.parameterNotFoundAction: 'Skip' is not supported; expected"
            " one of Allow, Deny",
        ),
        # Null is absent, as the API server decodes it; an absent mapping reports what it lacks.
        (
            VAP_HEAD + "spec:\n  failurePolicy: null\n  matchConstraints: null\n"
            "  paramKind: {apiVersion: v1}\n  variables: [{name: '  ', expression: '1'}]\n"
            "  validations: [{expression: ' ', reason: Teapot}]\n",
            "p.yaml:6:3: spec.matchConstraints.resourceRules: required (at least one rule, saying"
            " which resources the policy checks)\n"
            "p.yaml:7:3: spec.paramKind.kind: required\n"
            "p.yaml:8:16: spec.variables[0].name: required\n"
            "p.yaml:9:18: spec.validations[0].expression: required (a non-empty CEL expression)\n"
            "p.yaml:9:35: spec.validations[0].reason: 'Teapot' is not supported; expected one of"
            " Unauthorized, Forbidden, Invalid, RequestEntityTooLarge",
        ),
        (
            BINDING.removeprefix("---\n") + "spec:\n  policyName: ''\n"
            "  validationActions: [Bogus, Bogus, Audit, Audit]\n  paramRef:\n    selector:\n"
            "      matchExpressions: [{key: '', operator: Exists, values: [a]},"
            " {key: k, operator: In}]\n"
            "  matchResources:\n    resourceRules:\n"
            "      - {apiGroups: ['*', apps], apiVersions: [v1], resources: [pods],"
            " scope: Everywhere}\n",
            "p.yaml:5:3: spec.policyName: required (the name of the policy to bind)\n"
            "p.yaml:6:23: spec.validationActions[0]: 'Bogus' is not supported; expected one of"
            " Deny,"
            " Warn, Audit\n"
            "p.yaml:6:30: spec.validationActions[1]: 'Bogus' is not supported; expected one of"
            " Deny,"
            " Warn, Audit\n"
            "p.yaml:6:44: spec.validationActions[3]: duplicate action 'Audit'\n"
            "p.yaml:9:27: spec.paramRef.selector.matchExpressions[0].key: required\n"
            "p.yaml:9:54: spec.paramRef.selector.matchExpressions[0].values: must be empty for"
            " Exists\n"
            "p.yaml:9:68: spec.paramRef.selector.matchExpressions[1].values: required (at least one"
            " value for In)\n"
            "p.yaml:12:9: spec.matchResources.resourceRules[0].operations: required (at least one"
            " value ('*' for all))\n"
            "p.yaml:12:10: spec.matchResources.resourceRules[0].apiGroups: if '*' is present, it"
            " must"
            " be the only value\n"
            "p.yaml:12:72: spec.matchResources.resourceRules[0].scope: 'Everywhere' is not"
            " supported;"
            " expected one of *, Cluster, Namespaced",
        ),
        (
            VAP_HEAD
            + "spec:\n"
            + RULES
            + "  validations: [{expression: 'true'}]\n---\n"
            + VAP_HEAD
            + "spec:\n"
            + RULES
            + "  validations: [{expression: 'false'}]\n",
            "p.yaml:11:12: ValidatingAdmissionPolicy 'p.example.com' is defined twice (also at"
            " p.yaml:3:12)",
        ),
        (
            VAP_HEAD.replace("/v1", "/v2") + "spec: {}\n",
            "p.yaml:1:1: Kubernetes serves no ValidatingAdmissionPolicy as"
            " admissionregistration.k8s.io/v2; use admissionregistration.k8s.io/v1",
        ),
        (
            "apiVersion: kubelint.dev/v1beta1\nkind: Policy\nmetadata: {name: p}\nspec: {}\n",
            "p.yaml:1:1: kubelint.dev/v1beta1 Policy is not a kubelint policy; policy files hold"
            " apiVersion kubelint.dev/v1, kind Policy",
        ),
        (
            policy("""
        - id: a
          summary: s
          match: {labelSelector: {matchExpressions: [{key: tier, operator: In}]}}
          schema: {}
        """),
            "p.yaml:8:50: spec.rules.0.match.labelSelector.matchExpressions.0: 'values' is a"
            " required property",
        ),
    ],
)
def test_policy_files_the_api_server_would_refuse(tmp_path, capsys, text, message):
    (tmp_path / "p.yaml").write_text(text)
    os.chdir(tmp_path)
    assert main(["check", "--no-config", "--policies", "p.yaml", "p.yaml"]) == 2
    assert capsys.readouterr().err == f"kubelint: error: {message}\n"


def test_admission_overlay_is_a_valid_schema():
    import jsonschema

    schema = json.loads((ROOT / "schemas" / "admission.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)


@needs_cel
def test_kubelint_test_with_an_unusable_policy_exits_2(tmp_path, capsys):
    write(tmp_path, "p.yaml", VAP_HEAD + "spec: [1, 2]\n")
    write(
        tmp_path,
        "tests/case.yaml",
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: a}
        """,
    )
    os.chdir(tmp_path)
    assert main(["test", "."]) == 2
    assert (
        capsys.readouterr().err
        == "kubelint: error: p.yaml:4:1: spec is a list; expected a mapping\n"
    )


# ---------------------------------------------------------------------------
# ValidatingAdmissionPolicy: the API server's semantics.


def vap(name: str, spec: str, binding: str = "validationActions: [Deny]") -> str:
    """A policy named ``name`` with ``spec`` (YAML, indented by 2) and one binding."""
    return (
        f"apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\n"
        f"metadata: {{name: {name}}}\nspec:\n"
        + textwrap.indent(textwrap.dedent(spec).strip("\n"), "  ")
        + "\n"
        + BINDING.replace("{name: b}", f"{{name: {name}-b}}")
        + f"spec:\n  policyName: {name}\n"
        + textwrap.indent(textwrap.dedent(binding).strip("\n"), "  ")
        + "\n---\n"
    )


DEPLOYMENTS = """
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: no-paused, namespace: shop}
    spec:
      replicas: 9
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: paused, namespace: shop}
    spec:
      paused: false
      replicas: 9
    """


@needs_cel
def test_vap_failure_policy_decides_what_errors_do(tmp_path):
    spec = """
        {failure}
        matchConstraints:
          resourceRules: [{{apiGroups: [apps], apiVersions: [v1], operations: [CREATE],
                            resources: [deployments]}}]
        matchConditions:
          - {{name: not-paused, expression: "object.spec.paused == false"}}
        validations:
          - {{expression: "object.spec.replicas < 5", message: too many replicas}}
          - {{expression: "object.spec.minReadySeconds > 0", message: set minReadySeconds}}
        """
    path = write(
        tmp_path,
        "vap.yaml",
        vap("fail.example.com", spec.format(failure="failurePolicy: Fail"))
        + vap("ignore.example.com", spec.format(failure="failurePolicy: Ignore")),
    )
    assert lint([path], DEPLOYMENTS) == [
        # The matchCondition fails to evaluate (no paused): Fail rejects, Ignore skips.
        (
            "fail-example-com",
            4,
            "error",
            "matchConditions 'not-paused' failed to evaluate: no such key: paused; with"
            " failurePolicy Fail the API server rejects the object [fail.example.com, binding"
            " fail.example.com-b]",
        ),
        # A false validation is a finding under either policy; an error only under Fail.
        (
            "fail-example-com",
            10,
            "error",
            "set minReadySeconds (the expression failed: no such key: minReadySeconds)"
            " [fail.example.com, binding fail.example.com-b]",
        ),
        (
            "fail-example-com",
            12,
            "error",
            "too many replicas [fail.example.com, binding fail.example.com-b]",
        ),
        (
            "ignore-example-com",
            12,
            "error",
            "too many replicas [ignore.example.com, binding ignore.example.com-b]",
        ),
    ]


@needs_cel
def test_vap_missing_parameters_follow_failure_policy(tmp_path):
    spec = """
        {failure}
        paramKind: {{apiVersion: v1, kind: ConfigMap}}
        matchConstraints:
          resourceRules: [{{apiGroups: ["*"], apiVersions: ["*"], operations: [CREATE],
                            resources: ["*"]}}]
        validations: [{{expression: "params.data.allowed == 'yes'"}}]
        """
    binding = """
        validationActions: [Deny]
        paramRef: {name: settings, parameterNotFoundAction: Deny}
        """
    path = write(
        tmp_path,
        "vap.yaml",
        vap("fail.example.com", spec.format(failure=""), binding)
        + vap("ignore.example.com", spec.format(failure="failurePolicy: Ignore"), binding),
    )
    findings = lint(
        [path],
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: s, namespace: shop}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: reader}
        """,
    )
    assert findings == [
        (
            "fail-example-com",
            1,
            "error",
            "no parameters for ValidatingAdmissionPolicy fail.example.com: the binding's"
            " ConfigMap settings in namespace shop is not in the policy files or the input, and"
            " parameterNotFoundAction is Deny, so the API server would reject the object",
        ),
        # A namespaced paramKind without paramRef.namespace cannot serve a cluster-scoped
        # object: a configuration error, which failurePolicy decides too.
        (
            "fail-example-com",
            5,
            "error",
            "ValidatingAdmissionPolicy fail.example.com: the binding cannot find its parameters:"
            " paramRef has no namespace, and ClusterRole reader is cluster-scoped: it has no"
            " namespace to look up the ConfigMap in; with failurePolicy Fail the API server"
            " rejects the object",
        ),
    ]


@needs_cel
def test_vap_resource_rules_as_the_api_server_matches_them(tmp_path):
    def policy_for(name: str, rules: str, extra: str = "", binding: str = "") -> str:
        return vap(
            name,
            f"""
            matchConstraints:
              {extra}
              resourceRules: [{rules}]
            validations: [{{expression: "false", message: matched}}]
            """,
            "validationActions: [Deny]\n" + binding,
        )

    path = write(
        tmp_path,
        "vap.yaml",
        "".join(
            [
                policy_for(
                    "subresources",
                    "{apiGroups: [apps], apiVersions: [v1], operations: [CREATE],"
                    " resources: [deployments/*]}",
                ),
                policy_for(
                    "scale-only",
                    "{apiGroups: [apps], apiVersions: [v1], operations: [CREATE],"
                    " resources: [deployments/scale]}",
                ),
                policy_for(
                    "everything",
                    "{apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*/*']}",
                ),
                policy_for(
                    "other-version",
                    "{apiGroups: [apps], apiVersions: [v1beta2], operations:"
                    " [CREATE], resources: [deployments]}",
                ),
                policy_for(
                    "other-version-exact",
                    "{apiGroups: [apps], apiVersions: [v1beta2],"
                    " operations: [CREATE], resources: [deployments]}",
                    extra="matchPolicy: Exact",
                ),
                policy_for(
                    "named",
                    "{apiGroups: [apps], apiVersions: [v1], operations: [CREATE],"
                    " resources: [deployments], resourceNames: [web]}",
                    binding="matchResources: {resourceRules: []}",
                ),
            ]
        ),
    )
    findings = lint(
        [path],
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {generateName: web}
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicyBinding
        metadata: {name: exempt}
        spec: {policyName: x, validationActions: [Deny]}
        """,
    )
    suffix = " [{0}, binding {0}-b]".format
    assert findings == [
        ("everything", 1, "error", "matched" + suffix("everything")),
        ("named", 1, "error", "matched" + suffix("named")),
        ("other-version", 1, "error", "matched" + suffix("other-version")),
        ("subresources", 1, "error", "matched" + suffix("subresources")),
        # An object with only a generateName has no name resourceNames could match.
        ("everything", 5, "error", "matched" + suffix("everything")),
        ("other-version", 5, "error", "matched" + suffix("other-version")),
        ("subresources", 5, "error", "matched" + suffix("subresources")),
    ]


@needs_cel
def test_vap_namespace_labels_from_the_policy_files(tmp_path):
    path = write(
        tmp_path,
        "vap.yaml",
        vap(
            "prod-only",
            """
        matchConstraints:
          resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE],
                           resources: [configmaps, namespaces]}]
          namespaceSelector: {matchLabels: {env: prod}}
        validations: [{expression: "false", message: prod object}]
        """,
        )
        + "apiVersion: v1\nkind: Namespace\nmetadata: {name: live, labels: {env: prod}}\n",
    )
    findings = lint(
        [path],
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: a, namespace: live}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: b, namespace: test}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: other, labels: {env: prod}}
        """,
    )
    assert findings == [
        ("prod-only", 1, "error", "prod object [prod-only, binding prod-only-b]"),
        ("prod-only", 9, "error", "prod object [prod-only, binding prod-only-b]"),
    ]


@needs_cel
def test_vap_namespace_name_label_is_the_name_not_a_generate_name(tmp_path):
    """A Namespace's kubernetes.io/metadata.name label is its name; one with only a
    generateName is named on creation, so a selector on the prefix does not match it
    (while Exists does: the API server sets the label either way)."""
    path = write(
        tmp_path,
        "vap.yaml",
        vap(
            "by-name",
            """
        matchConstraints:
          resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE],
                           resources: [namespaces]}]
          namespaceSelector:
            matchExpressions: [{key: kubernetes.io/metadata.name, operator: In,
                                values: [team-, team-a]}]
        validations: [{expression: "false", message: selected}]
        """,
        )
        + vap(
            "labelled",
            """
        matchConstraints:
          resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE],
                           resources: [namespaces]}]
          namespaceSelector:
            matchExpressions: [{key: kubernetes.io/metadata.name, operator: Exists}]
        validations: [{expression: "false", message: labelled}]
        """,
        ),
    )
    findings = lint(
        [path],
        """
        apiVersion: v1
        kind: Namespace
        metadata: {name: team-a}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {generateName: team-}
        """,
    )
    assert findings == [
        ("by-name", 1, "error", "selected [by-name, binding by-name-b]"),
        ("labelled", 1, "error", "labelled [labelled, binding labelled-b]"),
        ("labelled", 5, "error", "labelled [labelled, binding labelled-b]"),
    ]


@needs_cel
def test_vap_variables_errors_and_authorizer(tmp_path, capsys):
    path = write(
        tmp_path,
        "vap.yaml",
        vap(
            "vars",
            """
        matchConstraints:
          resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE],
                           resources: [deployments]}]
        variables:
          - {name: limit, expression: "int(object.metadata.annotations['max'])"}
          - {name: admin, expression: "authorizer.group('').resource('pods').check('create')
              .allowed()"}
          - {name: privileged, expression: "variables.admin && true"}
        validations:
          - expression: "object.spec.replicas <= variables.limit"
          - expression: "variables.privileged || object.spec.replicas < 3"
          - expression: "object.spec.template.spec.containers.all(c, c.image.contains('/'))"
            messageExpression: "'line one\\\\nline two'"
            message: images need a registry
        """,
        ),
    )
    findings = lint(
        [path],
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 4
          template:
            spec:
              containers:
                - {name: a, image: r.io/a}
                - {name: b, image: b}
                - {name: c, image: c}
        """,
    )
    assert findings == [
        (
            "vars",
            5,
            "error",
            "failed expression: object.spec.replicas <= variables.limit (the"
            " expression failed: variables.limit: no such key: annotations) [vars, binding"
            " vars-b]",
        ),
        ("vars", 10, "error", "images need a registry [vars, binding vars-b]"),
    ]
    write(tmp_path, "m.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    os.chdir(tmp_path)
    assert (
        main(
            [
                "check",
                "-v",
                "--no-config",
                "--policies",
                "vap.yaml",
                "m.yaml",
                "--disable",
                "all",
                "--enable",
                "vars",
            ]
        )
        == 0
    )
    assert (
        "kubelint: vap.yaml: ValidatingAdmissionPolicy vars: 3 expression(s) use"
        " authorizer, which needs the cluster; they were not evaluated"
        in capsys.readouterr().err.splitlines()
    )


# ---------------------------------------------------------------------------
# Where findings point.


@needs_cel
def test_findings_point_at_the_deciding_field(tmp_path):
    path = write(
        tmp_path,
        "p.yaml",
        policy("""
        - id: guard
          summary: s
          validations:
            - expression: "object.spec.template.spec.containers.all(c,
                !has(c.securityContext) || !c.securityContext.privileged)"
              messageExpression: "c.name + ' is privileged'"
        - id: both
          summary: s
          validations:
            - expression: "object.metadata.labels.app == object.spec.selector.matchLabels.app
                && object.spec.replicas > 3"
              message: too few replicas
        - id: ternary
          summary: s
          validations:
            - expression: "object.spec.replicas > 1 ? true
                : object.spec.template.spec.hostNetwork == false"
              message: host network with one replica
        - id: limits
          summary: s
          validations:
            - expression: "containers.all(c, !has(c.resources)
                || quantity(c.resources.limits.cpu).compareTo(quantity('1')) <= 0)"
              message: over one CPU
        - id: label-keys
          summary: s
          validations:
            - expression: "object.metadata.labels.all(k, !k.contains('.'))"
              message: dotted label key
        """),
    )
    findings = lint(
        [path],
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels:
            app: web
            app.kubernetes.io/name: web
        spec:
          replicas: 1
          selector:
            matchLabels: {app: web}
          template:
            spec:
              hostNetwork: true
              containers:
                - name: a
                  securityContext:
                    privileged: true
                - name: b
                  resources:
                    limits: {cpu: "2"}
        """,
    )
    assert findings == [
        ("label-keys", 7, "error", "dotted label key"),
        ("both", 9, "error", "too few replicas"),
        ("ternary", 14, "error", "host network with one replica"),
        ("guard", 18, "error", "a is privileged"),
        ("limits", 21, "error", "over one CPU"),
    ]


# ---------------------------------------------------------------------------
# kubelint test: what a failing case prints.


@needs_cel
def test_kubelint_test_explains_expectations_that_cannot_be_met(tmp_path, capsys):
    write(
        tmp_path,
        "team/policy.yaml",
        policy("""
        - id: need-team
          severity: warning
          summary: no team label
          validations:
            - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
              message: add a team label
        """),
    )
    write(
        tmp_path,
        "team/tests/deep/nested/cases.yaml",
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: a
          labels: {x: y}          # expect: need-team:warning
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: b
          labels: {x: y}          # expect: need-tem
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: c
          labels: {x: y}          # expect: need-team:fatal
        """,
    )
    write(
        tmp_path,
        "team/tests/broken.yaml",
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: a
        """,
    )
    write(
        tmp_path,
        "team/tests/expected-broken.yaml",
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: a}
        data:
          a: b
           c: d      # expect: yaml-syntax
        """,
    )
    os.chdir(tmp_path)
    assert main(["test", "team"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "FAIL  team/tests/broken.yaml",
        "      line 4: unexpected yaml-syntax: did not find expected ',' or '}' (while parsing"
        " a flow mapping)",
        "FAIL  team/tests/deep/nested/cases.yaml",
        "      line 11: expected need-tem, not reported (no policy defines 'need-tem'; did you"
        " mean 'need-team'?)",
        "      line 17: expected need-team:fatal, not reported (severity 'fatal' is none of"
        " error, warning, info)",
        "      line 11: unexpected need-team: add a team label",
        "      line 17: unexpected need-team:warning: add a team label",
        "PASS  team/tests/expected-broken.yaml",
        "1 passed, 2 failed (1 rule, 1 policy file)",
    ]


@needs_cel
def test_vap_namespace_object_of_a_namespace_the_input_lacks(tmp_path):
    path = write(
        tmp_path,
        "vap.yaml",
        vap(
            "ns",
            """
        matchConstraints:
          resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE],
                           resources: [configmaps]}]
        validations:
          - expression: "namespaceObject.metadata.?labels.?team.hasValue()"
            messageExpression: "'namespace ' + namespaceObject.metadata.name + ' ('
              + namespaceObject.metadata.labels['kubernetes.io/metadata.name'] + ', '
              + namespaceObject.status.phase + ') has no team label'"
        """,
        ),
    )
    assert lint(
        [path],
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: a, namespace: shop}
        """,
    ) == [("ns", 1, "error", "namespace shop (shop, Active) has no team label [ns, binding ns-b]")]


def test_kubelint_test_without_rules_is_an_error(tmp_path, capsys):
    write(tmp_path, "values.yaml", "replicas: 3\n")
    write(tmp_path, "tests/case.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    os.chdir(tmp_path)
    assert main(["test", "."]) == 2
    assert capsys.readouterr().err == (
        "kubelint: error: .: its policy files (values.yaml) define no rules: no kubelint"
        " Policy nor ValidatingAdmissionPolicy\n"
    )


@needs_cel
def test_vap_audit_annotations_are_compiled_not_evaluated(tmp_path, capsys):
    spec = """
        matchConstraints:
          resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE],
                           resources: [configmaps]}]
        auditAnnotations:
          - {key: size, valueExpression: "string(size(object.data))"}
        """
    write(tmp_path, "vap.yaml", vap("audit", spec))
    write(
        tmp_path,
        "bad.yaml",
        vap("audit", spec.replace("string(size(object.data))", "string(size(object.data)")),
    )
    write(tmp_path, "m.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    os.chdir(tmp_path)
    assert (
        main(
            [
                "check",
                "-v",
                "--no-config",
                "--policies",
                "vap.yaml",
                "m.yaml",
                "--disable",
                "all",
                "--enable",
                "audit",
            ]
        )
        == 0
    )
    assert (
        "kubelint: vap.yaml: ValidatingAdmissionPolicy audit: 1 auditAnnotations only"
        " annotate the audit event; they were compiled, not evaluated"
        in capsys.readouterr().err.splitlines()
    )
    assert main(["check", "--no-config", "--policies", "bad.yaml", "m.yaml"]) == 2
    assert capsys.readouterr().err == (
        "kubelint: error: bad.yaml:9:19: column 1:25: Syntax error: missing ')' at '<EOF>'\n"
    )


@needs_cel
def test_policy_directory_skips_its_test_cases(tmp_path, capsys):
    """--policies DIR takes the policy files kubelint test takes: a test case's broken YAML
    or Namespace is not part of the policies."""
    write(
        tmp_path,
        "policies/vap.yaml",
        vap(
            "prod-only",
            """
        matchConstraints:
          resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE],
                           resources: [configmaps]}]
          namespaceSelector: {matchLabels: {env: prod}}
        validations: [{expression: "false", message: prod object}]
        """,
        ),
    )
    write(
        tmp_path,
        "policies/tests/case.yaml",
        """
        apiVersion: v1
        kind: Namespace
        metadata: {name: live, labels: {env: prod}}
        ---
        apiVersion: v1                        # expect: prod-only
        kind: ConfigMap
        metadata: {name: a, namespace: live}
        """,
    )
    write(tmp_path, "policies/tests/broken.yaml", "metadata: {name: a\n")
    write(
        tmp_path,
        "m.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: live}\n",
    )
    os.chdir(tmp_path)
    assert (
        main(
            [
                "check",
                "--no-config",
                "--policies",
                "policies",
                "m.yaml",
                "--disable",
                "all",
                "--enable",
                "prod-only",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["test", "policies"]) == 1
    assert capsys.readouterr().out.splitlines()[:3] == [
        "FAIL  policies/tests/broken.yaml",
        "      line 2: unexpected yaml-syntax: did not find expected ',' or '}' (while parsing"
        " a flow mapping)",
        "PASS  policies/tests/case.yaml",
    ]


def test_policy_documents_are_validated_when_linted(tmp_path, capsys):
    """A Policy document in the linted input is checked against the policy schema, so an
    editor shows a policy file's mistakes while it is written."""
    write(
        tmp_path,
        "p.yaml",
        policy("""
        - id: a
          summary: s
          shcema: {}
        """),
    )
    os.chdir(tmp_path)
    assert main(["check", "--no-config", "p.yaml"]) == 1
    assert capsys.readouterr().out.splitlines()[:2] == [
        "p.yaml:6:7: error schema spec.rules[0]: a rule has either validations (CEL) or schema"
        " (JSON Schema), not both or neither; message goes with schema",
        "p.yaml:8:7: error schema unknown field 'spec.rules[0].shcema'; did you mean 'schema'?",
    ]
    assert main(["check", "--no-config", str(EXAMPLES / "company.yaml")]) == 0


def test_check_skips_the_test_cases_of_configured_policy_directories(tmp_path, capsys):
    """The cases under a policy directory's tests/ fail on purpose: `kubelint check .` of a
    repository that configures the directory lints the policies, not those cases."""
    shutil.copytree(EXAMPLES, tmp_path / "policies")
    write(tmp_path, ".kubelint.yaml", "policies: [policies]\n")
    os.chdir(tmp_path)
    assert main(["check", "--format", "json", "."]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["findings"] == []
    assert report["summary"]["files"] == 2  # company.yaml and loadbalancer.yaml
    assert main(["test", "policies"]) == 0


VAP_WITH = (
    "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\n"
    "metadata: {{name: p.example.com}}\nspec:\n{spec}"
)


@pytest.mark.parametrize(
    ("spec", "where"),
    [
        (
            "  matchConstraints:\n    resourceRules: [null]\n"
            "  validations: [{expression: 'true'}]\n",
            "6:21",
        ),
        ("  validations: [null]\n", "5:17"),
        ("  validations: [{expression: 'true'}]\n  matchConditions: [null]\n", "6:21"),
        ("  validations: [{expression: 'true'}]\n  variables: [null]\n", "6:15"),
        (
            "  validations: [{expression: 'true'}]\n  matchConstraints:\n"
            "    resourceRules: [{apiGroups: [null], apiVersions: ['*'], resources: ['*'],"
            " operations: [CREATE]}]\n",
            "7:34",
        ),
    ],
)
def test_a_null_list_item_in_an_admission_policy_is_a_policy_error(tmp_path, capsys, spec, where):
    (tmp_path / "p.yaml").write_text(VAP_WITH.format(spec=spec))
    os.chdir(tmp_path)
    assert main(["check", "--no-config", "--policies", "p.yaml", "p.yaml"]) == 2
    assert capsys.readouterr().err == (
        f"kubelint: error: p.yaml:{where}: a null item in a list; remove it or fill it in\n"
    )


def test_a_ref_outside_a_policy_schema_is_never_fetched(tmp_path, capsys):
    """http:// and file:// refs are a policy error; kubelint never fetches (an
    unreachable URL made every object an internal-error)."""
    for ref in ("http://127.0.0.1:9/team.json", "file:///etc/passwd"):
        (tmp_path / "p.yaml").write_text(
            policy(f"""
            - id: a
              summary: s
              schema:
                properties:
                  metadata: {{$ref: "{ref}"}}
            """)
        )
        os.chdir(tmp_path)
        assert main(["check", "--no-config", "--policies", "p.yaml", "p.yaml"]) == 2
        assert capsys.readouterr().err == (
            f"kubelint: error: p.yaml:10:22: $ref '{ref}' is outside the schema; kubelint"
            " never fetches schemas (put it under $defs and refer to #/$defs/...)\n"
        )


def test_schema_patterns_run_in_linear_time(tmp_path, capsys):
    """`^(a+)+$` against 35 a's and an "x" ran past a minute in Python's re; the policy's
    patterns now run on a linear engine, and one it cannot run is a policy error."""
    rule = """
        - id: name-shape
          summary: names are a's
          schema:
            properties:
              metadata:
                properties:
                  name: {pattern: "PATTERN"}
        """
    write(tmp_path, "p.yaml", policy(rule.replace("PATTERN", "^(a+)+$")))
    (tmp_path / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + "a" * 35 + "x\n"
    )
    os.chdir(tmp_path)
    assert (
        main(
            [
                "check",
                "--no-config",
                "--no-color",
                "--policies",
                "p.yaml",
                "--disable",
                "all",
                "--enable",
                "name-shape",
                "cm.yaml",
            ]
        )
        == 1
    )
    assert capsys.readouterr().out.startswith(
        "cm.yaml:4:3: error name-shape metadata.name: '" + "a" * 35 + "x' does not match '^(a+)+$'"
    )
    write(tmp_path, "p.yaml", policy(rule.replace("PATTERN", r"^(a)\\1$")))
    assert main(["check", "--no-config", "--policies", "p.yaml", "cm.yaml"]) == 2
    assert capsys.readouterr().err == (
        "kubelint: error: p.yaml:12:22: pattern '^(a)\\\\1$' is not a regular expression"
        " kubelint can run in linear time (no lookaround or backreferences)\n"
    )


def _doubling(seed: str, depth: int) -> str:
    """cel.bind doubling ``seed`` ``depth`` times: 2**depth times its length."""
    body = f"a{depth - 1}.size() > 0"
    for level in reversed(range(depth)):
        value = seed if level == 0 else f"a{level - 1} + a{level - 1}"
        body = f"cel.bind(a{level}, {value}, {body})"
    return body


def _limited() -> None:
    """A safety net for the child: 2 GiB of address space (an unbudgeted evaluation of
    the expressions below asked for more than 10 GB)."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))


@needs_cel
def test_cel_over_the_evaluation_budget_is_a_finding_not_an_oom(tmp_path):
    """A cel.bind doubling chain reached 13 GB and three chained replace() 2 GB; each is
    now estimated before it runs, and an evaluation over budget is a finding."""
    replace = ".replace('a', '" + "a" * 100 + "')"
    write(
        tmp_path,
        "p.yaml",
        policy(f"""
        - id: doubling
          summary: s
          match: {{kinds: [ConfigMap]}}
          validations:
            - expression: "{_doubling("object.metadata.name", 26)}"
        - id: replacing
          summary: s
          match: {{kinds: [ConfigMap]}}
          validations:
            - expression: "object.metadata.name{replace * 3}.size() > 0"
        """),
    )
    (tmp_path / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + "a" * 200 + "\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kubelint",
            "check",
            "--no-config",
            "--no-color",
            "--policies",
            "p.yaml",
            "--disable",
            "all",
            "--enable",
            "doubling,replacing",
            "cm.yaml",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limited,
    )
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "cm.yaml:4:3: error doubling failed expression: "
        + _doubling("object.metadata.name", 26)
        + " (the expression failed: over kubelint's evaluation budget: it could build"
        " values of at least 100 Mi characters (kubelint's limit per evaluation: 64 Mi))",
        "cm.yaml:4:3: error replacing failed expression: object.metadata.name"
        + replace * 3
        + ".size() > 0 (the expression failed: over kubelint's evaluation budget: it could"
        " build values of at least 199 Mi characters (kubelint's limit per evaluation: 64 Mi))",
        "",
        "Found 2 problems (2 errors, 0 warnings, 0 info) in 1 of 1 file; 1 object checked.",
    ]
    assert result.returncode == 1


@needs_cel
def test_cel_over_budget_whatever_the_input_is_a_policy_error(tmp_path, capsys):
    """As the API server refuses a policy whose estimated cost is over its limit, a
    policy that is over budget for any object is refused when it loads."""
    write(
        tmp_path,
        "p.yaml",
        policy(f"""
        - id: doubling
          summary: s
          validations:
            - expression: "{_doubling("'ab'", 27)}"
        """),
    )
    os.chdir(tmp_path)
    assert main(["rules", "--policies", "p.yaml"]) == 2
    assert capsys.readouterr().err == (
        "kubelint: error: p.yaml:9:11: over kubelint's evaluation budget whatever the"
        " input: it could build values of at least 128 Mi characters (kubelint's limit per"
        " evaluation: 64 Mi)\n"
    )
    # Deeper, the parser refuses it (cel-cpp gives that error no position).
    write(
        tmp_path,
        "p.yaml",
        policy(f"""
        - id: doubling
          summary: s
          validations:
            - expression: "{_doubling("'ab'", 30)}"
        """),
    )
    assert main(["rules", "--policies", "p.yaml"]) == 2
    assert capsys.readouterr().err == (
        "kubelint: error: p.yaml:9:11: Exceeded max recursion depth of 32 when parsing.\n"
    )


def test_local_refs_that_resolve_are_accepted(tmp_path, capsys):
    """Refs to $defs (escaped pointers too) and to an $anchor load; one to nothing is the
    policy error tests/hostile checks."""
    write(
        tmp_path,
        "p.yaml",
        policy("""
        - id: named
          summary: s
          schema:
            $defs:
              "a/b": {type: object}
              label: {$anchor: label, type: string}
            properties:
              metadata: {$ref: "#/$defs/a~1b"}
              kind: {$ref: "#label"}
        """),
    )
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    os.chdir(tmp_path)
    assert (
        main(
            [
                "check",
                "--no-config",
                "--policies",
                "p.yaml",
                "--disable",
                "all",
                "--enable",
                "named",
                "cm.yaml",
            ]
        )
        == 0
    )
    assert capsys.readouterr().err == ""
