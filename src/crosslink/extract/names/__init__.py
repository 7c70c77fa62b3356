"""People and aliases, without a statistical NER model.

Intelligence writing gives strong cues, and each module here reads one family of them:

- :mod:`.capitals`: the forms capital letters give away. The UK convention of the
  family name in capitals (``Ahmed KARIMI``, ``Mohammed Ali AL-HASHIMI``),
  ``SURNAME Given`` of partner reports, comma-inverted names (``KARIMI, Ahmed``,
  ``Karimi, Ahmed``), a title or honorific before a name, an Arabic kunya, and
  sentence case ``Ahmed Karimi`` when a token is a known given or family name
  (``data/names.yml``), a role word precedes ("suspect", "driver", "brother"), or a
  DOB/age/aka follows;
- :mod:`.chat`: lower-case chat (``tell karwan rasuli``): a known given name followed
  by a known family name, or next to a chat cue ("tell", "ask", "thanks" before it,
  "said", "has" after it); a word no list knows only in the strongest frames ("tell
  X", "hi X", "X said" opening its clause) and never an everyday word;
- :mod:`.single`: names of one word after an honorific or a naming word, and chat
  export speaker labels;
- :mod:`.script`: names in Arabic script (Arabic, Kurdish, Farsi, Pashto) after a
  cue, with a preposition written onto them, or followed by more names;
- :mod:`.aliases`: aliases after "aka", "also known as", "nicknamed", "alias",
  "goes by";
- :mod:`.lexicon`: what they share (letter classes, stop words, the name lists,
  :func:`nice_name`).

Values are "Given Family" in normal capitalisation (``KARIMI, Ahmed`` ->
``Ahmed Karimi``; ``AL-HASHIMI`` -> ``Al-Hashimi``; ``O'BRIEN`` -> ``O'Brien``).
:func:`find` runs the families in a fixed order: where two candidates tie in the
orchestrator's overlap resolution, the earlier one wins, so the order is part of
the output.
"""

from __future__ import annotations

from crosslink.extract import keywords
from crosslink.extract._base import Candidate
from crosslink.extract.names.aliases import ALIAS_TAIL as ALIAS_TAIL
from crosslink.extract.names.aliases import find_aliases
from crosslink.extract.names.capitals import GIVEN_CAPS_RE as GIVEN_CAPS_RE
from crosslink.extract.names.capitals import INVERTED_RE as INVERTED_RE
from crosslink.extract.names.capitals import KUNYA_RE as KUNYA_RE
from crosslink.extract.names.capitals import RUN_RE as RUN_RE
from crosslink.extract.names.capitals import SURNAME_GIVEN_RE as SURNAME_GIVEN_RE
from crosslink.extract.names.capitals import TITLE_RE as TITLE_RE
from crosslink.extract.names.capitals import (
    all_caps,
    given_surname,
    inverted,
    kunya,
    sentence_runs,
    surname_given,
    titled,
)
from crosslink.extract.names.chat import known_given, unknown_names
from crosslink.extract.names.lexicon import nice_name, word_lists
from crosslink.extract.names.script import arabic_script, latin_of
from crosslink.extract.names.single import SPEAKER_RE as SPEAKER_RE
from crosslink.extract.names.single import single_names

__all__ = ["find", "nice_name", "latin_of"]


def find(text: str, hint: str | None) -> list[Candidate]:
    """Person and alias candidates. O(len(text)) regex scans; the per-candidate checks are
    set look-ups on a handful of tokens."""
    given, family, english, places = word_lists()
    out: list[Candidate] = []
    out.extend(given_surname(text))
    out.extend(surname_given(text, given, family, places))
    out.extend(inverted(text, given, family, places))
    # the forms below read the shared keyword scan (one pass for every extractor's lists)
    kw = keywords.index(text)
    out.extend(all_caps(text, kw, given, family, places))
    out.extend(titled(text, kw, places))
    out.extend(kunya(text, places))
    out.extend(sentence_runs(text, kw))
    out.extend(known_given(text, kw, family, english, places))
    out.extend(unknown_names(text, kw, given, english, places))
    out.extend(single_names(text, kw, given, english, places))
    out.extend(arabic_script(text, places))
    out.extend(find_aliases(text, kw))
    return out
