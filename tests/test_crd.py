"""The CRD compiler (kubelint/crd.py) and the --crds sources, CRDs and standalone JSON
Schema files (kubelint/crd_sources.py).

Instances are validated with jsonschema-rs, as the catalog does, and the assertions name
the exact instance paths (and failing keyword) of every error.
"""

from __future__ import annotations

import gc
import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from kubelint.config import Config
from kubelint.crd import cel_validations, compile_crd, pattern_compiles
from kubelint.crd_sources import PROBLEM_NOTHING, load_crd_sources, schema_from_file
from kubelint.engine import Linter
from kubelint.lint import lint_text
from kubelint.loader import load_path, load_text
from kubelint.model import SourceFile
from kubelint.schema import Catalog, SchemaProblem, first_label_api_version, share_repeated
from tests.helpers import ROOT, SHARED

REAL = SHARED / "corpus" / "real"
PEER_FIXTURES = SHARED / "corpus" / "peers" / "kubeconform-fixtures"

Errors = list[tuple[tuple[Any, ...], str]]


def errors(schema: dict[str, Any], instance: Any) -> Errors:
    """(instance path, failing keyword) of every error, sorted."""
    validator = jsonschema_rs.validator_for(schema)
    found = [
        (tuple(e.instance_path), str(list(e.schema_path)[-1]))
        for e in validator.iter_errors(instance)
    ]
    return sorted(
        found,
        key=lambda error: (
            [(1, 0, p) if isinstance(p, str) else (0, p, "") for p in error[0]],
            error[1],
        ),
    )


def parse(text: str) -> dict[str, Any]:
    """The one object of a YAML text, read as kubelint reads files."""
    loaded = load_text(text, SourceFile("test.yaml", text))
    assert not loaded.problems
    [obj] = loaded.objects
    return obj.data


WIDGET_CRD = """
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        description: A widget.
        required: [spec]
        properties:
          spec:
            type: object
            required: [size]
            x-kubernetes-validations:
            - rule: self.size <= 10
              message: too big
            properties:
              size:
                type: integer
                format: int32
                default: 1
                minimum: 0
                exclusiveMinimum: true
                maximum: 10
                exclusiveMaximum: false
              mode:
                type: string
                enum: [fast, slow]
              name:
                type: string
                pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$'
                maxLength: 63
              port:
                x-kubernetes-int-or-string: true
                anyOf: [{type: integer}, {type: string}]
              config:
                type: object
                x-kubernetes-preserve-unknown-fields: true
                properties:
                  level: {type: integer}
              empty:
                type: object
              labels:
                type: object
                additionalProperties: {type: string}
              template:
                type: object
                x-kubernetes-embedded-resource: true
                x-kubernetes-preserve-unknown-fields: true
              tags:
                type: array
                x-kubernetes-list-type: set
                items: {type: string}
              maybeTags:
                type: array
                items: {type: string, nullable: true}
              note:
                type: string
                nullable: true
              ports:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  required: [name]
                  x-kubernetes-validations:
                  - rule: self.name != 'admin'
                  properties:
                    name: {type: string}
                    number: {type: integer}
              choice:
                type: object
                properties:
                  a: {type: string}
                  b: {type: string}
                oneOf:
                - required: [a]
                - required: [b]
          status:
            type: object
            properties:
              ready: {type: boolean}
  - name: v2
    served: true
    storage: false
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              sizeName: {type: string}
  - name: v0
    served: false
    storage: false
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
"""

WIDGET = """
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  namespace: default
  labels: {app: w}
  annotations: {note: anything}
spec:
  size: 3
  mode: fast
  name: my-widget
  port: http
  config: {level: 2, anything: [1, 2], nested: {deep: true}}
  empty: {}
  labels: {a: b}
  template: {apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {k: v}}
  tags: [a, b]
  maybeTags: [a, null]
  note: null
  ports: [{name: http, number: 80}]
  choice: {a: x}
status:
  ready: true
"""


@pytest.fixture(scope="module")
def widgets() -> dict[tuple[str, str], dict[str, Any]]:
    return compile_crd(parse(WIDGET_CRD))


@pytest.fixture(scope="module")
def v1(widgets: dict[tuple[str, str], dict[str, Any]]) -> dict[str, Any]:
    return widgets[("example.com/v1", "Widget")]


def widget(**spec: Any) -> dict[str, Any]:
    """The valid widget with some spec fields replaced (None: removed)."""
    data = parse(WIDGET)
    for key, value in spec.items():
        if value is None:
            del data["spec"][key]
        else:
            data["spec"][key] = value
    return data


def test_served_versions_only(widgets):
    assert sorted(widgets) == [("example.com/v1", "Widget"), ("example.com/v2", "Widget")]


def test_valid_widget_has_no_errors(v1):
    assert errors(v1, parse(WIDGET)) == []


def test_root_pins_api_version_and_kind_and_leaves_metadata_alone(v1):
    assert v1["properties"]["apiVersion"] == {"const": "example.com/v1"}
    assert v1["properties"]["kind"] == {"const": "Widget"}
    assert v1["properties"]["metadata"] == {"type": "object"}
    data = parse(WIDGET)
    data["kind"] = "Gadget"
    data["metadata"]["unknownMetaField"] = 1  # ObjectMeta is not validated deeply
    assert errors(v1, data) == [(("kind",), "const")]


def test_unknown_field_under_spec_is_an_error(v1):
    assert errors(v1, widget(colour="red")) == [(("spec",), "additionalProperties")]
    # ... and at the root, and in list items with properties.
    data = widget(ports=[{"name": "http", "numbr": 80}])
    data["extra"] = 1
    assert errors(v1, data) == [
        ((), "additionalProperties"),
        (("spec", "ports", 0), "additionalProperties"),
    ]


