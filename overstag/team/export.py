"""The team's figures as CSV: one row per shown or hidden cell, the same numbers
as the JSON (overstag/team/figures.py), nothing more."""

from __future__ import annotations

import csv
import io
from typing import Any, Dict, Iterator, List

COLUMNS = ("figure", "week", "key", "value", "count", "users", "suppressed")


def _number(value: Any) -> str:
    return "" if value is None else str(value)


def rows(figures: Dict[str, Any]) -> Iterator[List[str]]:
    def row(
        figure: str, week: str, key: str, value: Any, count: Any, cell: Dict[str, Any]
    ) -> List[str]:
        return [
            figure,
            week,
            key,
            _number(value),
            _number(count),
            _number(cell["users"]),
            "1" if cell["suppressed"] else "0",
        ]

    for cell in figures["objections"]:
        yield row(
            "objections",
            cell["week"],
            cell["category"],
            cell["count"],
            cell["count"],
            cell,
        )
    for cell in figures["concessions"]:
        yield row(
            "concession_offered",
            cell["week"],
            cell["offer"],
            cell["rehearsals"],
            cell["rehearsals"],
            cell,
        )
        yield row(
            "concession_agreed",
            cell["week"],
            cell["offer"],
            cell["agreed"],
            cell["rehearsals"],
            cell,
        )
    for cell in figures["scores"]:
        yield row(
            "rubric_mean",
            cell["week"],
            cell["item"],
            cell["mean"],
            cell["sessions"],
            cell,
        )


def to_csv(figures: Dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(figures))
    return out.getvalue()
