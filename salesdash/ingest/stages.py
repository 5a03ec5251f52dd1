"""The `stages` table of an upload: its stage names in process order, with kinds and probabilities.

An export lists stage names but rarely their order. The order comes from, in this preference:
the user (a list chosen on the page or saved in the mapping file), the stage history (the average
place a stage takes in the deals' sequences), the probabilities (a later stage has a higher one),
stage names salesdash knows (Salesforce, HubSpot, Pipedrive, Chinese CRM defaults), and last the
number of deals at each stage (a funnel narrows). `how` says which one decided, and the page lets
the user change it. Won and lost stages come after the open ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from salesdash.ingest.parse import status_word

# Common stage names in funnel order (normalised: lower case, letters and CJK only).
_KNOWN = """
lead leadin new newlead prospect prospecting leadidentification appointmentscheduled 线索 潜在客户 潜在客户识别 初步接洽 初步沟通 验证客户
qualification qualify qualified qualifiedtobuy contactmade engaging engaged discovery 资格审查 资格确认 需求确定 确认需求
needsanalysis needsdefined demoscheduled demo presentationscheduled valueproposition analysis 需求分析 方案介绍
iddecisionmakers perceptionanalysis decisionmakerboughtin solutiondesign solution 方案设计 proposal proposalmade
proposalpricequote quote quoting 方案报价 报价 方案 报价与谈判 quotenegotiation
negotiation negotiationreview negotiationsstarted contractsent commit closing 谈判 谈判审核 商务谈判 合同审批
"""
KNOWN_ORDER = {name: i for i, name in enumerate(_KNOWN.split())}


def key(name: str) -> str:
    return re.sub(r"[^a-z\u3400-\u9fff]", "", str(name).lower())


@dataclass(frozen=True)
class StageOrder:
    table: pd.DataFrame  # stages contract columns
    how: str  # user / history / probability / known / deal_counts / none


def order_stages(
    open_stages: pd.Series,
    won_names: Sequence[str],
    lost_names: Sequence[str],
    sequences: pd.DataFrame | None = None,
    probabilities: pd.DataFrame | None = None,
    user_order: Sequence[str] = (),
) -> StageOrder:
    """`open_stages`: the open stage of each deal (repeats allowed; counts are a last resort).
    `sequences`: deal_id, changed_at, stage (history). `probabilities`: stage, probability (0..1).
    """
    counts = open_stages.dropna().astype("str").value_counts()
    names = list(counts.index)
    if sequences is not None and len(sequences):
        names += [s for s in sequences["stage"].dropna().astype("str").unique() if s not in names]
    closed = {key(n) for n in [*won_names, *lost_names]}
    names = [n for n in names if key(n) not in closed and n.strip() and status_word(n) not in ("won", "lost")]
    how = "none"
    if not names:
        ordered: list[str] = []
    elif user_order and set(names) <= set(user_order):
        ordered, how = [n for n in user_order if n in names], "user"
    else:
        ordered, how = _by_evidence(names, counts, sequences, probabilities)
        if user_order:
            ordered = [n for n in user_order if n in names] + [n for n in ordered if n not in user_order]
            how = "user"
    probs = _probabilities(ordered, probabilities)
    rows = [
        {"stage": s, "position": i + 1, "kind": "open", "default_probability": probs[s], "target_conversion": None}
        for i, s in enumerate(ordered)
    ]
    won = won_names[0] if won_names else "Won"
    lost = lost_names[0] if lost_names else "Lost"
    if key(lost) == key(won):
        lost = lost + " (lost)"
    rows.append({"stage": won, "position": len(ordered) + 1, "kind": "won", "default_probability": 1.0, "target_conversion": None})
    rows.append({"stage": lost, "position": len(ordered) + 2, "kind": "lost", "default_probability": 0.0, "target_conversion": None})
    return StageOrder(pd.DataFrame(rows), how)


def _by_evidence(
    names: list[str], counts: pd.Series, sequences: pd.DataFrame | None, probabilities: pd.DataFrame | None
) -> tuple[list[str], str]:
    if sequences is not None and len(sequences):
        ranks = _history_ranks(sequences)
        if sum(1 for n in names if n in ranks) >= max(2, len(names) // 2):
            fallback = max(ranks.values(), default=0) + 1
            return sorted(names, key=lambda n: (ranks.get(n, fallback), -counts.get(n, 0))), "history"
    if probabilities is not None and len(probabilities):
        med = probabilities.dropna().groupby("stage")["probability"].median()
        if sum(1 for n in names if n in med.index) >= max(2, len(names) // 2) and med.nunique() > 1:
            return sorted(names, key=lambda n: (med.get(n, 2.0), -counts.get(n, 0))), "probability"
    if all(key(n) in KNOWN_ORDER for n in names):
        return sorted(names, key=lambda n: KNOWN_ORDER[key(n)]), "known"
    return sorted(names, key=lambda n: -counts.get(n, 0)), "deal_counts"


def _history_ranks(sequences: pd.DataFrame) -> dict[str, float]:
    """Mean position (0 = first) of each stage in the deals' stage sequences, scaled to 0..1."""
    seq = sequences.dropna(subset=["stage"]).sort_values(["deal_id", "changed_at"], kind="stable")
    seq = seq[seq["stage"] != seq.groupby("deal_id")["stage"].shift()]
    pos = seq.groupby("deal_id").cumcount()
    size = seq.groupby("deal_id")["stage"].transform("size").clip(lower=2) - 1
    frame = pd.DataFrame({"stage": seq["stage"].astype("str"), "rank": pos / size})
    return {str(k): float(v) for k, v in frame.groupby("stage")["rank"].mean().items()}


def _probabilities(ordered: list[str], probabilities: pd.DataFrame | None) -> dict[str, float]:
    """Median probability seen per stage; otherwise spread evenly by position (0.1 .. 0.9)."""
    med = (
        probabilities.dropna().groupby("stage")["probability"].median()
        if probabilities is not None and len(probabilities)
        else pd.Series(dtype="float64")
    )
    n = len(ordered)
    out = {}
    for i, s in enumerate(ordered):
        spread = 0.1 + 0.8 * i / (n - 1) if n > 1 else 0.5
        value = med.get(s)
        out[s] = float(value) if value is not None and not pd.isna(value) and 0 < value < 1 else round(spread, 2)
    return out
