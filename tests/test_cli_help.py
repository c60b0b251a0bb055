from typer.testing import CliRunner

from detector.cli import app

COMMANDS = ["probe", "perturb", "overlap", "report", "leaderboard", "selftest", "benchmarks"]


def test_help_lists_every_command():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


def test_stable_seed_is_process_independent():
    from detector.types import stable_seed

    assert stable_seed(0, "numeric", "gsm8k/1") == stable_seed(0, "numeric", "gsm8k/1")
    assert stable_seed(0, "numeric", "gsm8k/1") != stable_seed(1, "numeric", "gsm8k/1")
    assert stable_seed("a") == 0xCA978112CA1BBDCA
