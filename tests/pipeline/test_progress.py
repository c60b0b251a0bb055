"""Progress on stderr: a rich bar on a terminal, plain lines in a log, nothing when disabled."""

import io

from rich.console import Console

import detector.progress
from detector.progress import track


def _log_console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=False, width=200), out


def test_a_log_gets_a_plain_line_per_interval_and_at_the_end(monkeypatch):
    monkeypatch.setattr(detector.progress, "LOG_EVERY_S", 0.0)
    console, out = _log_console()
    with track("querying", 3, "req", console=console) as tracker:
        for _ in range(3):
            tracker.advance()
    lines = out.getvalue().splitlines()
    assert [line.split()[1] for line in lines] == ["1/3", "2/3", "3/3"]
    assert all(line.startswith("querying ") and "req/s" in line and "ETA" in line for line in lines)


def test_between_intervals_a_log_gets_only_the_final_line():
    console, out = _log_console()
    with track("selftest", 200, "trials", console=console) as tracker:
        for done in range(1, 201):
            tracker.update(done, note=f"{done} done")
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("selftest 200/200 trials, ") and "200 done" in lines[0]


def test_bytes_are_shown_in_megabytes(monkeypatch):
    monkeypatch.setattr(detector.progress, "LOG_EVERY_S", 0.0)
    console, out = _log_console()
    with track("overlap (minhash)", 3_000_000, in_bytes=True, console=console) as tracker:
        tracker.advance(1_500_000)
    assert out.getvalue().startswith("overlap (minhash) 1.5/3.0 MB, ")
    assert " MB/s, " in out.getvalue()


def test_a_terminal_gets_a_bar_with_rate_and_note():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120)
    with track("contaminated", 10, "steps", console=console) as tracker:
        tracker.update(10, "7,800 tokens/s")
    shown = out.getvalue()
    assert "contaminated" in shown and "10/10" in shown and "steps/s" in shown and "7,800 tokens/s" in shown
    assert "━" in shown


def test_disabled_shows_nothing(capsys):
    with track(None, 5) as tracker:
        tracker.advance(5)
        tracker.update(5, "note")
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
