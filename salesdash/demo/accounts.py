"""Demo customers: accounts with a type, industry, region, size and an owning rep.

About one account per six deals; a few big accounts open many deals (the weights are skewed),
and about one in seven is a Chinese company whose survey comments come back in Chinese.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from salesdash.demo import kit
from salesdash.demo.people import Roster
from salesdash.demo.vocabulary import (
    CHINESE_ACCOUNT_SHARE,
    CN_BRANDS,
    CN_CITIES,
    CN_TRADES,
    CUSTOMER_TYPE_SHARE,
    CUSTOMER_TYPES,
    DEALS_PER_ACCOUNT_WEIGHT,
    INDUSTRIES,
    INDUSTRY_WEIGHTS,
    NAME_CORES,
    NAME_PREFIXES,
    NAME_SUFFIXES,
    REGIONS,
    SIZE_BANDS,
    SIZE_WEIGHTS,
)

DEALS_PER_ACCOUNT = 6
MIN_ACCOUNTS = 200
# Qualifiers that keep names unique once the plain combinations run out (only at large scale).
BRANCHES = ("Boston", "Denver", "Austin", "Seattle", "Chicago", "Atlanta", "Dallas", "Phoenix",
            "Toronto", "London", "Dublin", "Sydney", "Singapore", "Berlin", "Paris", "Madrid",
            "Oslo", "Zurich", "Tokyo", "Seoul")


@dataclass(frozen=True)
class AccountBook:
    """Account attributes as arrays indexed by account number (0 = C000001)."""

    names: list[str]
    customer_type: npt.NDArray[np.int8]
    industry: npt.NDArray[np.int8]
    region: npt.NDArray[np.int8]
    size_band: npt.NDArray[np.int8]
    owner: npt.NDArray[np.int64]
    deal_weight: npt.NDArray[np.float64]
    chinese: npt.NDArray[np.bool_]

    @property
    def size(self) -> int:
        return len(self.names)


def account_count(deals: int) -> int:
    return max(MIN_ACCOUNTS, round(deals / DEALS_PER_ACCOUNT))


def open_accounts(deals: int, roster: Roster, rng: kit.Rng) -> AccountBook:
    n = account_count(deals)
    customer_type = kit.choose(rng, CUSTOMER_TYPE_SHARE, n)
    industry = kit.choose_per_row(rng, INDUSTRY_WEIGHTS, customer_type)
    size_band = kit.choose_per_row(rng, SIZE_WEIGHTS, customer_type)
    # Accounts follow the reps: each region gets accounts in proportion to the reps covering it.
    reps_in_region = np.bincount(roster.region, minlength=len(REGIONS))
    region = kit.choose(rng, reps_in_region, n)
    owner = np.empty(n, dtype=np.int64)
    pick = rng.random(n)
    for r in range(len(REGIONS)):
        local = np.flatnonzero(roster.region == r)
        here = region == r
        owner[here] = local[(pick[here] * local.size).astype(np.int64)]
    deal_weight = np.asarray(DEALS_PER_ACCOUNT_WEIGHT)[customer_type] * rng.lognormal(0.0, 0.8, n)
    chinese = rng.random(n) < CHINESE_ACCOUNT_SHARE
    return AccountBook(
        names=_company_names(chinese, rng),
        customer_type=customer_type,
        industry=industry,
        region=region.astype(np.int8),
        size_band=size_band,
        owner=owner,
        deal_weight=deal_weight,
        chinese=chinese,
    )


def _company_names(chinese: npt.NDArray[np.bool_], rng: kit.Rng) -> list[str]:
    """Unique, plausible company names; the combinations are shuffled once per seed."""
    english = [f"{p}{c} {s}" for p, c, s in itertools.product(NAME_PREFIXES, NAME_CORES, NAME_SUFFIXES)]
    local = [f"{c}{b}{t}有限公司" for c, b, t in itertools.product(CN_CITIES, CN_BRANDS, CN_TRADES)]
    english = [english[i] for i in rng.permutation(len(english))]
    local = [local[i] for i in rng.permutation(len(local))]
    names: list[str] = []
    used = {True: 0, False: 0}
    for is_chinese in chinese.tolist():
        pool = local if is_chinese else english
        k, i = divmod(used[is_chinese], len(pool))
        used[is_chinese] += 1
        if k == 0:
            names.append(pool[i])
        elif is_chinese:
            names.append(f"{pool[i]}（{CN_CITIES[(k - 1) % len(CN_CITIES)]}分公司{_round(k, CN_CITIES)}）")
        else:
            names.append(f"{pool[i]} ({BRANCHES[(k - 1) % len(BRANCHES)]}{_round(k, BRANCHES)})")
    return names


def _round(k: int, qualifiers: tuple[str, ...]) -> str:
    lap = (k - 1) // len(qualifiers)
    return "" if lap == 0 else f" {lap + 1}"


def account_ids(numbers: npt.NDArray[np.int64]) -> pa.Array:
    """C000001 for account number 0, and so on."""
    return kit.ids("C", numbers + 1, 6)


def accounts_table(book: AccountBook) -> pa.Table:
    return pa.table({
        "account_id": account_ids(np.arange(book.size)),
        "name": pa.array(book.names, pa.string()),
        "customer_type": kit.labels(book.customer_type, CUSTOMER_TYPES),
        "industry": kit.labels(book.industry, INDUSTRIES),
        "region": kit.labels(book.region, REGIONS),
        "size_band": kit.labels(book.size_band, SIZE_BANDS),
    })
