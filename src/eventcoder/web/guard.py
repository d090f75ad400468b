"""The password guard of the login form, HTTP Basic and API tokens: brute force is refused, and a flood of
wrong passwords cannot fill the memory.

Each argon2id check takes 64 MiB and about 0.1-0.5 s of a core, by design. Before this guard, 40 concurrent
wrong HTTP Basic requests took the server to 2.2 GB and an attacker could try passwords as fast as the
CPUs hashed them. Now, with the ``web`` settings (config.WebSettings):

- after ``failures_per_user`` wrong passwords for one user name, or ``failures_per_address`` wrong
  passwords or tokens from one address, within ``failure_window_s``, further tries are refused with 429
  and ``Retry-After`` until the oldest failure leaves the window (a moving window of the ``limits``
  library, in memory: one server process). The right password is refused too while locked: otherwise the
  lock would not slow a guesser down;
- every check that would hash counts against ``attempts_per_address`` per minute, before it hashes;
- at most ``concurrent_hashes`` argon2 checks run at once; the others wait up to ``hash_wait_s`` (then
  503), and a locked name or address found after the wait is refused without hashing;
- an unknown user name costs a sleep as long as a real check, in a hash slot, but no argon2 (store/users.py);
- a right Basic password is remembered for ``basic_cache_s`` (store/users.py), so a script calling the API
  does not pay argon2 on every request.

Addresses are the TCP peer's: behind a reverse proxy every client shares the proxy's address (the per-user
limit still holds). A locked user name can be unlocked early only by restarting the server.
"""
from __future__ import annotations

import math
import threading
import time
from contextlib import contextmanager
from typing import Iterator, Optional

from limits import RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


class TooMany(Exception):
    """Refused for now: too many wrong passwords (or checks) for this user name or address."""

    def __init__(self, retry_after: int, what: str):
        self.retry_after = max(1, retry_after)
        super().__init__(f"too many {what}; try again in {_minutes(self.retry_after)}")


class Busy(Exception):
    """Every hash slot stayed taken for ``hash_wait_s``: try again in a few seconds."""


def _minutes(seconds: int) -> str:
    return f"{seconds} s" if seconds < 90 else f"{math.ceil(seconds / 60)} minutes"


class PasswordGuard:
    """The limits and the hash slots of one app (settings: config.WebSettings)."""

    def __init__(self, web):
        self.web = web
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._user_failures = RateLimitItemPerSecond(web.failures_per_user, web.failure_window_s)
        self._address_failures = RateLimitItemPerSecond(web.failures_per_address, web.failure_window_s)
        self._address_attempts = RateLimitItemPerMinute(web.attempts_per_address)
        self._slots = threading.BoundedSemaphore(web.concurrent_hashes)

    # --- checks -------------------------------------------------------------------------------
    def refuse_if_locked(self, username: Optional[str], address: str) -> None:
        """Raise TooMany while the user name or the address has used up its wrong tries."""
        if username is not None and not self._limiter.test(self._user_failures, "user", username.casefold()):
            raise TooMany(self._retry(self._user_failures, "user", username.casefold()),
                          f"wrong passwords for {username!r}")
        if not self._limiter.test(self._address_failures, "address", address):
            raise TooMany(self._retry(self._address_failures, "address", address),
                          "wrong passwords or tokens from your address")

    def failed(self, username: Optional[str], address: str) -> None:
        """Count one wrong password (``username`` None: a wrong API token)."""
        if username is not None:
            self._limiter.hit(self._user_failures, "user", username.casefold())
        self._limiter.hit(self._address_failures, "address", address)

    def verify(self, store, username: str, password: str, address: str, remember: bool = False):
        """The user of a right password, or None (counted as a failure); raises TooMany or Busy.

        Args:
            remember: remember a right password for ``basic_cache_s`` (HTTP Basic, sent on every call).
        """
        self.refuse_if_locked(username, address)
        user = store.verify_user(username, password, slot=self._slot(username, address),
                                 remember_s=self.web.basic_cache_s if remember else 0)
        if user is None:
            self.failed(username, address)
        return user

    @contextmanager
    def _slot(self, username: str, address: str) -> Iterator[None]:
        """Around one argon2 check (or the sleep of an unknown name): count the attempt, wait for a free
        slot, and look at the locks again (others may have failed meanwhile)."""
        if not self._limiter.hit(self._address_attempts, "attempts", address):
            raise TooMany(self._retry(self._address_attempts, "attempts", address), "password checks from your address")
        if not self._slots.acquire(timeout=self.web.hash_wait_s):
            raise Busy()
        try:
            self.refuse_if_locked(username, address)
            yield
        finally:
            self._slots.release()

    def _retry(self, item, *identifiers: str) -> int:
        reset = self._limiter.get_window_stats(item, *identifiers).reset_time
        return math.ceil(reset - time.time())
