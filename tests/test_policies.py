"""Policies as code: kubelint Policy files (CEL and JSON Schema), ValidatingAdmissionPolicy
with bindings and params, `kubelint test`, and policy errors. Findings are asserted exactly
(rule, line, severity, message)."""

from __future__ import annotations

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
needs_cel = pytest.mark.skipif(importlib.util.find_spec("cel_expr_python") is None,
                               reason="cel-expr-python has no wheels for this Python")


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def lint(policies: list[Path], manifests: str, filename: str = "m.yaml"):
    """Findings of the policies' rules only, as (rule, line, severity, message)."""
    config, registry = resolve_config(None, policies=[str(p) for p in policies])
    ids = {rule.id for rule in load_policy_plugin([str(p) for p in policies]).rules}
    config.cli_enable = ids | CORE_RULES
    config.cli_disable = set(registry.rules) - ids - CORE_RULES
    text = textwrap.dedent(manifests).lstrip("\n")
    findings = Linter(config, registry).run([load_text(text, SourceFile(filename, text))]).findings
    return [(f.rule, f.line, f.severity, f.message) for f in findings]


def policy(rules: str) -> str:
    return ("apiVersion: kubelint.dev/v1\nkind: Policy\nmetadata: {name: test}\nspec:\n"
            "  rules:\n" + textwrap.indent(textwrap.dedent(rules).strip("\n"), "    ") + "\n")


# ---------------------------------------------------------------------------
# The worked example.

