"""A percentile aggregate for PostgreSQL and SQLite, interpolated like numpy's default."""

from __future__ import annotations

import math

from django.db import NotSupportedError
from django.db.models import Aggregate, FloatField

_SQLITE_FUNCTION = "themehub_percentile"


class _SQLitePercentile:
    """`themehub_percentile(value, fraction)`: SQLite as Python ships it has no percentile."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value: float | None, fraction: float) -> None:
        if value is not None:
            self.values.append(value)
            self.fraction = fraction

    def finalize(self) -> float | None:
        if not self.values:
            return None
        values = sorted(self.values)
        position = (len(values) - 1) * self.fraction
        low, high = values[math.floor(position)], values[math.ceil(position)]
        return low + (high - low) * (position - math.floor(position))


class Percentile(Aggregate):
    """The `fraction` (0..1) percentile of a numeric expression; NULLs are left out.

    Linear interpolation between the two nearest values, as `np.percentile` by default:
    PostgreSQL's `percentile_cont`, and on SQLite a Python aggregate registered on the
    connection the first time a query uses it.
    """

    name = "Percentile"
    output_field = FloatField()
    # Used as a grouped aggregate only: percentile_cont cannot be a window function.
    window_compatible = False

    def __init__(self, expression, fraction: float, **extra) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile's fraction is from 0 to 1.")
        self.fraction = float(fraction)
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"Percentile is not supported on {connection.vendor}.")

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="percentile_cont(%(fraction)r) WITHIN GROUP (ORDER BY %(expressions)s)"
            "%(filter)s",
            fraction=self.fraction,
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        # Idempotent and cheap: registering again replaces the same function.
        connection.connection.create_aggregate(_SQLITE_FUNCTION, 2, _SQLitePercentile)
        return super().as_sql(
            compiler,
            connection,
            template=f"{_SQLITE_FUNCTION}(%(expressions)s, %(fraction)r)%(filter)s",
            fraction=self.fraction,
            **extra_context,
        )
