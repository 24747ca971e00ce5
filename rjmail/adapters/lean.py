"""Hot-path statements run straight on the driver's cursor (issue 17).

Every referral runs about twelve small statements. Through `Connection.execute` each cost about
100-130 us of SQLAlchemy's Python (cache key, execution context, result set-up) against ~35 us in
the driver itself. A `Lean` statement is compiled once per dialect and set of parameter names; a run
applies the same bind processors SQLAlchemy would (datetimes, booleans, JSON as the column types
say) and calls the cursor of the caller's connection, inside the caller's transaction.

Kept from SQLAlchemy: the SQL text and bind processing (its own compiler), and its exceptions: a
driver error is raised as SQLAlchemy raises it (`OperationalError`, `IntegrityError`, parameters
hidden), so callers keep telling a busy database (retry next poll) from a bad message (quarantine),
and a lost connection is invalidated as SQLAlchemy would do.

Not for: statements whose results need type processing (datetimes read back on SQLite), expanding
IN lists, or values filled in by Python-side column defaults. Planning refuses a statement that
needs a value the caller did not give, so a forgotten column fails in every test, not in production.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.elements import ClauseElement


@dataclass(frozen=True)
class _Plan:
    sql: str
    positional: bool
    # (name in the SQL, parameter key or None for a constant, constant, bind processor)
    binds: tuple[tuple[str, str | None, Any, Callable[[Any], Any] | None], ...]


class Lean:
    """One statement, planned per (dialect, parameter names) at first use."""

    __slots__ = ("_plans", "_stmt")

    def __init__(self, stmt: ClauseElement) -> None:
        self._stmt = stmt
        self._plans: dict[tuple[str, tuple[str, ...]], _Plan] = {}

    def _plan(self, conn: Connection, keys: tuple[str, ...]) -> _Plan:
        dialect = conn.dialect
        compiled: Any = self._stmt.compile(dialect=dialect, column_keys=list(keys))
        processors = compiled._bind_processors  # what Core's execution context applies
        escaped = compiled.escaped_bind_names or {}
        order = compiled.positiontup
        prefetch = [c.key for c in (*compiled.insert_prefetch, *compiled.update_prefetch)]
        missing = [key for key in prefetch if key not in keys]
        binds = []
        for name in order if order is not None else compiled.binds:
            bind = compiled.binds[name]
            if bind.expanding or bind.callable is not None:
                raise ValueError(f"a lean statement cannot take {name!r}: an expanding or computed value")
            key = bind.key if bind.key in keys else None
            if key is None and bind.required:
                missing.append(name)
            binds.append((escaped.get(name, name), key, bind.value, processors.get(name)))
        if missing:  # a Python-side default or a forgotten parameter: the caller must give it
            raise ValueError(f"a lean statement needs values for {sorted(set(missing))}: pass every column")
        return _Plan(sql=compiled.string, positional=order is not None, binds=tuple(binds))

    def _cursor(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        keys = tuple(params)
        plan = self._plans.get((conn.dialect.name, keys))
        if plan is None:
            plan = self._plans[(conn.dialect.name, keys)] = self._plan(conn, keys)
        values = []
        for _, key, const, proc in plan.binds:
            value = params[key] if key is not None else const
            values.append(proc(value) if proc is not None else value)
        args: Any = values
        if not plan.positional:
            args = {name: value for (name, *_), value in zip(plan.binds, values, strict=True)}
        raw = conn.connection.dbapi_connection
        cursor = raw.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(plan.sql, args)
        except conn.dialect.loaded_dbapi.Error as exc:
            if conn.dialect.is_disconnect(exc, raw, cursor):
                conn.invalidate(exc)
            cursor.close()
            dbapi_error = conn.dialect.loaded_dbapi.Error
            raise DBAPIError.instance(
                plan.sql, None, exc, dbapi_error, hide_parameters=True, dialect=conn.dialect
            ) from exc
        return cursor

    def execute(self, conn: Connection, params: Mapping[str, Any]) -> int:
        """Run it; the number of rows it changed."""
        cursor = self._cursor(conn, params)
        count: int = cursor.rowcount
        cursor.close()
        return count

    def first(self, conn: Connection, params: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """Run it; its first row as the driver gives it (plain ints and strings only)."""
        cursor = self._cursor(conn, params)
        try:
            row = cursor.fetchone()
        finally:
            cursor.close()
        return tuple(row) if row is not None else None

    def scalar(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        """Run it; the first column of its first row, or None."""
        row = self.first(conn, params)
        return row[0] if row else None