@needs_cel
def test_examples_policies_pass_their_tests(capsys):
    assert main(["test", str(EXAMPLES)]) == 0
    out = capsys.readouterr().out.splitlines()
    shown = [line.replace(str(EXAMPLES.relative_to(Path.cwd())) if EXAMPLES.is_relative_to(
        Path.cwd()) else str(EXAMPLES), "D") for line in out]
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
    findings = lint(policies, """
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
        """)
    assert findings == [
        ("team-label-required", 3, "error",
         "workloads need a non-empty `team` label naming the owning team"),
        ("image-registry-company", 13, "error",
         "image busybox:1.36 is not from registry.example.com/"),
        ("loadbalancer-namespaces-example-com", 22, "error",
         "Service public is of type LoadBalancer in namespace shop; only ingress-* namespaces"
         " may expose one [loadbalancer-namespaces.example.com, binding"
         " loadbalancer-namespaces-binding]"),
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
    write(tmp_path, "p.yaml", policy("""
        - id: a
          summary: s
          schema: {type: object}
        """))
    assert main(["test", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"kubelint: error: {tmp_path}: no test cases; put example manifests with"
        " '# expect: RULE' comments under a tests/ directory\n")


def test_kubelint_test_notes_rules_without_a_failing_case(tmp_path, capsys):
    write(tmp_path, "p.yaml", policy("""
        - id: named
          summary: objects need a name label
          schema: {properties: {metadata: {required: [labels]}}}
        """))
    write(tmp_path, "tests/pass.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: a, labels: {x: y}}
        """)
    os.chdir(tmp_path)
    assert main(["test", "."]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "PASS  tests/pass.yaml",
        "note: rules with no failing example: named",
        "1 passed, 0 failed (1 rules, 1 policy file)",
    ]


# ---------------------------------------------------------------------------
# JSON Schema policies (no CEL needed).

def test_schema_policy_points_at_failing_and_missing_fields(tmp_path):
    path = write(tmp_path, "p.yaml", policy("""
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
        """))
    findings = lint([path], """
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
        """)
    assert findings == [
        ("replicas-bounded", 4, "warning", "spec.revisionHistoryLimit: 'revisionHistoryLimit'"
                                           " is a required property"),
        ("replicas-bounded", 5, "warning", "spec.replicas: 1 is less than the minimum of 2"),
    ]


def test_match_conditions(tmp_path):
    path = write(tmp_path, "p.yaml", policy("""
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
        """))
    findings = lint([path], """
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
        """)
    assert findings == [("owner", 3, "error", "add an owner annotation")]


def test_policy_rules_are_listed_explained_and_configurable(tmp_path, capsys):
    write(tmp_path, "policies/p.yaml", policy("""
        - id: named
          severity: warning
          summary: object without a name label
          docs: |
            ## What it does
            Asks for a name label.
          schema: {properties: {metadata: {required: [labels]}}}
        """))
    write(tmp_path, ".kubelint.yaml", """
        policies: [policies]
        rules:
          named: error
        """)
    write(tmp_path, "m.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: a}
        """)
    os.chdir(tmp_path)
    assert main(["rules", "--format", "json"]) == 0
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["named"] == {"id": "named", "severity": "warning", "enabled": True,
                             "summary": "object without a name label", "fixable": False,
                             "aliases": [], "kinds": None}
    assert main(["explain", "named"]) == 0
    assert capsys.readouterr().out == (
        "# named\n\nobject without a name label\n\nDefault severity: warning.\n\n"
        "## What it does\nAsks for a name label.\n\n"
        "Defined in the policy file `policies/p.yaml`.\n")
    assert main(["check", "m.yaml", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(f["rule"], f["line"], f["severity"]) for f in report["findings"]] == [
        ("named", 3, "error")]
    assert main(["check", "m.yaml", "--format", "sarif"]) == 1
    sarif = json.loads(capsys.readouterr().out)
    driver_rules = {r["id"]: r for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert driver_rules["named"]["shortDescription"]["text"] == "object without a name label"
    # Policy rules have no page on kubelint's site; built-in rules link to theirs.
    assert "helpUri" not in driver_rules["named"]
    assert driver_rules["restart-policy"]["helpUri"] == \
        "https://github.com/kubelint/kubelint/blob/main/docs/rules/restart-policy.md"


# ---------------------------------------------------------------------------
# Policy errors: exit 2 with the policy file's line.

@pytest.mark.parametrize("text, message", [
    (policy("""
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
     "p.yaml:11:7: spec.rules.1: unknown field 'shcema' (did you mean 'schema'?)"),
    (policy("""
        - id: a
          summary: s
          schema: {type: objekt}
        """),
     "p.yaml:8:16: not a valid JSON Schema: 'objekt' is not valid under any of the given"
     " schemas"),
    (policy("""
        - id: a
          summary: s
          schema: {}
        - id: a
          summary: again
          schema: {}
        """),
     "p.yaml:9:7: rule 'a' is defined twice (also in p.yaml:6)"),
    ("apiVersion: kubelint.dev/v1\nkind: Policy\nmetadata: {name: p\n",
     "p.yaml:4:1: did not find expected ',' or '}' (while parsing a flow mapping) (policy"
     " file)"),
    ("apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\n"
     "metadata: {name: b}\nspec:\n  policyName: missing\n",
     "p.yaml:5:3: binding 'b' names policy 'missing', which is not in the policy files"
     " (policies there: none)"),
])
def test_policy_errors_name_the_line(tmp_path, capsys, text, message):
    (tmp_path / "p.yaml").write_text(text)
    os.chdir(tmp_path)
    assert main(["check", "--no-config", "--policies", "p.yaml", "p.yaml"]) == 2
    assert capsys.readouterr().err == f"kubelint: error: {message}\n"


def test_policy_rule_id_clashing_with_a_builtin_rule(tmp_path, capsys):
    write(tmp_path, "p.yaml", policy("""
        - id: restart-policy
          summary: mine
          schema: {}
        """))
    os.chdir(tmp_path)
    assert main(["rules", "--policies", "p.yaml"]) == 2
    assert capsys.readouterr().err == (
        "kubelint: error: rule 'restart-policy' is defined twice: by 'kubelint.builtin' and"
        " by 'policies in p.yaml'\n")


def test_missing_policy_paths(tmp_path, capsys):
    os.chdir(tmp_path)
    assert main(["check", "--no-config", "--policies", "nope", "."]) == 2
    assert capsys.readouterr().err == \
        "kubelint: error: --policies: no such file or directory: nope\n"
    write(tmp_path, ".kubelint.yaml", """
        fail-level: error
        policies:
          - policies/
        """)
    assert main(["check", "."]) == 2
    assert capsys.readouterr().err == (
        f"kubelint: error: {tmp_path / '.kubelint.yaml'}:3:5: policy file or directory"
        " 'policies/' not found\n")


def test_policy_error_is_a_plugin_error():
    assert issubclass(PolicyError, PluginError)


# ---------------------------------------------------------------------------
# CEL policies.

@needs_cel
def test_cel_locations_and_messages(tmp_path):
    path = write(tmp_path, "p.yaml", policy("""
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
        """))
    findings = lint([path], """
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
        """)
    assert findings == [
        ("labels", 5, "error", "add a team label"),
        ("replicas", 8, "warning", "replicas is 1, want 2"),
        ("no-latest", 13, "error", "a uses a latest tag"),
        ("replicas", 14, "warning",
         "failed expression: object.spec.template.spec.containers.size() <= 1"),
        ("no-latest", 17, "error", "c uses a latest tag"),
        ("labels", 21, "error", "add a team label"),
        ("replicas", 22, "warning", "failed expression: object.spec.replicas >= 2 (the"
         " expression failed: no such key: replicas)"),
        ("replicas", 22, "warning", "failed expression: object.spec.template.spec.containers"
         ".size() <= 1 (the expression failed: no such key: template)"),
    ]


@needs_cel
def test_cross_resource_policy_with_objects(tmp_path):
    path = write(tmp_path, "p.yaml", policy("""
        - id: pdb-required
          summary: no PodDisruptionBudget
          match: {kinds: [Deployment]}
          validations:
            - expression: >-
                objects.exists(o, o.kind == 'PodDisruptionBudget'
                  && o.spec.selector.matchLabels == object.spec.selector.matchLabels)
              message: no PodDisruptionBudget selects these pods
        """))
    findings = lint([path], """
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
        """)
    assert findings == [("pdb-required", 18, "error",
                         "no PodDisruptionBudget selects these pods")]


@needs_cel
def test_cel_compile_error_names_the_expression_line(tmp_path, capsys):
    write(tmp_path, "p.yaml", policy("""
        - id: a
          summary: s
          validations:
            - expression: "object.spec.replicas >"
        """))
    os.chdir(tmp_path)
    assert main(["rules", "--policies", "p.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kubelint: error: p.yaml:9:11: column 1:23: Syntax error: mismatched"
                          " input '<EOF>' expecting")


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
    findings = lint([path], """
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
        """)
    assert findings == [
        ("replicas-example-com", 9, "warning",
         "replicas 9 above 5 [replicas.example.com, binding replicas-prod]"),
        ("replicas-example-com", 36, "warning",
         "no parameters for ValidatingAdmissionPolicy replicas.example.com: the binding's"
         " ConfigMap replica-limits in namespace other is not in the policy files or the"
         " input, and parameterNotFoundAction is Deny, so the API server would reject the"
         " object"),
    ]


@needs_cel
def test_unbound_policy_is_off_and_notes_say_why(tmp_path, capsys):
    text = VAP.split("---")[0]
    write(tmp_path, "vap.yaml", text)
    write(tmp_path, "m.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: big, namespace: shop}
        spec: {replicas: 9}
        """)
    os.chdir(tmp_path)
    assert main(["rules", "--policies", "vap.yaml"]) == 0
    assert [line for line in capsys.readouterr().out.splitlines()
            if line.startswith("replicas-example-com")] == [
        "replicas-example-com              error    off       ValidatingAdmissionPolicy"
        " replicas.example.com denies the object"]
    assert main(["check", "-v", "--no-config", "--policies", "vap.yaml", "m.yaml",
                 "--disable", "all", "--enable", "replicas-example-com"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert "kubelint: vap.yaml: ValidatingAdmissionPolicy replicas.example.com: 1" \
           " expression(s) use authorizer, which needs the cluster; they were not" \
           " evaluated" in err
    assert "kubelint: vap.yaml: ValidatingAdmissionPolicy replicas.example.com has no" \
           " binding in the policy files; like the API server, kubelint enforces it only" \
           " through a binding" in err


def test_cel_policy_without_the_cel_runtime(tmp_path):
    """Python 3.10 has no cel-expr-python wheels: a CEL policy is a clear error, and a JSON
    Schema policy still works. The interpreter is started with the package hidden."""
    write(tmp_path, "cel.yaml", policy("""
        - id: a
          summary: s
          validations: [{expression: "true"}]
        """))
    write(tmp_path, "schema.yaml", policy("""
        - id: b
          summary: s
          schema: {required: [metadata]}
        """))
    program = ("import sys; sys.modules['cel_expr_python'] = None\n"
               "from kubelint.cli import main; sys.exit(main(sys.argv[1:]))")
    run = [sys.executable, "-c", program, "rules", "--policies"]
    cel = subprocess.run([*run, "cel.yaml"], cwd=tmp_path, capture_output=True, text=True)
    assert cel.returncode == 2
    assert cel.stderr == (
        "kubelint: error: cel.yaml:8:22: CEL expressions need the cel-expr-python package,"
        " which supports Python 3.11 and newer; install it (pip install cel-expr-python) or"
        " use JSON Schema policies\n")
    schema = subprocess.run([*run, "schema.yaml"], cwd=tmp_path, capture_output=True,
                            text=True)
    assert schema.returncode == 0, schema.stderr
