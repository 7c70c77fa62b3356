"""The members of a candidate organised crime group, for ``case add --group N``.

A group is a Leiden community of the workspace network, as ``crosslink network
analyse`` numbers them (0 = the largest). Given that command's JSON output, the
numbering is exactly the analyst's; otherwise the communities are found again here
with the same resolution the demo uses.
"""

from __future__ import annotations

import json
from pathlib import Path

from crosslink.errors import InputError
from crosslink.network import from_workspace
from crosslink.network.communities import communities
from crosslink.store.session import Session

__all__ = ["GROUP_RESOLUTION", "group_members"]

#: Leiden resolution at which a smuggling organisation is one community, not its cells
#: (measured in crosslink.demo.pipeline; the analyst's own run can differ: pass it).
GROUP_RESOLUTION = 0.2


def group_members(
    session: Session, number: int, *, analysis: Path | None = None, resolution: float = GROUP_RESOLUTION
) -> list[str]:
    """Node ids of group ``number``, from an analysis file or a fresh Leiden run."""
    if analysis is not None:
        try:
            data = json.loads(analysis.read_text(encoding="utf-8"))
            groups = data["communities"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(f"not a `crosslink network analyse` output: {exc}", file=str(analysis)) from None
        for group in groups:
            if group.get("id") == number:
                return [str(m) for m in group.get("members", [])]
        raise InputError(f"no group {number} (the analysis has {len(groups)})", file=str(analysis))
    net = from_workspace(session.con)
    if net.m == 0:
        raise InputError("the workspace network has no links: no groups to add")
    comm = communities(net, resolution=resolution)
    members = comm.members()
    if not 0 <= number < len(members):
        raise InputError(f"--group {number}: the network has groups 0-{len(members) - 1}")
    return [str(x) for x in net.ids[members[number]]]
