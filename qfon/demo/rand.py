"""A `random.Random` whose integer helpers are float-based: about three times faster.

The generator draws millions of small integers; `randint`/`randrange`/`choice` of the standard
class go through `getrandbits` rejection sampling, which dominates the profile. The tiny bias of
`int(random() * n)` does not matter for demo data. Still fully deterministic for a seed.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from typing import Any, TypeVar

T = TypeVar("T")


class FastRandom(random.Random):
    """Deterministic for a seed, like `random.Random`; not for anything secret."""

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
        if step != 1:
            return super().randrange(start, stop, step)
        if stop is None:
            return int(self.random() * start)
        return start + int(self.random() * (stop - start))

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: Sequence[T]) -> T:  # type: ignore[override]
        return seq[int(self.random() * len(seq))]

    def choices(  # type: ignore[override]
        self,
        population: Sequence[T],
        weights: Sequence[float] | None = None,
        *,
        cum_weights: Sequence[float] | None = None,
        k: int = 1,
    ) -> list[T]:
        if k == 1 and cum_weights is not None:
            hi = len(population) - 1
            return [population[bisect(cum_weights, self.random() * cum_weights[-1], 0, hi)]]
        return super().choices(population, weights, cum_weights=cum_weights, k=k)


def fast_random(key: Any) -> FastRandom:
    """A generator seeded with `key` (a string: stable across runs and processes)."""
    return FastRandom(key)
