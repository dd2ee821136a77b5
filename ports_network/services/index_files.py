"""Running the index engine on CSV files for analysts (`flask index compute`) with a stored methodology."""

import logging
from dataclasses import dataclass
from pathlib import Path

from ..errors import DomainError
from ..index_engine.tables import TableError, read_peer_groups, read_values, write_scores
from . import methodologies
from .index_results import evaluate

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ComputeSummary:
    """What a file computation did: the version used, the size of the input and of the output."""

    version: str
    frozen: bool
    communities: int
    periods: int
    rows_written: int
    not_computed: int  # (community, period) pairs whose composite index could not be computed


def compute_files(
    version: str,
    values_path: str | Path,
    out_path: str | Path,
    peer_groups_path: str | Path | None = None,
    *,
    draws: int = 0,
    seed: int = 0,
) -> ComputeSummary:
    """Score the values of a CSV file with a stored methodology version and write one row per score.

    With `draws` > 0 the composite's rows also get the Monte-Carlo median rank and 5–95 % interval
    (`seed` makes them reproducible), as a stored run computes them.

    Bad files (missing columns, unknown indicator codes, text in number cells, duplicates) raise
    DomainError listing every problem with its line; nothing is written then.
    """
    row = methodologies.get(version)
    methodology = methodologies.load_engine_methodology(row)
    codes = [indicator.code for indicator in methodology.indicators]
    try:
        values = read_values(values_path, codes, methodology.version)
        peer_groups = read_peer_groups(peer_groups_path) if peer_groups_path is not None else None
        results, uncertainty = evaluate(methodology, values, peer_groups, draws=draws, seed=seed)
    except (TableError, ValueError) as error:
        raise DomainError(str(error), field="file") from None
    try:
        written = write_scores(results, out_path, peer_groups, uncertainty)
    except OSError as error:
        raise DomainError(f"{out_path}: cannot be written ({error.strerror})", field="out") from None
    ranks = results.rank_records()
    logger.info("index computed on files with methodology %s: %d rows", row.version, written)
    return ComputeSummary(
        version=row.version,
        frozen=row.is_frozen,
        communities=len({record.community for record in ranks}),
        periods=len({record.period for record in ranks}),
        rows_written=written,
        not_computed=sum(record.rank is None for record in ranks),
    )
