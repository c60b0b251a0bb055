import re

import pytest

from detector.report.markdown import escape_inline, fenced, render_markdown
from tests.support.report_samples import HOSTILE, full_report, hostile_report, null_report


def test_full_report_has_every_section_and_the_numbers():
    text = render_markdown(full_report())
    for heading in (
        "# Overfitting audit: control/contaminated",
        "## Evidence",
        "## Accuracy on originals and variants",
        "## Memorization signals",
        "## Examples: right on the original, wrong on the variant",
        "## Provenance",
    ):
        assert heading in text
    assert "**Verdict: likely overfit**" in text
    assert (
        "**Drop on variants (all families pooled; robustness, not evidence):** +18.4 accuracy points, "
        "interval [12.1, 24.9]" in text
    )
    row = "| numeric | gsm8k\\_test | 20 | 40 | 95.0 | 60.0 | +35.0 | [22.5, 47.5] | <0.001 | <0.001 |"
    assert row in text
    assert "| stale answer rate | 41.0% | [30.0%, 52.0%] | 40 | \u2014 | \u2014 |" in text
    assert "not calibrated" in text
    assert "ab" * 32 in text
    assert "Tom has 5 apples" in text and "The answer is 7." in text


def test_nulls_render_as_dashes_without_crashing():
    text = render_markdown(null_report())
    assert "**Verdict: no verdict**" in text
    assert (
        "- **Drop on variants (all families pooled; robustness, not evidence):** "
        "\u2014 (could not be computed)" in text
    )
    assert "No memorization signals were computed" in text
    assert "No item was answered right on the original and wrong on its variant." in text
    assert re.search(r"\b(None|nan|NaN|null)\b", text) is None


def test_inconclusive_report_says_why_and_what_was_scored():
    report = full_report()
    report.update(
        verdict="inconclusive",
        inconclusive_reasons=["only 3 parent items scored (at least 50 needed)"],
        n_scored_parents=3,
        min_detectable_drop=139.5,
        summarised_families=["numeric"],
        robustness=["gsm8k / numeric: accuracy falls 35.0 points [22.5, 47.5] on 20 items (robustness)"],
    )
    report["errors"] = {
        "n_requests": 9,
        "n_failed": 6,
        "top": [{"error": "HTTP 404: model not found", "count": 6}],
    }
    text = render_markdown(report)
    assert "**Verdict: inconclusive**" in text and "### Why inconclusive" in text
    assert "- only 3 parent items scored (at least 50 needed)" in text
    assert "- 6 requests: HTTP 404: model not found" in text
    assert "smallest drop this run could detect (level 0.01, 80% power): 139.5 points" in text
    assert "### Robustness (not evidence of contamination)" in text
    assert "**Drop on variants (all families pooled: numeric; robustness, not evidence):**" in text


def test_missing_keys_render_like_nulls():
    text = render_markdown({"schema_version": 1})
    assert "# Overfitting audit: \u2014" in text
    assert "## Provenance" in text


def test_null_family_values_are_dashes():
    text = render_markdown(full_report())
    row = next(line for line in text.splitlines() if line.startswith("| paraphrase"))
    assert row.count("\u2014") == 5


def test_calibrated_report_shows_excess_drop():
    report = full_report()
    report["calibrated"] = True
    report["excess_drop"] = {"estimate": 9.0, "ci_low": 3.0, "ci_high": 15.0}
    text = render_markdown(report)
    assert "Excess drop over reference models:** +9.0 accuracy points, interval [3.0, 15.0]" in text
    assert "calibrated against reference models" in text
    report["calibration"] = {"calibrated": True, "message": "calibrated against 5 reference runs"}
    assert "**Calibration:** calibrated against 5 reference runs" in render_markdown(report)


def test_hostile_text_cannot_become_markup():
    text = render_markdown(hostile_report())
    # inside a fenced code block the text is shown literally, never interpreted
    fences = re.compile(r"^(`{3,})text\n.*?\n\1$", re.S | re.M)
    assert len(fences.findall(text)) == 8  # question and answer, original and variant, two examples
    outside = fences.sub("", text)
    assert "<script>" not in outside
    assert "&lt;script&gt;" in outside
    # pipes from the text are escaped, so every table row keeps its header's column count
    unescaped_pipes = re.compile(r"(?<!\\)\|")
    columns = None
    for line in text.splitlines():
        if not line.startswith("|"):
            columns = None
            continue
        count = len(unescaped_pipes.findall(line))
        columns = count if columns is None else columns
        assert count == columns, line


def test_fence_is_longer_than_any_backtick_run():
    block = fenced("a ```` b")
    assert block.startswith("`````text\n") and block.endswith("\n`````")


def test_escape_inline_flattens_newlines_and_escapes_pipes():
    assert escape_inline("a|b\nc") == "a\\|b c"
    assert "\\*\\*" in escape_inline(HOSTILE)


def test_rejects_non_mapping():
    with pytest.raises(TypeError, match="mapping"):
        render_markdown(["not", "a", "report"])  # type: ignore[arg-type]


def test_output_is_deterministic():
    assert render_markdown(full_report()) == render_markdown(full_report())


def test_example_options_are_listed_under_the_question():
    text = render_markdown(full_report())
    block = "```text\nWhich gas do plants absorb?\nA. Neon\nB. Helium\nC. Oxygen\nD. Carbon dioxide\n```"
    assert block in text


def test_membership_is_one_signal_row_with_its_interval_and_q():
    from detector.report.display import signal_rows

    membership = {
        "score": "mean_logprob",
        "estimate": 0.49,
        "ci_low": 0.4,
        "ci_high": 0.58,
        "p_value": 1e-6,
        "q_value": 2e-6,
        "n_items": 38,
        "unit": "nats per token",
        "families": {"numeric": {"estimate": 0.6}},
        "auroc": {"min_k_plus_plus": 0.95},
    }
    rows = [
        row for row in signal_rows({"signals": {"membership": membership}}) if row[0].startswith("membership")
    ]
    assert len(rows) == 1
    assert rows[0][:6] == ["membership", "0.49", "[0.400, 0.580]", "38", "<0.001", "<0.001"]
    assert "min_k_plus_plus 0.95" in rows[0][6]