def test_object_without_properties_keeps_no_fields(v1):
    # The server prunes every field of `type: object` without properties; strict field
    # validation rejects them.
    assert v1["properties"]["spec"]["properties"]["empty"]["additionalProperties"] is False
    assert errors(v1, widget(empty={"x": 1})) == [(("spec", "empty"), "additionalProperties")]


def test_preserve_unknown_fields_allows_unknown_fields_but_checks_known_ones(v1):
    assert errors(v1, widget(config={"whatever": {"a": 1}, "level": 3})) == []
    assert errors(v1, widget(config={"level": "high"})) == [(("spec", "config", "level"), "type")]
    assert "additionalProperties" not in v1["properties"]["spec"]["properties"]["config"]


def test_int_or_string(v1):
    assert errors(v1, widget(port=1)) == []
    assert errors(v1, widget(port="1")) == []
    assert errors(v1, widget(port=True)) == [(("spec", "port"), "type")]
    assert errors(v1, widget(port=1.5)) == [(("spec", "port"), "type")]
    # controller-gen's anyOf pair is what the type list says already.
    assert "anyOf" not in v1["properties"]["spec"]["properties"]["port"]


def test_nullable(v1):
    # A nullable field and a nullable list item accept null.
    assert errors(v1, widget(note=None, maybeTags=["a", None])) == []
    # A list item that is not nullable does not.
    assert errors(v1, widget(tags=["a", None])) == [(("spec", "tags", 1), "type")]


def test_null_fields_that_are_not_nullable_are_pruned_not_rejected(v1):
    # The API server drops them before validating (PruneNonNullableNullsWithoutDefaults).
    data = widget(mode=None)
    data["spec"]["mode"] = None
    data["spec"]["labels"] = {"a": None}
    data["spec"]["template"] = None
    assert errors(v1, data) == []


def test_crd_that_preserves_unknown_fields_keeps_nulls_and_unknown_fields():
    crd = parse(WIDGET_CRD)
    crd["spec"]["preserveUnknownFields"] = True
    schema = compile_crd(crd)[("example.com/v1", "Widget")]
    data = widget(colour="red")
    data["spec"].update(mode=None, note=None)
    # Without pruning, a null reaches validation: only a nullable field takes it.
    assert errors(schema, data) == [(("spec", "mode"), "enum"), (("spec", "mode"), "type")]


def test_embedded_resource_needs_api_version_and_kind(v1):
    assert errors(v1, widget(template={"apiVersion": "v1", "metadata": {}})) == [
        (("spec", "template"), "required")
    ]
    assert errors(v1, widget(template={"apiVersion": "v1", "kind": ""})) == [
        (("spec", "template", "kind"), "minLength")
    ]


def test_embedded_resource_without_preserve_keeps_its_own_fields_only():
    crd = parse(WIDGET_CRD)
    template = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"][
        "properties"
    ]["template"]
    del template["x-kubernetes-preserve-unknown-fields"]
    schema = compile_crd(crd)[("example.com/v1", "Widget")]
    ok = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
    assert errors(schema, widget(template=ok)) == []
    assert errors(schema, widget(template={**ok, "data": {}})) == [
        (("spec", "template"), "additionalProperties")
    ]


def test_enum(v1):
    assert errors(v1, widget(mode="medium")) == [(("spec", "mode"), "enum")]


def test_required(v1):
    assert errors(v1, widget(size=None)) == [(("spec",), "required")]
    data = parse(WIDGET)
    del data["spec"]
    assert errors(v1, data) == [((), "required")]


def test_pattern(v1):
    assert errors(v1, widget(name="My_Widget")) == [(("spec", "name"), "pattern")]
    assert errors(v1, widget(name="x" * 64)) == [(("spec", "name"), "maxLength")]


def test_exclusive_minimum_boolean_becomes_a_number(v1):
    size = v1["properties"]["spec"]["properties"]["size"]
    assert size == {"type": ["integer", "null"], "exclusiveMinimum": 0, "maximum": 10}
    assert errors(v1, widget(size=0)) == [(("spec", "size"), "exclusiveMinimum")]
    assert errors(v1, widget(size=1)) == []
    assert errors(v1, widget(size=10)) == []  # exclusiveMaximum: false
    assert errors(v1, widget(size=11)) == [(("spec", "size"), "maximum")]


def test_value_validation_branches_are_not_closed(v1):
    choice = v1["properties"]["spec"]["properties"]["choice"]
    assert choice["if"] == {"type": "null"}  # null pruned, even though oneOf is there
    assert choice["else"]["oneOf"] == [{"required": ["a"]}, {"required": ["b"]}]
    assert errors(v1, widget(choice={"b": "y"})) == []
    assert errors(v1, widget(choice={})) == [(("spec", "choice"), "oneOf")]
    assert errors(v1, widget(choice={"a": "x", "b": "y"})) == [(("spec", "choice"), "oneOf")]


def test_descriptions_formats_defaults_and_list_types_are_dropped(v1):
    text = json.dumps(v1)
    for word in ("description", "format", "default", "x-kubernetes", "nullable"):
        assert word not in text


def test_multiple_versions_have_their_own_schemas(widgets):
    v2 = widgets[("example.com/v2", "Widget")]
    data = {
        "apiVersion": "example.com/v2",
        "kind": "Widget",
        "metadata": {"name": "w"},
        "spec": {"sizeName": "small"},
    }
    assert errors(v2, data) == []
    data["spec"] = {"size": 3}
    assert errors(v2, data) == [(("spec",), "additionalProperties")]


def test_non_served_version_is_absent_and_missing_served_is_not_served():
    crd = parse(WIDGET_CRD)
    del crd["spec"]["versions"][1]["served"]
    assert sorted(compile_crd(crd)) == [("example.com/v1", "Widget")]


