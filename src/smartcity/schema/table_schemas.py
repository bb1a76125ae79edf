"""Table schemas as data: the columns of a table, their dtype, unit, range, allowed values, default.

A schema is a TOML file shipped with the package (``smartcity/schemas/<name>.toml``);
:func:`load_schema` reads it into a :class:`TableSchema`. Reading a table against its schema
is :func:`smartcity.schema.tables.read_table`.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["Column", "TableInfo", "TableSchema", "load_schema", "schema_markdown"]


class Column(BaseModel):
    """One column of a table schema."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="Column name as it appears in the file header.")
    dtype: Literal["str", "int", "float", "bool"] = Field(description="Value type.")
    unit: str = Field(description="Unit of the values ('-' for identifiers and categories, '1' for fractions).")
    description: str = Field(description="What the column means.")
    min: float | None = Field(default=None, description="Smallest allowed value.")
    max: float | None = Field(default=None, description="Largest allowed value.")
    min_exclusive: bool = Field(default=False, description="If true, the value must be strictly above min.")
    max_exclusive: bool = Field(default=False, description="If true, the value must be strictly below max.")
    allowed: list[str] | None = Field(default=None, description="Allowed values of a str column.")
    unique: bool = Field(default=False, description="If true, no two rows may share a value.")
    default: str | float | int | bool | None = Field(
        default=None,
        description="Value used when the column is absent from the file; absent default = required column."
    )
    filled_by: str | None = Field(
        default=None,
        description="If set, an absent column or an empty cell is left NaN for this filler to complete "
                    "(e.g. 'use_profiles': the typical value of the row's use).",
    )

    @property
    def required(self) -> bool:
        """True if the file must contain this column."""
        return self.default is None and self.filled_by is None

    def allowed_text(self) -> str:
        """Human-readable description of the allowed values, with the unit."""
        if self.allowed is not None:
            return "one of " + ", ".join(repr(a) for a in self.allowed)
        kind = {"str": "text", "int": "an integer", "float": "a number", "bool": "true or false"}[self.dtype]
        bounds = []
        if self.min is not None:
            bounds.append(f"{'>' if self.min_exclusive else '>='} {_fmt(self.min)}")
        if self.max is not None:
            bounds.append(f"{'<' if self.max_exclusive else '<='} {_fmt(self.max)}")
        text = kind + (" " + " and ".join(bounds) if bounds else "")
        if self.unit not in ("-", ""):
            text += f" [{self.unit}]"
        return text


class TableInfo(BaseModel):
    """The schema's header."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str
    key: str | None = None
    replaced: dict[str, str] = Field(
        default_factory=dict,
        description="Columns of earlier versions that are no longer read, and what replaces each "
                    "(a file holding one is refused with that text).")


class TableSchema(BaseModel):
    """A table schema: header and columns."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    table: TableInfo
    column: list[Column]

    @model_validator(mode="after")
    def _names_unique(self) -> "TableSchema":
        names = [c.name for c in self.column]
        if len(names) != len(set(names)):
            raise ValueError(f"duplicate column names in schema {self.table.name}")
        return self

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def columns(self) -> dict[str, Column]:
        return {c.name: c for c in self.column}


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


@functools.cache
def load_schema(name: str) -> TableSchema:
    """Load a schema shipped with the package by its name (e.g. ``"buildings"``)."""
    text = resources.files("smartcity.schemas").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return TableSchema.model_validate(tomllib.loads(text))


def schema_markdown(schema: TableSchema) -> str:
    """A Markdown table documenting ``schema`` (column, type, unit, allowed, description)."""
    lines = [
        f"### `{schema.name}`", "", schema.table.description, "",
        "| column | type | unit | allowed | default | description |",
        "|---|---|---|---|---|---|",
    ]
    for c in schema.column:
        default = "required" if c.required else (f"from {c.filled_by}" if c.filled_by else repr(c.default))
        lines.append(
            f"| `{c.name}` | {c.dtype} | {c.unit} | {c.allowed_text()} | {default} | {c.description} |"
        )
    return "\n".join(lines) + "\n"
