"""Translations: complete, compiled, placeholder-safe catalogs, and zh-TW where students see it.

The zh-TW notebooks themselves (author tests, solution, exercise) run in the pytest plugin
(``--learnkit``); these tests stay in-process and fast.
"""
from __future__ import annotations

import gettext
import json
import re
import string
from pathlib import Path

import numpy as np
import pytest

from learnkit import i18n
from learnkit.i18n import _, content
from repo import ROOT  # noqa: E402

babel = pytest.importorskip("babel")
from learnkit import i18n_tools  # noqa: E402  (Babel: a development dependency)

TEMPLATES = ROOT / "learnkit" / "templates"
LANG = "zh-TW"
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _language(monkeypatch):
    """Every test starts in English and leaves the language as it found it."""
    monkeypatch.delenv("LEARNKIT_LANG", raising=False)
    monkeypatch.setattr(i18n, "_override", None)


def _catalog(domain: str):
    return i18n_tools._read(domain, LANG)


def _translated(domain: str):
    return [m for m in _catalog(domain) if m.id and i18n_tools.is_translated(m)]


def _pairs(m) -> list[tuple[str, str]]:
    """(msgid, msgstr) of an entry; a counting message pairs each form with the English plural
    (zh-TW has one form, used for every n)."""
    if isinstance(m.id, tuple):
        return [(m.id[1], form) for form in m.string]
    return [(m.id, m.string)]


def _strings(m) -> list[str]:
    return list(m.string) if isinstance(m.string, (tuple, list)) else [m.string]


def _fields(text: str) -> list[str]:
    """The replacement fields of a str.format template, e.g. ['{have:,}', '{name}', '{want!r}']."""
    return sorted("{%s%s%s}" % (name, "!" + conv if conv else "", ":" + spec if spec else "")
                  for _lit, name, spec, conv in string.Formatter().parse(text) if name is not None)


# -- (a) complete ---------------------------------------------------------------------------
def test_every_message_is_translated():
    missing = i18n_tools.check(LANG)
    assert missing == {"learnkit": [], "checkers": []}, missing


def test_template_words_are_extracted():
    """report._template_messages() lists every `_("…")` of the templates (Babel reads only .py)."""
    used = set()
    for tpl in TEMPLATES.glob("*.j2"):
        text = tpl.read_text(encoding="utf-8")
        used |= set(re.findall(r'\b_\(\s*"([^"]+)"\s*\)', text)) | set(re.findall(r"\b_\(\s*'([^']+)'\s*\)", text))
        used |= set(re.findall(r'\b_n\(\s*"([^"]+)"\s*,\s*"([^"]+)"', text))  # counting messages
    assert used, "no _() in the templates?"
    listed = _listed_template_messages()
    assert used == listed, {"in templates only": used - listed, "listed only": listed - used}


def _listed_template_messages() -> set[str]:
    import ast
    import inspect
    from learnkit.grading import report
    tree = ast.parse(inspect.getsource(report._template_messages))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.args[0], ast.Constant)]
    return ({node.args[0].value for node in calls if getattr(node.func, "id", None) == "_"}
            | {(node.args[0].value, node.args[1].value) for node in calls if getattr(node.func, "id", None) == "_n"})


# -- (b) the committed .mo files are compiled from the .po files ----------------------------
@pytest.mark.parametrize("domain", sorted(i18n_tools.DOMAINS))
def test_mo_files_are_up_to_date(domain, tmp_path):
    from babel.messages.mofile import write_mo
    fresh = tmp_path / f"{domain}.mo"
    with open(fresh, "wb") as f:
        write_mo(f, _catalog(domain), use_fuzzy=False)
    committed = i18n_tools.po_path(domain, LANG).with_suffix(".mo")
    assert committed.exists(), f"run `learnkit i18n compile {LANG}`"
    with open(committed, "rb") as f:
        have = gettext.GNUTranslations(f)._catalog
    with open(fresh, "rb") as f:
        want = gettext.GNUTranslations(f)._catalog
    # the header ("") holds the date of the last `update`, not a translation
    stale = sorted(k for k in set(have) | set(want) if k != "" and have.get(k) != want.get(k))
    assert not stale, f"{committed} is stale: run `learnkit i18n compile {LANG}` ({stale[:3]}…)"


