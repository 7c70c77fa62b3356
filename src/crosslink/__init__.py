"""crosslink: investigate organised immigration crime.

Ingest graded intelligence as FollowTheMoney statements, extract selectors and
names from free text, resolve records into people and things, and analyse the
smuggling networks that connect them. Every fact keeps its report, grading and
handling code.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