V1BETA1_CRD = """
apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata: {name: crontabs.stable.example.com}
spec:
  group: stable.example.com
  versions:
  - {name: v1, served: true, storage: true}
  - {name: v1beta1, served: true, storage: false}
  scope: Namespaced
  names: {plural: crontabs, kind: CronTab}
  validation:
    openAPIV3Schema:
      properties:
        spec:
          properties:
            cronSpec: {type: string, pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'}
            replicas: {type: integer, minimum: 1, maximum: 10}
"""


def test_v1beta1_crd_with_spec_validation():
    schemas = compile_crd(parse(V1BETA1_CRD))
    assert sorted(schemas) == [
        ("stable.example.com/v1", "CronTab"),
        ("stable.example.com/v1beta1", "CronTab"),
    ]
    schema = schemas[("stable.example.com/v1beta1", "CronTab")]
    data = {
        "apiVersion": "stable.example.com/v1beta1",
        "kind": "CronTab",
        "metadata": {"name": "c"},
        "spec": {"cronSpec": "* * * * */5", "replicas": 0},
    }
    assert errors(schema, data) == [(("spec", "replicas"), "minimum")]
    # v1beta1 keeps unknown fields unless preserveUnknownFields is false.
    data["spec"] = {"cronSpec": "* * * * */5", "image": "x"}
    assert errors(schema, data) == []
    crd = parse(V1BETA1_CRD)
    crd["spec"]["preserveUnknownFields"] = False
    strict = compile_crd(crd)[("stable.example.com/v1beta1", "CronTab")]
    assert errors(strict, data) == [(("spec",), "additionalProperties")]


def test_v1beta1_single_version_and_per_version_schema():
    crd = parse(V1BETA1_CRD)
    del crd["spec"]["versions"]
    crd["spec"]["version"] = "v1"
    assert sorted(compile_crd(crd)) == [("stable.example.com/v1", "CronTab")]
    crd = parse(V1BETA1_CRD)
    del crd["spec"]["validation"]
    crd["spec"]["versions"][0]["schema"] = {
        "openAPIV3Schema": {"type": "object", "properties": {"spec": {"type": "string"}}}
    }
    schemas = compile_crd(crd)
    own = schemas[("stable.example.com/v1", "CronTab")]
    assert own["properties"]["spec"] == {"type": "string"}  # v1beta1: nulls are not pruned
    # No schema at all: anything but apiVersion and kind goes.
    bare = schemas[("stable.example.com/v1beta1", "CronTab")]
    assert (
        errors(
            bare,
            {
                "apiVersion": "stable.example.com/v1beta1",
                "kind": "CronTab",
                "spec": [1],
                "other": 2,
            },
        )
        == []
    )


def test_patterns_the_validator_cannot_compile_are_dropped():
    assert pattern_compiles(r"^\p{L}+$")  # RE2 and ECMA; Python's re would refuse it
    assert not pattern_compiles(r"^\Qa.b\E$")  # RE2 only
    assert not pattern_compiles("(unclosed")
    crd = parse(WIDGET_CRD)
    name = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"][
        "properties"
    ]["name"]
    name["pattern"] = "(unclosed"
    schema = compile_crd(crd)[("example.com/v1", "Widget")]
    assert "pattern" not in schema["properties"]["spec"]["properties"]["name"]
    assert errors(schema, widget(name="Any Thing")) == []


@pytest.mark.parametrize(
    "crd",
    [
        None,
        [],
        "crd",
        {},
        {"spec": None},
        {"spec": {"group": "g.io"}},
        {"spec": {"group": 1, "names": {"kind": "K"}, "versions": []}},
        {"spec": {"group": "g.io", "names": "K", "versions": [{"name": "v1", "served": True}]}},
        {"spec": {"group": "g.io", "names": {"kind": "K"}, "versions": "v1"}},
        {"spec": {"group": "g.io", "names": {"kind": "K"}, "versions": [None, 1, {"name": 2}]}},
    ],
)
def test_malformed_crds_give_nothing(crd):
    assert compile_crd(crd) == {}
    assert cel_validations(crd) == []


def test_malformed_schema_nodes_still_build_a_validator():
    schema = {
        "type": "object",
        "properties": {
            "spec": {
                "type": "object",
                "required": [True, "a", "a"],
                "properties": {
                    "a": "not a schema",
                    "b": {"type": ["string"], "minimum": "1", "minLength": -1, "enum": "x"},
                    "c": {
                        "items": [{"type": "string"}],
                        "allOf": [],
                        "not": 3,
                        "exclusiveMaximum": True,
                        "additionalProperties": "no",
                    },
                },
            }
        },
    }
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "spec": {
            "group": "g.io",
            "names": {"kind": "K"},
            "versions": [{"name": "v1", "served": True, "schema": {"openAPIV3Schema": schema}}],
        },
    }
    [compiled] = compile_crd(crd).values()
    spec = compiled["properties"]["spec"]
    assert spec["required"] == ["a"]
    assert spec["properties"] == {"a": {}, "b": {}, "c": {}}
    jsonschema_rs.validator_for(compiled)


def test_cel_validations():
    rules = cel_validations(parse(WIDGET_CRD))
    assert [(v.api_version, v.kind, v.path, v.rule) for v in rules] == [
        ("example.com/v1", "Widget", ("spec",), "self.size <= 10"),
        ("example.com/v1", "Widget", ("spec", "ports", "*"), "self.name != 'admin'"),
    ]
    # One version's: v2 has none, and an unknown version gives none.
    assert cel_validations(parse(WIDGET_CRD), "v1") == rules
    assert cel_validations(parse(WIDGET_CRD), "v2") == []
    assert cel_validations(parse(WIDGET_CRD), "v9") == []


