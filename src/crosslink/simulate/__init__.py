"""Synthetic smuggling-network scenarios with ground truth, for demo, tests and benchmarks.

Public entry points:

* :func:`person_records` - noisy person records with namesakes and
  transliteration variants (the entity-resolution benchmark's input);
* :func:`simulate` - a whole scenario directory (records, mappings, truth);
* :func:`scenario_stats` - the distributions that make a scenario realistic.
"""

from crosslink.simulate.people import person_records

__all__ = ["person_records"]
