"""Ingest mappings: which columns become which FtM entities and properties.

The format follows FollowTheMoney's mapping style (entities with a schema, keys
and properties taken from columns) plus crosslink's report metadata, given per
file or per row. See ``docs/mappings.md`` and the files in ``examples/``::

    report:
      originator: Kent Police
      grading: {column: grading}
      handling: P
      id: {column: report_ref}
      text: {column: narrative}
    entities:
      person:
        schema: Person
        keys: [nominal_id]
        properties:
          name: {columns: [forename, surname], join: " "}
          birthDate: {column: dob, format: "%d/%m/%Y"}
          phone: {column: phone, country: GB}

A mapping is validated against the FtM model when it is loaded, so a misspelt
schema or property fails before any data is read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from followthemoney import model

from crosslink.errors import InputError
from crosslink.model.statement import EXTENSION_PROPS

__all__ = ["EntitySpec", "Mapping", "PropSpec", "ReportField", "load_mapping", "parse_mapping"]

REPORT_FIELDS = (
    "id",
    "title",
    "originator",
    "originator_kind",
    "reported_at",
    "compartment",
    "protected_source",
    "grading",
    "grading_scheme",
    "handling",
    "handling_conditions",
    "text",
)


@dataclass(frozen=True)
class ReportField:
    """Report metadata: a literal for the whole file, or a column read per row."""

    literal: str | None = None
    column: str | None = None


@dataclass(frozen=True)
class PropSpec:
    """Where one property's values come from."""

    prop: str
    type: str
    columns: tuple[str, ...] = ()
    join: str = " "
    literal: str | None = None
    entity: str | None = None
    split: str | None = None
    format: str | None = None
    country: str | None = None


#: A key that is the row itself (file name and row number): for files where every row
#: is its own record (call records, payments) and no column identifies it.
ROW_KEY = "_row"


@dataclass(frozen=True)
class EntitySpec:
    name: str
    schema: str
    keys: tuple[str, ...]
    properties: tuple[PropSpec, ...]


@dataclass(frozen=True)
class Mapping:
    dataset: str
    entities: tuple[EntitySpec, ...]
    report: dict[str, ReportField] = field(default_factory=dict)
    csv: dict[str, str] = field(default_factory=dict)
    sha256: str = ""
    source: str = "<inline>"

    def columns(self) -> set[str]:
        """Every column the mapping reads: checked against the file's header."""
        cols = {f.column for f in self.report.values() if f.column}
        for entity in self.entities:
            cols.update(k for k in entity.keys if k != ROW_KEY)
            for prop in entity.properties:
                cols.update(prop.columns)
        return cols


def load_mapping(path: str | Path) -> Mapping:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read mapping: {exc}", file=str(path)) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"mapping is not valid YAML: {exc}", file=str(path)) from None
    return parse_mapping(data, source=str(path), default_dataset=path.stem, raw=text)


def _fail(source: str, where: str, message: str) -> InputError:
    return InputError(f"{where}: {message}", file=source)


def _report_field(value: Any, source: str, key: str) -> ReportField:
    if isinstance(value, dict):
        if set(value) != {"column"} or not isinstance(value["column"], str):
            raise _fail(source, f"report.{key}", "give a literal value or {column: NAME}")
        return ReportField(column=value["column"])
    if isinstance(value, bool):
        return ReportField(literal="true" if value else "false")
    if value is None:
        return ReportField()
    return ReportField(literal=str(value))