# ---------------------------------------------------------------------------
# Standalone JSON Schema files

PROMETHEUS_SCHEMA = {
    "description": "The `Prometheus` custom resource definition (CRD) defines a deployment.",
    "type": "object",
    "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": {
            "type": "object",
            "properties": {"replicas": {"type": "integer"}},
            "additionalProperties": False,
        },
    },
}


def test_schema_from_file_crds_catalog_layout():
    path = os.path.join("catalog", "monitoring.coreos.com", "prometheus_v1.json")
    schemas = schema_from_file(path, PROMETHEUS_SCHEMA)
    assert list(schemas) == [("monitoring.coreos.com/v1", "Prometheus")]
    schema = schemas[("monitoring.coreos.com/v1", "Prometheus")]
    assert schema["properties"]["kind"] == {"type": "string", "const": "Prometheus"}
    assert schema["properties"]["spec"] == PROMETHEUS_SCHEMA["properties"]["spec"]  # as is
    assert "kind" not in PROMETHEUS_SCHEMA["properties"]["kind"]  # the input is not changed
    data = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "Prometheus",
        "metadata": {"name": "k8s"},
        "spec": {"replicas": "2", "x": 1},
    }
    assert errors(schema, data) == [
        (("spec",), "additionalProperties"),
        (("spec", "replicas"), "type"),
    ]
    data = {"apiVersion": "monitoring.coreos.com/v2", "kind": "Prometheus"}
    assert errors(schema, data) == [(("apiVersion",), "const")]


def test_schema_from_file_kubeconform_naming():
    schema = {
        "description": "TrainingJob is the Schema for the trainingjobs API",
        "properties": {"spec": {}},
    }
    # kubeconform's {{ .KindSuffix }}: only the first label of the group is in the name.
    assert list(schema_from_file("/schemas/trainingjob-sagemaker-v1.json", schema)) == [
        ("sagemaker.*/v1", "TrainingJob")
    ]
    assert first_label_api_version("sagemaker", "v1") == "sagemaker.*/v1"
    assert list(schema_from_file("/schemas/rolebinding-rbac-v1.json", {})) == [
        ("rbac.*/v1", "rolebinding")
    ]
    assert list(schema_from_file("/schemas/job-aws-sagemaker-v1alpha1.json", {})) == [
        ("aws-sagemaker.*/v1alpha1", "job")
    ]
    # A group with a dot is whole; so is a one-label group Kubernetes serves.
    assert list(schema_from_file("/schemas/widget-example.com-v1beta2.json", {})) == [
        ("example.com/v1beta2", "widget")
    ]  # nothing in the schema spells the kind
    assert list(schema_from_file("/schemas/service-v1.json", {})) == [("v1", "service")]
    assert list(schema_from_file("/schemas/deployment-apps-v1.json", {})) == [
        ("apps/v1", "deployment")
    ]
    assert list(schema_from_file("/schemas/cronjob-batch-v1.json", {})) == [("batch/v1", "cronjob")]


LABELLED = {
    "description": "TrainingJob is the Schema for the trainingjobs API",
    "type": "object",
    "required": ["spec"],
    "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"mode": {"type": "string", "enum": ["File", "Pipe"]}},
        },
    },
}


def test_first_label_schema_pins_every_group_with_that_label():
    [(key, schema)] = schema_from_file("/r/trainingjob-sagemaker-v1.json", LABELLED).items()
    assert key == ("sagemaker.*/v1", "TrainingJob")
    assert schema["properties"]["apiVersion"] == {
        "type": "string",
        "pattern": "^sagemaker(\\..*)?/v1$",
    }
    assert schema["properties"]["kind"] == {"type": "string", "const": "TrainingJob"}
    assert LABELLED["properties"]["apiVersion"] == {"type": "string"}  # input unchanged
    job = {"kind": "TrainingJob", "metadata": {"name": "j"}, "spec": {"mode": "File"}}
    for api_version in ("sagemaker.aws.amazon.com/v1", "sagemaker.example.org/v1", "sagemaker/v1"):
        assert errors(schema, {**job, "apiVersion": api_version}) == [], api_version
    for api_version in (
        "sagemakers.io/v1",
        "aws.sagemaker.com/v1",
        "xsagemaker.io/v1",
        "sagemaker.aws.amazon.com/v2",
        "sagemaker.aws.amazon.com/v1beta1",
        "v1",
    ):
        assert errors(schema, {**job, "apiVersion": api_version}) == [
            (("apiVersion",), "pattern")
        ], api_version
    assert errors(
        schema, {**job, "apiVersion": "sagemaker.io/v1", "kind": "Job", "spec": {"mode": "Stream"}}
    ) == [(("kind",), "const"), (("spec", "mode"), "enum")]


