"""Names in Arabic script (Arabic, Kurdish Sorani, Farsi, Pashto adverts and chat).

A known given name in Arabic script starts a person; up to three more words complete
it when they are names too: another known given name (a father's name, "أحمد كريم")
or a family name ending in -i ("الهاشمي", "بارزانی"), and not a function word, a
platform or a place. A given name alone needs a cue: a word before it ("with",
"about", "to", "from", "Mr", "brother", "his name is", "ask"), a preposition written
onto it ("لكاوه": to Kawa), or a word after it ("said"; Pashto and Farsi
postpositions). The value keeps the script (the spelling in the source is the
evidence); a Latin transliteration is in ``extra["latin"]`` (ICU through
``normality``, which followthemoney already needs) for display and for
transliteration-aware resolution.
"""

from __future__ import annotations

import re
from functools import lru_cache

from crosslink.extract import keywords
from crosslink.extract._base import Candidate
from crosslink.extract.names.lexicon import nice_name

__all__ = ["arabic_script", "latin_of"]

# Each name is written once; _ar_spellings adds its other spellings. Names that are
# also everyday words ("امید" hope, "ژیان" life, "باران" rain) are left out: after a
# cue word they would be read as people.
_AR_GIVEN = (
    # Arabic
    "محمد محمّد أحمد محمود مصطفى علي عمر عثمان خالد حسن حسين كريم يوسف إبراهيم عبدالله عبدالرحمن "
    "عبدالعزيز عبدالكريم عبدالقادر عبد سعيد سامي سمير رامي فادي جمال كمال طارق ماجد مجيد ناصر نبيل وليد "
    "هاني زياد زيد صالح سالم سليمان إسماعيل يونس عادل عماد فراس باسم بسام رشيد حميد جاسم قاسم هشام أيمن "
    "أنس بلال حمزة ياسر ياسين مراد نادر نزار فيصل فهد شادي رضا مهدي حيدر عباس جعفر منصور مازن وائل وسام "
    "أسامة أكرم أشرف أمجد أنور بشار بكر جلال حازم حاتم حسام خليل رائد رياض زكريا سامر سعد سلمان شريف صلاح "
    "ضياء طلال عاطف عامر عدنان عزيز علاء عمار غسان فؤاد فواز قصي لؤي ليث ماهر محسن مرتضى مروان معاذ مؤيد "
    "مهند نضال نعيم هيثم وسيم يحيى يزن يعقوب سجاد كاظم مصعب إدريس موسى عيسى هارون رحيم رحمن نور "
    "فاطمة مريم عائشة زينب سارة ليلى آمنة هدى رنا سلمى سميرة هبة دينا لينا منى نادية ياسمين خديجة زهراء "
    # Kurdish (Sorani)
    "کاوە ئازاد ڕێباز ريباز شوان هێمن دلشاد ئارام آرام سۆران سوران کاروان کارزان هاوکار هێوا ئاسۆ ڕێبوار "
    "ڕێبین سەنگەر سامان سەربەست شاهۆ هۆگر هەردی دیلان زانا زانیار بەختیار بێستون بریار گۆران نەوزاد ڕەوەند "
    "سیروان شۆڕش برایم کامەران ڕێکان سەردار سەرکەوت شێرکۆ کۆسرەت مەریوان نەباز پێشەوا ئاکام ئاوات بارزان "
    "بەهۆز دارا دلێر هەژار جوتیار کۆچەر لاوین میران نێچیرڤان ڕزگار سالار زمناکۆ دلدار تەوانا ژیوار زریان "
    "ئاری بەریڤان هێلین ڕۆژین شیلان تاڤگە ژیلا ژینۆ نازدار هانا "
    # Farsi, Dari and Pashto
    "علیرضا آرش بابک بهرام بهزاد بیژن داریوش داوود احسان فرهاد فرشاد فرزاد حمیدرضا هومن کامران کیوان "
    "کوروش مهران مهرداد میثم میلاد محمدرضا نیما پرویز پدرام پیمان پویا رامین سیامک سینا سروش وحید "
    "مینا نسرین پریسا رویا شیرین اجمل اسدالله بریالی حمیدالله حکمت جاوید لطیف مسعود میرویس نوید قیس "
    "شفیق شعیب سهیل زلمی ضیا گلاب ظریف ملالی پلوشه نجیب"
)
#: letters with other spellings on Arabic, Persian and Kurdish keyboards (and by
#: writers who drop the hamza): a word is also listed with each swapped throughout
_AR_LETTERS = (("ي", "ی"), ("ی", "ي"), ("ى", "ی"), ("ك", "ک"), ("ک", "ك"), ("ە", "ه"), ("ة", "ه"),
               ("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ڕ", "ر"), ("ێ", "ی"), ("ۆ", "و"))


def _ar_spellings(words: str) -> list[str]:
    """The words with every combination of their letters' other spellings."""
    out: set[str] = set()
    for word in words.split():
        forms = {word}
        for a, b in _AR_LETTERS:
            forms |= {f.replace(a, b) for f in forms if a in f}
        out |= forms
    return sorted(out)


