"""Dates written in words in the languages crosslink's reports and chats come in.

:mod:`.dates` reads English, French, German, Dutch, Italian and Spanish month names
inside its digit scan. This module adds the rest, anchored on the shared keyword
scan (one Aho-Corasick pass for every extractor): Polish (nominative and the
genitive of dates, "7 lipca 1992"), Romanian, Albanian (with the definite forms),
Turkish, Kurdish (Kurmanji, and the Syriac-derived names used in Iraqi Kurdistan),
Arabic (Levantine/Iraqi and Egyptian/Gulf names), Farsi (Gregorian month names, and
the Solar Hijri months with a year 13xx/14xx, converted with ``jdatetime``), plus
the full names of the six languages :mod:`.dates` knows by abbreviation only
("12 mars 1990", "5. März 1991").

A month hit is a date when a day number stands before it (with the small words
languages put there: "de", "la", "më", "den", "il") and a four-digit year after it;
digits may be Arabic-Indic (``int`` reads them). What is a birth date is decided by
:mod:`.dates` (the label before it), the same as for every other date.
"""

from __future__ import annotations

import re
from datetime import date

import jdatetime

from crosslink.extract import keywords

__all__ = ["MONTHS", "SOLAR_HIJRI", "DAY_BEFORE", "YEAR_AFTER", "to_date"]


def _table(spec: str) -> dict[str, int]:
    """``"1: a b | 2: c d | ..."`` -> {word: month}. Words lower-cased."""
    out: dict[str, int] = {}
    for part in spec.split("|"):
        num, words = part.split(":", 1)
        for w in words.split():
            out[w.lower().replace("_", " ")] = int(num)
    return out


#: Gregorian month names by language (a word may stand for one month only).
MONTHS: dict[str, int] = {
    # French, German, Dutch, Italian, Spanish names :mod:`.dates` holds only as
    # abbreviations or not at all
    # (the English names are :mod:`.dates`' own)
    **_table("3: mars | 5: mai"),
    # Polish: nominative and genitive
    **_table("1: styczeń styczen stycznia | 2: luty lutego | 3: marzec marca | 4: kwiecień kwiecien kwietnia"
             "| 5: maj maja | 6: czerwiec czerwca | 7: lipiec lipca | 8: sierpień sierpien sierpnia"
             "| 9: wrzesień wrzesien września wrzesnia | 10: październik pazdziernik października pazdziernika"
             "| 11: listopad listopada | 12: grudzień grudzien grudnia"),
    # Romanian
    **_table("1: ianuarie | 2: februarie | 3: martie | 4: aprilie | 6: iunie | 7: iulie | 9: septembrie"
             "| 10: octombrie | 11: noiembrie | 12: decembrie"),
    # Albanian, indefinite and definite ("3 prill" / "3 prillit")
    **_table("1: janar janari janarit | 2: shkurt shkurti shkurtit | 3: marsi marsit | 4: prill prilli prillit"
             "| 5: majin majit | 6: qershor qershori qershorit | 7: korrik korriku korrikut"
             "| 8: gusht gushti gushtit | 9: shtator shtatori shtatorit | 10: tetor tetori tetorit"
             "| 11: nëntor nentor nëntori nentori nëntorit nentorit | 12: dhjetor dhjetori dhjetorit"),
    # Turkish, with and without the dotless i and cedillas
    **_table("1: ocak | 2: şubat subat | 3: mart | 4: nisan | 5: mayıs mayis | 6: haziran | 7: temmuz"
             "| 8: ağustos agustos | 9: eylül eylul | 10: ekim | 11: kasım kasim | 12: aralık aralik"),
    # Kurdish: Kurmanji, and the Syriac-derived names of Iraqi Kurdistan in Latin script
    **_table("1: çile cile rêbendan rebendan | 2: sibat şubat reşemî resemi | 3: adar azar | 4: nîsan avrêl"
             "| 5: gulan | 6: hezîran heziran pûşper puşper | 7: tîrmeh tirmeh | 8: tebax gelawêj gelawej"
             "| 9: îlon ilon rezber | 10: cotmeh kewçêr | 11: mijdar sermawez | 12: kanûn kanun berfanbar"),
    # Arabic: Levantine/Iraqi (also Kurdish in Arabic script) and Egyptian/Gulf; Farsi Gregorian
    **_table("1: كانون_الثاني يناير ژانویه | 2: شباط فبراير فوریه | 3: آذار اذار مارس | 4: نيسان أبريل ابريل آوریل"
             "| 5: أيار ايار مايو مه | 6: حزيران يونيو يونيه ژوئن | 7: تموز يوليو يوليه ژوئیه ژوئيه"
             "| 8: آب أغسطس اغسطس اوت | 9: أيلول ايلول سبتمبر سپتامبر | 10: تشرين_الأول تشرين_الاول أكتوبر اكتوبر اکتبر"
             "| 11: تشرين_الثاني نوفمبر نوامبر | 12: كانون_الأول كانون_الاول ديسمبر دسامبر"),
}
#: Solar Hijri (Iranian calendar) month names, Farsi script and Latin transliteration
SOLAR_HIJRI: dict[str, int] = _table(
    "1: فروردین farvardin | 2: اردیبهشت ordibehesht | 3: خرداد khordad | 4: تیر | 5: مرداد mordad"
    "| 6: شهریور shahrivar | 7: مهر mehr | 8: آبان aban | 9: آذر azar_ | 10: دی | 11: بهمن bahman | 12: اسفند esfand"
)
SOLAR_HIJRI.pop("azar_", None)  # "azar" is March in Kurdish; the Solar Hijri Azar stays in Farsi script

keywords.register("month_intl", sorted(set(MONTHS) | set(SOLAR_HIJRI)), keywords.not_word)

#: the day before a month word: digits, an ordinal mark, a small word of the language
DAY_BEFORE = re.compile(r"(?<![\w/.:-])(?P<d>\d{1,2})(?:\.|-?(?:st|nd|rd|th|ci|inci|ıncı|ê|an))?[ \t]*"
                        r"(?:(?:de|la|më|me|den|il|el|of)[ \t]+)?$")
#: the year after it
YEAR_AFTER = re.compile(r"\.?,?[ \t]*(?:(?:de|del|year|sal|sala|سال|عام)[ \t]+)?(?P<y>\d{4})(?![\w/.-]\d|\w)")


def to_date(word: str, day: int, year: int) -> date | None:
    """The Gregorian date of ``day word year`` (``word`` lower-cased), or None."""
    try:
        if word in SOLAR_HIJRI and 1300 <= year <= 1500:
            g: date = jdatetime.date(year, SOLAR_HIJRI[word], day).togregorian()
            return g
        month = MONTHS.get(word)
        if month is None:
            return None
        return date(year, month, day)
    except ValueError:
        return None
