import stat

import pytest

from detector.atomic_files import write_atomic, write_text_atomic


def test_text_is_written_whole_and_readable_by_others(tmp_path):
    target = write_text_atomic(tmp_path / "sub" / "report.md", "a\r\nb\n")
    assert target.read_bytes() == b"a\r\nb\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["report.md"]


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old")

    def broken(temporary):
        temporary.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, broken)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_unwritable_folder_error_names_the_target(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OSError) as raised:
        write_text_atomic(blocker / "report.html", "x")
    assert raised.value.filename == str(blocker / "report.html")
