"""Labels that say what a number written just after them is.

Intelligence text labels its numbers ("Tel:", "IMSI", "CRN", "sort code",
"passport no."). A number is read as a selector only when the nearest label
before it does not say it is something else; see :class:`ContextLabels`.
Multi-word labels ("passport number", "account no.") are listed inside their
kind so that the generic word "number" never wins over them.
"""

from __future__ import annotations

from crosslink.extract._base import ContextLabels

__all__ = ["NUMBER_LABELS", "NOT_A_PHONE", "NOT_AN_ACCOUNT"]

_NO = r"(?:\s*(?:number|num|no\.?|#|nr\.?))?"

NUMBER_LABELS = ContextLabels(
    {
        "imei": r"imei(?:sv)?" + _NO + r"|handset(?: id| serial)?|serial" + _NO,
        "imsi": r"imsi" + _NO,
        "iccid": r"iccid" + _NO + r"|sim(?: card)?(?: serial)?" + _NO,
        "passport": r"passport" + _NO
        + r"|travel document" + _NO
        + r"|(?:national )?id(?:entity)? card" + _NO
        + r"|ni" + _NO
        + r"|national insurance" + _NO
        + r"|(?:driving )?licen[cs]e" + _NO
        + r"|document" + _NO
        + r"|visa" + _NO
        + r"|residence permit" + _NO
        + r"|brp" + _NO,
        "crime_ref": r"crn|urn|pnc(?: id)?|cris|crime(?: ref(?:erence)?\.?)?" + _NO
        + r"|occurrence" + _NO
        + r"|ref(?:erence)?\.?" + _NO
        + r"|log" + _NO
        + r"|cad" + _NO
        + r"|case(?: ref\.?)?" + _NO
        + r"|incident" + _NO
        + r"|job" + _NO
        + r"|exhibit" + _NO
        + r"|invoice" + _NO
        + r"|order" + _NO
        + r"|tracking" + _NO
        + r"|flight" + _NO
        + r"|booking" + _NO,
        "account": r"(?:bank )?account" + _NO
        + r"|acc(?:t)?\.?" + _NO
        + r"|a/c" + _NO
        + r"|sort ?code|s/c|bic|swift|card" + _NO,
        "container": r"container" + _NO + r"|trailer" + _NO + r"|seal" + _NO + r"|unit" + _NO,
        "vessel": r"mmsi" + _NO + r"|imo" + _NO,
        "phone": r"tel(?:ephone)?\.?|(?:tele)?phone(?:d)?|mob(?:ile)?\.?|cell(?:phone)?|"
        r"whats ?app|wa|telegram|tg|signal|viber|botim|imo app|contact(?:ed)?(?: on)?|"
        r"call(?:ed|s|ing)?|ring(?:s|ing)?|rang|text(?:ed|s)?|sms|fax|msisdn|dial(?:led)?|"
        r"landline|number(?: of)?",
    }
)

#: Kinds whose label rules out reading the number as a phone.
NOT_A_PHONE = frozenset({"imei", "imsi", "iccid", "passport", "crime_ref", "account", "container", "vessel"})
#: Kinds whose label rules out reading the number as an IMEI.
NOT_AN_ACCOUNT = frozenset({"imsi", "iccid", "passport", "crime_ref", "container", "vessel", "phone"})
