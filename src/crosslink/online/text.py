"""Post text made comparable: digits, invisible characters, Unicode scripts.

Adverts write the same phone number in Arabic-Indic (٠٧٧٠٠), Persian (۰۷۷۰۰),
full-width or keycap-emoji digits (0️⃣7️⃣), and hide words from keyword filters with
zero-width characters. :func:`normalise` maps every decimal digit to ASCII and drops
the invisible characters, so selectors, prices and indicators read one form.

:func:`script_of` names the dominant writing system of a post (ISO 15924 ``Latn``,
``Arab``, ``Ethi``...) from the Unicode Script property, read with the ``regex``
package (Python's ``re`` has no script classes).
"""

from __future__ import annotations

import unicodedata

import regex

__all__ = ["SCRIPTS", "fold", "normalise", "script_of"]

# Decimal digits of the scripts adverts are written in, to ASCII. NFKC already folds
# full-width and mathematical digits; it leaves Arabic-Indic and Persian ones alone.
_DIGIT_BLOCKS = (0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x1040, 0x17E0)
_TRANSLATE: dict[int, int | str | None] = {
    block + d: str(d) for block in _DIGIT_BLOCKS for d in range(10)
}
# Arabic decimal and thousands separators, Arabic percent sign
_TRANSLATE.update({0x066B: ".", 0x066C: ",", 0x066A: "%"})
# Invisible characters used to split words and numbers (zero-width space, joiners,
# word joiner, BOM, soft hyphen) and the pieces of keycap emoji ("0" U+FE0F U+20E3).
for _cp in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0xFE0F, 0x20E3):
    _TRANSLATE[_cp] = None

#: ISO 15924 codes of the scripts this module names, with the Unicode Script value.
SCRIPTS = {"Latn": "Latin", "Arab": "Arabic", "Ethi": "Ethiopic", "Cyrl": "Cyrillic", "Grek": "Greek"}
_SCRIPT_RE = {code: regex.compile(rf"\p{{Script={name}}}") for code, name in SCRIPTS.items()}


def normalise(text: str) -> str:
    """NFKC, every decimal digit as ASCII, invisible characters removed. O(len(text))."""
    return unicodedata.normalize("NFKC", text).translate(_TRANSLATE)


# Letters NFKD does not decompose, as posters type them without their marks
_FOLD_LETTERS = str.maketrans({"đ": "d", "Đ": "D", "ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O"})


def fold(text: str) -> str:
    """``text`` without diacritics ("garanti à 100 %" -> "garanti a 100 %", "đảm bảo"
    -> "dam bao", Arabic short vowels dropped). Posters often type without them, on
    phones or to dodge keyword filters; indicators match on folded text, and the
    model also learns from folded copies of its Latin-script posts. O(len(text))."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_LETTERS))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def script_of(text: str) -> str:
    """The script most of the letters are in (``Zyyy`` when there are none).

    Counted with one ``regex`` scan per script (C speed); a few Latin letters in an
    Arabic-script post (``WhatsApp``, a handle) do not change its script.
    """
    best, best_n = "Zyyy", 0
    for code, pattern in _SCRIPT_RE.items():
        n = len(pattern.findall(text))
        if n > best_n:
            best, best_n = code, n
    return best
