"""`detect lab build` refuses counts that would build a twin which never saw what lab.json says."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from detector.cli import app
from tests.support.extras import require


@pytest.mark.parametrize(
    ("option", "value"),
    [("--exposures", "0"), ("--exposures", "-1"), ("--threads", "0"), ("--minutes", "nan"),
     ("--minutes", "inf"), ("--minutes", "0"), ("--contaminate", "0"), ("--steps", "0")],
)  # fmt: skip
def test_bad_counts_are_one_line_and_exit_2_before_any_work(tmp_path: Path, option: str, value: str) -> None:
    out = tmp_path / "lab"
    result = CliRunner().invoke(app, ["lab", "build", "--out", str(out), "--size", "tiny", option, value])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ") and option in result.output
    assert "Traceback" not in result.output and not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_the_library_refuses_a_spec_without_exposures() -> None:
    require("torch", "lab")
    from detector.lab.build import LabSpec

    with pytest.raises(ValueError, match="--exposures"):
        LabSpec(contaminate=5, exposures=0)
