"""Robustness on 3,272 real manifests from public projects (../shared/corpus/real).

Skipped when ../shared is absent (a fresh clone on its own)."""

from __future__ import annotations

import pytest

from kubelint.config import Config
from kubelint.lint import lint_paths
from tests.helpers import SHARED, registry

CORPUS = SHARED / "corpus" / "real"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/real not present"),
]


@pytest.fixture(scope="module")
def report():
    return lint_paths([str(CORPUS)], Config(), registry())


def test_every_document_is_accounted_for(report):
    assert report.summary.files == 2084
    # parse_floor.py counts 3,272 non-empty documents with PyYAML; so must kubelint.
    assert report.summary.documents == 3272
    assert report.summary.objects >= report.summary.documents - report.summary.skipped


def test_no_rule_crashes_and_nothing_fails_to_parse(report):
    broken = [
        f"{f.file}:{f.line} {f.rule} {f.message}"
        for f in report.findings
        if f.rule in ("internal-error", "yaml-syntax", "yaml-limits", "file-unreadable")
    ]
    assert broken == []


def test_duplicate_keys_in_the_corpus_are_real(report):
    duplicates = sorted(
        (f.file.rsplit("/", 1)[-1], f.line)
        for f in report.findings
        if f.rule == "yaml-duplicate-key"
    )
    assert duplicates == [
        ("_archived__openshift-origin__etcd-controller.yaml", 12),
        ("_archived__openshift-origin__etcd-discovery-controller.yaml", 12),
        ("_archived__openshift-origin__openshift-controller.yaml", 12),
        ("_archived__persistent-volume-provisioning__quobyte__quobyte-admin-secret.yaml", 9),
        ("_archived__volumes__scaleio__sc-pvc.yaml", 12),
        ("resource_customizations__rabbitmq.com__User__testdata__unknown.yaml", 25),
    ]
