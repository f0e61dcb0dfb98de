"""The ``learnkit`` command line itself: ``learnkit demo``, one-line usage errors, counted words."""
from __future__ import annotations

import subprocess
import sys

import pytest

from learnkit import cli


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as e:
        cli.main(list(argv))
    out, err = capsys.readouterr()
    return e.value.code, out, err


def test_demo_help(capsys):
    code, out, _err = _run(capsys, "demo", "--help")
    assert code == 0 and "learnkit demo" in out and "--rebuild-examples" in out


@pytest.mark.parametrize("argv, message", [
    (["demo", "--bogus"], "learnkit demo: No such option: --bogus"),
    (["demo", "extra"], "learnkit demo: Got unexpected extra argument"),
    (["grade"], "learnkit grade: Missing argument"),
    (["bogus"], "learnkit: No such command 'bogus'"),
])
def test_a_bad_command_line_is_one_line(capsys, argv, message):
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith(message) and err.count("\n") == 1, err


def test_the_installed_command_says_it_in_one_line_too():
    proc = subprocess.run([sys.executable, "-m", "learnkit.cli", "demo", "--rebuild"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip() == ("learnkit demo: No such option: --rebuild (Possible options: --rebuild-examples) "
                                   "(see `learnkit demo --help`)"), proc.stderr


def test_counts_are_words_not_brackets(capsys, monkeypatch):
    from learnkit import i18n_tools
    monkeypatch.setattr(i18n_tools, "check", lambda lang: {"learnkit": ["a"], "checkers": []})
    code, out, _err = _run(capsys, "i18n", "check", "zh-TW")
    assert code == 1 and out.strip().endswith("1 untranslated message") and "(s)" not in out
    monkeypatch.setattr(i18n_tools, "check", lambda lang: {"learnkit": ["a"], "checkers": ["b", "c"]})
    code, out, _err = _run(capsys, "i18n", "check", "zh-TW")
    assert out.strip().endswith("3 untranslated messages")


def test_no_command_shows_the_help(capsys):
    code, out, err = _run(capsys)
    assert code == 2 and "demo" in out + err and "grade" in out + err
