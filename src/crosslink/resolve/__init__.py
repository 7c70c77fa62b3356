"""Entity resolution: Splink models as data, transliteration-aware names, clustering
that does not chain, analyst judgements and stable canonical ids.

Standalone use (spreadsheets, benchmarks): :func:`dedupe_records`,
:func:`link_records` and their file versions. Workspace use: see
:mod:`crosslink.resolve.workspace`.
"""

from crosslink.resolve.cluster import ClusterOptions, cluster_pairs, dob_compatible
from crosslink.resolve.columns import (
    PERSON_PROPERTIES,
    ColumnMapping,
    detect_columns,
    parse_map_options,
)
from crosslink.resolve.model import ResolutionModel, load_model
from crosslink.resolve.names import (
    clean_name,
    learn_variant_groups,
    load_variant_table,
    name_key,
)
from crosslink.resolve.standalone import (
    DedupeResult,
    LinkResult,
    dedupe_file,
    dedupe_records,
    link_files,
    link_records,
    read_records,
)

__all__ = [
    "PERSON_PROPERTIES",
    "ClusterOptions",
    "ColumnMapping",
    "DedupeResult",
    "LinkResult",
    "ResolutionModel",
    "clean_name",
    "cluster_pairs",
    "dedupe_file",
    "dedupe_records",
    "detect_columns",
    "dob_compatible",
    "learn_variant_groups",
    "link_files",
    "link_records",
    "load_model",
    "load_variant_table",
    "name_key",
    "parse_map_options",
    "read_records",
]
