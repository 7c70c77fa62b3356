"""Finding what to ingest in a folder, and the mapping for each file.

Convention: a file ``x.csv`` is mapped by ``mappings/x.yml`` beside it or one level
up (so both ``examples/`` and a simulator scenario's ``records/`` work). Files
that need no mapping (FtM streams, plain text) are always taken.
"""

from __future__ import annotations

from pathlib import Path

from crosslink.ingest.readers import FORMATS, is_ftm_stream

__all__ = ["NO_MAPPING_NEEDED", "expand", "mapping_for", "needs_mapping"]

NO_MAPPING_NEEDED = (".ftm", ".ijson", ".txt", ".docx", ".pdf")
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")
SKIPPED_FOLDERS = frozenset({"mappings", "truth"})


def needs_mapping(file: Path) -> bool:
    """Tabular files need a mapping; FtM streams (by suffix or content) and text do not."""
    suffix = file.suffix.lower()
    if suffix in NO_MAPPING_NEEDED:
        return False
    return not (suffix in JSON_SUFFIXES and is_ftm_stream(file))


def mapping_for(file: Path) -> Path | None:
    """mappings/<stem>.yml (or .yaml) beside the file or one level up."""
    for folder in (file.parent / "mappings", file.parent.parent / "mappings"):
        for suffix in (".yml", ".yaml"):
            candidate = folder / f"{file.stem}{suffix}"
            if candidate.is_file():
                return candidate
    return None


def expand(paths: list[Path], mapping: Path | None = None) -> tuple[list[Path], list[Path]]:
    """Files as given; a directory contributes its data files (recursively, sorted),
    skipping mapping and truth folders. Returns (files, skipped): inside a directory,
    a tabular file with no mapping is skipped (for the caller to report), not an error."""
    out: list[Path] = []
    skipped: list[Path] = []
    for path in paths:
        if not path.is_dir():
            out.append(path)
            continue
        for child in sorted(path.rglob("*")):
            parts = set(child.relative_to(path).parts)
            if not child.is_file() or child.suffix.lower() not in FORMATS or parts & SKIPPED_FOLDERS:
                continue
            if mapping or not needs_mapping(child) or mapping_for(child):
                out.append(child)
            else:
                skipped.append(child)
    return out, skipped