def test_a_schema_that_names_its_group_is_filed_under_it():
    """The apiVersion property of the schema (const or enum) wins over the file name's
    first label when it names a group starting with that label, for the file's version."""

    def with_api_version(own: dict[str, Any]) -> dict[str, Any]:
        return {**LABELLED, "properties": {**LABELLED["properties"], "apiVersion": own}}

    name = "/r/trainingjob-sagemaker-v1.json"
    named = with_api_version({"type": "string", "enum": ["sagemaker.aws.amazon.com/v1"]})
    [(key, schema)] = schema_from_file(name, named).items()
    assert key == ("sagemaker.aws.amazon.com/v1", "TrainingJob")
    assert schema["properties"]["apiVersion"] == {
        "type": "string",
        "const": "sagemaker.aws.amazon.com/v1",
    }
    const = with_api_version({"const": "sagemaker.aws.amazon.com/v1"})
    assert list(schema_from_file(name, const)) == [("sagemaker.aws.amazon.com/v1", "TrainingJob")]
    # Several groups, duplicates, and values that do not fit (another version, another
    # first label, no dot, not a string): only the fitting ones count, in order.
    several = with_api_version(
        {
            "enum": [
                "sagemaker.example.org/v1",
                "sagemaker.aws.amazon.com/v2",
                "other.aws.amazon.com/v1",
                "sagemaker/v1",
                1,
                "sagemaker.aws.amazon.com/v1",
                "sagemaker.example.org/v1",
            ]
        }
    )
    assert list(schema_from_file(name, several)) == [
        ("sagemaker.example.org/v1", "TrainingJob"),
        ("sagemaker.aws.amazon.com/v1", "TrainingJob"),
    ]
    unfit = with_api_version({"enum": ["sagemaker.aws.amazon.com/v2", "sagemaker/v1"]})
    assert list(schema_from_file(name, unfit)) == [("sagemaker.*/v1", "TrainingJob")]
    # x-kubernetes-group-version-kind wins over everything the name says.
    declared = {
        **LABELLED,
        "x-kubernetes-group-version-kind": {
            "group": "sagemaker.aws.amazon.com",
            "version": "v1",
            "kind": "TrainingJob",
        },
    }
    assert list(schema_from_file(name, declared)) == [
        ("sagemaker.aws.amazon.com/v1", "TrainingJob")
    ]
    # The CRDs-catalog layout gives the whole group: no label matching there.
    assert list(schema_from_file("/sagemaker.aws.amazon.com/trainingjob_v1.json", LABELLED)) == [
        ("sagemaker.aws.amazon.com/v1", "TrainingJob")
    ]


def test_catalog_finds_first_label_schemas_after_exact_ones():
    label_schema = schema_from_file("/r/trainingjob-sagemaker-v1.json", LABELLED)
    exact_schema = compile_crd(parse(WIDGET_CRD))
    catalog = Catalog("1.37", {**label_schema, **exact_schema})
    label = label_schema[("sagemaker.*/v1", "TrainingJob")]
    for api_version in ("sagemaker.aws.amazon.com/v1", "sagemaker.example.org/v1", "sagemaker/v1"):
        assert catalog.knows(api_version, "TrainingJob"), api_version
        assert catalog.schema(api_version, "TrainingJob") is label
        assert (
            catalog.problems(
                api_version,
                "TrainingJob",
                {
                    "apiVersion": api_version,
                    "kind": "TrainingJob",
                    "metadata": {},
                    "spec": {"mode": "File"},
                },
            )
            == []
        )
    for api_version, kind in (
        ("sagemaker.aws.amazon.com/v2", "TrainingJob"),
        ("sagemakers.io/v1", "TrainingJob"),
        ("aws.sagemaker.com/v1", "TrainingJob"),
        ("sagemaker.aws.amazon.com/v1", "trainingjob"),
        ("sagemaker.aws.amazon.com/v1", "HyperParameterTuningJob"),
        ("v1", "TrainingJob"),
    ):
        assert not catalog.knows(api_version, kind), (api_version, kind)
        assert catalog.schema(api_version, kind) is None
        assert catalog.validator(api_version, kind) is None
    assert catalog.knows("example.com/v1", "Widget")
    # An exact schema for one group wins over the label schema; the other groups of the
    # label keep the label schema.
    crd = parse(
        WIDGET_CRD.replace("group: example.com", "group: sagemaker.example.org").replace(
            "kind: Widget", "kind: TrainingJob"
        )
    )
    exact = compile_crd(crd)
    catalog = Catalog("1.37", {**label_schema, **exact})
    assert (
        catalog.schema("sagemaker.example.org/v1", "TrainingJob")
        is exact[("sagemaker.example.org/v1", "TrainingJob")]
    )
    assert catalog.schema("sagemaker.aws.amazon.com/v1", "TrainingJob") is label


def test_first_label_schema_of_a_built_in_kind_wins_over_the_bundle():
    """kubeconform looks every kind up in its -schema-location, built-in ones too: a
    rolebinding-rbac-v1.json given with --crds is the schema of
    rbac.authorization.k8s.io/v1 RoleBinding, as an exact --crds schema of a built-in
    kind already is."""
    own = {
        "description": "RoleBinding references a role",
        "type": "object",
        "properties": {"subjects": {"type": "array", "maxItems": 1}},
    }
    schemas = schema_from_file("/r/rolebinding-rbac-v1.json", own)
    assert list(schemas) == [("rbac.*/v1", "RoleBinding")]
    binding = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": "b"},
        "subjects": [{}, {}],
    }
    assert [
        p.path
        for p in Catalog("1.37", schemas).problems(
            "rbac.authorization.k8s.io/v1", "RoleBinding", binding
        )
    ] == [("subjects",)]
    bundle_only = Catalog("1.37").problems("rbac.authorization.k8s.io/v1", "RoleBinding", binding)
    assert sorted(p.message for p in bundle_only) == [
        "missing required field 'kind' in subjects[0]",
        "missing required field 'kind' in subjects[1]",
        "missing required field 'name' in subjects[0]",
        "missing required field 'name' in subjects[1]",
        "missing required field 'roleRef' in the object",
    ]


def test_schema_from_file_declared_gvk_wins_and_no_gvk_gives_nothing():
    schema = {
        "x-kubernetes-group-version-kind": [
            {"group": "apps", "kind": "Deployment", "version": "v1"}
        ]
    }
    assert list(schema_from_file("/x/anything.json", schema)) == [("apps/v1", "Deployment")]
    core = {"x-kubernetes-group-version-kind": [{"group": "", "kind": "Pod", "version": "v1"}]}
    assert list(schema_from_file("/x/pod.json", core)) == [("v1", "Pod")]
    # <kind>_<version> outside a directory named after a group: the group is unknown.
    assert schema_from_file("/fixtures/grafanaalertrulegroup_v1beta1.json", {}) == {}
    assert schema_from_file("/x/values.json", {}) == {}
    assert schema_from_file("/monitoring.coreos.com/prometheus_v1.json", [1]) == {}


