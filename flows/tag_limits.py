"""Prefect's check for tag concurrency limits, made once per part flow run instead of every 5 s.

A task run with tags asks the server for concurrency limits on each of its tags before it starts;
Prefect remembers "no limits for these tags" for 5 s per process, so every 5 s one task run asks again
and every task thread waits for the answer. On the temporary server under an archive run that answer
took 2.0 s (1.77-2.34 s, 8 calls, 20 documents, one worker): 12 s of a 75 s run with the worker idle.
A part's tags (``reportgrid``, ``archive:<name>``) are the same for all its task runs, so the part asks
once, and when the server has no limit on any of them, Prefect's answer is kept for the part's
length. A limit created on those tags while a part runs takes effect from the next part on.
"""

from __future__ import annotations

from collections.abc import Sequence

import cachetools
from prefect.client.orchestration import get_client
from prefect.concurrency import services
from prefect.exceptions import ObjectNotFound

# Longer than a part of 500 documents at the scan path's pace (about 10 s each, one worker).
PART_SECONDS = 6 * 3600.0


def limit_names(tags: Sequence[str]) -> list[str]:
    """The concurrency limit names Prefect's task engine asks for a task run with these tags."""
    return sorted(f"tag:{tag}" for tag in tags)


def has_tag_limits(tags: Sequence[str]) -> bool:
    """Whether the server holds a concurrency limit on any of ``tags``."""
    with get_client(sync_client=True) as client:
        for name in limit_names(tags):
            try:
                client.read_global_concurrency_limit_by_name(name)
            except ObjectNotFound:
                continue
            return True
    return False


def remember_no_tag_limits(tags: Sequence[str], seconds: float = PART_SECONDS) -> bool:
    """Ask once whether ``tags`` have concurrency limits; when none, have this process's task runs
    with exactly these tags skip the question for ``seconds``. Returns whether that was done."""
    if has_tag_limits(tags):
        return False
    cache: cachetools.TTLCache[frozenset[str], bool] = cachetools.TTLCache(maxsize=1000, ttl=seconds)
    cache[frozenset(limit_names(tags))] = True
    services._no_limits_cache = cache
    return True
