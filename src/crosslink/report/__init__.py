"""The analyst's report: one self-contained HTML file for any workspace.

:func:`build_report_data` reads the workspace through the reader's session and the
network analysis; :func:`render_report` turns that into one HTML file that opens
offline (every value escaped, evidence behind every name). ``crosslink demo`` and
``crosslink network analyse --html`` both use it.
"""

from crosslink.report.data import build_report_data, report_citations, workspace_overview
from crosslink.report.html import render_report

__all__ = ["build_report_data", "render_report", "report_citations", "workspace_overview"]
