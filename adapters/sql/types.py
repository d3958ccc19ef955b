"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite keeps no offset; PostgreSQL timestamptz)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[datetime]:
        return datetime  # TypeDecorator answers `object`, and keyset cursors would stay unparsed strings

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSON: Any = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


class ExactDecimal(sa.TypeDecorator[Decimal]):
    """Money amounts, exact on both databases: NUMERIC(19, 4) on PostgreSQL; on SQLite, whose NUMERIC is a
    float, an integer count of ten-thousandths (every ISO currency has at most 4 minor digits). Both sort
    numerically, so price ranges and price order work in SQL."""

    impl = sa.Numeric(19, 4)
    cache_ok = True
    _SCALE = Decimal(10000)

    @property
    def python_type(self) -> type[Decimal]:
        return Decimal

    def load_dialect_impl(self, dialect: sa.Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.BigInteger())
        return dialect.type_descriptor(sa.Numeric(19, 4, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "sqlite":
            scaled = Decimal(value) * self._SCALE
            if scaled != scaled.to_integral_value():
                raise ValueError(f"{value} has more than 4 decimal places")
            return int(scaled)
        return Decimal(value)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)) / self._SCALE
        return Decimal(value)


class UuidList(sa.TypeDecorator[list[uuid.UUID]]):
    """A list of UUIDs kept as a JSON array of strings."""

    impl = sa.JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> Any:
        return dialect.type_descriptor(postgresql.JSONB() if dialect.name == "postgresql" else sa.JSON())

    def process_bind_param(self, value: list[uuid.UUID] | None, dialect: sa.Dialect) -> Any:
        return None if value is None else [str(v) for v in value]

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> list[uuid.UUID] | None:
        return None if value is None else [uuid.UUID(v) for v in value]


class Percent(sa.TypeDecorator[Decimal]):
    """A rate such as KDV's 20 %: NUMERIC(5, 2), read back without trailing zeros ("20", "1.5")."""

    impl = sa.Numeric(5, 2)
    cache_ok = True

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Decimal | None:
        if value is None:
            return None
        rate = Decimal(str(value)).quantize(Decimal("0.01"))
        return rate.quantize(Decimal(1)) if rate == rate.to_integral_value() else rate.normalize()
