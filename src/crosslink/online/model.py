"""The triage model: character n-grams and indicators, one linear classifier.

Features of a post (all from its normalised text, :func:`model_text`):

- TF-IDF of character 2-5-grams within words (``char_wb``): robust to the
  spelling variation, transliteration and missing diacritics of posts in thirteen
  languages, and needs no tokeniser per language;
- the indicators of ``data/indicators.yml`` (present or not, and how often), so a
  term listed for a language weighs even when the training posts used it rarely;
- whether the post has a phone, a handle, a link, a WhatsApp link.

A multinomial logistic regression (scikit-learn) over the four labels, with
balanced class weights. A post's **score** is the probability that it is not
benign (how much it needs referral); it is referred when the score reaches the
threshold, as its most probable non-benign label.

The model is trained from ``data/train.jsonl`` (fictional posts written for this
purpose, shipped in the package): nothing is downloaded. Training takes seconds;
the fitted model is kept in the user's cache directory (``$CROSSLINK_CACHE`` or
``~/.cache/crosslink``) under a hash of the training data, the indicators and the
library versions, so it is rebuilt whenever any of them changes. The cache holds a
pickle: it is only ever read from that directory, which only this user writes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from crosslink.online.indicators import indicator_set, load_labels
from crosslink.online.language import LanguageIdentifier
from crosslink.online.selectors import URL_RE
from crosslink.online.text import normalise

__all__ = ["LABELS", "Prepared", "TriageModel", "load_model", "model_text", "read_training_posts"]

LABELS = ("smuggling_advert", "document_fraud", "fake_job_lure", "benign")
MODEL_VERSION = "4"

_HANDLE_RE = re.compile(r"@[\w.]+")
_DIGIT_RE = re.compile(r"\d")


def model_text(text: str) -> str:
    """What the n-grams see: lower case, links and handles as placeholders, every
    digit as 0 (a price or a phone number is a shape, not a value)."""
    low = normalise(text).lower()
    low = URL_RE.sub(" xurlx ", low)
    low = _HANDLE_RE.sub(" xhandlex ", low)
    return _DIGIT_RE.sub("0", low)


@dataclass
class Prepared:
    """What a batch of posts is read as, computed once and shared by the model,
    the language identifier, the explanation and the campaign grouping."""

    texts: list[str]  # normalised
    mtexts: list[str]  # model_text
    counts: np.ndarray  # indicator counts, posts x indicators
    ngrams: Any  # sparse TF-IDF rows
    x: Any  # ngrams + dense features


@dataclass
class TriageModel:
    """A fitted model: vectoriser, classifier, language identifier, threshold."""

    vectorizer: Any
    classifier: Any
    languages: LanguageIdentifier
    threshold: float = 0.5
    indicator_weight: float = 1.0
    fingerprint: str = ""
    info: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def train(cls, posts: list[dict[str, Any]], *, threshold: float = 0.5, indicator_weight: float = 1.0,
              c: float = 8.0) -> TriageModel:
        """Fit on labelled posts (``text``, ``label``, ``lang``). O(total characters)."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        labels = [str(p["label"]) for p in posts]
        unknown = sorted(set(labels) - set(LABELS))
        if unknown:
            raise ValueError(f"unknown labels in training posts: {unknown}")
        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True,
                                     max_features=300_000, dtype=np.float32)
        texts = [normalise(str(p["text"])) for p in posts]
        mtexts = [model_text(t) for t in texts]
        ngrams = vectorizer.fit_transform(mtexts)
        counts = np.asarray([indicator_set().hits(t) for t in texts], dtype=np.float32)
        x = _stack(ngrams, _dense_features(texts, counts, indicator_weight))
        classifier = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
        classifier.fit(x, labels)
        languages = LanguageIdentifier.fit(ngrams, [str(p.get("lang", "und")) for p in posts])
        return cls(vectorizer, classifier, languages, threshold, indicator_weight,
                   info={"posts": len(posts), "features": x.shape[1]})

    def prepare(self, texts: list[str]) -> Prepared:
        """Read raw post texts once: normalise, model text, indicators, features."""
        norm = [normalise(t) for t in texts]
        mtexts = [model_text(t) for t in norm]
        ngrams = self.vectorizer.transform(mtexts)
        counts = np.asarray([indicator_set().hits(t) for t in norm], dtype=np.float32).reshape(len(norm), -1)
        x = _stack(ngrams, _dense_features(norm, counts, self.indicator_weight))
        return Prepared(norm, mtexts, counts, ngrams, x)

    def probabilities(self, batch: Prepared | list[str]) -> np.ndarray:
        """P(label) per post, columns in :data:`LABELS` order.

        A post that quotes an advert to condemn it reads, word for word, like the
        advert. When most of a post is inside quotation marks, the words around the
        quote (the poster's own) decide: the text outside the quote is scored too,
        and weighs three quarters.
        """
        if not isinstance(batch, Prepared):
            batch = self.prepare(batch)
        probs = self._probs(batch.x)
        framed = [(i, outside) for i, t in enumerate(batch.texts) if (outside := quote_frame(t)) is not None]
        if framed:
            outer = self._probs(self.prepare([o for _, o in framed]).x)
            for k, (i, _) in enumerate(framed):
                probs[i] = QUOTE_FRAME_WEIGHT * outer[k] + (1 - QUOTE_FRAME_WEIGHT) * probs[i]
        return probs

    def _probs(self, x: Any) -> np.ndarray:
        probs = self.classifier.predict_proba(x)
        order = [list(self.classifier.classes_).index(label) for label in LABELS]
        return np.asarray(probs[:, order])

    def decide(self, probs: np.ndarray) -> tuple[list[str], np.ndarray]:
        """Labels and scores from probabilities: referred when P(not benign) reaches
        the threshold, as the most probable of the non-benign labels."""
        score = 1.0 - probs[:, 3]
        best_bad = np.argmax(probs[:, :3], axis=1)
        labels = [LABELS[int(b)] if s >= self.threshold else "benign" for b, s in zip(best_bad, score, strict=True)]
        return labels, score


