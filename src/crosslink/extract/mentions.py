"""The :class:`Mention` type and how mentions map onto FollowTheMoney properties.

A mention is one selector, name, date, amount or place found in free text, with
exact character offsets into the text it came from (``text[start:end] ==
mention.text``) and a normalised ``value`` so that the same selector written
three ways (``07911 123456``, ``+44 7911 123456``, ``0044-7911-123456``) links
three reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Mention", "MENTION_TYPES", "MENTION_PROPERTIES", "mention_property"]


@dataclass(frozen=True, slots=True)
class Mention:
    """One thing found in a text.

    ``type`` is one of :data:`MENTION_TYPES`; ``value`` is the normalised form
    (E.164 phone, compact IBAN, ISO date, ``"3000 EUR"``, canonical place name...).
    ``extra`` carries detail some consumers need (the vessel number scheme, the
    social platform, the plate format); it never takes part in equality of
    ``(type, value)`` used for linking.
    """

    type: str
    text: str
    start: int
    end: int
    value: str
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form, as printed by ``crosslink extract``."""
        out: dict[str, Any] = {
            "type": self.type,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "value": self.value,
        }
        if self.extra:
            out["extra"] = dict(self.extra)
        return out


#: Mention type -> (FtM schema, FtM property) used when a mention is written as a
#: statement linked to its report (with span offsets).
#:
#: The choice follows how the rest of crosslink finds selectors:
#:
#: - Selectors that crosslink treats as shared nodes are written on the entity
#:   schema that owns them (``BankAccount.iban``, ``CryptoWallet.publicKey``,
#:   ``Vehicle.registrationNumber``, ``Vessel.imoNumber``, ``UserAccount.username``),
#:   so an entity keyed on ``(type, value)`` is the same entity in every report
#:   that mentions it.
#: - Phones, e-mails and places are FtM property *types*, not entities: they go on
#:   the report's ``Note`` as ``phoneMentioned`` / ``emailMentioned`` /
#:   ``locationMentioned`` (FtM's own Analyzable properties). Phone and e-mail are
#:   pivot types, so the graph still meets two reports at one ``tel:`` node.
#: - People are ``Person.name`` (one Person per mention, to be resolved later),
#:   aliases ``Person.alias``, dates of birth ``Person.birthDate`` (of the person
#:   mentioned next to them, or of a Person made for the mention).
#: - What FtM has no property for uses crosslink extensions (``x:`` prefix; the
#:   store's ``EXTENSION_PROPS`` must list them): ``x:imei`` (handset identity),
#:   ``x:platePartial`` (a partial registration is not an identifier), and
#:   ``x:moneyMentioned`` (``"3000 EUR"``; ``Payment.amount`` is a bare number).
#: - An MMSI is ``Vessel.mmsi``, not ``imoNumber``: use :func:`mention_property`,
#:   which reads ``extra["scheme"]``.
MENTION_PROPERTIES: dict[str, tuple[str, str]] = {
    "phone": ("Note", "phoneMentioned"),
    "email": ("Note", "emailMentioned"),
    "iban": ("BankAccount", "iban"),
    "crypto": ("CryptoWallet", "publicKey"),
    "imei": ("Note", "x:imei"),
    "plate": ("Vehicle", "registrationNumber"),
    "plate_partial": ("Note", "x:platePartial"),
    "vessel": ("Vessel", "imoNumber"),
    "vessel_name": ("Vessel", "name"),
    "person": ("Person", "name"),
    "alias": ("Person", "alias"),
    "dob": ("Person", "birthDate"),
    # any other date ("met on 3 March 2024", "paid on 12/03/2024"): only when asked
    # for (``extract(..., events=True)``), on the report's note, for the timeline
    "date": ("Note", "x:eventDate"),
    "money": ("Note", "x:moneyMentioned"),
    "location": ("Note", "locationMentioned"),
    "handle": ("UserAccount", "username"),
}

MENTION_TYPES: tuple[str, ...] = tuple(MENTION_PROPERTIES)


def mention_property(mention: Mention) -> tuple[str, str]:
    """(FtM schema, property) for one mention, refining the table by ``extra``."""
    if mention.type == "vessel" and mention.extra.get("scheme") == "mmsi":
        return ("Vessel", "mmsi")
    return MENTION_PROPERTIES[mention.type]