_AR_NAMES = frozenset(_ar_spellings(_AR_GIVEN))
#: cue words after a name: "said" (Arabic, Kurdish, Farsi), Pashto postpositions
#: "to" / "with" ("زلمي ته" to Zalmai), the Farsi object marker ("آرش را" Arash)
_AR_AFTER_WORDS = "قال قالت يقول بيقول وتی گوتی دەڵێ دەڵێت گفت میگه ته سره را"
_AR_STOP = frozenset(
    _ar_spellings(
        # platforms, contact words, prepositions, pronouns, prices, currencies, places
        "واتساب واتس تلغرام تيليجرام تلیگرام سناب انستغرام فيسبوك رقم رقمه هاتف موبايل على في من إلى الى "
        "عبر مع عن السعر سعر و أو او هو هي أن ان الذي التي كل بعد قبل عند يورو دولار جنيه باوند دينار تومان "
        "ليرة رحلة آمنة امنة بريطانيا لندن فرنسا تواصل اتصل واتصل للتواصل اسأل واسأل كلم شكرا اليوم غدا هنا "
        # Kurdish and Farsi: number, contact, price, trip, for, from, to, with, and, that, this
        "ژمارە پەیوەندی نرخ گەشت بۆ لە بە لەگەڵ کە ئەو شماره تماس قیمت سفر به با از برای که این "
        + _AR_AFTER_WORDS
    )
)


def _ar_alternation(words: str) -> str:
    return "|".join(re.escape(w) for w in sorted(_ar_spellings(words), key=len, reverse=True))


_AR_CUE = re.compile(
    # with, about, to, from, Mr, brother, his name is, haji, sheikh, ask, talk to (Arabic);
    # to, from, with, Mr, teacher, haji, his name (Kurdish); to, with, from, Mr, sir (Farsi)
    r"(?<![\u0600-\u06ff])(?:"
    + _ar_alternation(
        "مع عن إلى الى من السيد الأخ أخوي اسمه اسمو كاك كاكا كاكه الحاج الشيخ اسأل واسأل كلم وكلم "
        "بە لە بۆ لەگەڵ کاکە مامۆستا حاجی ناوی به با از آقای آقا جناب اسمش له"
    )
    + r")[ \t]+$"
)
_AR_AFTER = re.compile(r"[ \t]+(?:" + _ar_alternation(_AR_AFTER_WORDS) + r")(?![\u0600-\u06ff])")
_AR_WORD_AFTER = re.compile(r"[ \t]+([\u0621-\u064a\u0671-\u06d3\u06d5]+)")
#: prepositions written onto the next word: to/for, with/by, and
_AR_JOINED = "لبو"


def _ar_name_part(word: str) -> bool:
    """Whether ``word`` can continue a name in Arabic script (see above)."""
    return word in _AR_NAMES or (len(word) >= 5 and word[-1] in "يی" and word not in _AR_STOP)


def _not_arabic(ch: str) -> bool:
    return not ("\u0600" <= ch <= "\u06ff")


def _ar_right(low: str, end: int) -> bool:
    return _not_arabic(low[end : end + 1])


keywords.register("given_ar", sorted(_AR_NAMES), _not_arabic, _ar_right)
# the same names right after a one-letter preposition ("لكاوه"); the letter's own
# left boundary is checked in arabic_script
keywords.register("given_ar_joined", sorted(_AR_NAMES), lambda ch: ch != "" and ch in _AR_JOINED, _ar_right)


@lru_cache(maxsize=4096)
def latin_of(name: str) -> str:
    """Latin transliteration of a name in another script ("أحمد كريم" -> "Ahmd Krym")."""
    from normality import ascii_text

    return nice_name((ascii_text(name) or "").split())


def arabic_script(text: str, places: frozenset[str]) -> list[Candidate]:
    """Person candidates for names written in Arabic script. O(hits) after the keyword scan."""
    out: list[Candidate] = []
    ti = keywords.index(text)
    hits = [(s, e, False) for s, e, _w in ti.hits("given_ar")]
    for s, e, _w in ti.hits("given_ar_joined"):
        # the preposition starts its word, and with it the word is not a name itself
        # ("وليد" is Walid, not "and Lid")
        if (s < 2 or _not_arabic(text[s - 2])) and text[s - 1 : e] not in _AR_NAMES:
            hits.append((s, e, True))
    hits.sort()
    last = 0
    for s, e, joined in hits:
        if s < last:
            continue  # a name inside the previous one ("محمد علي حسن")
        end = e
        for _ in range(3):
            m = _AR_WORD_AFTER.match(text, end)
            if m is None or not _ar_name_part(m.group(1)) or m.group(1) in places:
                break
            end = m.end()
        if (
            end == e
            and not joined
            and _AR_CUE.search(text, max(0, s - 14), s) is None
            and _AR_AFTER.match(text, e) is None
        ):
            continue
        name = " ".join(text[s:end].split())
        out.append(Candidate(s, end, "person", name, {"form": "arabic-script", "latin": latin_of(name)}))
        last = end
    return out