QUOTE_FRAME_WEIGHT = 0.75
_QUOTED = re.compile(r"«[^»]{20,}»|“[^”]{20,}”|\"[^\"]{20,}\"|„[^“”]{20,}[“”]")
_LONG_DIGITS = re.compile(r"\+?\d[\d \-]{8,}\d")


def quote_frame(text: str) -> str | None:
    """The poster's own words around a quoted advert, or None when the post quotes
    nothing.

    - In quotation marks: the words outside them, when at least 30% of the post is
      quoted and at least 20 characters are not.
    - Without quotation marks, introduced by a colon ("Screenshot from a smuggler's
      page: ..."): the words before the colon and the last sentence, when the colon
      comes early (in the first 40% and 150 characters), the words before it are at
      least three and say the post reports or condemns (counter-indicators only: a
      condemnation or news word, or two others). "Contact: +44...", "Price: 900" and
      "Attention all brothers: boat tonight" are not frames.
    """
    quoted = sum(m.end() - m.start() for m in _QUOTED.finditer(text))
    if quoted and quoted >= 0.3 * len(text):
        outside = _QUOTED.sub(" ", text)
        return outside if len(outside.strip()) >= 20 else None
    colon = _COLON.search(text)
    if colon is None or colon.start() > min(150, 0.4 * len(text)):
        return None
    before = text[: colon.start()]
    if len(before.split()) < 3:
        return None
    ind = indicator_set()
    counts = ind.hits(before)
    hits = {i.name: n for i, n in zip(ind.indicators, counts, strict=True) if n}
    if {ind.indicators[ind.names.index(k)].supports for k in hits} != {"benign"}:
        return None
    # one generic word ("Attention all brothers:") is how adverts open too
    if not ({"condemnation", "news_report"} & set(hits) or sum(hits.values()) >= 2):
        return None
    sentences = [x for x in _SENTENCE_END.split(text[colon.end():]) if x.strip()]
    last = sentences[-1] if len(sentences) >= 3 else ""
    return f"{before} {last}".strip()


