"""A part's tagged task runs ask the server for tag concurrency limits once, not every 5 s; a limit that
exists is still asked for and honoured by Prefect."""

from __future__ import annotations

from collections.abc import Iterator

import cachetools
import pytest
from prefect import flow, tags, task
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.client.orchestration._concurrency_limits.client import ConcurrencyLimitAsyncClient
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.concurrency import services
from prefect.task_runners import ThreadPoolTaskRunner

from flows.tag_limits import has_tag_limits, remember_no_tag_limits


@task(cache_policy=NO_CACHE)
def one(number: int) -> int:
    return number


def run_tagged(names: list[str], remember: bool) -> list[int]:
    """Four task runs tagged ``names``; with ``remember`` the part's one question comes first."""

    @flow(task_runner=ThreadPoolTaskRunner(max_workers=2))
    def part() -> list[int]:
        if remember:
            assert remember_no_tag_limits(names)
        return [future.result() for future in [one.submit(n) for n in range(4)]]

    with tags(*names):
        return part()


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[str]]]:
    """The limit names of every acquisition request task runs sent to the server, with Prefect's own
    5 s memory of "no limits" emptied first."""
    calls: list[list[str]] = []
    original = ConcurrencyLimitAsyncClient.increment_concurrency_slots_with_lease

    async def counted(self: ConcurrencyLimitAsyncClient, names: list[str], *args: object, **kwargs: object):
        calls.append(sorted(names))
        return await original(self, names, *args, **kwargs)

    monkeypatch.setattr(ConcurrencyLimitAsyncClient, "increment_concurrency_slots_with_lease", counted)
    monkeypatch.setattr(services, "_no_limits_cache", cachetools.TTLCache(maxsize=1000, ttl=5.0))
    yield calls


def test_without_the_part_question_task_runs_ask_the_server(asked: list[list[str]]) -> None:
    assert run_tagged(["reportgrid", "archive:plain"], remember=False) == [0, 1, 2, 3]
    assert ["tag:archive:plain", "tag:reportgrid"] in asked


def test_after_the_part_question_task_runs_do_not_ask(asked: list[list[str]]) -> None:
    assert run_tagged(["reportgrid", "archive:remembered"], remember=True) == [0, 1, 2, 3]
    assert asked == []


def test_a_limit_on_a_tag_is_still_asked_for(asked: list[list[str]]) -> None:
    names = ["reportgrid", "archive:limited"]
    with get_client(sync_client=True) as client:
        limit = GlobalConcurrencyLimitCreate(name="tag:archive:limited", limit=1)
        client.create_global_concurrency_limit(limit)
    assert has_tag_limits(names)
    assert not remember_no_tag_limits(names)
    assert run_tagged(names, remember=False) == [0, 1, 2, 3]
    assert asked.count(["tag:archive:limited", "tag:reportgrid"]) >= 4  # each task run asks, at least once
