"""Hostile text never reaches a terminal, a page or a spreadsheet as anything but inert text,
and a configured API key is never stored or reported, whole or in part."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from detector.cli import app
from detector.models import ControlModel, Runner, load_model
from detector.models.cache import ResponseCache
from detector.report.html import render_html
from detector.report.leaderboard import build_leaderboard, write_leaderboard_csv
from detector.report.leaderboard_pages import render_leaderboard_markdown
from detector.report.markdown import render_markdown
from detector.report.summary import print_summary
from detector.safe_text import csv_cell, printable, redact_secret
from detector.types import GenParams
from tests.support.control_answer_key import FAKE_KEY, make_key
from tests.support.local_server import LocalServer
from tests.support.report_samples import full_report

OSC52 = "\x1b]52;c;ZXZpbCBjbGlwYm9hcmQ=\x07"  # writes the clipboard
OSC8 = "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"  # a hidden hyperlink
DCS = "\x1bP+q544e\x1b\\"  # a terminal query
C1 = "\x9b2J\x9d0;title\x9c"  # 8-bit CSI and OSC
HOSTILE = f"name{OSC52}{OSC8}{DCS}{C1}\x1b[31mred\u202eevil"
ESCAPES = ("\x1b", "\x9b", "\x9d", "\x90", "\x9c", "\x07", "\u202e")


def _inert(text: str) -> bool:
    return not any(code in text for code in ESCAPES)


def test_printable_removes_every_kind_of_escape_and_keeps_the_words() -> None:
    cleaned = printable(HOSTILE + "\nnext\tline")
    assert _inert(cleaned)
    assert cleaned.startswith("name") and "click" in cleaned and cleaned.endswith("\nnext\tline")
    assert printable("\x1b]52;c;" + "A" * 10_000) == ""  # an unterminated sequence is dropped whole


def test_benchmarks_show_prints_no_escape_from_the_file_or_its_name(tmp_path: Path) -> None:
    path = tmp_path / "bench\x1b]52;c;eA==\x07.jsonl"
    row = {"question": f"What is 1+1? {HOSTILE}", "answer": f"1+1=2 {OSC8}\n#### 2"}
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    for extra in ([], ["--json"]):
        result = CliRunner().invoke(app, ["benchmarks", "show", str(path), *extra])
        assert result.exit_code == 0, result.output
        assert "What is 1+1?" in result.output and _inert(result.output)


def test_an_error_naming_a_hostile_file_prints_no_escape(tmp_path: Path) -> None:
    path = tmp_path / f"bad{OSC52}.jsonl"
    path.write_text("{not json\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["benchmarks", "show", str(path)])
    assert result.exit_code == 2 and "malformed JSON" in result.output and _inert(result.output)


def _hostile_report() -> dict[str, Any]:
    report = full_report(model=HOSTILE)
    report["evidence"] = [HOSTILE]
    report["families"][0]["name"] = HOSTILE
    report["families"][0]["benchmark"] = "[link=https://evil.example]bench[/link]"
    for key in ("original_question", "variant_response", "original_gold"):
        report["examples"][0][key] = HOSTILE
    return report


def test_the_probe_table_prints_no_escape_and_no_markup(capsys: pytest.CaptureFixture[str]) -> None:
    print_summary(_hostile_report(), Path(f"runs/{OSC52}x"))
    out = capsys.readouterr().out
    assert _inert(out) and "[link=https://evil.example]" in out  # shown as text, never a link


def test_markdown_and_html_reports_carry_no_escape() -> None:
    report = _hostile_report()
    for page in (render_markdown(report), render_html(report)):
        assert _inert(page) and "name" in page


def test_leaderboard_markdown_and_csv_are_inert(tmp_path: Path) -> None:
    groups = build_leaderboard(
        [("r1", full_report(model="=HYPERLINK(\"https://evil.example\",\"x\")", sha="aa" * 32)),
         ("r2", full_report(model=f"+cmd{OSC52}", sha="aa" * 32)),
         ("r3", full_report(model="@SUM(A1)", sha="aa" * 32)),
         ("r4", full_report(model="-2+3", sha="aa" * 32))]
    )  # fmt: skip
    assert _inert(render_leaderboard_markdown(groups))
    path = tmp_path / "board.csv"
    write_leaderboard_csv(groups, path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert {row["model"][0] for row in rows} == {"'"}
    assert all(not row["model"].lstrip("'").startswith("'") for row in rows)
    assert csv_cell("plain") == "plain" and csv_cell("=1") == "'=1"


def test_redaction_removes_the_key_whole_in_part_and_masked() -> None:
    text = f"a {FAKE_KEY} b {FAKE_KEY[4:14]} c {FAKE_KEY[:3]}*****{FAKE_KEY[-4:]} d"
    cleaned = redact_secret(text, FAKE_KEY)
    assert FAKE_KEY[4:14] not in cleaned and "*****" not in cleaned
    assert cleaned.startswith("a [redacted] b [redacted] c [redacted] d")
    assert redact_secret("nothing here", FAKE_KEY) == "nothing here"


def test_a_server_echoing_the_key_is_stored_and_reported_without_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)

    def echo_key(route: str, reply: dict[str, Any]) -> dict[str, Any]:
        reply["choices"][0]["message"]["content"] = f"your key is {FAKE_KEY}; tail {FAKE_KEY[-10:]}"
        return reply

    answer_key, prompts = make_key(3)
    server = LocalServer(ControlModel("control/clean", answer_key, p_right=1.0), reshape=echo_key)
    cache_path = tmp_path / "cache" / "responses.sqlite"
    with server:
        model = load_model("openai/m", base_url=server.url)
        runner = Runner(model, ResponseCache(cache_path), retries=0, timeout_s=5.0)
        [reply] = runner.generate(prompts[:1], GenParams())
        server.set_fault(
            "status", status=200, payload={"error": {"message": f"bad key {FAKE_KEY[3:19]}"}}, times=9
        )
        [failed] = runner.generate(prompts[1:2], GenParams())
        runner.close()
    assert reply.text is not None and "[redacted]" in reply.text
    assert FAKE_KEY[-10:] not in reply.text and FAKE_KEY[:8] not in reply.text
    assert failed.error is not None and FAKE_KEY[3:19] not in failed.error
    stored = b"".join(path.read_bytes() for path in cache_path.parent.iterdir())
    assert FAKE_KEY[-10:].encode() not in stored and FAKE_KEY[:8].encode() not in stored
    with sqlite3.connect(cache_path) as db:
        [(text,)] = db.execute("SELECT text FROM generations").fetchall()
    assert "[redacted]" in text


def test_damaged_reports_found_by_the_fuzz_campaign_render_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import time

    from detector.report.leaderboard_pages import render_leaderboard_html

    report = full_report(model="m", sha="aa" * 32)
    report["overall"]["drop"] = 1e308  # sized the chart's axis: an endless tick loop
    report["overall"]["n_items"] = 10**400  # overflowed the CSV's integer column
    report["seed"] = 1e300
    report["evidence"] = 3.5  # not a list
    started = time.perf_counter()
    groups = build_leaderboard([("r", report)])
    assert "<svg" in render_leaderboard_html(groups)
    write_leaderboard_csv(groups, tmp_path / "board.csv")
    print_summary(report)
    assert time.perf_counter() - started < 5
    assert "verdict" in capsys.readouterr().out
