"""Stand-ins for the data of Kaggle's "Intro to Deep Learning" (``dl-course-data``): spotify,
concrete, hotel, ion, fuel and forestfires. Each generator ``f(rng, n)`` returns ``n`` rows with
the real file's columns and dtypes and plausible values; ``learnkit.data`` imports this module only
when a stand-in is asked for (see the ``generator`` of each ``learnkit.data.registry`` entry)."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from learnkit.data.synth import choice, clip_round, ids, words, zscore

_SPOTIFY_GENRES = {
    "edm": ("electro house", "big room", "pop edm", "progressive electro house"),
    "latin": ("tropical", "latin pop", "reggaeton", "latin hip hop"),
    "pop": ("dance pop", "post-teen pop", "electropop", "indie poptimism"),
    "r&b": ("urban contemporary", "hip pop", "new jack swing", "neo soul"),
    "rap": ("hip hop", "southern hip hop", "gangster rap", "trap"),
    "rock": ("album rock", "classic rock", "permanent wave", "hard rock"),
}
# danceability, energy, loudness, speechiness, acousticness, valence, tempo, duration_ms, popularity shift
_SPOTIFY_PROFILE = np.array([
    (0.66, 0.80, -5.4, 0.09, 0.08, 0.40, 126, 222000, -8),
    (0.71, 0.71, -6.3, 0.10, 0.21, 0.61, 119, 213000, 5),
    (0.64, 0.70, -6.3, 0.07, 0.17, 0.50, 121, 217000, 6),
    (0.67, 0.59, -7.9, 0.12, 0.26, 0.53, 114, 238000, -1),
    (0.72, 0.65, -7.0, 0.20, 0.19, 0.51, 120, 215000, 1),
    (0.52, 0.73, -7.6, 0.06, 0.15, 0.54, 125, 249000, -1),
])


def spotify(rng, n):
    genres = np.array(list(_SPOTIFY_GENRES), dtype=object)
    n_art = max(6, n // 3)
    artist_names = words(rng, n_art)
    artist_genre = rng.integers(0, 6, n_art)
    w = 1.0 / np.arange(1, n_art + 1) ** 0.5          # a few prolific artists, many with one track
    art = rng.choice(n_art, n, p=w / w.sum())
    g = np.where(rng.random(n) < 0.85, artist_genre[art], rng.integers(0, 6, n))
    g[: min(n, 6)] = np.arange(min(n, 6))                 # every genre present
    prof = _SPOTIFY_PROFILE[g]

    def beta(mean, k):
        return rng.beta(mean * k, (1 - mean) * k)

    dance = clip_round(beta(prof[:, 0], 12), 0.0, 0.983, 3)
    energy = clip_round(beta(prof[:, 1], 8), 0.000175, 1.0, 3)
    key = rng.integers(0, 12, n)
    loud = clip_round(prof[:, 2] + 10 * (energy - prof[:, 1]) + rng.normal(0, 2.0, n), -46.448, 1.275, 3)
    mode = (rng.random(n) < 0.566).astype(np.int64)
    speech = clip_round(prof[:, 3] * rng.lognormal(-0.25, 0.7, n), 0.0224, 0.918, 4)
    acoustic = clip_round(beta(prof[:, 4], 2.5), 0.0, 0.994, 4)
    instr = np.where(rng.random(n) < 0.75, np.round(rng.exponential(2e-5, n), 7),
                     np.round(rng.beta(0.4, 1.6, n), 4)).clip(0, 0.994)
    live = clip_round(0.015 + rng.gamma(2.2, 0.08, n), 0.0, 0.996, 4)
    valence = clip_round(beta(prof[:, 5], 4.5), 0.0, 0.991, 3)
    tempo = clip_round(rng.normal(prof[:, 6], 25), 55.0, 239.44, 3)
    duration = np.clip(rng.normal(prof[:, 7], 55000), 30000, 517810).astype(np.int64)
    popularity = (42 + prof[:, 8] + 6 * zscore(dance) - 5 * zscore(energy) + 4 * zscore(loud) + 4 * zscore(acoustic)
                  - 6 * zscore(instr) - 6 * zscore(duration) + 3 * zscore(valence)
                  + rng.normal(0, 8, n_art)[art] + rng.normal(0, 15, n))
    popularity = np.clip(np.round(popularity), 0, 100).astype(np.int64)

    albums, album_of = np.unique(art * 3 + rng.integers(0, 3, n), return_inverse=True)
    n_alb = len(albums)
    year = np.clip(np.round(2020 - rng.gamma(1.3, 5.0, n_alb)), 1957, 2020).astype(int)
    month, day = rng.integers(1, 13, n_alb), rng.integers(1, 29, n_alb)
    full = np.char.add(np.char.add(year.astype(str), "-"),
                       np.char.add(np.char.zfill(month.astype(str), 2),
                                   np.char.add("-", np.char.zfill(day.astype(str), 2))))
    release = np.where(rng.random(n_alb) < 0.94, full, year.astype(str)).astype(object)

    n_pl = max(6, min(450, n // 70))
    pl_genre = np.arange(n_pl) % 6
    pl_sub = rng.integers(0, 4, n_pl)
    pl_names = np.array([f"{_SPOTIFY_GENRES[genres[pg]][ps].title()} {w}" for pg, ps, w in
                         zip(pl_genre, pl_sub, words(rng, n_pl, 1))], dtype=object)
    pl_ids = ids(rng, n_pl)
    pl = np.empty(n, dtype=int)
    pick = rng.random(n)
    for k in range(6):
        rows, options = g == k, np.flatnonzero(pl_genre == k)
        pl[rows] = options[(pick[rows] * len(options)).astype(int)]
    subgenre = np.array([_SPOTIFY_GENRES[genres[pl_genre[i]]][pl_sub[i]] for i in pl], dtype=object)

    track_name, artist, album_name = words(rng, n, 3), artist_names[art], words(rng, n_alb, 3)[album_of]
    missing = rng.choice(n, int(round(n * 5 / 32833)), replace=False)   # like the 5 incomplete rows
    for col in (track_name, artist, album_name):
        col[missing] = np.nan
    return pd.DataFrame({
        "track_id": ids(rng, n), "track_name": track_name, "track_artist": artist,
        "track_popularity": popularity, "track_album_id": ids(rng, n_alb)[album_of],
        "track_album_name": album_name, "track_album_release_date": release[album_of],
        "playlist_name": pl_names[pl], "playlist_id": pl_ids[pl], "playlist_genre": genres[g],
        "playlist_subgenre": subgenre, "danceability": dance, "energy": energy, "key": key,
        "loudness": loud, "mode": mode, "speechiness": speech, "acousticness": acoustic,
        "instrumentalness": instr, "liveness": live, "valence": valence, "tempo": tempo,
        "duration_ms": duration})


_CONCRETE_AGES = ([1, 3, 7, 14, 28, 56, 90, 91, 100, 120, 180, 270, 360, 365],
                  [2, 134, 126, 62, 425, 91, 54, 22, 52, 3, 26, 13, 6, 14])


def concrete(rng, n):
    cement = clip_round(rng.lognormal(np.log(265), 0.35, n), 102.0, 540.0, 1)
    slag = np.where(rng.random(n) < 0.46, 0.0, clip_round(rng.uniform(11, 359.4, n), 11, 359.4, 1))
    fly = np.where(rng.random(n) < 0.55, 0.0, clip_round(rng.uniform(24.5, 200.1, n), 24.5, 200.1, 1))
    sp = np.where(rng.random(n) < 0.37, 0.0, clip_round(rng.gamma(3, 3.3, n), 1.7, 32.2, 1))
    water = clip_round(rng.normal(192, 17, n) - 1.1 * sp, 121.8, 247.0, 1)
    coarse = clip_round(rng.normal(973, 78, n), 801.0, 1145.0, 1)
    fine = clip_round(rng.normal(774, 80, n), 594.0, 992.6, 1)
    age = np.asarray(choice(rng, *_CONCRETE_AGES, n), dtype=np.int64)
    # Abrams' law on the water/binder ratio, ACI maturity curve for age, plus noise.
    binder = cement + 0.6 * slag + 0.35 * fly
    strength = 140 * 0.08 ** (water / binder) * age / (4 + 0.85 * age) + 0.25 * sp
    strength = clip_round(strength * rng.lognormal(0, 0.12, n), 2.33, 82.6, 2)
    return pd.DataFrame({"Cement": cement, "BlastFurnaceSlag": slag, "FlyAsh": fly, "Water": water,
                         "Superplasticizer": sp, "CoarseAggregate": coarse, "FineAggregate": fine,
                         "Age": age, "CompressiveStrength": strength})


_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]
_HOTEL_CATS = {
    "meal": (["BB", "HB", "SC", "Undefined", "FB"], [92310, 14463, 10650, 1169, 798]),
    "market_segment": (["Online TA", "Offline TA/TO", "Groups", "Direct", "Corporate", "Complementary",
                        "Aviation"], [56477, 24219, 19811, 12606, 5295, 743, 237]),
    "distribution_channel": (["TA/TO", "Direct", "Corporate", "GDS", "Undefined"], [97870, 14645, 6677, 193, 5]),
    "reserved_room_type": (list("ADEFGBCHPL"), [85994, 19201, 6535, 2897, 2094, 1118, 932, 601, 12, 6]),
    "deposit_type": (["No Deposit", "Non Refund", "Refundable"], [104641, 14587, 162]),
    "customer_type": (["Transient", "Transient-Party", "Contract", "Group"], [89613, 25124, 4076, 577]),
    "country": (["PRT", "GBR", "FRA", "ESP", "DEU", "ITA", "IRL", "BEL", "BRA", "NLD", "USA", "CHE",
                 "CN", "AUT", "SWE", "POL", "CHN", "ISR", "RUS", "NOR"],
                [48590, 12129, 10415, 8568, 7287, 3766, 3375, 2342, 2224, 2104, 2097, 1730, 1279, 1263,
                 1024, 919, 999, 669, 632, 607]),
}


def hotel(rng, n):
    hotel = choice(rng, ["City Hotel", "Resort Hotel"], [79330, 40060], n)
    start = np.datetime64("2015-07-01")
    arrival = start + rng.integers(0, 793, n).astype("timedelta64[D]")      # to 2017-08-31
    arr = pd.DatetimeIndex(arrival)
    lead = np.clip(np.round(rng.gamma(0.9, 115, n)), 0, 737).astype(np.int64)
    weekend = np.clip(rng.poisson(0.93, n), 0, 19).astype(np.int64)
    week = np.clip(rng.poisson(2.5, n), 0, 50).astype(np.int64)
    adults = np.asarray(choice(rng, [2, 1, 3, 0], [75, 19, 5, 1], n), dtype=np.int64)
    children = np.asarray(choice(rng, [0.0, 1.0, 2.0, 3.0], [930, 40, 29, 1], n), dtype=float)
    children[rng.choice(n, int(round(n * 4 / 119390)), replace=False)] = np.nan
    babies = np.asarray(choice(rng, [0, 1, 2], [9920, 77, 3], n), dtype=np.int64)
    cats = {k: choice(rng, v, w, n) for k, (v, w) in _HOTEL_CATS.items()}
    cats["country"][rng.random(n) < 488 / 119390] = np.nan
    assigned = np.where(rng.random(n) < 0.87, cats["reserved_room_type"],
                        choice(rng, list("ADEFGCBHIK"), [74, 25, 8, 4, 3, 2, 2, 1, 1, 1], n))
    repeated = (rng.random(n) < 0.032).astype(np.int64)
    prev_cancel = np.where(rng.random(n) < 0.05, rng.poisson(1.2, n) + 1, 0).astype(np.int64)
    prev_ok = np.where(repeated == 1, rng.poisson(3, n), 0).astype(np.int64)
    changes = np.clip(rng.poisson(0.22, n), 0, 21).astype(np.int64)
    agent = np.where(rng.random(n) < 16340 / 119390, np.nan,
                     choice(rng, [9.0, 240.0, 1.0, 14.0, 7.0, 6.0, 250.0, 241.0, 28.0, 8.0],
                             [31961, 13922, 7191, 3640, 3539, 3290, 2870, 1721, 1666, 1514], n).astype(float))
    company = np.where(rng.random(n) < 112593 / 119390, np.nan, rng.integers(6, 544, n).astype(float))
    waiting = np.where(rng.random(n) < 0.97, 0, np.round(rng.gamma(1.5, 30, n))).clip(0, 391).astype(np.int64)
    season = np.isin(arr.month, [6, 7, 8]).astype(float)
    adr = clip_round(rng.normal(95, 35, n) + 40 * season * (hotel == "Resort Hotel")
                      + 15 * np.nan_to_num(children), -6.38, 5400.0, 2)
    parking = (rng.random(n) < 0.062).astype(np.int64)
    requests = np.clip(rng.poisson(0.57, n), 0, 5).astype(np.int64)
    logit = (-1.4 + 0.006 * lead + 3.5 * (cats["deposit_type"] == "Non Refund") + 0.8 * prev_cancel
             - 0.7 * requests - 4.0 * parking - 1.0 * repeated)
    canceled = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    status = np.where(canceled == 1, choice(rng, ["Canceled", "No-Show"], [97, 3], n), "Check-Out").astype(object)
    stay = (weekend + week).astype("timedelta64[D]")
    before = np.round(rng.uniform(0, 1, n) * lead).astype("timedelta64[D]")
    status_date = np.where(canceled == 1, arrival - before, arrival + stay).astype("datetime64[D]").astype(str)
    return pd.DataFrame({
        "hotel": hotel, "is_canceled": canceled, "lead_time": lead,
        "arrival_date_year": arr.year.to_numpy().astype(np.int64),
        "arrival_date_month": np.array(_MONTHS, dtype=object)[arr.month.to_numpy() - 1],
        "arrival_date_week_number": arr.isocalendar().week.to_numpy().astype(np.int64),
        "arrival_date_day_of_month": arr.day.to_numpy().astype(np.int64),
        "stays_in_weekend_nights": weekend, "stays_in_week_nights": week, "adults": adults,
        "children": children, "babies": babies, "meal": cats["meal"], "country": cats["country"],
        "market_segment": cats["market_segment"], "distribution_channel": cats["distribution_channel"],
        "is_repeated_guest": repeated, "previous_cancellations": prev_cancel,
        "previous_bookings_not_canceled": prev_ok, "reserved_room_type": cats["reserved_room_type"],
        "assigned_room_type": assigned.astype(object), "booking_changes": changes,
        "deposit_type": cats["deposit_type"], "agent": agent, "company": company,
        "days_in_waiting_list": waiting, "customer_type": cats["customer_type"], "adr": adr,
        "required_car_parking_spaces": parking, "total_of_special_requests": requests,
        "reservation_status": status, "reservation_status_date": status_date.astype(object)})


def ion(rng, n):
    good = rng.random(n) < 225 / 351
    cols: dict[str, Any] = {
        "V1": np.where(good, 1, rng.random(n) < 0.7).astype(np.int64),
        "V2": np.zeros(n, dtype=np.int64),
    }
    for j in range(3, 35):
        if j % 2:   # real part of the pulse: high and smooth for good returns
            signal = rng.normal(0.85 - 0.015 * (j - 3), 0.25, n)
        else:       # imaginary part
            signal = rng.normal(0.0, 0.35, n)
        noise = rng.uniform(-1, 1, n)
        v = np.where(good, signal, noise)
        v = np.where(rng.random(n) < 0.06, np.sign(v), v)      # the real data has many exact +-1
        cols[f"V{j}"] = clip_round(v, -1.0, 1.0, 5)
    cols["Class"] = np.where(good, "good", "bad").astype(object)
    return pd.DataFrame(cols, index=pd.Index(np.arange(1, n + 1, dtype=np.int64)))


_FUEL_TRANS = (["S6", "M6", "A4", "A6", "A5", "M5", "A7", "AV", "S5", "S7", "S4", "AVS6", "AM6", "S8",
                "Other", "AM7"], [213, 167, 143, 126, 114, 101, 59, 55, 48, 22, 13, 13, 11, 11, 6, 5])
_FUEL_CLASS = (["SpecialPurposeVehicleSUV4WD", "CompactCars", "MidsizeCars", "SpecialPurposeVehicleSUV2WD",
                "SubcompactCars", "LargeCars", "SmallStationWagons", "2Seaters", "MinicompactCars",
                "SmallPickupTrucks2WD", "StandardPickupTrucks4WD", "StandardPickupTrucks2WD",
                "SmallPickupTrucks4WD", "SpecialPurposeVehicleminivan2WD", "VansCargoTypes", "Other",
                "VansPassengerType"],
               [170, 145, 135, 133, 116, 75, 68, 67, 49, 33, 29, 27, 22, 15, 10, 9, 4])


def fuel(rng, n):
    displ = clip_round(rng.lognormal(np.log(3.3), 0.33, n), 1.0, 8.4, 1)
    cyl = np.select([displ < 1.5, displ < 2.6, displ < 4.3, displ < 6.6], [3, 4, 6, 8], 12).astype(np.int64)
    cyl = np.where(rng.random(n) < 0.04, np.clip(cyl + rng.choice([-1, 2], n), 2, 16), cyl).astype(np.int64)
    trans = choice(rng, *_FUEL_TRANS, n)
    digits = np.array([int(t[-1]) if t[-1].isdigit() else (1 if t == "AV" else 5) for t in trans], dtype=np.int64)
    aspiration = choice(rng, ["NaturallyAspirated", "Turbocharged", "Supercharged"], [921, 168, 18], n)
    drive = choice(rng, ["TwoWheelDriveFront", "TwoWheelDriveRear", "AllWheelDrive", "FourWheelDrive",
                          "ParttimeFourWheelDrive"], [382, 350, 205, 159, 11], n)
    manual = np.array([t.startswith("M") for t in trans])
    fe = (72 * np.exp(-0.2 * displ) * np.where(manual, 1.05, 1.0)
          * np.where(np.isin(drive, ["AllWheelDrive", "FourWheelDrive", "ParttimeFourWheelDrive"]), 0.93, 1.0)
          * np.where(aspiration == "Turbocharged", 1.06, 1.0) * rng.lognormal(0, 0.08, n))
    return pd.DataFrame({
        "EngDispl": displ, "NumCyl": cyl, "Transmission": trans, "FE": clip_round(fe, 17.5, 69.6404, 4),
        "AirAspirationMethod": aspiration, "NumGears": digits,
        "TransLockup": np.where(manual, rng.random(n) < 0.1, rng.random(n) < 0.85).astype(np.int64),
        "TransCreeperGear": (rng.random(n) < 0.05).astype(np.int64), "DriveDesc": drive,
        "IntakeValvePerCyl": np.asarray(choice(rng, [2, 1, 0, 3], [954, 150, 2, 1], n), dtype=np.int64),
        "ExhaustValvesPerCyl": np.asarray(choice(rng, [2, 1, 0], [929, 176, 2], n), dtype=np.int64),
        "CarlineClassDesc": choice(rng, *_FUEL_CLASS, n),
        "VarValveTiming": (rng.random(n) < 0.82).astype(np.int64),
        "VarValveLift": (rng.random(n) < 0.17).astype(np.int64)})


def forestfires(rng, n):
    month = choice(rng, ["aug", "sep", "mar", "jul", "feb", "jun", "oct", "apr", "dec", "jan", "may", "nov"],
                    [184, 172, 54, 32, 20, 17, 15, 9, 9, 2, 2, 1], n)
    summer = np.isin(month, ["jul", "aug", "sep"])
    temp = clip_round(rng.normal(np.where(summer, 21, 13), 5, n), 2.2, 33.3, 1)
    area = np.where(rng.random(n) < 0.48, 0.0,
                    clip_round(rng.lognormal(np.log(6) + 0.03 * (temp - 19), 1.6, n), 0.09, 1090.84, 2))
    return pd.DataFrame({
        "X": rng.integers(1, 10, n).astype(np.int64), "Y": rng.integers(2, 10, n).astype(np.int64),
        "month": month,
        "day": choice(rng, ["sun", "fri", "sat", "mon", "tue", "thu", "wed"], [95, 85, 84, 74, 64, 61, 54], n),
        "FFMC": clip_round(96.2 - rng.gamma(1.5, 4, n), 18.7, 96.2, 1),
        "DMC": clip_round(rng.gamma(2.5, 44, n), 1.1, 291.3, 1),
        "DC": clip_round(np.where(summer, rng.normal(650, 120, n), rng.normal(300, 200, n)), 7.9, 860.6, 1),
        "ISI": clip_round(rng.gamma(2.2, 4.1, n), 0.0, 56.1, 1), "temp": temp,
        "RH": np.clip(np.round(rng.normal(44, 16, n)), 15, 100).astype(np.int64),
        "wind": clip_round(rng.normal(4, 1.8, n), 0.4, 9.4, 1),
        "rain": np.where(rng.random(n) < 0.985, 0.0, clip_round(rng.uniform(0.2, 6.4, n), 0.2, 6.4, 1)),
        "area": area})


