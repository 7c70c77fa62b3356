"""Selectors, names, dates, money and places from free-text intelligence.

``extract(text)`` returns :class:`Mention` objects with exact offsets and
normalised values; ``extract_table`` does the same for an Arrow table of texts.
See :data:`MENTION_PROPERTIES` for how mentions become FtM statements.
"""

from __future__ import annotations

from crosslink.extract.core import extract
from crosslink.extract.mentions import MENTION_PROPERTIES, MENTION_TYPES, Mention, mention_property
from crosslink.extract.table import extract_table

__all__ = ["Mention", "MENTION_PROPERTIES", "MENTION_TYPES", "extract", "extract_table", "mention_property"]