# -- (c) translations keep what the code relies on -------------------------------------------
@pytest.mark.parametrize("domain", sorted(i18n_tools.DOMAINS))
def test_translations_keep_placeholders_code_and_edges(domain):
    bad = []
    for mid, mstr in (pair for m in _translated(domain) for pair in _pairs(m)):
        if _fields(mid) != _fields(mstr):
            bad.append(("placeholders", mid, mstr))
        if sorted(re.findall(r"`[^`]*`", mid)) != sorted(re.findall(r"`[^`]*`", mstr)):
            bad.append(("`code`", mid, mstr))
        if (mid[:1].isspace(), mid[-1:].isspace()) != (mstr[:1].isspace(), mstr[-1:].isspace()):
            bad.append(("leading/trailing space", mid, mstr))
        if mid.count("\n") != mstr.count("\n"):
            bad.append(("line breaks", mid, mstr))
    assert not bad, "\n".join(map(repr, bad))


def test_translated_templates_format_like_the_originals():
    """Every translated framework message formats with the arguments its msgid takes."""
    for mid, mstr in (pair for m in _translated("learnkit") for pair in _pairs(m)):
        args = {f.strip("{}").split("!")[0].split(":")[0] for f in _fields(mid)}
        if not args or any(not a.isidentifier() for a in args):
            continue  # positional fields: same list as the msgid (checked above)
        values = {a: 1234 for a in args}
        mid.format(**values)
        mstr.format(**values)


def test_zh_tw_uses_the_course_terminology():
    strings = {m.id: m.string for m in _translated("learnkit")}
    assert strings["validation loss"] == "驗證損失" and strings["epoch"] == "時期"
    assert "過度擬合" in strings["Your validation loss reached its minimum {min} at epoch {best}, then rose by {gap} "
                             "by epoch {n} — the model overfits after epoch {best}."]
    every = "\n".join(s for m in _translated("learnkit") + _translated("checkers") for s in _strings(m))
    for mainland, taiwan in (("批量", "批次"), ("歸一化", "正規化"), ("數據", "資料"), ("過擬合", "過度擬合"),
                             ("默認", "預設"), ("文件", "檔案"), ("信息", "訊息"), ("具體資料", "Concrete 資料")):
        assert mainland not in every, f"use {taiwan} rather than {mainland}"


# -- (d) a wrong answer in zh-TW gets the Chinese diagnosis -----------------------------------
@pytest.fixture(scope="module")
def ex5():
    pytest.importorskip("keras")
    from checkers.deep_learning_intro import ex5
    return ex5


def _grade(ex5, question: int, **ns):
    return ex5.exercise.grade(ns)[question - 1]


def test_wrong_dropout_rate_in_chinese(ex5):
    import keras
    from keras import layers
    model = keras.Sequential([keras.Input(shape=(18,)), layers.Dense(128, activation="relu"), layers.Dropout(0.5),
                              layers.Dense(64, activation="relu"), layers.Dropout(0.5), layers.Dense(1)])
    with i18n.using(LANG):
        r = _grade(ex5, 1, model=model)
    assert r.status.value == "incorrect"
    assert HAN.search(r.message) and "0.3" in r.message and "0.5" in r.message, r.message
    assert "Layer" not in r.message and "should" not in r.message, r.message
    english = _grade(ex5, 1, model=model)
    assert "Layer 2" in english.message and not HAN.search(english.message)


def test_starter_model_in_chinese(ex5):
    import keras
    from keras import layers
    model = keras.Sequential([keras.Input(shape=(18,)), layers.Dense(128, activation="relu"),
                              layers.Dense(64, activation="relu"), layers.Dense(1)])
    with i18n.using(LANG):
        r = _grade(ex5, 1, model=model)
        expected = content(ex5.q1.starter_message)
    assert r.status.value == "unattempted"
    assert r.message == expected != ex5.q1.starter_message
    assert HAN.search(r.message) and "`layers.Dropout(0.3)`" in r.message


def test_content_is_translated_where_students_read_it(ex5):
    with i18n.using(LANG):
        assert content(ex5.exercise.title) == "Dropout 與批次正規化"
        assert HAN.search(content(ex5.q1.prompt)) and HAN.search(content(ex5.q3.hints[0]))
        solution = content(ex5.q2.solution)
        assert "過度擬合" in solution and "dropout" in solution
        assert "第一次嘗試" in content(ex5.q4.solution)


def _overfitting_curve():
    train = [1.0, 0.8, 0.65, 0.55, 0.48, 0.42, 0.37, 0.33, 0.3, 0.27]
    val = [1.0, 0.8, 0.7, 0.66, 0.68, 0.72, 0.78, 0.84, 0.9, 0.97]
    return {"loss": train, "val_loss": val}