def parse_mapping(
    data: Any, *, source: str = "<inline>", default_dataset: str = "default", raw: str = ""
) -> Mapping:
    """Validate a mapping (already parsed from YAML) against the FtM model."""
    if not isinstance(data, dict):
        raise InputError("mapping must be a YAML mapping with an `entities:` section", file=source)
    unknown = set(data) - {"report", "entities", "csv", "dataset", "queries"}
    if unknown:
        raise _fail(source, "top level", f"unknown keys {sorted(unknown)}")
    entities_data = data.get("entities")
    if entities_data is None and isinstance(data.get("queries"), list) and data["queries"]:
        # FtM's own mapping files nest entities under `queries`; accept the first.
        entities_data = data["queries"][0].get("entities")
    if not isinstance(entities_data, dict) or not entities_data:
        raise _fail(source, "entities", "the mapping needs at least one entity")

    report: dict[str, ReportField] = {}
    for key, value in (data.get("report") or {}).items():
        if key not in REPORT_FIELDS:
            raise _fail(source, f"report.{key}", f"unknown field; use one of {', '.join(REPORT_FIELDS)}")
        report[key] = _report_field(value, source, key)

    names = set(entities_data)
    entities = []
    for name, spec in entities_data.items():
        entities.append(_entity(str(name), spec, names, source))

    csv_options = {str(k): str(v) for k, v in (data.get("csv") or {}).items()}
    bad = set(csv_options) - {"delimiter", "encoding", "quote", "skip"}
    if bad:
        raise _fail(source, "csv", f"unknown options {sorted(bad)}")
    digest = hashlib.sha256((raw or repr(data)).encode("utf-8")).hexdigest()
    return Mapping(
        dataset=str(data.get("dataset") or default_dataset),
        entities=tuple(entities),
        report=report,
        csv=csv_options,
        sha256=digest,
        source=source,
    )


def _entity(name: str, spec: Any, names: set[str], source: str) -> EntitySpec:
    where = f"entities.{name}"
    if not isinstance(spec, dict):
        raise _fail(source, where, "must be a mapping with schema, keys and properties")
    schema = model.get(str(spec.get("schema", "")))
    if schema is None:
        raise _fail(source, f"{where}.schema", f"unknown FtM schema {spec.get('schema')!r}")
    if schema.abstract:
        raise _fail(source, f"{where}.schema", f"{schema.name} is abstract; use a concrete schema")
    keys = spec.get("keys") or spec.get("key") or []
    if isinstance(keys, str):
        keys = [keys]
    if not keys:
        raise _fail(source, f"{where}.keys", "give the columns that identify the entity")
    props = []
    for prop_name, prop_spec in (spec.get("properties") or {}).items():
        props.append(_prop(schema, str(prop_name), prop_spec, names, source, f"{where}.properties.{prop_name}"))
    return EntitySpec(name=name, schema=schema.name, keys=tuple(str(k) for k in keys), properties=tuple(props))


def property_type(prop: Any) -> str:
    """The type crosslink cleans a property as: FtM's, except that IBANs (an FtM
    identifier) are validated as IBANs."""
    return "iban" if prop.name == "iban" else str(prop.type.name)


def _prop(schema: Any, name: str, spec: Any, names: set[str], source: str, where: str) -> PropSpec:
    if name in EXTENSION_PROPS:
        type_name = EXTENSION_PROPS[name]
    else:
        prop = schema.get(name)
        if prop is None:
            raise _fail(source, where, f"{schema.name} has no property {name!r}")
        type_name = property_type(prop)
    if isinstance(spec, str):
        spec = {"column": spec}
    if not isinstance(spec, dict):
        raise _fail(source, where, "give {column: NAME}, {columns: [...]}, {literal: V} or {entity: NAME}")
    allowed = {"column", "columns", "join", "literal", "entity", "split", "format", "country"}
    if set(spec) - allowed:
        raise _fail(source, where, f"unknown keys {sorted(set(spec) - allowed)}")
    columns: tuple[str, ...] = ()
    if "column" in spec:
        columns = (str(spec["column"]),)
    elif "columns" in spec:
        columns = tuple(str(c) for c in spec["columns"])
    entity = spec.get("entity")
    if entity is not None:
        if type_name != "entity":
            raise _fail(source, where, f"{name} is not an entity reference")
        if entity not in names:
            raise _fail(source, where, f"refers to unknown entity {entity!r}")
    sources = sum(bool(x) for x in (columns, "literal" in spec, entity is not None))
    if sources != 1:
        raise _fail(source, where, "give exactly one of column, columns, literal or entity")
    return PropSpec(
        prop=name,
        type=type_name,
        columns=columns,
        join=str(spec.get("join", " ")),
        literal=None if spec.get("literal") is None else str(spec["literal"]),
        entity=entity,
        split=spec.get("split"),
        format=spec.get("format"),
        country=spec.get("country"),
    )
