"""The workspace: reports, statements, judgements, canonical ids, the audit log and erasure."""

from crosslink.store.audit import ACTIONS, verify
from crosslink.store.erasure import ErasureResult, erase
from crosslink.store.session import SOURCE_UNIT_ROLE, Clearance, Session
from crosslink.store.workspace import Workspace

__all__ = [
    "ACTIONS",
    "SOURCE_UNIT_ROLE",
    "Clearance",
    "ErasureResult",
    "Session",
    "Workspace",
    "erase",
    "verify",
]
