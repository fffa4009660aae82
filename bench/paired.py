"""Paired rounds of two servers: each round's ratio, their median and its 90 % bootstrap interval.

A round's two runs are neighbours in time, so a drift of the machine hits both; a ratio is above
or below 1.0 beyond the noise only when its whole interval is. A run that gave no figure is 0
(bench/lib.sh) and leaves its round out, so the other rounds stay paired.
"""
import random
import statistics

RESAMPLES = 5000


def ratios(base, other):
    """Each round's ratio other / base, for the rounds where both runs gave a figure."""
    return [y / x for x, y in zip(base, other) if x and y]


def median_with_interval(values):
    """The median of values and its 90 % bootstrap interval; seeded, so the same rounds give the same interval."""
    rng = random.Random(1)
    medians = sorted(statistics.median(rng.choices(values, k=len(values))) for _ in range(RESAMPLES))
    return statistics.median(values), medians[RESAMPLES // 20], medians[RESAMPLES - 1 - RESAMPLES // 20]
