"""Synthetic smuggling-network scenarios with ground truth, for demo, tests and benchmarks.

Public entry points:

* :func:`person_records` - noisy person records with namesakes and
  transliteration variants (the entity-resolution benchmark's input);
* :func:`simulate` - a whole scenario directory (records, mappings, truth);
* :func:`scenario_stats` / :func:`check_targets` - the distributions that make
  a scenario realistic, against the documented targets.
"""

from crosslink.simulate.noise import DEFAULT_NOISE, NoiseRates
from crosslink.simulate.people import person_records
from crosslink.simulate.scenario import simulate
from crosslink.simulate.stats import TARGETS, check_targets, scenario_stats

__all__ = [
    "person_records",
    "simulate",
    "scenario_stats",
    "check_targets",
    "TARGETS",
    "NoiseRates",
    "DEFAULT_NOISE",
]
