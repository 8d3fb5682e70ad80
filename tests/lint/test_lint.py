from __future__ import annotations

from pathlib import Path

import prepdeck
from prepdeck.diagnostics import CODES

Q = '!!! Question ""\n    === "Question"\n        {q}\n\n    === "Answer"\n        {a}\n'


def _codes(report: prepdeck.LintReport) -> list[tuple[int, str]]:
    return [(d.location.line, d.code) for d in report.diagnostics]


def test_broken_page_reports_each_problem_at_its_line(data: Path) -> None:
    report = prepdeck.lint(data / "book" / "broken.md")
    assert _codes(report) == [
        (3, "PD101"),
        (3, "PD104"),
        (7, "PD103"),
        (17, "PD105"),
        (23, "PD106"),
        (32, "PD201"),
        (39, "PD301"),
        (47, "PD401"),
        (47, "PD401"),
        (47, "PD401"),
        (47, "PD401"),
        (51, "PD601"),
        (57, "PD002"),
        (57, "PD002"),
    ]
    assert not report.ok
    misspelt = next(d for d in report.diagnostics if d.code == "PD601")
    assert "Normalizattion" in misspelt.message and "normalization" in misspelt.message
    assert misspelt.location.column == 34


def test_clean_fixtures_have_no_findings(data: Path) -> None:
    report = prepdeck.lint([data / "book" / "variants.md", data / "book" / "metadata.md"])
    assert report.diagnostics == []


def test_duplicates_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(Q.format(q="What is overfitting?", a="A."), "utf-8")
    (tmp_path / "b.md").write_text(
        Q.format(q="what is OVERFITTING", a="B.")
        + "\n"
        + Q.format(q="How does gradient boosting reduce bias in shallow trees?", a="C.")
        + "\n"
        + Q.format(q="How does gradient boosting reduce the bias of shallow trees?", a="D."),
        "utf-8",
    )
    report = prepdeck.lint(tmp_path, spellcheck=False)
    codes = [(Path(d.location.file).name, d.code) for d in report.diagnostics]
    assert codes == [("b.md", "PD501"), ("b.md", "PD502")]
    assert "a.md:1" in report.diagnostics[0].message


def test_duplicate_explicit_ids(tmp_path: Path) -> None:
    meta = "<!-- prepdeck\nid: same\n-->\n"
    text = meta + Q.format(q="First?", a="A.") + "\n" + meta + Q.format(q="Second?", a="B.")
    (tmp_path / "a.md").write_text(text, "utf-8")
    report = prepdeck.lint(tmp_path)
    assert _codes(report) == [(14, "PD503")]


def test_british_and_american_spellings_and_terms_pass() -> None:
    text = Q.format(
        q="How do regularisation, normalization, XGBoost, `np.einsum`, $\\beta$ and colour "
        "interact in a tokenizer's pre-training?",
        a="A.",
    )
    report = prepdeck.lint_bank(prepdeck.Bank([prepdeck.parse_page(text, "x.md")]))
    assert report.diagnostics == []


def test_extra_words(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(Q.format(q="What is a frobnicator?", a="A."), "utf-8")
    assert [d.code for d in prepdeck.lint(tmp_path).diagnostics] == ["PD601"]
    assert prepdeck.lint(tmp_path, words=["frobnicator"]).diagnostics == []


def test_every_code_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    for code in CODES:
        assert f"`{code}`" in readme, code
