"""IdempotencyStore: who runs a request with an Idempotency-Key, and what a repeat gets back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ports.platform import IdempotencyRecord, StoredResponse
from tests.integration.contract.conftest import Backend

NOW = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
CREATED = StoredResponse(201, {"content-type": "application/json", "location": "/orders/1"}, b'{"id": 1}')


async def test_the_first_begin_claims_the_key(backend: Backend) -> None:
    assert await backend.idempotency.begin("account:1", "key-1", "hash-a", NOW) is None


async def test_a_repeat_while_the_first_runs_sees_it_in_progress(backend: Backend) -> None:
    store = backend.idempotency
    assert await store.begin("account:1", "key-1", "hash-a", NOW) is None
    assert await store.begin("account:1", "key-1", "hash-a", NOW + timedelta(seconds=5)) == \
        IdempotencyRecord("hash-a", None)  # fmt: skip


async def test_a_repeat_after_finish_gets_the_stored_response(backend: Backend) -> None:
    store = backend.idempotency
    assert await store.begin("account:1", "key-1", "hash-a", NOW) is None
    await store.finish("account:1", "key-1", CREATED)
    record = await store.begin("account:1", "key-1", "hash-a", NOW + timedelta(seconds=1))
    assert record == IdempotencyRecord("hash-a", CREATED)
    assert record is not None and record.response is not None
    assert (record.response.status, record.response.headers, record.response.body) == \
        (201, {"content-type": "application/json", "location": "/orders/1"}, b'{"id": 1}')  # fmt: skip


async def test_a_reused_key_with_another_body_returns_the_first_hash_for_the_caller_to_refuse(backend: Backend) -> None:
    store = backend.idempotency
    assert await store.begin("account:1", "key-1", "hash-a", NOW) is None
    assert await store.begin("account:1", "key-1", "hash-b", NOW) == IdempotencyRecord("hash-a", None)
    await store.finish("account:1", "key-1", CREATED)
    assert await store.begin("account:1", "key-1", "hash-b", NOW) == IdempotencyRecord("hash-a", CREATED)


async def test_keys_are_separate_per_scope(backend: Backend) -> None:
    store = backend.idempotency
    assert await store.begin("account:1", "key-1", "hash-a", NOW) is None
    assert await store.begin("account:2", "key-1", "hash-a", NOW) is None
    assert await store.begin("account:1", "key-2", "hash-a", NOW) is None
    await store.finish("account:2", "key-1", CREATED)
    assert await store.begin("account:1", "key-1", "hash-a", NOW) == IdempotencyRecord("hash-a", None)
    assert await store.begin("account:2", "key-1", "hash-a", NOW) == IdempotencyRecord("hash-a", CREATED)


async def test_release_forgets_the_claim_so_a_retry_runs(backend: Backend) -> None:
    store = backend.idempotency
    assert await store.begin("account:1", "key-1", "hash-a", NOW) is None
    await store.release("account:1", "key-1")
    assert await store.begin("account:1", "key-1", "hash-b", NOW) is None
    assert await store.begin("account:1", "key-1", "hash-a", NOW) == IdempotencyRecord("hash-b", None)
    await store.release("account:9", "never-begun")  # harmless


async def test_a_claim_running_for_minutes_is_taken_over_but_a_recent_one_is_not(backend: Backend) -> None:
    store = backend.idempotency
    assert await store.begin("account:1", "key-1", "hash-a", NOW) is None
    assert await store.begin("account:1", "key-1", "hash-a", NOW + timedelta(minutes=1)) == \
        IdempotencyRecord("hash-a", None)  # fmt: skip
    later = NOW + timedelta(minutes=30)
    assert await store.begin("account:1", "key-1", "hash-b", later) is None  # the first process crashed
    # the new owner holds it now, from `later`
    assert await store.begin("account:1", "key-1", "hash-a", later + timedelta(minutes=1)) == \
        IdempotencyRecord("hash-b", None)  # fmt: skip
    await store.finish("account:1", "key-1", CREATED)
    assert await store.begin("account:1", "key-1", "hash-b", later) == IdempotencyRecord("hash-b", CREATED)


async def test_a_finished_response_is_never_taken_over(backend: Backend) -> None:
    store = backend.idempotency
    assert await store.begin("account:1", "key-1", "hash-a", NOW) is None
    await store.finish("account:1", "key-1", CREATED)
    assert await store.begin("account:1", "key-1", "hash-a", NOW + timedelta(days=1)) == \
        IdempotencyRecord("hash-a", CREATED)  # fmt: skip


async def test_an_empty_body_and_no_headers_are_kept_as_such(backend: Backend) -> None:
    store = backend.idempotency
    assert await store.begin("account:1", "key-1", "hash-a", NOW) is None
    empty = StoredResponse(204, {}, b"")
    await store.finish("account:1", "key-1", empty)
    assert await store.begin("account:1", "key-1", "hash-a", NOW) == IdempotencyRecord("hash-a", empty)


async def test_prune_drops_records_begun_before_the_cutoff(backend: Backend) -> None:
    store = backend.idempotency
    assert await store.begin("s", "old-done", "h", NOW - timedelta(days=2)) is None
    await store.finish("s", "old-done", CREATED)
    assert await store.begin("s", "old-running", "h", NOW - timedelta(days=2)) is None
    assert await store.begin("s", "new", "h", NOW) is None
    assert await store.prune(NOW - timedelta(days=1)) == 2
    assert await store.prune(NOW - timedelta(days=1)) == 0
    assert await store.begin("s", "old-done", "h2", NOW) is None  # forgotten: runs again
    assert await store.begin("s", "new", "h2", NOW) == IdempotencyRecord("h", None)
