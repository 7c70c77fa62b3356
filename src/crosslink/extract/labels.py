"""Labels that say what a number written just after them is.

Intelligence text labels its numbers ("Tel:", "IMSI", "CRN", "sort code",
"passport no."). A number is read as a selector only when the nearest label
before it (in the same clause, within 40 characters) does not say it is
something else: "IMSI 2341..., mobile 0791..." labels the second number as a
phone even though "IMSI" is before it too.

The label words are a category of the shared keyword scan
(:mod:`crosslink.extract.keywords`), so the longest label wins where labels
overlap: "passport number" is a passport label, never the generic "number",
and "sim card serial" an ICCID label, never "card".
"""

from __future__ import annotations

from crosslink.extract import keywords

__all__ = ["NUMBER_LABELS", "NOT_A_PHONE", "NOT_AN_ACCOUNT", "NumberLabels", "LABEL_WORDS"]

# what may follow a label word: "passport no.", "IMEI #", "ref number"
_NO = ("", " number", " num", " no", " no.", " #", " nr", " nr.", "#", " n°", " nº")


def _with_no(*words: str) -> list[str]:
    return [w + n for w in words for n in _NO]


#: kind -> label words (lower-case; a space stands for one blank)
LABEL_WORDS: dict[str, list[str]] = {
    "imei": _with_no("imei", "imeisv", "serial", "handset serial", "handset id") + ["handset"],
    "imsi": _with_no("imsi"),
    "iccid": _with_no("iccid", "sim", "sim card", "sim serial", "sim card serial"),
    "passport": _with_no(
        "passport", "travel document", "id card", "identity card", "national id card", "national identity card",
        "ni", "national insurance", "licence", "license", "driving licence", "driving license", "document",
        "visa", "residence permit", "brp",
    ),
    "crime_ref": _with_no(
        "crn", "urn", "pnc", "pnc id", "cris", "crime", "crime ref", "crime ref.", "crime reference",
        "crime reference.", "occurrence", "ref", "ref.", "reference", "reference.", "log", "cad", "case",
        "case ref", "case ref.", "incident", "job", "exhibit", "invoice", "order", "tracking", "flight", "booking",
    ),
    "account": _with_no("account", "bank account", "acc", "acct", "acc.", "acct.", "a/c", "card")
    + ["sort code", "sortcode", "s/c", "bic", "swift"],
    "container": _with_no("container", "trailer", "seal", "unit"),
    "vessel": _with_no("mmsi", "imo"),
    "phone": [
        "tel", "tel.", "telephone", "telephone.", "phone", "phoned", "telephoned", "mob", "mob.", "mobile",
        "mobile.", "cell", "cellphone", "whatsapp", "whats app", "wa", "telegram", "tg", "signal", "viber",
        "botim", "imo app", "contact", "contacted", "contact on", "contacted on", "call", "called", "calls",
        "calling", "ring", "rings", "ringing", "rang", "text", "texted", "texts", "sms", "fax", "msisdn", "dial",
        "dialled", "landline", "number", "number of",
    ],
}


def _az09(ch: str) -> bool:
    return not ("a" <= ch <= "z" or "0" <= ch <= "9")


class NumberLabels:
    """What the nearest label before a position says a number is.

    All label words form one keyword category (``label``) so that overlapping
    labels of different kinds resolve leftmost-longest; the word found tells the
    kind (a word listed under two kinds keeps the first).
    """

    def __init__(self, labels: dict[str, list[str]]) -> None:
        self._kind: dict[str, str] = {}
        for kind, words in labels.items():
            for w in words:
                self._kind.setdefault(" ".join(w.split()), kind)
        keywords.register("label", sorted(self._kind), _az09)

    def kind(self, text: str, start: int, width: int = 40) -> str | None:
        """Kind of the nearest label in the same clause within ``width`` before ``start``.

        O(log labels) after the shared keyword scan; the clause window is O(width).
        """
        hit = keywords.index(text).before("label", start, width)
        return None if hit is None else self._kind[hit[2]]

    def word(self, text: str, start: int, width: int = 40) -> str | None:
        """The nearest label itself, lower-cased ("imeisv no"), as :meth:`kind` finds it."""
        hit = keywords.index(text).before("label", start, width)
        return None if hit is None else hit[2]


NUMBER_LABELS = NumberLabels(LABEL_WORDS)

#: Kinds whose label rules out reading the number as a phone.
NOT_A_PHONE = frozenset({"imei", "imsi", "iccid", "passport", "crime_ref", "account", "container", "vessel"})
#: Kinds whose label rules out reading the number as an IMEI.
NOT_AN_ACCOUNT = frozenset({"imsi", "iccid", "passport", "crime_ref", "container", "vessel", "phone"})
