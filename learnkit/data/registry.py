"""The course's data files: one :class:`Dataset` record per file (sha256, size, shape, columns,
public URL, read options, the stand-in generator) and the lookup of a name, alias or file name."""
from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from typing import Any, Mapping

from learnkit.i18n import _

__all__ = ["Dataset", "REGISTRY", "KAGGLE_DATASET", "names", "info"]

#: The Kaggle dataset that holds the ``kaggle=True`` files.
KAGGLE_DATASET = "ryanholbrook/dl-course-data"
_INTRO = "checkers.deep_learning_intro.standins:"
_KERAS = "checkers.deep_learning_keras.standins:"
_LOGBOOK = "checkers.deep_learning_logbook.standins:"


@dataclass(frozen=True)
class Dataset:
    name: str
    file: str                                   # relative to a data directory
    sha256: str
    size: int
    shape: tuple[int, ...] | None
    columns: tuple[Any, ...] | None             # CSVs only, as ``load`` returns them
    url: str | None                             # None: no public copy with these bytes
    read_csv: Mapping[str, Any] = field(default_factory=dict)
    kind: str = "csv"                           # "csv", "idx" (gzipped IDX arrays), "npz" or "text"
    kaggle: bool = False                        # part of Kaggle's dl-course-data
    aliases: tuple[str, ...] = ()
    also_accept: tuple[tuple[str, int], ...] = ()  # other known-good (sha256, size)
    source: str = ""
    #: ``"module:function"`` of the stand-in generator, ``f(rng, n)`` -> the frame (CSV), the array
    #: (IDX), ``{name: array}`` (NPZ) or the text of ``n`` lines (text); imported only when a stand-in is made, so the course's module may be absent.
    generator: str = ""

    @property
    def accepted(self) -> dict[str, int]:
        return {self.sha256: self.size, **dict(self.also_accept)}


_RSOUZA = "https://raw.githubusercontent.com/rsouza/NeuralNetworks_Course/55968fd5072fcb14504532d9d2a2c018bacb0d2b/"
_YOUNGSOUL = "https://raw.githubusercontent.com/youngsoul/intro_to_keras/59f490f5dd40e292e82136e3c61afee781535ff1/"
_WILLASSAD = "https://raw.githubusercontent.com/willassad/forestfires/3c5790717f8f8d31feacb7e295b4235bbe8586a4/"

_SPOTIFY_NUM = ("danceability", "energy", "key", "loudness", "mode", "speechiness", "acousticness",
                "instrumentalness", "liveness", "valence", "tempo", "duration_ms")

