"""Prosecution case files: suspects, evidence, the MG5 summary and MG6C/MG6D schedules.

A case charges offences from the offence list (data: ``data/offences.yaml``) against
suspects who are canonical entities, never migrants, victims or witnesses. The summary
is drafted from the workspace through the session's visible views; every sentence
cites its report (id, originator, grading, handling code), and material that may not
be used as evidence appears only as a sanitised pointer to the sensitive schedule.
"""

from crosslink.cases.casefile import CaseFile, build_case_file, export_case
from crosslink.cases.groups import GROUP_RESOLUTION, group_members
from crosslink.cases.offences import Element, Offence, evidence_policy, get_offence, offences
from crosslink.cases.schedules import DECISIONS, SCHEDULES, decide, schedule_rows
from crosslink.cases.store import (
    AddResult,
    CaseInfo,
    add_evidence,
    add_group,
    add_suspects,
    get_case,
    list_cases,
    new_case,
)

__all__ = [
    "DECISIONS",
    "GROUP_RESOLUTION",
    "SCHEDULES",
    "AddResult",
    "CaseFile",
    "CaseInfo",
    "Element",
    "Offence",
    "add_evidence",
    "add_group",
    "add_suspects",
    "build_case_file",
    "decide",
    "evidence_policy",
    "export_case",
    "get_case",
    "get_offence",
    "group_members",
    "list_cases",
    "new_case",
    "offences",
    "schedule_rows",
]
