"""The everyday output options of `kubelint check` and `kubelint rules --format markdown`."""

from __future__ import annotations

from kubelint.cli import main
from tests.helpers import ROOT

# -- kubelint rules --format markdown -----------------------------------------------------

def test_rules_as_a_markdown_table_like_the_readme(capsys):
    """The README's table is the same table, linked to the docs beside it."""
    assert main(["rules", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- rules-table -->\n")[1].split("<!-- /rules-table -->")[0]
    assert out == table.replace("](docs/rules/",
                                "](https://github.com/kubelint/kubelint/blob/main/docs/rules/")
    assert out.splitlines()[:2] == [
        "| rule | category | severity | on by default | fixable | what it flags |",
        "|---|---|---|---|---|---|"]
    assert ("| [`restart-policy`](https://github.com/kubelint/kubelint/blob/main/docs/rules/"
            "restart-policy.md) | reliability | error | yes | yes | a pod restartPolicy the"
            " controller does not allow |") in out.splitlines()


def test_a_markdown_cell_stays_one_cell():
    from kubelint.docs import rules_table
    from kubelint.rule import Rule

    rule = Rule(id="team-rule", severity="warning", summary="a | b\nc", check=None,
                enabled=False)
    assert rules_table([rule], lambda _rule: None)[2] == (
        "| `team-rule` |  | warning | no | no | a \\| b c |")
