"""Counters for rate limits that several worker processes and hosts share.

With ``REDIS_URL`` set, counts live in Redis: a check is one GET rather than counting rows, and it
holds across every gunicorn worker and host. Without it, callers fall back to what they did before
(sign-in throttling counts its rows in ``sign_in_attempts``, which are written either way as the
record of attempts), so a developer needs no Redis.

Keys are hashed with ``SECRET_KEY`` before they reach Redis: an email or IP address is personal
data, and Redis is not where the privacy notice says it is kept.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Protocol

import redis
from flask import Flask, current_app

EXTENSION = "sv_grants.rate_limits"


class Counter(Protocol):
    def hit(self, key: str, window_seconds: int) -> int:
        """Count one event for ``key``; returns the events counted in the current window."""
        ...

    def count(self, key: str) -> int:
        """The events counted for ``key`` in the current window, without adding one."""
        ...


class RedisCounter:
    """A fixed window per key: the first hit starts it, and Redis forgets the key when it ends."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client = client
        self.prefix = prefix

    def hit(self, key: str, window_seconds: int) -> int:
        # One round trip, and the expiry is set in the same transaction as the first INCR, so a
        # worker dying between the two cannot leave a key that never expires. NX keeps later hits
        # from pushing the end of the window back.
        pipe = self.client.pipeline(transaction=True)
        pipe.incr(self.prefix + key)
        pipe.expire(self.prefix + key, window_seconds, nx=True)
        count, _ = pipe.execute()
        return int(count)

    def count(self, key: str) -> int:
        value = self.client.get(self.prefix + key)
        return int(value) if value is not None else 0


def init_app(app: Flask) -> None:
    url = app.config["REDIS_URL"]
    app.extensions[EXTENSION] = (
        RedisCounter(redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2),
                     app.config["RATE_LIMIT_PREFIX"])
        if url else None
    )


def shared_counter() -> Counter | None:
    """The Redis counter when ``REDIS_URL`` is set; ``None`` means use the database."""
    return current_app.extensions.get(EXTENSION)


def private_key(kind: str, value: str) -> str:
    """``kind:<hmac>``: the same value always gives the same key, but the key does not reveal it."""
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), value.encode(), hashlib.sha256).hexdigest()
    return f"{kind}:{digest[:32]}"
