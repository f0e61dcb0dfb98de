"""Checks on live Keras objects (public Keras 3 API only; works with the TensorFlow and JAX backends)."""
# --- facts, canonical names, layer specs and KerasModelProblem (facts.py, names.py, spec.py, problems.py) ---
from learnkit.keras.facts import (CallbackFacts, CompileFacts, FitFacts, LayerFacts, ModelFacts, NotAHistory,
                                  NotAModel, callback_facts, compile_facts, fit_facts, model_facts)
from learnkit.keras.names import activation_name, canonical_loss, canonical_metric
from learnkit.keras import fact_types  # noqa: F401  (Keras objects as facts: registers their encodings)
from learnkit.keras.problems import KerasFreezeProblem, KerasModelProblem, relevant_input_dim
from learnkit.keras.spec import (Activation, BatchNormalization, Dense, Dropout, Layer, LayerSpec,
                                 first_difference, spec_summary)
# --- convnets, RNNs, regularizers, models inside models (layer_specs.py, regularizers.py, freeze.py) ---
from learnkit.keras.layer_specs import (GRU, LSTM, AveragePooling1D, AveragePooling2D, Bidirectional, Conv1D, Conv2D,
                                        Embedding, Flatten, GlobalAveragePooling1D, GlobalAveragePooling2D,
                                        GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D,
                                        NestedModel, Normalization, RandomContrast, RandomFlip, RandomRotation,
                                        RandomTranslation, RandomZoom, Rescaling, SimpleRNN)
from learnkit.keras.regularizers import L1, L1L2, L2, NO_REGULARIZER
from learnkit.keras.freeze import freeze_difference
# --- learning curves: facts (curves.py), sentences (diagnosis.py), plot (plots.py),
# --- and the notebook's memory of histories (history_log.py) ---
from learnkit.keras.curves import CurveFacts, curve_facts
from learnkit.keras.diagnosis import compare, diagnose
from learnkit.keras.history_log import HistoryLog, SeenHistory, seen_histories, watch
from learnkit.keras.plots import plot_history
# --- graphs (graph.py, graph_facts.py), learning-rate schedules (schedules.py), callback specs (callbacks.py) ---
from learnkit.keras.graph import Graph, graph_difference, graph_facts  # (Input, Node, ...: from learnkit.keras.graph)
from learnkit.keras.schedules import ScheduleSpec, schedule_difference, schedule_facts
from learnkit.keras.callbacks import CheckpointSpec, ReduceLRSpec, callback_spec_difference, callbacks_difference