# ---------------------------------------------------------------------------
# --crds sources


def test_load_crd_sources(tmp_path: Path):
    (tmp_path / "crds").mkdir()
    (tmp_path / "crds" / "widgets.yaml").write_text(
        "# a CRD and an unrelated object\n" + WIDGET_CRD + "---\napiVersion: v1\n"
        "kind: Namespace\nmetadata: {name: x}\n",
        encoding="utf-8",
    )
    group = tmp_path / "crds" / "monitoring.coreos.com"
    group.mkdir()
    (group / "prometheus_v1.json").write_text(json.dumps(PROMETHEUS_SCHEMA), encoding="utf-8")
    (tmp_path / "crds" / "junk.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", encoding="utf-8"
    )
    (tmp_path / "crds" / "broken.yml").write_text("a: [\n", encoding="utf-8")
    (tmp_path / "crds" / "notes.txt").write_text("not searched", encoding="utf-8")
    (tmp_path / "crds" / ".hidden.yaml").write_text("x", encoding="utf-8")
    missing = str(tmp_path / "missing")
    schemas, problems = load_crd_sources([str(tmp_path / "crds"), missing])
    assert sorted(schemas) == [
        ("example.com/v1", "Widget"),
        ("example.com/v2", "Widget"),
        ("monitoring.coreos.com/v1", "Prometheus"),
    ]
    crds = tmp_path / "crds"
    assert problems == [
        f"{crds}/broken.yml: {_first_yaml_problem(crds / 'broken.yml')} (line 2);"
        f" {PROBLEM_NOTHING}",
        f"{crds}/junk.yaml: {PROBLEM_NOTHING}",
        f"{missing}: no such file or directory",
    ]


def _first_yaml_problem(path: Path) -> str:
    return load_path(str(path), str(path)).problems[0].message


def test_load_crd_sources_reports_unserved_crds_and_bad_schemas(tmp_path: Path):
    crd = parse(WIDGET_CRD)
    for version in crd["spec"]["versions"]:
        version["served"] = False
    (tmp_path / "unserved.json").write_text(json.dumps(crd), encoding="utf-8")
    bad = tmp_path / "example.com"
    bad.mkdir()
    (bad / "thing_v1.json").write_text(json.dumps({"$schema": "urn:unknown"}), encoding="utf-8")
    (bad / "other_v1.json").write_text("{not json", encoding="utf-8")
    schemas, problems = load_crd_sources([str(tmp_path / "unserved.json"), str(bad)])
    assert schemas == {}
    assert [p.split(": ", 1)[0] for p in problems] == [
        str(tmp_path / "unserved.json"),
        str(bad / "other_v1.json"),
        str(bad / "thing_v1.json"),
    ]
    assert problems[0].endswith(": the CustomResourceDefinition serves no version")
    assert problems[1].endswith(f" (line 2); {PROBLEM_NOTHING}")  # the YAML parser's word
    assert problems[2].startswith(f"{bad / 'thing_v1.json'}: the JSON Schema does not compile:")


TRAINING_JOB = """apiVersion: {api_version}
kind: TrainingJob
metadata: {{name: job}}
spec:
  mode: {mode}
"""


def _validity(findings: list[Any]) -> list[tuple[int, str, str]]:
    return sorted(
        (f.line, f.rule, f.message) for f in findings if f.rule in ("schema", "unknown-kind")
    )


def test_first_label_schema_from_crds_validates_every_group_with_that_label(tmp_path: Path):
    """kubeconform's registry layout end to end (--crds DIR). Two groups of the input share
    the first label sagemaker: as in kubeconform, the one trainingjob-sagemaker-v1.json
    validates both. A CRD for one of the groups (in the input or in --crds) wins for that
    group only."""
    registry = tmp_path / "registry"
    registry.mkdir()
    (registry / "trainingjob-sagemaker-v1.json").write_text(json.dumps(LABELLED), encoding="utf-8")
    schemas, problems = load_crd_sources([str(registry)])
    assert problems == []
    assert list(schemas) == [("sagemaker.*/v1", "TrainingJob")]
    config = Config(crds=[str(registry)], strict_kinds=True)
    text = "---\n".join(
        [
            TRAINING_JOB.format(api_version="sagemaker.aws.amazon.com/v1", mode="Stream"),
            TRAINING_JOB.format(api_version="sagemaker.example.org/v1", mode="Stream"),
            TRAINING_JOB.format(api_version="sagemaker.aws.amazon.com/v1", mode="File"),
            TRAINING_JOB.format(api_version="sagemaker.aws.amazon.com/v2", mode="File"),
        ]
    )
    invalid = 'spec.mode is "Stream"; expected one of "File", "Pipe"'
    unknown = (
        "no schema for sagemaker.aws.amazon.com/v2 TrainingJob: add its"
        " CustomResourceDefinition to the input or to --crds"
    )
    assert _validity(lint_text(text, "jobs.yaml", config)) == [
        (5, "schema", invalid),
        (11, "schema", invalid),
        (20, "unknown-kind", unknown),
    ]
    # A CRD of sagemaker.example.org TrainingJob (WIDGET_CRD's schema: spec.size required,
    # mode fast or slow) decides for that group alone.
    crd = (
        WIDGET_CRD.replace("group: example.com", "group: sagemaker.example.org")
        .replace("kind: Widget", "kind: TrainingJob")
        .replace("name: widgets.example.com", "name: trainingjobs.x")
    )
    assert _validity(lint_text(text + "---" + crd, "jobs.yaml", config)) == [
        (5, "schema", invalid),
        (10, "schema", "missing required field 'size' in spec"),
        (11, "schema", 'spec.mode is "Stream"; expected one of "fast", "slow"'),
        (20, "unknown-kind", unknown),
    ]


