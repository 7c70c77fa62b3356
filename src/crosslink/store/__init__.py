"""The workspace: reports, statements, judgements, canonical ids and the audit log."""

from crosslink.store.audit import ACTIONS, verify
from crosslink.store.session import SOURCE_UNIT_ROLE, Clearance, Session
from crosslink.store.workspace import Workspace

__all__ = ["ACTIONS", "SOURCE_UNIT_ROLE", "Clearance", "Session", "Workspace", "verify"]
