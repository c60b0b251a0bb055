import re
from html.parser import HTMLParser

import pytest

from detector.report.charts import FamilyRow, ScatterPoint, family_chart, family_rows, scatter_chart
from detector.report.html import render_html
from tests.support.report_samples import full_report, hostile_report, null_report


class TagCollector(HTMLParser):
    """Collects start tags and the attributes that could load something from the network."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href") and value:
                self.urls.append(value)

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> TagCollector:
    collector = TagCollector()
    collector.feed(page)
    return collector


def test_page_is_self_contained_and_has_the_content():
    page = render_html(full_report())
    parsed = parse(page)
    assert page.startswith("<!DOCTYPE html>")
    assert "script" not in parsed.tags and "link" not in parsed.tags
    assert parsed.urls == []
    assert "http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'" in page
    text = " ".join(parsed.text)
    for expected in ("Overfitting audit: control/contaminated", "likely overfit", "+18.4", "[12.1, 24.9]",
                     "stale answer rate", "Tom has 5 apples", "Provenance", "ab" * 32, "1.6.5"):
        assert expected in text, expected
    assert parsed.tags.count("svg") == 1
    assert page.count('class="family-row"') == 4


def test_hostile_text_is_escaped_everywhere():
    page = render_html(hostile_report())
    parsed = parse(page)
    assert "script" not in parsed.tags
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "a" not in parsed.tags  # the markdown link stays text


def test_null_report_renders_with_dashes():
    page = render_html(null_report())
    text = " ".join(parse(page).text)
    assert "no verdict" in text and "\u2014" in text
    assert "No memorization signals were computed" in text
    assert "No item was answered right on the original" in text
    assert re.search(r"\b(None|nan|NaN)\b", text) is None


def test_excess_drop_card_only_when_calibrated():
    report = full_report()
    assert "Excess drop over reference models" not in render_html(report)
    report["calibrated"] = True
    report["excess_drop"] = {"estimate": 9.0, "ci_low": 3.0, "ci_high": 15.0}
    page = render_html(report)
    assert "Excess drop over reference models" in page and "+9.0" in page


def test_family_chart_places_dots_and_drop_whisker_on_the_axis():
    svg = family_chart([FamilyRow("f", 90.0, 60.0, 20.0, 40.0)])
    # x axis: 260 px of labels then 470 px for 0-100 points
    assert 'class="dot-original" cx="683.0"' in svg  # 260 + 4.7 * 90
    assert 'class="dot-variant" cx="542.0"' in svg  # 260 + 4.7 * 60
    whisker = re.search(r'class="whisker" x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)"', svg)
    assert whisker is not None
    assert (float(whisker.group(1)), float(whisker.group(2))) == (495.0, 589.0)  # 50..70 points


def test_family_chart_handles_missing_values():
    rows = [FamilyRow("empty", None, None, None, None), FamilyRow("half", 80.0, None, None, None)]
    svg = family_chart(rows)
    assert "no data" in svg
    assert "dot-original" in svg and "dot-variant" not in svg
    assert "no families to show" in family_chart([])


def test_family_rows_from_report():
    rows = family_rows(full_report())
    assert [r.label for r in rows] == ["all families", "numeric · gsm8k_test", "option-shuffle · mmlu_test",
                                       "paraphrase · gsm8k_test"]
    assert rows[0].emphasis and rows[3].acc_variant is None


def test_scatter_chart_escapes_labels_and_draws_zero_line():
    svg = scatter_chart([ScatterPoint("<b>m</b>", 80.0, 12.0, 6.0, 18.0, "suspicious"),
                         ScatterPoint("no-drop", 70.0, None, None, None, "no_evidence")])
    assert "&lt;b&gt;m&lt;/b&gt;" in svg and "<b>" not in svg
    assert svg.count('class="model-point"') == 1
    assert 'stroke="#888"' in svg  # the zero line


def test_rejects_non_mapping():
    with pytest.raises(TypeError):
        render_html("report")  # type: ignore[arg-type]


def test_example_options_are_listed():
    page = render_html(full_report())
    options = "<li>A. Neon</li><li>B. Helium</li><li>C. Oxygen</li><li>D. Carbon dioxide</li>"
    assert f'<ul class="choices">{options}</ul>' in page


def test_example_labels_default_to_letters():
    from detector.report.display import example_choices

    assert example_choices({"variant_choices": ["x", "y"]}, "variant") == ["A. x", "B. y"]
    assert example_choices({"variant_choices": ["x"], "variant_labels": ["1", "2"]}, "variant") == ["A. x"]
    assert example_choices({}, "original") == []