def test_crd_in_the_input_validates_its_custom_resources():
    """End to end: the engine compiles the CRD of the input and the schema rule uses it."""
    text = WIDGET_CRD + "---" + WIDGET.replace("  mode: fast\n", "  mode: fast\n  colour: red\n")
    line = text.splitlines().index("  colour: red") + 1
    findings = [(f.line, f.path) for f in lint_text(text, "w.yaml") if f.rule == "schema"]
    assert findings == [(line, "spec.colour")]


# ---------------------------------------------------------------------------
# The real corpus (../shared/corpus/real), when present

needs_corpus = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/corpus/real absent")


@lru_cache(maxsize=1)
def _corpus_objects() -> list[tuple[str, Any]]:
    out = []
    for directory, _dirs, files in os.walk(REAL):
        for name in sorted(files):
            path = os.path.join(directory, name)
            out.extend((path, obj) for obj in load_path(path, path).objects)
    return sorted(out, key=lambda item: item[0])


@needs_corpus
def test_every_corpus_crd_compiles_and_builds_validators():
    crds = [
        (path, obj) for path, obj in _corpus_objects() if obj.kind == "CustomResourceDefinition"
    ]
    assert len(crds) == 51
    built = 0
    for path, obj in crds:
        schemas = compile_crd(obj.data)
        assert schemas, path
        for schema in schemas.values():
            jsonschema_rs.validator_for(schema)
            built += 1
    assert built == 51
    # apiextensions v1 CRDs only; 14 x-kubernetes-validations nodes hold 26 rules (some
    # CRDs appear in several install files).
    assert sum(len(cel_validations(obj.data)) for _path, obj in crds) == 26


@needs_corpus
def test_real_servicemonitors_validate_and_a_typo_does_not():
    path = (
        REAL
        / "prometheus-operator__kube-prometheus"
        / "manifests__setup__0servicemonitorCustomResourceDefinition.yaml"
    )
    [crd] = load_path(str(path), str(path)).objects
    schema = compile_crd(crd.data)[("monitoring.coreos.com/v1", "ServiceMonitor")]
    monitors = [(p, obj) for p, obj in _corpus_objects() if obj.kind == "ServiceMonitor"]
    assert len(monitors) == 19
    for p, obj in monitors:
        assert errors(schema, obj.data) == [], p
    data = json.loads(json.dumps(monitors[0][1].data))
    data["spec"]["endpoints"][0]["intervall"] = "30s"
    data["spec"]["endpoints"][0]["scheme"] = "ftp"
    assert errors(schema, data) == [
        (("spec", "endpoints", 0), "additionalProperties"),
        (("spec", "endpoints", 0, "scheme"), "enum"),
    ]


@needs_corpus
def test_the_peer_fixture_crd_and_its_json_schema_agree():
    """kubeconform's registry fixture: a v1beta1 CRD and the JSON Schema made from it."""
    registry = PEER_FIXTURES / "registry"
    if not registry.is_dir():
        pytest.skip("kubeconform fixtures absent")
    schemas, problems = load_crd_sources([str(registry)])
    # kubeconform's name holds only the first label of the group: filed under that label.
    assert problems == []
    assert sorted(schemas) == [
        ("sagemaker.*/v1", "TrainingJob"),
        ("sagemaker.aws.amazon.com/v1", "TrainingJob"),
    ]
    [job] = load_path(str(PEER_FIXTURES / "test_crd.yaml"), "test_crd.yaml").objects
    assert errors(schemas[("sagemaker.aws.amazon.com/v1", "TrainingJob")], job.data) == []
    assert errors(schemas[("sagemaker.*/v1", "TrainingJob")], job.data) == []
    # Both reject the same mistake at the same place.
    broken = json.loads(json.dumps(job.data))
    broken["spec"]["algorithmSpecification"]["trainingInputMode"] = "Stream"
    for key in (("sagemaker.aws.amazon.com/v1", "TrainingJob"), ("sagemaker.*/v1", "TrainingJob")):
        assert errors(schemas[key], broken) == [
            (("spec", "algorithmSpecification", "trainingInputMode"), "enum")
        ], key


def test_crd_validation_rules_skipped_are_counted_in_verbose_notes(tmp_path):
    """Transition rules (oldSelf) apply on update only: counted, not evaluated."""
    import subprocess
    import sys

    path = tmp_path / "scaler.yaml"
    path.write_text((ROOT / "fixtures" / "crd-validation-rules" / "pass-valid.yaml").read_text())
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kubelint",
            "check",
            "--no-config",
            "-v",
            "--disable",
            "all",
            "--enable",
            "crd-validation-rules",
            str(path),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (
        "kubelint: 2 evaluation(s) of CEL validation rules (x-kubernetes-validations) in"
        " CRDs were skipped: transition rules (oldSelf) apply on update only"
        in result.stderr.splitlines()
    )


def test_a_crds_json_schema_with_a_remote_ref_is_refused_not_fetched(tmp_path, capsys):
    from kubelint.cli import main

    (tmp_path / "example.com").mkdir()
    (tmp_path / "example.com" / "widget_v1.json").write_text(
        '{"type": "object", "properties": {"spec": {"$ref": "http://127.0.0.1:9/spec.json"}}}'
    )
    (tmp_path / "w.yaml").write_text(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {}\n"
    )
    os.chdir(tmp_path)
    main(["check", "--no-config", "--crds", "example.com/widget_v1.json", "w.yaml"])
    err = capsys.readouterr().err
    assert (
        "$ref 'http://127.0.0.1:9/spec.json' is outside the schema; kubelint never"
        " fetches schemas" in err
    )


