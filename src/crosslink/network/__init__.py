"""Network analysis: graph build with evidence, groups, roles, key players, evidenced paths.

Build a :class:`Network` from a workspace (:func:`from_workspace`) or any edge list
(:func:`from_edge_csv`), then run the analyses; :func:`analyse` runs them all.
"""

from __future__ import annotations

from crosslink.network.analyse import analyse, disrupt, disruption_dict
from crosslink.network.brokerage import ROLES, Brokerage, brokerage
from crosslink.network.centrality import betweenness, degree, pagerank, strength, top
from crosslink.network.change import compare
from crosslink.network.colocation import colocations, observations_from_workspace
from crosslink.network.communities import Communities, communities, components, leiden, nmi
from crosslink.network.filters import (
    LINK_SCHEMATA,
    PROTECTED_ROLES,
    Grading,
    NetworkFilter,
    parse_grading,
)
from crosslink.network.graph import (
    Network,
    from_adjacency_csv,
    from_edge_arrays,
    from_edge_csv,
    from_workspace,
)
from crosslink.network.keyplayer import Disruption, fragmentation, key_players, what_if
from crosslink.network.paths import EvidencedPath, ego_network, evidenced_path
from crosslink.network.report import render_html, write_html, write_json

__all__ = [
    "LINK_SCHEMATA",
    "PROTECTED_ROLES",
    "ROLES",
    "Brokerage",
    "Communities",
    "Disruption",
    "EvidencedPath",
    "Grading",
    "Network",
    "NetworkFilter",
    "analyse",
    "betweenness",
    "brokerage",
    "colocations",
    "communities",
    "compare",
    "components",
    "degree",
    "disrupt",
    "disruption_dict",
    "ego_network",
    "evidenced_path",
    "fragmentation",
    "from_adjacency_csv",
    "from_edge_arrays",
    "from_edge_csv",
    "from_workspace",
    "key_players",
    "leiden",
    "nmi",
    "observations_from_workspace",
    "pagerank",
    "parse_grading",
    "render_html",
    "strength",
    "top",
    "what_if",
    "write_html",
    "write_json",
]
