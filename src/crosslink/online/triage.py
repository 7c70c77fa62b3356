"""Triage: posts in, a label, a referral score, indicators and selectors out.

``read_posts`` checks a JSONL file of posts (``{"id", "platform", "text", "time"?,
"author"?, "url"?}``) and names the file, line and field of anything wrong;
``triage`` scores a batch; ``write_scored`` writes the result whole or not at all.
Per post the work is a handful of regex scans and one sparse row of the model:
O(total characters), batched through scikit-learn.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crosslink.errors import InputError
from crosslink.online.campaigns import comparable, group_near_duplicates
from crosslink.online.indicators import indicator_set
from crosslink.online.model import TriageModel, load_model
from crosslink.online.selectors import find_selectors
from crosslink.online.text import script_of

__all__ = ["POST_FIELDS", "Scored", "read_posts", "triage", "write_scored"]

#: Fields a post may have; ``id``, ``platform`` and ``text`` are required.
POST_FIELDS = ("id", "platform", "text", "time", "author", "url")
_REQUIRED = ("id", "platform", "text")


@dataclass
class Scored:
    """One triaged post (``as_dict`` is the output line)."""

    id: str
    label: str
    score: float
    indicators: list[str]
    selectors: list[dict[str, Any]]
    lang: str
    script: str
    campaign: str | None = None
    post: dict[str, Any] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "label": self.label, "score": round(self.score, 4),
            "indicators": self.indicators, "selectors": self.selectors,
            "lang": self.lang, "script": self.script, "campaign": self.campaign,
        }


def read_posts(path: Path | str) -> list[dict[str, Any]]:
    """Posts from a JSONL file, checked: each line an object with a string ``text``,
    an ``id`` (unique in the file) and a ``platform``. Raises InputError naming the
    file, line and field."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    posts: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    try:
        lines = path.read_text("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 (byte {exc.start})", file=str(path)) from None
    for row, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            post = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not JSON: {exc.msg} (character {exc.colno})", file=str(path), row=row) from None
        if not isinstance(post, dict):
            raise InputError("each line must be a JSON object", file=str(path), row=row)
        for name in _REQUIRED:
            value = post.get(name)
            # an empty text is a post (an image with no caption), an empty id is not
            if value is None or (name != "text" and isinstance(value, str) and not value.strip()):
                raise InputError("missing", file=str(path), row=row, column=name)
        if not isinstance(post["text"], str):
            raise InputError("must be a string", file=str(path), row=row, column="text")
        if not isinstance(post["id"], str | int) or isinstance(post["id"], bool):
            raise InputError("must be a string or an integer", file=str(path), row=row, column="id")
        pid = str(post["id"])
        if pid in seen:
            raise InputError(f"duplicate id {pid!r} (first on line {seen[pid]})", file=str(path), row=row, column="id")
        seen[pid] = row
        posts.append(post)
    return posts


def triage(
    posts: list[dict[str, Any]],
    *,
    model: TriageModel | None = None,
    country_hint: str | None = None,
    campaigns: bool = True,
) -> list[Scored]:
    """Label, score, explain and read the selectors of every post, and group
    re-posted variants into campaigns. ``model`` defaults to the shipped one."""
    model = model or load_model()
    if not posts:
        return []
    batch = model.prepare([str(p["text"]) for p in posts])
    texts = batch.texts
    scripts = [script_of(t) for t in texts]
    probs = model.probabilities(batch)
    labels, scores = model.decide(probs)
    langs = model.languages.identify(batch.ngrams, texts, scripts)
    indicators = indicator_set()
    ids = [str(p["id"]) for p in posts]
    groups = group_near_duplicates(ids, [comparable(t) for t in batch.mtexts]) if campaigns else [None] * len(posts)
    counts = batch.counts.astype(int).tolist()
    out = []
    for i, post in enumerate(posts):
        fired = indicators.fired(counts[i], labels[i])
        out.append(Scored(
            id=ids[i], label=labels[i], score=float(scores[i]), indicators=fired,
            selectors=[s.as_dict() for s in find_selectors(texts[i], country_hint, normalised=True)],
            lang=langs[i][0], script=scripts[i], campaign=groups[i], post=post,
        ))
    return out


def write_scored(scored: Iterable[Scored], out: Path | str) -> int:
    """Write the scored lines to ``out`` whole or not at all (temporary file, then
    rename). Returns how many lines."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
    n = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for s in scored:
                fh.write(json.dumps(s.as_dict(), ensure_ascii=False) + "\n")
                n += 1
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n
