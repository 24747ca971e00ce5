"""England & Wales bank holidays, the days no call is offered.

The dates are the `holidays` package's (substitute days included, e.g. Boxing Day observed
2026-12-28), written out for the years a hub will offer calls in: importing `holidays` loads every
country's calendar, ~12 MiB for nine days a year. tests/unit/test_bankholidays.py holds the table
equal to the installed package's, so a one-off day declared later (as the 2023 coronation was)
fails the tests until the table is written again; until a release has it, hubs list such a day in
`calls.closed_dates`. Years outside the table are read from the package.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

# year -> "MM-DD ..." (holidays 0.109, subdivision ENG)
TABLE: dict[int, str] = {
    2024: "01-01 03-29 04-01 05-06 05-27 08-26 12-25 12-26",
    2025: "01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26",
    2026: "01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-26 12-28",
    2027: "01-01 03-26 03-29 05-03 05-31 08-30 12-25 12-26 12-27 12-28",
    2028: "01-01 01-03 04-14 04-17 05-01 05-29 08-28 12-25 12-26",
    2029: "01-01 03-30 04-02 05-07 05-28 08-27 12-25 12-26",
    2030: "01-01 04-19 04-22 05-06 05-27 08-26 12-25 12-26",
    2031: "01-01 04-11 04-14 05-05 05-26 08-25 12-25 12-26",
    2032: "01-01 03-26 03-29 05-03 05-31 08-30 12-25 12-26 12-27 12-28",
    2033: "01-01 01-03 04-15 04-18 05-02 05-30 08-29 12-25 12-26 12-27",
    2034: "01-01 01-02 04-07 04-10 05-01 05-29 08-28 12-25 12-26",
    2035: "01-01 03-23 03-26 05-07 05-28 08-27 12-25 12-26",
}


@lru_cache(maxsize=16)
def bank_holidays(first_year: int, last_year: int) -> frozenset[date]:
    """England & Wales bank holidays from `first_year` to `last_year`, both included."""
    years = range(first_year, last_year + 1)
    days = {
        date.fromisoformat(f"{year}-{day}") for year in years if year in TABLE for day in TABLE[year].split()
    }
    missing = [year for year in years if year not in TABLE]
    if missing:
        import holidays  # only for years the table does not hold

        days |= set(holidays.country_holidays("GB", subdiv="ENG", years=missing).keys())
    return frozenset(days)
