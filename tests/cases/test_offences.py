"""The offence list is data: every offence has elements, and a bad file is named clearly."""

from __future__ import annotations

import sys

import pytest

from crosslink.cases.offences import FACT_KINDS, evidence_policy, get_offence, offences
from crosslink.errors import InputError

_module = sys.modules["crosslink.cases.offences"]


def test_the_offences_the_issue_names_are_there_with_elements():
    for key in ("s25", "s24a", "msa_s2", "fraud_s6", "fraud_s7", "poca_s327", "poca_s328", "poca_s329"):
        offence = get_offence(key)
        assert offence.elements and all(set(e.kinds) <= FACT_KINDS for e in offence.elements)
    assert "Immigration Act 1971, s.25" in get_offence("S25").label


def test_what_may_not_be_evidence():
    policy = evidence_policy()
    assert policy.reason(protected=True, code="P", conditions=None) == "source protection"
    assert policy.reason(protected=False, code="h1", conditions=None) == "handling code H1"
    assert policy.reason(protected=False, code="C", conditions="For intelligence only") is not None
    assert policy.reason(protected=False, code="C", conditions="Evidential exhibit; disclosure via the OIC only") is None
    assert policy.reason(protected=False, code="H0", conditions=None) is None


def test_a_bad_offence_file_names_the_offence_and_element(monkeypatch):
    bad = "offences:\n  s99:\n    statute: X\n    title: Y\n    elements:\n      - {key: a, text: b, kinds: [gossip]}\n"
    monkeypatch.setattr(_module, "_load_text", lambda: bad)
    _module._data.cache_clear()
    offences.cache_clear()
    try:
        with pytest.raises(InputError, match="offence s99 element 1: .*not gossip"):
            offences()
    finally:
        _module._data.cache_clear()
        offences.cache_clear()
