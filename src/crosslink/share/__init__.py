"""Partner sharing: a disclosure policy per recipient, exports partners' tools open,
imports that keep the partner's markings, and privacy-preserving hit/no-hit matching.

- :mod:`~crosslink.share.policy`: the policy (``policy.yml``) and :func:`decide`, one
  released/withheld decision per statement, in SQL over the session's visible views;
- :mod:`~crosslink.share.select`: selections (entities, a group, a network around one);
- :mod:`~crosslink.share.export`: ``preview`` and ``export`` (one audited disclosure),
  with one module per format (``ftm``, ``graphs`` for GEXF/GraphML, ``xlsx``, ``anx``);
- :mod:`~crosslink.share.imports`: partner FtM streams and STIX 2.1 bundles;
- :mod:`~crosslink.share.pprl`: keyed Bloom-filter encodings and Dice matching.
"""

from __future__ import annotations

from crosslink.share.policy import Policy, Recipient, decide, load_policy, reason_counts

__all__ = ["Policy", "Recipient", "decide", "load_policy", "reason_counts"]