_DATASETS = [
    Dataset(
        "spotify", "spotify.csv",
        "9902920cfe4940f0914ebb6716801a42f7f19ac88fbd6693eaae7e2822b16845", 7971379, (32833, 23),
        ("track_id", "track_name", "track_artist", "track_popularity", "track_album_id",
         "track_album_name", "track_album_release_date", "playlist_name", "playlist_id",
         "playlist_genre", "playlist_subgenre") + _SPOTIFY_NUM,
        None, kaggle=True,
        source="TidyTuesday 2020-01-21 'Spotify Songs' (member of a zip on GitHub: no direct URL)",
        generator=_INTRO + "spotify"),
    Dataset(
        "concrete", "concrete.csv",
        "901749b7e40a90657777fb0a88489638f2d9f80546e72b28cf720a2fdd778a76", 48486, (1030, 9),
        ("Cement", "BlastFurnaceSlag", "FlyAsh", "Water", "Superplasticizer", "CoarseAggregate",
         "FineAggregate", "Age", "CompressiveStrength"),
        None, kaggle=True,
        source="UCI Concrete Compressive Strength, via CRAN AppliedPredictiveModeling (regenerated)",
        generator=_INTRO + "concrete"),
    Dataset(
        "red-wine", "red-wine.csv",
        "d6a0d9bd24806944818795f22500c46cb6424cbff517aacda36595d3ed9b2daa", 100951, (1599, 12),
        ("fixed acidity", "volatile acidity", "citric acid", "residual sugar", "chlorides",
         "free sulfur dioxide", "total sulfur dioxide", "density", "pH", "sulphates", "alcohol",
         "quality"),
        _RSOUZA + "data/winequality-red.csv", kaggle=True,
        source="UCI Wine Quality (red), Cortez et al. 2009",
        generator=_KERAS + "red_wine"),
    Dataset(
        "hotel", "hotel.csv",
        "7c2ae42a7353905ea136e5c2287f17c92c5435826598bfbb8491c6f0c7b1fc06", 16855599, (119390, 32),
        ("hotel", "is_canceled", "lead_time", "arrival_date_year", "arrival_date_month",
         "arrival_date_week_number", "arrival_date_day_of_month", "stays_in_weekend_nights",
         "stays_in_week_nights", "adults", "children", "babies", "meal", "country",
         "market_segment", "distribution_channel", "is_repeated_guest", "previous_cancellations",
         "previous_bookings_not_canceled", "reserved_room_type", "assigned_room_type",
         "booking_changes", "deposit_type", "agent", "company", "days_in_waiting_list",
         "customer_type", "adr", "required_car_parking_spaces", "total_of_special_requests",
         "reservation_status", "reservation_status_date"),
        None, kaggle=True,
        source="Hotel booking demand, Antonio et al. 2019 (member of a zip on GitHub: no direct URL)",
        generator=_INTRO + "hotel"),
    Dataset(
        "ion", "ion.csv",
        "b4d79463764f2eea7b77228100a5b687577717fc35aacf2e72575bcfd4cddec7", 80563, (351, 35),
        tuple(f"V{i}" for i in range(1, 35)) + ("Class",),
        _RSOUZA + "data/ion.csv", read_csv={"index_col": 0}, kaggle=True,
        source="UCI Ionosphere, Sigillito et al. 1989",
        generator=_INTRO + "ion"),
    Dataset(
        "fuel", "fuel.csv",
        "e77dab14b79907232a373d0e94cd73670dd7b65d83d106ca7cf1962f8f73d9f7", 91996, (1107, 14),
        ("EngDispl", "NumCyl", "Transmission", "FE", "AirAspirationMethod", "NumGears",
         "TransLockup", "TransCreeperGear", "DriveDesc", "IntakeValvePerCyl",
         "ExhaustValvesPerCyl", "CarlineClassDesc", "VarValveTiming", "VarValveLift"),
        None, kaggle=True,
        # Kaggle's own file has the same rows and values but other number formatting.
        also_accept=(("0b030fa9d256830c7d99313e76c4084eaf73d6b40200358a989d5cdfbc03d736", 92128),),
        source="fueleconomy.gov 2010, via CRAN AppliedPredictiveModeling cars2010 (regenerated)",
        generator=_INTRO + "fuel"),
    Dataset(
        "forestfires", "forestfires.csv",
        "0d6586a1fa52f55bef48578aef14eb97273f1e9330e1a53423df497a77065253", 25478, (517, 13),
        ("X", "Y", "month", "day", "FFMC", "DMC", "DC", "ISI", "temp", "RH", "wind", "rain", "area"),
        _WILLASSAD + "data/forestfires.csv", kaggle=True,
        source="UCI Forest Fires, Cortez & Morais 2007",
        generator=_INTRO + "forestfires"),
    Dataset(
        "hourly-wages", "hourly_wages.csv",
        "0fd55080ae8e67ffe534e5ffba1f0e3a6b41e60c93da32f31d92c01318cf5a22", 13436, (534, 10),
        ("wage_per_hour", "union", "education_yrs", "experience_yrs", "age", "female", "marr",
         "south", "manufacturing", "construction"),
        None, aliases=("hourly_wages", "wages"),
        source="CPS 1985 wages (DataCamp); reassembled from two files, so no direct URL",
        generator=_KERAS + "hourly_wages"),
    Dataset(
        "titanic", "titanic_all_numeric.csv",
        "e2c355b01a882117f8ca504d9a007eaab58d77cde3378b2fd3bf55e36349566e", 31707, (891, 11),
        ("survived", "pclass", "age", "sibsp", "parch", "fare", "male", "age_was_missing",
         "embarked_from_cherbourg", "embarked_from_queenstown", "embarked_from_southampton"),
        _YOUNGSOUL + "data/titanic.csv", aliases=("titanic_all_numeric",),
        source="Kaggle Titanic train set in DataCamp's all-numeric encoding",
        generator=_KERAS + "titanic"),
    Dataset(
        "mnist-first1000", "mnist/mnist_test_first1000.csv",
        "99a58afba456d4232242778c5cf76a2d16bc9cd7f3db87f51fcf1e31ecf4512c", 1812248, (1000, 785),
        tuple(range(785)), None, read_csv={"header": None}, aliases=("mnist",),
        source="first 1000 MNIST test images, label then 784 pixels (derived, so no direct URL)",
        generator=_KERAS + "mnist_first1000"),
    Dataset(
        "mnist-images", "mnist/t10k-images-idx3-ubyte.gz",
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1648877, (10000, 28, 28),
        None, _RSOUZA + "data/MNIST/raw/t10k-images-idx3-ubyte.gz", kind="idx",
        source="MNIST test images (LeCun, Cortes & Burges)",
        generator=_KERAS + "mnist_images"),
    Dataset(
        "mnist-labels", "mnist/t10k-labels-idx1-ubyte.gz",
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4542, (10000,),
        None, _RSOUZA + "data/MNIST/raw/t10k-labels-idx1-ubyte.gz", kind="idx",
        source="MNIST test labels (LeCun, Cortes & Burges)",
        generator=_KERAS + "mnist_labels"),
    Dataset(
        "boston-housing", "boston_housing.npz",
        # Keras's own file_hash in keras/src/datasets/boston_housing.py: the file load_data() reads.
        "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5", 57026, (506, 13),
        None, "https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz", kind="npz",
        aliases=("boston",),
        source="Boston Housing (Harrison & Rubinfeld 1978, StatLib), Keras's boston_housing.npz: arrays x (506, 13), y",
        generator=_LOGBOOK + "boston_housing"),
    Dataset(
        "timemachine", "timemachine.txt",
        # sha1 090b5e7e70c295757f55df93cb0a180b9691891a, the hash of d2l.DATA_HUB['time_machine']
        "8424dbd9532ac81f7e5f0b6add90e6952baea29158309d7d1bf3884f4e12c516", 178979, (3221,),
        None, "https://d2l-data.s3-accelerate.amazonaws.com/timemachine.txt", kind="text",
        aliases=("time-machine", "time_machine"),
        source="H. G. Wells, The Time Machine (Project Gutenberg), as d2l.ai ships it: 3,221 lines",
        generator=_LOGBOOK + "timemachine"),
]

REGISTRY: dict[str, Dataset] = {d.name: d for d in _DATASETS}


def _key(text: str) -> str:
    return text.strip().lower().replace("_", "-")


def _build_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for d in _DATASETS:
        base = d.file.rsplit("/", 1)[-1]
        for k in (d.name, *d.aliases, d.file, base, base.split(".", 1)[0]):
            index.setdefault(_key(k), d.name)
    return index


_INDEX = _build_index()


def names() -> list[str]:
    return list(REGISTRY)


def info(name_or_file: str | Dataset) -> Dataset:
    """The registry entry for a name, alias or file name (``'hourly_wages'``, ``'spotify.csv'``)."""
    if isinstance(name_or_file, Dataset):
        return name_or_file
    text = os.fspath(name_or_file)
    for candidate in (text, text.replace("\\", "/").rsplit("/", 1)[-1]):
        found = _INDEX.get(_key(candidate))
        if found:
            return REGISTRY[found]
    close = difflib.get_close_matches(_key(text), list(_INDEX), n=3)
    hint = _(" Did you mean: {0}?").format(", ".join(close)) if close else ""
    raise ValueError(_("Unknown dataset {name!r}. Known: {known}.{hint}").format(
        name=text, known=", ".join(REGISTRY), hint=hint))

