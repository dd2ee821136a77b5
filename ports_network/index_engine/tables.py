"""CSV files around the engine (`flask index compute`): values and peer groups in, one row per score out.

Reading checks the whole file and reports every problem with its line number (line 1 is the header),
so an analyst fixes a file in one go; `TableError.errors` lists them. pandas stays in this package:
callers pass paths and get plain values back.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .engine import VALUE_COLUMNS, Results
from .methodology import INDEX_CODE
from .uncertainty import RankUncertainty

PEER_GROUP_COLUMNS = ("community", "group")
MAX_REPORTED = 20  # problems listed per file; the rest are counted
SCORE_COLUMNS = (
    "community",
    "period",
    "code",
    "kind",
    "parent",
    "value",
    "score",
    "coverage",
    "status",
    "rank",
    "network_median",
    "peer_group",
    "peer_median",
    "confidential",
)
UNCERTAINTY_COLUMNS = ("median_rank", "rank_low", "rank_high")  # with --draws: the Monte-Carlo ranks


class TableError(ValueError):
    """A CSV file cannot be used; `errors` lists every problem, each naming the file and line."""

    def __init__(self, errors: Iterable[str]) -> None:
        self.errors = tuple(errors)
        super().__init__("\n  ".join(self.errors))


def _raise_if_any(name: str, problems: list[str], total: int | None = None) -> None:
    total = len(problems) if total is None else total
    if not total:
        return
    shown = [f"{name}: {problem}" for problem in problems[:MAX_REPORTED]]
    if total > len(shown):
        shown.append(f"{name}: ... and {total - len(shown)} more problem(s)")
    raise TableError(shown)


def _read_csv(path: str | Path, required: tuple[str, ...]) -> pd.DataFrame:
    """Every cell as stripped text (empty cells as ''), header names lower-cased; checks the columns."""
    name = Path(path).name
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise TableError([f"{name}: no such file"]) from None
    except UnicodeDecodeError:
        raise TableError([f"{name}: not UTF-8 text (save the CSV as UTF-8)"]) from None
    except pd.errors.EmptyDataError:
        raise TableError([f"{name}: the file is empty; expected the columns {', '.join(required)}"]) from None
    except (pd.errors.ParserError, OSError) as error:
        raise TableError([f"{name}: not a readable CSV file ({error})"]) from None
    frame.columns = [str(column).strip().lower() for column in frame.columns]
    missing = [column for column in required if column not in frame.columns]
    if missing:
        found = ", ".join(map(str, frame.columns)) or "none"
        raise TableError(
            [
                f"{name}: missing column(s) {', '.join(missing)}; "
                f"expected {', '.join(required)} (found: {found})"
            ]
        )
    return frame[list(required)].apply(lambda column: column.str.strip())


def _line(positions: np.ndarray) -> np.ndarray:
    return positions + 2  # the header is line 1


def _empty_cell_problems(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[tuple[int, str]]:
    problems = []
    for column in columns:
        for position in np.flatnonzero((frame[column] == "").to_numpy()):
            problems.append((int(position), f"{column} is empty"))
    return problems


def _duplicate_problems(keys: pd.DataFrame) -> list[tuple[int, str]]:
    repeated = np.flatnonzero(keys.duplicated(keep="first").to_numpy())
    if not repeated.size:
        return []
    first = keys.reset_index(drop=True).reset_index().groupby(list(keys.columns))["index"].transform("min")
    return [
        (int(p), f"a second value for {', '.join(keys.iloc[p])} (first on line {_line(first.iat[p])})")
        for p in repeated
    ]


def read_values(path: str | Path, codes: Collection[str], version: str) -> pd.DataFrame:
    """The long table `community, period, indicator, value` of a CSV file, checked against `codes`.

    Empty values mean "not reported". Refused, with their lines: missing columns, empty keys, indicator
    codes not in the methodology, values that are not finite numbers, and a second value for the same
    community, period and indicator.
    """
    frame = _read_csv(path, VALUE_COLUMNS)
    problems = _empty_cell_problems(frame, ("community", "period", "indicator"))
    unknown = ~frame["indicator"].isin(list(codes)) & (frame["indicator"] != "")
    problems += [
        (int(p), f"indicator code '{frame['indicator'].iat[p]}' is not in methodology {version}")
        for p in np.flatnonzero(unknown.to_numpy())
    ]
    text = frame["value"]
    numbers = pd.to_numeric(text, errors="coerce").astype(float)
    bad = (text != "") & ~np.isfinite(numbers)
    problems += [
        (int(p), f"value '{text.iat[p]}' is not a number (use a dot for decimals, 0/1 for yes/no)")
        for p in np.flatnonzero(bad.to_numpy())
    ]
    problems += _duplicate_problems(frame[["community", "period", "indicator"]])
    problems.sort(key=lambda problem: problem[0])
    _raise_if_any(Path(path).name, [f"line {_line(p)}: {message}" for p, message in problems])
    return pd.DataFrame(
        {
            "community": frame["community"],
            "period": frame["period"],
            "indicator": frame["indicator"],
            "value": numbers.where(text != "", np.nan),
        }
    )


def read_peer_groups(path: str | Path) -> dict[str, str]:
    """{community: group} from a CSV file with the columns `community, group` (one row per community)."""
    frame = _read_csv(path, PEER_GROUP_COLUMNS)
    problems = _empty_cell_problems(frame, PEER_GROUP_COLUMNS)
    repeated = frame["community"].duplicated(keep="first") & (frame["community"] != "")
    problems += [
        (int(p), f"community '{frame['community'].iat[p]}' is listed twice")
        for p in np.flatnonzero(repeated.to_numpy())
    ]
    problems.sort(key=lambda problem: problem[0])
    _raise_if_any(Path(path).name, [f"line {_line(p)}: {message}" for p, message in problems])
    return dict(zip(frame["community"], frame["group"], strict=True))


def score_table(
    results: Results, peer_groups: dict[str, str] | None = None, uncertainty: RankUncertainty | None = None
) -> pd.DataFrame:
    """One row per community, period and code (indicator or node): value, score, coverage share and
    status, the composite's rank, and the network and peer-group median scores; with `uncertainty`,
    the composite's Monte-Carlo median rank and 5–95 % interval as well."""
    frame = results.scores_long()
    ranks = results.ranks.rename("rank").reset_index()
    frame = frame.merge(ranks, on=["period", "community"], how="left", validate="many_to_one")
    frame["rank"] = frame["rank"].where(frame["code"] == INDEX_CODE).astype("Int64")
    medians = results.medians
    network = medians.loc[medians["group"].isna(), ["period", "code", "median_score"]]
    frame = frame.merge(
        network.rename(columns={"median_score": "network_median"}), on=["period", "code"], how="left"
    )
    frame["peer_group"] = frame["community"].map(peer_groups or {})
    peers = medians.loc[medians["group"].notna(), ["period", "group", "code", "median_score"]]
    frame = frame.merge(
        peers.rename(columns={"group": "peer_group", "median_score": "peer_median"}),
        on=["period", "peer_group", "code"],
        how="left",
    )
    if uncertainty is None:
        return frame[list(SCORE_COLUMNS)]
    intervals = uncertainty.table[list(UNCERTAINTY_COLUMNS)].reset_index()
    frame = frame.merge(intervals, on=["period", "community"], how="left", validate="many_to_one")
    on_index = frame["code"] == INDEX_CODE
    frame["median_rank"] = frame["median_rank"].where(on_index)
    for column in ("rank_low", "rank_high"):
        frame[column] = frame[column].where(on_index).astype("Int64")
    return frame[[*SCORE_COLUMNS, *UNCERTAINTY_COLUMNS]]


def write_scores(
    results: Results,
    path: str | Path,
    peer_groups: dict[str, str] | None = None,
    uncertainty: RankUncertainty | None = None,
) -> int:
    """Write `score_table` as CSV (empty cell = not computed); return the number of rows written."""
    table = score_table(results, peer_groups, uncertainty)
    table.to_csv(path, index=False, float_format="%.10g")
    return len(table)