def test_history_diagnosis_in_chinese():
    from learnkit.keras import diagnosis as history
    english = history.diagnose(_overfitting_curve())
    assert "overfits after epoch 4" in english
    with i18n.using(LANG):
        text = history.diagnose(_overfitting_curve())
        nan = {"loss": [float("nan")] * 5, "val_loss": [float("nan")] * 5}
        compared = history.compare(nan, _overfitting_curve())
    assert HAN.search(text) and "過度擬合" in text and "第 4 個時期" in text and "0.6600" in text, text
    assert compared.startswith("第一次執行時，每個時期都得到 NaN；"), compared


# -- (d') counting messages -------------------------------------------------------------------
def test_counting_messages_pick_their_plural_form():
    from learnkit.i18n import _n
    assert _n("{n} value", "{n} values", 1).format(n=1) == "1 value"
    assert _n("{n} value", "{n} values", 0).format(n=0) == "0 values"
    assert _n("{n} value", "{n} values", 3).format(n=3) == "3 values"
    with i18n.using("fr"):  # no catalog: English forms
        assert _n("{n} value", "{n} values", 1) == "{n} value"
    assert _catalog("learnkit").num_plurals == 1  # zh-TW: one form for every n


def test_values_are_described_in_chinese():
    from learnkit.core import CodingProblem, Exercise, binder, evaluate
    from learnkit.core.compare import describe, mismatch

    class Sequential:
        def __repr__(self):
            return "<Sequential name=sequential>"

    def positive(x):
        assert x > 0

    with i18n.using(LANG):
        assert describe(5) == "整數 5" and describe(2.5) == "浮點數 2.5" and describe("ab") == "字串 'ab'"
        assert describe(True) == "布林值 True" and describe([1]) == "含 1 個元素的串列"
        assert describe(Sequential()) == "Sequential 物件（<Sequential name=sequential>）"
        assert describe(np.float32(1.5)).startswith("numpy float32 數值")
        for text in (mismatch("x", 5), mismatch([1], [1, 2]), mismatch(5, [1, 2]),
                     evaluate(CodingProblem(vars=["x"], check=positive, types={"x": int}), {"x": "five"}, "q_1").message):
            assert HAN.search(text) and not re.search(r"\b(an?|your|answer|int|str|list|should)\b", text), text
    assert describe(5) == "an int (5)" and describe(Sequential()) == "a Sequential (<Sequential name=sequential>)"


def test_sentences_of_a_chinese_message_are_not_spaced():
    from learnkit.numeric.trajectory import check_trajectory
    assert i18n.gap("Right.") == " " and i18n.gap("正確。") == "" and i18n.gap("") == ""
    ref = [12.500011332809981, 11.812532530355767, 11.125077405284333]
    with i18n.using(LANG):
        ok = check_trajectory(np.array(ref, dtype=np.float16), ref, name="`costs`")
    assert "。你的值是 float16" in ok and "。 " not in ok, ok


def test_progress_speaks_chinese(capsys):
    from learnkit.core import CodingProblem, Exercise, binder
    ex = Exercise("demo.zh", "Demo", [CodingProblem(vars=["x"], check=lambda x: None),
                                      CodingProblem(vars=["y"], check=lambda y: None)])
    g = {}
    ex.export(g)
    binder.bind({"x": 1})
    with i18n.using(LANG):
        g["q_1"].check()
        capsys.readouterr()
        g["progress"]()
    out = capsys.readouterr().out
    assert "正確" in out and "尚未作答" in out, out
    assert not re.search(r"\b(correct|unattempted)\b", out), out


# -- (e) choosing the language ----------------------------------------------------------------
def test_bind_chooses_the_language():
    from learnkit.core import binder
    assert i18n.language() == "en" and _("Correct!") == "Correct!"
    old = binder._namespace
    try:
        binder.bind({}, lang="zh-TW")
        assert i18n.language() == LANG and _("Correct!") == "正確！"
    finally:
        binder._namespace = old


def test_learnkit_lang_and_fallbacks(monkeypatch):
    monkeypatch.setenv("LEARNKIT_LANG", "zh_TW")
    assert i18n.language() == LANG and _("Correct!") == "正確！"
    for spelling in ("zh-tw", "zh-Hant", "zh_TW"):
        assert i18n.normalize(spelling) == LANG
    monkeypatch.setenv("LEARNKIT_LANG", "fr")  # no catalog: English
    assert _("Correct!") == "Correct!" and content("Evaluate dropout") == "Evaluate dropout"
    monkeypatch.setenv("LEARNKIT_LANG", "")
    assert i18n.language() == "en"
    with i18n.using("xx-YY"):
        assert _("Correct!") == "Correct!"
    with i18n.using(LANG):
        assert _("Correct!") == "正確！"
        assert _("a message nobody translated") == "a message nobody translated"  # falls back to the text
    assert i18n.language() == "en"


