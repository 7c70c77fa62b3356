"""The workbench service: FastAPI over a workspace, need-to-know on every path.

Nothing in the stages imports this package; it imports them.
"""

from crosslink.api.app import create_app

__all__ = ["create_app"]
