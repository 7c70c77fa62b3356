"""Online smuggling adverts: multilingual triage and a referral queue.

``triage`` labels posts (smuggling advert, document fraud, fake job lure, benign),
scores how much each needs referral, explains the decision with indicators and
reads the phones, handles and links in it; ``group_near_duplicates`` finds one
campaign re-posted with small changes. The referral queue (:mod:`.queue`) keeps
referred posts in the workspace, with an evidence snapshot, audited transitions
and their selectors linked into the network.
"""

from crosslink.online.campaigns import group_near_duplicates
from crosslink.online.evaluate import evaluate
from crosslink.online.indicators import indicator_set, load_labels
from crosslink.online.model import LABELS, TriageModel, load_model
from crosslink.online.selectors import Selector, find_selectors
from crosslink.online.triage import Scored, read_posts, triage, write_scored

__all__ = [
    "LABELS",
    "Scored",
    "Selector",
    "TriageModel",
    "evaluate",
    "find_selectors",
    "group_near_duplicates",
    "indicator_set",
    "load_labels",
    "load_model",
    "read_posts",
    "triage",
    "write_scored",
]
