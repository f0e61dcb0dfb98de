"""Callback specs (learnkit/keras/callbacks.py): ModelCheckpoint, ReduceLROnPlateau, EarlyStopping, and a list
of callbacks, on real Keras callbacks."""
import pytest

keras = pytest.importorskip("keras")
from keras import callbacks as C  # noqa: E402

from learnkit.keras.callbacks import (CheckpointSpec, ReduceLRSpec, callback_spec_difference,  # noqa: E402
                                      callbacks_difference)
from learnkit.keras.early_stopping import EarlyStoppingSpec  # noqa: E402

CHECKPOINT = CheckpointSpec("feature_extraction.keras", save_best_only=True, monitor="val_loss")
REDUCE = ReduceLRSpec(factor=0.2, patience=3)


def test_model_checkpoint():
    for right in (C.ModelCheckpoint("feature_extraction.keras", save_best_only=True),
                  C.ModelCheckpoint(filepath="models/feature_extraction.keras", monitor="val_loss", save_best_only=True)):
        assert callback_spec_difference(right, CHECKPOINT, "checkpoint") is None
    assert callback_spec_difference(C.ModelCheckpoint("feature_extraction.keras"), CHECKPOINT, "checkpoint") == \
        "`checkpoint` has save_best_only=False; this question asks for save_best_only=True."
    assert callback_spec_difference(C.ModelCheckpoint("model.keras", save_best_only=True), CHECKPOINT,
                                    "checkpoint") == ("`checkpoint` saves to 'model.keras'; this question saves the "
                                                      "model to 'feature_extraction.keras' "
                                                      "(filepath='feature_extraction.keras').")
    assert callback_spec_difference(C.ModelCheckpoint("feature_extraction.keras", save_best_only=True,
                                                      monitor="val_accuracy"), CHECKPOINT, "checkpoint") == \
        "`checkpoint` watches 'val_accuracy'; it should watch 'val_loss' (monitor='val_loss')."
    assert callback_spec_difference(C.EarlyStopping(patience=2), CHECKPOINT, "checkpoint") == \
        "`checkpoint` should be keras.callbacks.ModelCheckpoint(...); yours is EarlyStopping."
    assert callback_spec_difference("feature_extraction.keras", CHECKPOINT, "checkpoint").startswith(
        "`checkpoint` should be a Keras callback such as")


def test_the_seed_file_name_keyword_gets_a_hint():
    with pytest.raises(TypeError, match="file_name"):  # Keras refuses it before any check can run
        C.ModelCheckpoint(file_name="feature_extraction.keras")
    assert CHECKPOINT.hint() == (
        "ModelCheckpoint's first argument is filepath= (there is no file_name=): keras.callbacks.ModelCheckpoint("
        "filepath='feature_extraction.keras', save_best_only=True, monitor='val_loss').")


def test_reduce_lr_on_plateau():
    assert callback_spec_difference(C.ReduceLROnPlateau(factor=0.2, patience=3), REDUCE) is None
    assert callback_spec_difference(C.ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=3, min_lr=1e-6),
                                    REDUCE) is None
    assert callback_spec_difference(C.ReduceLROnPlateau(factor=0.5, patience=3), REDUCE, "reduce_lr") == \
        "`reduce_lr` has factor=0.5; this question asks for factor=0.2."
    assert callback_spec_difference(C.ReduceLROnPlateau(factor=0.2, patience=10), REDUCE, "reduce_lr") == \
        "`reduce_lr` has patience=10; this question asks for patience=3."
    assert callback_spec_difference(C.ReduceLROnPlateau(factor=0.2, patience=3, monitor="loss"), REDUCE,
                                    "reduce_lr") == "`reduce_lr` watches 'loss'; it should watch 'val_loss' " \
                                                    "(monitor='val_loss')."


def test_early_stopping_and_lists_of_callbacks():
    specs = [CHECKPOINT, EarlyStoppingSpec(2)]
    good = [C.EarlyStopping(patience=2), C.ModelCheckpoint("feature_extraction.keras", save_best_only=True)]
    assert callbacks_difference(good, specs) is None
    assert callbacks_difference(good[:1], specs) == (
        "`callbacks` has no ModelCheckpoint callback (it holds: EarlyStopping): add keras.callbacks.ModelCheckpoint(...).")
    assert callbacks_difference([C.EarlyStopping(patience=5), good[1]], specs).startswith(
        "`callbacks[0]` has patience=5; this question asks for patience=2")
    assert callback_spec_difference(C.EarlyStopping(patience=2), EarlyStoppingSpec(2)) is None
