"""Resolution models as data: YAML files in ``models/``, one per FtM schema.

A model file lists comparisons (each a list of levels), blocking rules, EM
training rules and thresholds. This module turns it into Splink objects for the
columns an input actually has, so one Person model serves a spreadsheet with only
names and dates and a workspace with passports and phones alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from splink import SettingsCreator, block_on
from splink import comparison_level_library as cll
from splink import comparison_library as cl
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from crosslink.errors import InputError

__all__ = ["LinkType", "ResolutionModel", "kept_levels", "load_model"]

LinkType = Literal["link_only", "link_and_dedupe", "dedupe_only"]


@dataclass
class ResolutionModel:
    """A parsed model file. ``spec`` keeps the raw YAML for explanation output."""

    schema: str
    spec: dict[str, Any]
    predict_threshold: float
    cluster_threshold: float
    review_band: tuple[float, float]
    #: lone records attach to a cluster whose profile scores this (None: never;
    #: see crosslink.resolve.profiles)
    attach_threshold: float | None = None
    comparisons: list[dict[str, Any]] = field(default_factory=list)
    blocking_rules: list[list[str]] = field(default_factory=list)
    em_blocking_rules: list[list[str]] = field(default_factory=list)
    em_fallback_rules: list[list[str]] = field(default_factory=list)
    deterministic_rules: list[list[str]] = field(default_factory=list)
    deterministic_recall: float = 0.7
    max_u_pairs: float = 2e6

    def usable_comparisons(self, available: set[str]) -> list[dict[str, Any]]:
        return [c for c in self.comparisons if set(c.get("requires", [])) <= available]

    @staticmethod
    def _usable_rules(rules: list[list[str]], available: set[str]) -> list[list[str]]:
        return [r for r in rules if set(r) <= available]

    def settings(
        self, available: set[str], link_type: LinkType, *, term_frequencies: bool = True
    ) -> SettingsCreator:
        """Splink settings for an input whose non-empty feature columns are ``available``.

        ``term_frequencies=False`` drops every term-frequency adjustment (small
        inputs, where a value's frequency says nothing: see crosslink.resolve.priors).
        """
        comparisons: list[ComparisonCreator | dict[str, Any]] = [
            _comparison(c, available, term_frequencies)
            for c in self.usable_comparisons(available)
        ]
        if not comparisons:
            raise InputError("no comparable columns: the input has no names or other details")
        rules: list[BlockingRuleCreator | dict[str, Any]] = list(self.prediction_rules(available))
        if not rules:
            raise InputError("no blocking rule applies to the input's columns")
        return SettingsCreator(
            link_type=link_type,
            unique_id_column_name="unique_id",
            comparisons=comparisons,
            blocking_rules_to_generate_predictions=rules,
            retain_intermediate_calculation_columns=False,
            retain_matching_columns=False,
        )

    def prediction_rules(self, available: set[str]) -> list[BlockingRuleCreator]:
        return [block_on(*r) for r in self._usable_rules(self.blocking_rules, available)]

    def em_rule_columns(self, available: set[str]) -> list[list[str]]:
        """The columns of each EM training rule that applies (see :meth:`em_rules`)."""
        rules = self._usable_rules(self.em_blocking_rules, available)
        if len(rules) < 2:
            rules += self._usable_rules(self.em_fallback_rules, available)
        return rules

    def em_rules(self, available: set[str]) -> list[BlockingRuleCreator]:
        return [block_on(*r) for r in self.em_rule_columns(available)]

    def trainable_by(self, rule: list[str], available: set[str]) -> bool:
        """Does an EM session blocked on ``rule`` leave any comparison to train?

        Splink fixes the comparisons that read the blocking columns; a session
        with none left fails and leaves the linker without comparisons (a
        vehicle workspace with plates only, blocked on the plate)."""
        used = set(rule)
        for comparison in self.usable_comparisons(available):
            cols = set(comparison.get("requires", []))
            for level in comparison["levels"]:
                cols |= _level_columns(level)
            if not cols & used:
                return True
        return False

    def deterministic(self, available: set[str]) -> list[BlockingRuleCreator]:
        return [block_on(*r) for r in self._usable_rules(self.deterministic_rules, available)]


def _level(
    spec: dict[str, Any], available: set[str], term_frequencies: bool = True
) -> ComparisonLevelCreator:
    level: ComparisonLevelCreator
    if "missing" in spec:
        cols = spec["missing"] if isinstance(spec["missing"], list) else [spec["missing"]]
        cols = [c for c in cols if c in available] or cols[:1]
        level = (
            cll.NullLevel(cols[0])
            if len(cols) == 1
            else cll.Or(*[cll.NullLevel(c) for c in cols])
        )
        level = level.configure(is_null_level=True)
    elif "exact" in spec:
        level = cll.ExactMatchLevel(spec["exact"])
    elif "jaro_winkler" in spec:
        level = cll.JaroWinklerLevel(spec["jaro_winkler"], float(spec["threshold"]))
    elif "damerau_levenshtein" in spec:
        level = cll.DamerauLevenshteinLevel(spec["damerau_levenshtein"], int(spec["threshold"]))
    elif "sql" in spec:
        level = cll.CustomLevel(" ".join(str(spec["sql"]).split()), base_dialect_str="duckdb")
    elif "all" in spec:
        level = cll.And(*[_level(s, available, term_frequencies) for s in spec["all"]])
    elif "else" in spec:
        level = cll.ElseLevel()
    else:
        raise ValueError(f"unknown comparison level {spec!r}")
    options: dict[str, Any] = {}
    if "label" in spec:
        options["label_for_charts"] = spec["label"]
    if term_frequencies and spec.get("tf") and spec["tf"] in available:
        options["tf_adjustment_column"] = spec["tf"]
        options["tf_minimum_u_value"] = float(spec.get("tf_min", 0.0))
    if "m" in spec:
        options["m_probability"] = float(spec["m"])
        if spec.get("fixed_m"):
            options["fix_m_probability"] = True
    if "u" in spec:
        options["u_probability"] = float(spec["u"])
    return level.configure(**options) if options else level


def kept_levels(spec: dict[str, Any], available: set[str]) -> list[dict[str, Any]]:
    """The levels of comparison ``spec`` that can fire on ``available`` columns,
    in order: a level whose columns are absent is dropped (null levels stay)."""
    return [
        level for level in spec["levels"]
        if "missing" in level or not (cols := _level_columns(level)) or cols <= available
    ]


def _comparison(
    spec: dict[str, Any], available: set[str], term_frequencies: bool = True
) -> cl.CustomComparison:
    levels: list[ComparisonLevelCreator | dict[str, Any]] = [
        _level(level_spec, available, term_frequencies)
        for level_spec in kept_levels(spec, available)
    ]
    return cl.CustomComparison(
        comparison_levels=levels,
        output_column_name=spec["name"],
        comparison_description=spec.get("label", spec["name"]),
    )


def _level_columns(spec: dict[str, Any]) -> set[str]:
    cols: set[str] = set()
    for key in ("exact", "jaro_winkler", "damerau_levenshtein"):
        if key in spec:
            cols.add(spec[key])
    for sub in spec.get("all", []):
        cols |= _level_columns(sub)
    return cols


def load_model(schema: str = "Person", path: Path | None = None) -> ResolutionModel:
    """Load the shipped model for ``schema`` (or a model file at ``path``)."""
    if path is not None:
        text = Path(path).read_text(encoding="utf-8")
    else:
        resource = resources.files("crosslink.resolve").joinpath(f"models/{schema.lower()}.yaml")
        if not resource.is_file():
            raise InputError(f"no resolution model for schema {schema!r}")
        text = resource.read_text(encoding="utf-8")
    spec = yaml.safe_load(text)
    det = spec.get("deterministic_rules", {})
    band = spec.get("review_band", [0.5, 0.95])
    return ResolutionModel(
        schema=spec["schema"],
        spec=spec,
        predict_threshold=float(spec.get("predict_threshold", 0.5)),
        cluster_threshold=float(spec.get("cluster_threshold", 0.95)),
        review_band=(float(band[0]), float(band[1])),
        attach_threshold=float(spec["attach_threshold"]) if "attach_threshold" in spec else None,
        comparisons=list(spec["comparisons"]),
        blocking_rules=[list(r) for r in spec.get("blocking_rules", [])],
        em_blocking_rules=[list(r) for r in spec.get("em_blocking_rules", [])],
        em_fallback_rules=[list(r) for r in spec.get("em_fallback_rules", [])],
        deterministic_rules=[list(r) for r in det.get("rules", [])],
        deterministic_recall=float(det.get("recall", 0.7)),
        max_u_pairs=float(spec.get("max_u_pairs", 2e6)),
    )