_COLON = re.compile(r"[:：]\s")
_SENTENCE_END = re.compile(r"(?<=[.!?؟።])\s+")


def _dense_features(texts: list[str], counts: np.ndarray, weight: float) -> np.ndarray:
    """Indicators (present, log count) and selector signs, one row per post."""
    flags = np.asarray(
        [[float("wa.me" in t.lower()), float(_LONG_DIGITS.search(t) is not None), float("@" in t),
          float(URL_RE.search(t) is not None)] for t in texts],
        dtype=np.float32,
    ).reshape(len(texts), 4)
    return np.hstack([np.minimum(counts, 1), np.log1p(counts), flags]).astype(np.float32) * weight


def _stack(sparse: Any, dense: np.ndarray) -> Any:
    from scipy.sparse import csr_matrix, hstack

    return hstack([sparse, csr_matrix(dense)], format="csr")


# -- the shipped model ---------------------------------------------------------

def _data_bytes(name: str) -> bytes:
    return resources.files("crosslink.online").joinpath("data", name).read_bytes()


def read_training_posts(data: bytes | None = None) -> list[dict[str, Any]]:
    """The labelled posts the shipped model learns from (``data/train.jsonl``).

    A post with ``"repeat": K`` (the freely written ones, see
    ``tools/online_trainset/generate.py``) is stored once and counts K times: each
    written set (``"written"``) follows the templated posts in K passes, as ``{id}~{r}``."""
    raw = _data_bytes("train.jsonl") if data is None else data
    posts = [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]
    out = [p for p in posts if "repeat" not in p]
    sets: dict[str, list[dict[str, Any]]] = {}
    for p in posts:
        if "repeat" in p:
            sets.setdefault(str(p.get("written", "")), []).append(p)
    for written in sets.values():
        for r in range(max(int(p["repeat"]) for p in written)):
            out += [{**p, "id": f"{p['id']}~{r}"} for p in written if r < int(p["repeat"])]
    return out


def _fingerprint(train: bytes) -> str:
    import sklearn

    h = hashlib.sha256()
    for part in (train, _data_bytes("indicators.yml"), _data_bytes("labels.yml"),
                 MODEL_VERSION.encode(), sklearn.__version__.encode(), np.__version__.encode()):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()[:24]


def cache_dir() -> Path:
    return Path(os.environ.get("CROSSLINK_CACHE") or Path.home() / ".cache" / "crosslink")


@lru_cache(maxsize=1)
def load_model() -> TriageModel:
    """The shipped model: from the cache when its fingerprint matches, else trained
    from ``data/train.jsonl`` and cached (written to a temporary file, then renamed,
    so a crash never leaves half a model)."""
    import joblib

    train = _data_bytes("train.jsonl")
    fingerprint = _fingerprint(train)
    path = cache_dir() / f"online-model-{fingerprint}.joblib"
    if path.is_file():
        try:
            model: TriageModel = joblib.load(path)
            if model.fingerprint == fingerprint:
                return model
        except Exception:  # a stale or damaged cache is rebuilt, never fatal
            pass
    model = TriageModel.train(read_training_posts(train), **_tuned())
    model.fingerprint = fingerprint
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".online-model-")
        os.close(fd)
        joblib.dump(model, tmp)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home still triages, it just trains each time
    return model


def _tuned() -> dict[str, Any]:
    """Hyper-parameters from ``labels.yml`` (``model: {threshold, indicator_weight, c}``),
    else :meth:`TriageModel.train`'s defaults (threshold 0.5, C 8: looked at only on
    the dev split, so its figures are on data we tuned on)."""
    spec = load_labels().get("model", {})
    return {k: spec[k] for k in ("threshold", "indicator_weight", "c") if k in spec}
