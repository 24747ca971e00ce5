"""The written-out bank holidays are the `holidays` package's, without importing it at run time."""

from __future__ import annotations

from datetime import date

import holidays

from rjmail.core.bankholidays import TABLE, bank_holidays
from tests.support import fresh_python


def test_the_table_is_the_packages() -> None:
    years = range(min(TABLE), max(TABLE) + 1)
    assert bank_holidays(years[0], years[-1]) == frozenset(
        holidays.country_holidays("GB", subdiv="ENG", years=years).keys()
    )
    assert len(TABLE) == len(years)  # no year left out in the middle


def test_years_beyond_the_table_come_from_the_package() -> None:
    later = max(TABLE) + 1
    assert date(later, 12, 25) in bank_holidays(later, later)
    assert bank_holidays(max(TABLE), later) == bank_holidays(max(TABLE), max(TABLE)) | bank_holidays(
        later, later
    )
    assert date(2022, 9, 19) in bank_holidays(2022, 2022)  # the late Queen's funeral, a one-off


def test_offering_calls_in_the_tables_years_does_not_import_the_package() -> None:
    """`import holidays` loads every country's calendar: ~12 MiB for a process that offers calls."""
    probe = (
        "import sys\n"
        "from rjmail.core.bankholidays import bank_holidays\n"
        f"assert bank_holidays({min(TABLE)}, {max(TABLE)})\n"
        "print('holidays' in sys.modules)\n"
    )
    assert fresh_python(probe) == "False"
