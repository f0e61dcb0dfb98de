"""learnkit.files: a reader sees the old file or the new one, never half of it, and no litter."""
import os

import pytest

from learnkit.files import atomic_open, write_atomic


def test_write_atomic_text_and_bytes(tmp_path):
    p = write_atomic(tmp_path / "sub" / "a.txt", "héllo\n")
    assert p.read_text(encoding="utf-8") == "héllo\n"
    write_atomic(p, b"\x00\xff")
    assert p.read_bytes() == b"\x00\xff"
    assert oct(os.stat(p).st_mode & 0o777) == oct(0o644)
    assert sorted(x.name for x in p.parent.iterdir()) == ["a.txt"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    p = tmp_path / "grades.csv"
    p.write_text("old\n")
    with pytest.raises(RuntimeError):
        with atomic_open(p, "w") as f:
            f.write("half of the new")
            raise RuntimeError("killed mid-write")
    assert p.read_text() == "old\n"
    assert [x.name for x in tmp_path.iterdir()] == ["grades.csv"]


def test_only_whole_file_modes(tmp_path):
    with pytest.raises(ValueError):
        with atomic_open(tmp_path / "x", "a"):
            pass
