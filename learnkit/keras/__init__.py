"""Checks on live Keras objects (public Keras 3 API only; works with the TensorFlow and JAX backends)."""
# --- facts, layer specs and KerasModelProblem (facts.py, spec.py, problems.py) ---
from learnkit.keras.facts import (CallbackFacts, CompileFacts, FitFacts, LayerFacts, ModelFacts, NotAHistory,
                                  NotAModel, activation_name, callback_facts, canonical_loss, canonical_metric,
                                  compile_facts, fit_facts, model_facts)
from learnkit.keras import fact_types  # noqa: F401  (Keras objects as facts: registers their encodings)
from learnkit.keras.problems import KerasModelProblem, relevant_input_dim
from learnkit.keras.spec import (Activation, BatchNormalization, Dense, Dropout, Layer, LayerSpec,
                                 first_difference, spec_summary)
# --- learning curves and the notebook's history memory (history.py) ---
# history.NotAHistory subclasses facts.NotAHistory (exported above) and ValueError.
from learnkit.keras.history import (CurveFacts, HistoryLog, ModelInfo, SeenHistory, compare, curve_facts, diagnose,
                                    plot_curves, seen_histories, watch)