# -- (f) feedback pages in the student's language --------------------------------------------
def _notebook(path: Path, lang: str | None) -> str:
    meta = {"learnkit": {"exercise": "deep_learning_intro.ex5", "variant": "exercise"}}
    if lang:
        meta["learnkit"]["lang"] = lang
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cells": [], "metadata": meta, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    return str(path)


@pytest.fixture
def book(tmp_path):
    from learnkit.grading.gradebook import Gradebook
    gb = Gradebook(tmp_path / "gradebook.sqlite")
    subs = {"lin": _notebook(tmp_path / "subs" / "lin" / "ex5.zh-TW.ipynb", LANG),
            "amy": _notebook(tmp_path / "subs" / "amy" / "ex5.ipynb", None),
            "gone": str(tmp_path / "subs" / "gone" / "ex5.ipynb")}  # no longer on disk: English
    for i, (student, path) in enumerate(subs.items()):
        results = [{"question": q, "status": s, "points": float(s == "correct"), "max_points": 1.0,
                    "message": f"message {q}", "diagnosis": ""}
                   for q, s in (("q_1", "correct"), ("q_2", "incorrect"), ("q_3", "unattempted"))]
        sid = gb.submission(path, str(i) * 64, student, "deep_learning_intro.ex5")
        gb.finish_run(gb.start_run(sid, "tensorflow", "0.1.0"), "ok", "", 3.0, results, None)
    yield gb
    gb.close()


def _page(out: Path, student: str) -> str:
    (page,) = (out / "feedback").glob(f"{student}__*.html")
    return page.read_text(encoding="utf-8")


def test_feedback_page_in_the_students_language(book, tmp_path):
    from learnkit.grading.report import write_reports
    index = write_reports(book, tmp_path / "out")
    lin = _page(index.parent, "lin")
    assert '<html lang="zh-TW">' in lin
    for word in ("全班總覽", "學生", "提交的檔案", "練習", "總分", "4 題中答對 1 題", "題目", "學習曲線",
                 "沒有記錄到任何訓練紀錄。", "正確", "不正確", "尚未作答", "沒有結果", "提示",
                 "Dropout 與批次正規化", "將 Dropout 加入 Spotify 模型"):  # title and prompt: content catalog
        assert word in lin, word
    for word in ("Class summary", "Student", "Questions", "Learning curves", "Not attempted yet",
                 "Dropout and Batch Normalization"):
        assert word not in lin, word
    for student in ("amy", "gone"):
        page = _page(index.parent, student)
        assert '<html lang="en">' in page and "Questions" in page and "Dropout and Batch Normalization" in page
        assert not HAN.search(page), student
    summary = index.read_text(encoding="utf-8")  # the instructor's language
    assert "Class summary" in summary and "Not attempted yet" in summary and not HAN.search(summary)


def test_class_summary_in_the_instructors_language(book, tmp_path, monkeypatch):
    from learnkit.grading.report import write_reports
    monkeypatch.setenv("LEARNKIT_LANG", LANG)
    index = write_reports(book, tmp_path / "out")
    summary = index.read_text(encoding="utf-8")
    assert '<html lang="zh-TW">' in summary and "全班總覽" in summary and "通過率" in summary
    assert "Class summary" not in summary
    assert "Questions" in _page(index.parent, "amy")  # an English notebook still gets an English page


def test_built_zh_tw_notebooks_declare_their_language():
    from learnkit.grading.report import submission_language
    folder = ROOT / "notebooks" / "deep_learning_intro"
    assert submission_language(folder / "ex5.zh-TW.ipynb") == LANG
    assert submission_language(folder / "ex5_solution.zh-TW.ipynb") == LANG
    assert submission_language(folder / "ex5.ipynb") == "en"
    assert submission_language(folder / "no-such-notebook.ipynb") == "en"
    assert submission_language(Path(__file__)) == "en"  # not a notebook


def test_plot_labels_are_drawable(monkeypatch):
    """Without a font that has Chinese glyphs, the report's plots keep English labels (not boxes)."""
    import matplotlib
    from learnkit.grading import report
    monkeypatch.setattr(report, "_installed_cjk_fonts", lambda: ())
    with i18n.using(LANG):
        with report._plot_words():
            assert _("epoch") == "epoch"
        assert _("epoch") == "時期"
    monkeypatch.setattr(report, "_installed_cjk_fonts", lambda: ("Noto Sans CJK TC",))
    with i18n.using(LANG), report._plot_words():
        assert _("epoch") == "時期"
        assert matplotlib.rcParams["font.family"][-1] == "Noto Sans CJK TC"
