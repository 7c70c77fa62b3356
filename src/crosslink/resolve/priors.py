"""Priors that hold on small data: what the model believes before it has seen any.

Splink estimates u from random pairs and m by EM. Both need data: on an
analyst's first ten records, "random pairs" are 45 pairs of which five are the
very duplicates being looked for, so an exact date of birth gets u = 0.14 (one
pair in seven "agrees by chance") and the same person with the same name and
phone scores 0.87, below the cluster threshold; EM on a handful of matches
learns that a conflicting date is impossible or certain, whichever it saw.

Each level of a model file may carry ``m`` and ``u``: the shipped priors
(population rates, documented beside each level in ``models/person.yaml``).
After training, each estimate is combined with its prior as a Beta-binomial
posterior mean, i.e. the prior counts as ``pseudo`` observations:

    u = (u_data * n_pairs + u_prior * U_PSEUDO_PAIRS) / (n_pairs + U_PSEUDO_PAIRS)
    m = (m_data * n_matches + m_prior * M_PSEUDO_MATCHES) / (n_matches + M_PSEUDO_MATCHES)

where ``n_pairs`` is the number of random pairs u was sampled from and
``n_matches`` the number of matching pairs EM can have seen (the prior match
probability times all pairs). At a million records the data outweighs the
priors by a thousand to one; at ten records the priors decide. Splink offers
no such combination (its levels take either a fixed or a trained value), hence
this module.

Term frequencies are the same problem: among ten records a name's frequency is
one in five, whatever its rarity in the population, so below
:data:`TF_MIN_RECORDS` records comparisons are built without term-frequency
adjustments (see :meth:`ResolutionModel.settings`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from statistics import median
from typing import Any

from scipy.stats import beta
from splink import Linker

from crosslink.resolve.model import ResolutionModel, kept_levels

__all__ = [
    "IMPLAUSIBLE_QUANTILE",
    "M_PSEUDO_MATCHES",
    "TF_MIN_RECORDS",
    "U_PSEUDO_PAIRS",
    "PriorWeight",
    "apply_priors",
    "refuse_implausible_sessions",
    "starting_values",
]

logger = logging.getLogger(__name__)

#: The u prior weighs as much as this many random pairs: well below the
#: 300,000 pairs sampled at scale, well above the 45 pairs of ten records.
U_PSEUDO_PAIRS = 5_000
#: The m prior weighs as much as this many matching pairs seen by EM.
M_PSEUDO_MATCHES = 10
#: An EM session's m for a comparison's last level ("everything else": the
#: records disagree outright) above this quantile of that level's prior (a Beta
#: distribution worth M_PSEUDO_MATCHES matches) is refused: see
#: refuse_implausible_sessions. With the name prior m = 0.02 the ceiling is 0.35.
IMPLAUSIBLE_QUANTILE = 0.999
#: Below this many records (an analyst's first spreadsheet), no term-frequency
#: adjustments. Above it they are kept even though still noisy: name-only
#: records are matched on the name's rarity alone (scoring.score_name_only).
TF_MIN_RECORDS = 100


@dataclass(frozen=True)
class PriorWeight:
    """How much data the estimates rest on, and so how far the priors count."""

    u_pairs: float
    m_matches: float

    @property
    def undertrained(self) -> bool:
        """The priors outweigh the data for m: too few matches for EM to learn from."""
        return self.m_matches < M_PSEUDO_MATCHES

    @property
    def m_share(self) -> float:
        """Share of the final m that comes from the prior (0 to 1)."""
        return M_PSEUDO_MATCHES / (self.m_matches + M_PSEUDO_MATCHES)


def _blend(data: float | None, prior: float, n: float, pseudo: float) -> float:
    if data is None or data != data:  # untrained / not observed: the prior alone
        return prior
    return (data * n + prior * pseudo) / (n + pseudo)


#: (m, u) of every level before training, by (comparison, level index): Splink
#: copies the settings in training, so level objects do not persist
Start = dict[tuple[str, int], tuple[object, object]]


def starting_values(linker: Linker) -> Start:
    """Each level's m and u before training (the model file's starting values).

    Splink leaves a level that training never saw at its starting value, so a
    value still equal to it after training is not an estimate."""
    return {
        (comparison.output_column_name, i):
            (getattr(level, "_m_probability", None), getattr(level, "_u_probability", None))
        for comparison in linker._settings_obj.comparisons
        for i, level in enumerate(comparison.comparison_levels)
    }


def apply_priors(
    linker: Linker,
    model: ResolutionModel,
    available: set[str],
    *,
    records: int,
    max_u_pairs: float,
    link_records: tuple[int, int] | None = None,
    start: Start | None = None,
) -> PriorWeight:
    """Combine each trained level's m and u with the model file's priors (in place).

    ``records``: records trained on; ``link_records``: the two sides' sizes when
    linking (pairs are then left x right); ``start``: :func:`starting_values`
    taken before training. Returns the weight of the data, so
    callers can say when the model is undertrained. Levels without a prior keep
    their estimates; m and u are renormalised per comparison.
    """
    settings = linker._settings_obj  # Splink has no public setter for trained values
    total_pairs = (
        float(link_records[0]) * float(link_records[1]) if link_records
        else records * (records - 1) / 2.0
    )
    weight = PriorWeight(
        u_pairs=min(float(max_u_pairs), total_pairs),
        m_matches=float(settings._probability_two_random_records_match) * total_pairs,
    )
    for name, session in refuse_implausible_sessions(linker, model, available, start=start):
        logger.info("%s: m from %s refused (implausible against the prior)", name, session)
    for comparison, levels, spec_levels in _paired(linker, model, available):
        began = {
            id(level): (start or {}).get((comparison.output_column_name, i), (None, None))
            for i, level in enumerate(comparison.comparison_levels)
        }
        new_m = _posterior(levels, spec_levels, "m", weight.m_matches, M_PSEUDO_MATCHES, began)
        new_u = _posterior(levels, spec_levels, "u", weight.u_pairs, U_PSEUDO_PAIRS, began)
        for values, attr in ((new_m, "m_probability"), (new_u, "u_probability")):
            known = [v for v in values if v is not None]
            total = sum(known)
            if not known or total <= 0:
                continue
            for level, level_spec, value in zip(levels, spec_levels, values, strict=True):
                fixed = attr == "m_probability" and level_spec.get("fixed_m")
                if value is not None and not fixed:
                    setattr(level, attr, max(value / total, 1e-9))
    return weight


def _paired(
    linker: Linker, model: ResolutionModel, available: set[str]
) -> list[tuple[Any, list[Any], list[dict[str, Any]]]]:
    """Each trained comparison with its non-null levels and their model-file specs."""
    specs = {str(c["name"]): c for c in model.usable_comparisons(available)}
    out = []
    for comparison in linker._settings_obj.comparisons:
        spec = specs.get(comparison.output_column_name)
        if spec is None:
            continue
        levels = [lvl for lvl in comparison.comparison_levels if not lvl.is_null_level]
        spec_levels = [s for s in kept_levels(spec, available) if "missing" not in s]
        if len(levels) == len(spec_levels):  # a model edited out of step: leave it
            out.append((comparison, levels, spec_levels))
    return out


def refuse_implausible_sessions(
    linker: Linker, model: ResolutionModel, available: set[str], *, start: Start | None = None
) -> list[tuple[str, str]]:
    """Drop each EM session's estimate of a comparison whose "everything else"
    level it puts far above the prior (in place); returns (comparison, session).

    Splink trains a comparison in every session not blocked on its columns, as
    its documentation recommends, and takes the median over sessions. That
    assumes the block holds matches and random non-matches. A block on an
    address or postal code holds households and neighbours: pairs that agree on
    every location comparison and differ only in name. EM then has one
    comparison left to separate matches from non-matches, cannot, and puts the
    name's "completely different" level at m = 0.5 (found on the NC voter set),
    so two neighbours score 0.98. Such an estimate is one the prior gives less
    than one chance in a thousand (:data:`IMPLAUSIBLE_QUANTILE`): that session's
    estimate of that comparison is dropped, the other sessions' stand, and a
    comparison no session estimated plausibly keeps its priors.
    """
    begun = start or {}
    refused: list[tuple[str, str]] = []
    for comparison, levels, spec_levels in _paired(linker, model, available):
        last = spec_levels[-1]
        if "m" not in last or last.get("fixed_m"):
            continue
        prior = min(max(float(last["m"]), 1e-6), 1 - 1e-6)
        ceiling = float(beta.ppf(IMPLAUSIBLE_QUANTILE, prior * M_PSEUDO_MATCHES,
                                 (1 - prior) * M_PSEUDO_MATCHES))
        bad = {
            str(r["description"]) for r in levels[-1]._trained_m_probabilities
            if isinstance(r["probability"], int | float) and r["probability"] > ceiling
        }
        if not bad:
            continue
        name = comparison.output_column_name
        refused += [(name, session) for session in sorted(bad)]
        index = {id(level): i for i, level in enumerate(comparison.comparison_levels)}
        for level in levels:
            level._trained_m_probabilities = [
                r for r in level._trained_m_probabilities if str(r["description"]) not in bad
            ]
            kept = [r["probability"] for r in level._trained_m_probabilities
                    if isinstance(r["probability"], int | float)]
            # no estimate left: back to the starting value, which apply_priors reads as untrained
            level._m_probability = (
                float(median(kept)) if kept else begun.get((name, index[id(level)]), (None, None))[0]
            )
    return refused


def _posterior(
    levels: list[Any], specs: list[dict[str, Any]], key: str, n: float, pseudo: float,
    start: dict[int, tuple[object, object]],
) -> list[float | None]:
    """Posterior means of one comparison's m (or u) levels.

    Where training saw the comparison at all, a level it never saw has the
    estimate 0 (EM found no pair there), not "unknown"; only a comparison no
    session trained keeps its priors whole. A level without a prior keeps its
    estimate (None if it has none).
    """
    attr = "m_probability" if key == "m" else "u_probability"
    which = 0 if key == "m" else 1
    data: list[float | None] = []
    for level in levels:
        raw = getattr(level, "_" + attr, None)
        began = start.get(id(level), (None, None))[which]
        data.append(raw if isinstance(raw, float) and raw != began else None)
    if key == "m" and not _plausible(levels, data):
        data = [None] * len(levels)
    trained = any(d is not None for d in data)
    out: list[float | None] = []
    for level, spec, estimate in zip(levels, specs, data, strict=True):
        if key not in spec:
            out.append(estimate if estimate is not None else getattr(level, attr, None))
            if estimate is None and trained and key == "m":
                out[-1] = 0.0
        elif trained:
            out.append(_blend(estimate or 0.0, float(spec[key]), n, pseudo))
        else:
            out.append(float(spec[key]))
    return out


def _plausible(levels: list[Any], m: list[float | None]) -> bool:
    """Did EM learn matches? Its m must make the comparison's best level evidence
    for a match (m > u) and its last level, "everything else", evidence against.

    EM converges on whatever structure its training block holds most of: in a
    block of pairs sharing a date of birth where the data's duplicates carry
    near-miss dates, that is namesakes, and it concludes that a name disagreeing
    is evidence *for* a match. Such estimates are dropped for the priors.
    """
    first, last = m[0], m[-1]
    u_first = getattr(levels[0], "u_probability", None)
    u_last = getattr(levels[-1], "u_probability", None)
    if first is not None and isinstance(u_first, float) and first < u_first:
        return False
    return not (last is not None and isinstance(u_last, float) and last > u_last)
