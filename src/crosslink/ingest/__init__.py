"""Ingest: files (CSV, XLSX, JSON, JSONL, FtM streams, text) -> reports and statements."""

from crosslink.ingest.mapping import Mapping, load_mapping, parse_mapping
from crosslink.ingest.pipeline import IngestResult, ingest_file
from crosslink.ingest.reports import ReportOptions

__all__ = ["IngestResult", "Mapping", "ReportOptions", "ingest_file", "load_mapping", "parse_mapping"]