GADGET_CRD = """
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  names: {kind: Gadget, plural: gadgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              primary: &part
                type: object
                required: [size]
                properties:
                  size: {type: integer, minimum: 1}
                  mode: {type: string, enum: [fast, slow]}
                  name: {type: string}
                  labels: {type: object, additionalProperties: {type: string}}
              secondary: *part
              spares: {type: array, items: *part}
"""

GADGET = """\
apiVersion: example.com/v1
kind: Gadget
metadata: {name: g}
spec:
  primary: {size: 0, mode: Stream}
  secondary: {mode: fast, colour: red}
  spares:
  - {size: 2, mode: slow, colour: blue}
"""


def test_a_repeated_subschema_is_compiled_once_and_reports_as_before():
    """A CRD that repeats a subschema (an ApplicationSet repeats its 19 KB template
    schema 24 times) is validated with the repeat written once under $defs; each
    occurrence still reports its own field, line and message."""
    catalog = Catalog("1.37", compile_crd(parse(GADGET_CRD)))
    schema = catalog.schema("example.com/v1", "Gadget")
    spec = schema["properties"]["spec"]["properties"]
    # The fields' copies are the same schema; the list items' differ (not nullable).
    [name] = schema["$defs"]
    assert spec["primary"] == spec["secondary"] == {"$ref": f"#/$defs/{name}"}
    findings = [
        (f.line, f.path, f.message)
        for f in lint_text(GADGET_CRD + "---\n" + GADGET, "g.yaml")
        if f.rule == "schema"
    ]
    line = GADGET_CRD.count("\n") + 2  # the object's first line
    assert findings == [
        (line + 4, "spec.primary.size", "spec.primary.size: 0 is less than the minimum of 1"),
        (
            line + 4,
            "spec.primary.mode",
            'spec.primary.mode is "Stream"; expected one of "fast", "slow"',
        ),
        (line + 5, "spec.secondary", "missing required field 'size' in spec.secondary"),
        (line + 5, "spec.secondary.colour", "unknown field 'spec.secondary.colour'"),
        (line + 7, "spec.spares[0].colour", "unknown field 'spec.spares[0].colour'"),
    ]


def test_share_repeated_keeps_schemas_with_references_of_their_own():
    part = {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "integer"}, "c": {"type": "boolean"}},
    }
    assert share_repeated({"properties": {"x": part, "y": dict(part)}})["$defs"]
    referencing = {
        "properties": {"x": part, "y": dict(part), "z": {"$ref": "#/$defs/p"}},
        "$defs": {"p": {}},
    }
    assert share_repeated(referencing) is referencing
    # Copies with their keys in another order are not the same schema to the validator's
    # error order: they stay apart.
    reordered = {"properties": dict(reversed(part["properties"].items())), "type": "object"}
    assert "$defs" not in share_repeated({"properties": {"x": part, "y": reordered}})


def test_share_repeated_leaves_no_garbage_for_the_collector():
    """Its tables go when it returns: a run pauses the cyclic collector, so tables kept
    alive by a reference cycle would stay for the whole run."""
    part = {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "integer"}, "c": {"type": "boolean"}},
    }
    schema = {"properties": {"x": part, "y": dict(part), "z": {"items": dict(part)}}}
    gc.collect()
    gc.disable()
    try:
        shared = share_repeated(schema)
        unreachable = gc.collect()
    finally:
        gc.enable()
    assert shared["properties"]["z"] == {"items": {"$ref": shared["properties"]["x"]["$ref"]}}
    assert unreachable == 0


def test_a_custom_resource_validator_is_let_go_after_the_last_object_of_its_kind(monkeypatch):
    """Compiled once for the run's Widgets, used for each, then released (and made
    again if asked for): a validator compiled from a large CRD holds megabytes, and a
    run may have dozens."""
    from tests.helpers import only_rule_config, registry

    compiled: list[Any] = []
    compile_schema = jsonschema_rs.validator_for

    def counting(schema: Any, **options: Any) -> Any:
        compiled.append(schema)
        return compile_schema(schema, **options)

    monkeypatch.setattr(jsonschema_rs, "validator_for", counting)
    first = WIDGET_CRD + "---" + WIDGET
    second = WIDGET.replace("name: w\n", "name: w2\n").replace("size: 3", "size: big")
    linter = Linter(only_rule_config("schema"), registry())
    report = linter.run(
        [
            load_text(first, SourceFile("a.yaml", first)),
            load_text(second, SourceFile("b.yaml", second)),
        ]
    )
    assert [(f.rule, f.file, f.line, f.path) for f in report.findings] == [
        ("schema", "b.yaml", 10, "spec.size")
    ]
    catalog = linter.run_state.catalog
    assert len([s for s in compiled if s.get("properties", {}).get("kind")]) == 1
    assert ("example.com/v1", "Widget") not in catalog._validators
    # Its translated schema goes too; the CRD's version, to translate it again, stays.
    assert ("example.com/v1", "Widget") not in catalog._schemas
    assert hasattr(catalog.custom["example.com/v1", "Widget"], "resolve")
    assert catalog.problems("example.com/v1", "Widget", {"spec": {"size": 11}}) == [
        SchemaProblem(("spec", "size"), "spec.size: 11 is greater than the maximum of 10")
    ]
    assert ("apiextensions.k8s.io/v1", "CustomResourceDefinition") in catalog._validators
