"""Cost estimates from an environment's history, priced by its rate card.

p50 and p90 of a node's own recent successful executions; without them, the median of similar nodes
(same resource type and materialization, upstream of a similar size), flagged as low confidence; with
nothing at all, zero and "no history". Prices are integer micro-units per hour, so estimates are exact.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from dvt.domain.errors import ValidationError
from dvt.domain.graph.model import GraphNode
from dvt.domain.plan.plan import MICROS, Confidence, Estimate

ZERO = Estimate(0, 0, 0, 0, Confidence.NONE, "no history")

# Snowflake credits per hour by warehouse size (Snowflake's published table, standard warehouses).
SNOWFLAKE_CREDITS = {"XSMALL": 1, "SMALL": 2, "MEDIUM": 4, "LARGE": 8, "XLARGE": 16, "2XLARGE": 32, "3XLARGE": 64}


def currency_of(card: Mapping[str, Any]) -> str:
    """The ISO 4217 code every cost of the environment is in: the card's `currency`, USD when it names none."""
    return str(card.get("currency") or "USD").upper()


@dataclass(frozen=True, slots=True)
class RateCard:
    """What one hour of execution costs the environment, in micro-units of `currency`."""

    hourly_micros: int
    currency: str = "USD"

    @staticmethod
    def parse(card: Mapping[str, Any], adapter: str) -> RateCard:
        """`{"price_per_compute_hour": 1.5}`, or for Snowflake `{"warehouse_size": "SMALL", "price_per_credit": 3}`."""
        currency = currency_of(card)
        try:
            if adapter == "snowflake" and "warehouse_size" in card:
                size = str(card["warehouse_size"]).upper().replace("-", "")
                credits = float(card.get("credits_per_hour", SNOWFLAKE_CREDITS.get(size, 0)))
                if not credits:
                    raise ValidationError(f"unknown Snowflake warehouse size {card['warehouse_size']!r}")
                hourly = credits * float(card.get("price_per_credit", 0))
            else:
                hourly = float(card.get("price_per_compute_hour", 0))
        except (TypeError, ValueError):
            raise ValidationError(f"invalid rate card: {dict(card)!r}") from None
        if hourly < 0:
            raise ValidationError("a rate card's price cannot be negative")
        return RateCard(round(hourly * MICROS), currency)

    def cost_micros(self, ms: int) -> int:
        return self.hourly_micros * ms // 3_600_000


def percentile(sorted_values: Sequence[int], share: float) -> int:
    """Nearest-rank percentile of ascending integers: exact, and the same everywhere."""
    return sorted_values[_rank(len(sorted_values), share)]


def _rank(count: int, share: float) -> int:
    return max(1, math.ceil(share * count)) - 1


@cache
def _ranks(count: int) -> tuple[int, int]:
    """Where p50 and p90 of `count` ascending values are (`percentile`'s nearest rank), per count once."""
    return _rank(count, 0.5), _rank(count, 0.9)


def _of(durations_ms: Sequence[int], rate: RateCard, confidence: Confidence, evidence: str) -> Estimate:
    ordered = sorted(durations_ms)
    at50, at90 = _ranks(len(ordered))
    p50, p90 = ordered[at50], ordered[at90]
    return Estimate(p50, p90, rate.cost_micros(p50), rate.cost_micros(p90), confidence, evidence, len(ordered))


def _kind(node: GraphNode, upstream: int) -> tuple[str, str, int]:
    size = 0 if upstream == 0 else 1 if upstream <= 2 else 2
    return node.resource_type, node.materialized or "", size


def _runs(count: int) -> str:
    return f"{count} past run{'s' if count != 1 else ''}"


def estimate(
    nodes: Mapping[str, GraphNode],
    wanted: Sequence[str],
    durations_ms: Mapping[str, Sequence[int]],
    parents: Mapping[str, Sequence[str]],
    rate: RateCard,
) -> dict[str, Estimate]:
    """An estimate for each wanted node, from its own history or from nodes like it.

    Nodes like it are looked for only when some wanted node has no history of its own: usually none lacks it.
    """
    out: dict[str, Estimate] = {}
    # Nodes with the same past durations get the same estimate: made once (one object) for all of them.
    made: dict[tuple[int, ...], Estimate] = {}
    lacking: list[str] = []
    for uid in wanted:
        own = durations_ms.get(uid)
        if own:
            key = tuple(own)
            found = made.get(key)
            if found is None:
                found = made[key] = _of(own, rate, Confidence.HISTORY, _runs(len(own)))
            out[uid] = found
        else:
            lacking.append(uid)
    if not lacking:
        return out
    similar: dict[tuple[str, str, int], list[int]] = {}
    for uid, runs in durations_ms.items():
        if runs and uid in nodes:
            similar.setdefault(_kind(nodes[uid], len(parents.get(uid, ()))), []).append(sorted(runs)[len(runs) // 2])
    for uid in lacking:
        peers = similar.get(_kind(nodes[uid], len(parents.get(uid, ()))))
        if peers:
            out[uid] = _of(peers, rate, Confidence.SIMILAR, f"similar nodes: {len(peers)} with history")
        else:
            out[uid] = ZERO
    return {uid: out[uid] for uid in wanted}  # in the order asked for, as the nodes come
