"""GEXF 1.3 and GraphML: the released network for Gephi, yEd, igraph and networkx.

Built as a networkx ``MultiDiGraph`` and written by networkx's own writers (GEXF at
version 1.3, GraphML with typed keys): nodes are released entities, edges their links
(:func:`crosslink.share.items.assemble`). Every node and edge carries typed attributes:
``schema`` and ``caption`` (strings), one string per property (values joined by "; "),
``reports``, ``gradings`` (``scheme:grade`` per report), ``handling`` (code and
conditions per report), ``protected_source`` (boolean) and ``statements`` (integer).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pyarrow as pa

from crosslink.share.items import Item, Marking, assemble

__all__ = ["to_networkx", "write_gexf", "write_graphml"]

#: networkx's GEXF writer reserves these node attribute names.
_RESERVED = {"id", "pid", "label", "start", "end", "spells"}


def _provenance(marks: set[Marking]) -> dict[str, Any]:
    ordered = sorted(marks)
    return {
        "reports": "; ".join(m.report_id for m in ordered),
        "gradings": "; ".join(f"{m.grading_scheme}:{m.grading}" for m in ordered),
        "handling": "; ".join(
            m.handling_code + (f" ({m.handling_conditions})" if m.handling_conditions else "")
            for m in ordered if m.handling_code
        ),
        "protected_source": any(m.protected_source for m in ordered),
    }


def _props(item: Item | None) -> dict[str, Any]:
    if item is None:
        return {}
    return {
        (f"prop_{p}" if p in _RESERVED else p): "; ".join(v)
        for p, v in sorted(item.props.items())
    }


def to_networkx(released: pa.Table) -> nx.MultiDiGraph:
    """The released statements as a directed multigraph with typed attributes."""
    nodes, links = assemble(released)
    graph = nx.MultiDiGraph()
    for item in nodes:
        graph.add_node(
            item.id, label=item.caption, schema=item.schema, caption=item.caption,
            statements=sum(len(m) for m in item.sources.values()),
            **_provenance(item.markings), **_props(item),
        )
    for link in links:
        attrs = {
            "link_id": link.id, "kind": link.kind, "schema": link.schema,
            "statements": sum(len(m) for m in link.item.sources.values()) if link.item else len(link.stated_by),
            **_provenance(link.markings), **_props(link.item),
        }
        graph.add_edge(link.source, link.target, key=link.id, **attrs)
    return graph


def write_gexf(released: pa.Table, path: Path) -> None:
    nx.write_gexf(to_networkx(released), path, version="1.3")


def write_graphml(released: pa.Table, path: Path) -> None:
    nx.write_graphml(to_networkx(released), path, named_key_ids=True)
