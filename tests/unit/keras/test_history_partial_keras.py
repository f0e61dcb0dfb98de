"""A grader thread may judge while another thread is still importing keras: ``sys.modules['keras']``
is then a partially initialised module without ``Model`` or ``callbacks``. Judging History facts must
not depend on it (seen as "checker error … partially initialized module 'keras' has no attribute
'Model'" in ``learnkit test`` of the logbook's ex3)."""
import sys
import types

import pytest

from learnkit.keras.fact_types import HistoryFact, ModelFact
from learnkit.keras.facts import ModelFacts, NotAHistory, fit_facts
from learnkit.keras.training import history_model


@pytest.fixture
def half_imported_keras(monkeypatch):
    monkeypatch.setitem(sys.modules, "keras", types.ModuleType("keras"))  # no attributes yet


def _history():
    model = ModelFact(ModelFacts(cls="Sequential", layers=(), input_shape=None, params=0, trainable_params=0,
                                non_trainable_params=0, is_chain=True), {})
    return HistoryFact({"loss": [0.5, 0.3]}, {"epochs": 2, "steps": 47}, [0, 1], model), model


def test_history_facts_judged_while_keras_is_half_imported(half_imported_keras):
    history, model = _history()
    assert history_model(history) is model
    assert fit_facts(history).epochs_requested == 2
    assert fit_facts({"loss": [0.5, 0.3]}).epochs_run == 2
    with pytest.raises(NotAHistory, match="model itself"):
        history_model(model)
    with pytest.raises(NotAHistory, match="should be what"):
        fit_facts(3)
