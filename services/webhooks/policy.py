"""Delivery policy: retry schedule, endpoint health thresholds, timeouts and concurrency."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

Clock = Callable[[], datetime]
DAY = 86400.0


@dataclass(frozen=True)
class DeliveryPolicy:
    """How hard the worker tries, and when it tells an endpoint's owner it is failing.

    A delivery is retried with exponential backoff and jitter for `retry_window_seconds`
    (three days) and then given up. An endpoint failing without a success since
    `notify_after_seconds` gets a `webhook_endpoint.failing` event; after
    `disable_after_seconds` (five days) it is disabled (`webhook_endpoint.disabled`). Its
    deliveries are kept (held) while it is disabled and sent when it is enabled again.
    """

    base_delay_seconds: float = 30.0
    max_delay_seconds: float = 6 * 3600.0
    retry_window_seconds: float = 3 * DAY
    notify_after_seconds: float = 1 * DAY
    disable_after_seconds: float = 5 * DAY
    retention_seconds: float = 30 * DAY
    timeout_seconds: float = 10.0
    concurrency: int = 16
    allow_private: bool = False
    allow_loopback: bool = False

    @property
    def lease_seconds(self) -> float:
        """How long a claim holds: longer than the slowest attempt (resolution + request)."""
        return 2 * self.timeout_seconds + 60.0


def backoff(attempts: int, policy: DeliveryPolicy, rng: random.Random | None = None) -> float:
    """Seconds before the next attempt: exponential, capped, with jitter (half to full)."""
    ceiling = min(policy.max_delay_seconds, policy.base_delay_seconds * 2 ** min(attempts - 1, 60))
    return (rng or random.SystemRandom()).uniform(ceiling / 2, ceiling)


@dataclass(frozen=True)
class Outcome:
    """What one attempt gave."""

    ok: bool
    status_code: int | None
    error: str | None
    duration_ms: int
