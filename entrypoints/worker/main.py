"""The arq worker: jobs queued on Redis run through the same JobRunner as the embedded in-process queue.

- `run_job(ctx, job, payload)` is the one arq function (`adapters.arq.queue.RUN_JOB`). The JobRunner runs the
  named job with a fresh unit of work and decides what a failure means: "retry" becomes arq's
  `Retry(defer=delay)` (arq counts the try in `ctx["job_try"]`, which the runner reads as the attempt), "dead"
  is already written to the dead-letter table by the runner, so arq sees the job finish. arq's own `max_tries`
  is set far above the runner's `jobs.max_tries` (at most 20) so the runner, not arq, gives up.
- A cron relays the outbox every few seconds (and once at startup): the safety net behind the relay job each
  commit pokes, for a lost poke or events left behind by a crash. Another prunes relayed events hourly.
- Every job in `core.jobs.SCHEDULED` runs as a cron too, its interval rounded onto the cron grid (`cron_grid`).

`run_worker(settings)` runs it until SIGINT/SIGTERM (the `carsi worker` command); `running_worker(...)`
runs one as a task inside the caller's event loop (tests); `WorkerSettings` serves `arq
entrypoints.worker.main.WorkerSettings`, read from the environment when it is first looked up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import punq
from arq import cron
from arq.connections import RedisSettings
from arq.constants import default_queue_name
from arq.worker import Retry, Worker, func

from bootstrap import RUN_JOB, JobRunner, Settings, bootstrap, shutdown
from core.jobs import JOBS, SCHEDULED
from core.shared.actor import SYSTEM, current_actor
from entrypoints.observability import configure_logging, init_sentry, request_id

log = logging.getLogger("carsi.worker")

RELAY_EVERY_SECONDS = 5
"""How often the cron relays the outbox (a divisor of 60)."""

PRUNE_AT_MINUTE = 7
"""The outbox is pruned once an hour, at this minute."""

ARQ_MAX_TRIES = 100
"""arq's ceiling on tries, far above the runner's `jobs.max_tries` (at most 20): the runner dead-letters first.
arq only uses it against a job that kills its worker again and again."""

JOB_TIMEOUT_SECONDS = 300
"""arq's limit per job, above the JobRunner's own (240 s), which fails a try that runs too long as a retryable
error: arq's would cancel the job without a retry or a dead letter."""
STOP_GRACE_SECONDS = 20


async def run_job(ctx: dict[str, Any], job: str, payload: dict[str, Any]) -> str:
    """Run one queued job; its log lines carry the arq job id as their request id."""
    container: punq.Container = ctx["container"]
    token = request_id.set(f"job:{ctx.get('job_id')}")
    try:
        outcome = await container.resolve(JobRunner).run(job, payload, int(ctx.get("job_try") or 1))
    finally:
        request_id.reset(token)
    if outcome.kind == "retry":
        raise Retry(defer=outcome.delay)
    return outcome.kind


async def _chore(ctx: dict[str, Any], job: str) -> Any:
    """A periodic job, run as the system actor. A failure is logged and left to the next run: the chores are
    idempotent sweeps, so they are never retried or dead-lettered."""
    container: punq.Container = ctx["container"]
    token = current_actor.set(SYSTEM)
    try:
        return await container.resolve(JOBS[job])({})
    except Exception:
        log.exception("periodic job %s failed; its next run tries again", job, extra={"job": job})
        return None
    finally:
        current_actor.reset(token)


async def relay_outbox(ctx: dict[str, Any]) -> Any:
    """Relay committed events that no poke relayed (a lost poke, a crash between commit and poke)."""
    return await _chore(ctx, "relay_outbox")


async def prune_outbox(ctx: dict[str, Any]) -> Any:
    """Delete relayed events past their retention (their payloads may carry one-time secrets)."""
    return await _chore(ctx, "prune_outbox")


def scheduled_chore(job: str) -> Any:
    """The cron function for one job of `core.jobs.SCHEDULED`."""

    async def run(ctx: dict[str, Any]) -> Any:
        return await _chore(ctx, job)

    run.__qualname__ = run.__name__ = f"scheduled_{job}"
    return run


def cron_grid(seconds: float) -> dict[str, Any]:
    """arq cron fields for "every `seconds`", rounded onto the clock: every N seconds below a minute, every N
    minutes below an hour, every N hours below a day, else daily at midnight (UTC)."""
    every = max(1, round(seconds))
    if every < 60:
        return {"second": set(range(0, 60, every))}
    if every < 3600:
        return {"minute": set(range(0, 60, every // 60)), "second": 0}
    if every < 86400:
        return {"hour": set(range(0, 24, every // 3600)), "minute": 0, "second": 0}
    return {"hour": 0, "minute": 0, "second": 0}


def worker_settings(settings: Settings | None = None, overrides: dict[Any, Any] | None = None, *,
                    observe: bool = False) -> dict[str, Any]:  # fmt: skip
    """Keyword arguments for `arq.worker.Worker`. The container is built in `on_startup` (inside the worker's
    event loop) from `settings` (default: the environment) and `overrides`, and shut down in `on_shutdown`.

    `observe` also sets up JSON logging and Sentry from the settings (the worker process's own entrypoints).
    """
    settings = settings or Settings.from_env()
    if not settings.redis_url:
        raise RuntimeError("the worker needs REDIS_URL; without Redis, jobs run in-process in the API")

    async def on_startup(ctx: dict[str, Any]) -> None:
        if observe:
            configure_logging(settings.log_level, settings.log_format)
            init_sentry(settings.sentry_dsn, settings.sentry_environment)
        ctx["container"] = bootstrap(settings, overrides)
        log.info("worker started", extra={"queue": default_queue_name})

    async def on_shutdown(ctx: dict[str, Any]) -> None:
        container = ctx.pop("container", None)
        if container is not None:
            await shutdown(container)

    return {
        "functions": [func(run_job, name=RUN_JOB, max_tries=ARQ_MAX_TRIES)],
        "cron_jobs": [
            cron(
                relay_outbox,
                name="cron:relay_outbox",
                second=set(range(0, 60, RELAY_EVERY_SECONDS)),
                run_at_startup=True,
                timeout=JOB_TIMEOUT_SECONDS,
            ),
            cron(prune_outbox, name="cron:prune_outbox", minute=PRUNE_AT_MINUTE, second=0, timeout=JOB_TIMEOUT_SECONDS),
            *(
                cron(scheduled_chore(job), name=f"cron:{job}", timeout=JOB_TIMEOUT_SECONDS, **cron_grid(every))
                for job, every in SCHEDULED.items()
            ),
        ],
        "on_startup": on_startup,
        "on_shutdown": on_shutdown,
        "redis_settings": RedisSettings.from_dsn(settings.redis_url),
        "queue_name": default_queue_name,  # ArqTaskQueue's default
        "max_tries": ARQ_MAX_TRIES,
        "job_timeout": JOB_TIMEOUT_SECONDS,
        "keep_result": 3600,  # a finished event job's id keeps a re-relay of the same event from queueing again
        "health_check_interval": 30,
        "job_completion_wait": STOP_GRACE_SECONDS,  # on SIGTERM: stop picking jobs, let running ones finish
    }


def create_worker(settings: Settings | None = None, overrides: dict[Any, Any] | None = None, *,
                  observe: bool = False, **worker_kwargs: Any) -> Worker:  # fmt: skip
    """An arq Worker; `worker_kwargs` (burst, poll_delay, handle_signals, ...) override the defaults."""
    return Worker(**{**worker_settings(settings, overrides, observe=observe), **worker_kwargs})


def run_worker(settings: Settings | None = None, *, burst: bool = False) -> None:
    """Run the worker in this process until SIGINT or SIGTERM (or, with `burst`, until the queue is empty).

    Sets up logging and Sentry from the settings. On a signal the worker stops taking jobs, gives the running
    ones STOP_GRACE_SECONDS to finish (arq queues the others again) and shuts the container down."""
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)
    init_sentry(settings.sentry_dsn, settings.sentry_environment)

    async def main() -> None:
        worker = create_worker(settings, burst=burst)
        try:
            await worker.async_run()
        except asyncio.CancelledError:  # the signal handler cancels the worker's main task: a clean stop
            pass
        finally:
            await _close(worker)

    asyncio.run(main())


async def _close(worker: Worker) -> None:
    """`Worker.close()`, and the container's shutdown even when close() stops at a cancelled job."""
    try:
        await worker.close()
    except asyncio.CancelledError:
        log.warning("jobs were cancelled at shutdown; arq runs them again")
        if worker._pool is not None:
            await worker._pool.aclose()
            worker._pool = None
    finally:
        container = worker.ctx.pop("container", None)
        if container is not None:
            await shutdown(container)


@contextlib.asynccontextmanager
async def running_worker(settings: Settings, overrides: dict[Any, Any] | None = None,
                         **worker_kwargs: Any) -> AsyncIterator[Worker]:  # fmt: skip
    """Run a worker as a task of the current event loop (tests); stopped and its container shut down on exit.

    Yields once the worker's container exists (`worker.ctx["container"]`). On exit it stops taking jobs and
    waits for the running ones before closing."""
    options = {"handle_signals": False, "poll_delay": 0.05, **worker_kwargs}
    worker = create_worker(settings, overrides, **options)
    task = asyncio.get_running_loop().create_task(worker.async_run())
    try:
        async with asyncio.timeout(30):
            while "container" not in worker.ctx:
                if task.done():
                    task.result()  # startup failed: raise its error here
                    raise RuntimeError("the worker stopped before it started")
                await asyncio.sleep(0.01)
        yield worker
    finally:
        worker.allow_pick_jobs = False
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(STOP_GRACE_SECONDS):
                while any(not t.done() for t in worker.tasks.values()):  # noqa: ASYNC110  (arq's task dict has no event)
                    await asyncio.sleep(0.02)
        await _close(worker)
        with contextlib.suppress(asyncio.CancelledError):
            await task


def __getattr__(name: str) -> Any:
    """`WorkerSettings` for arq's own command (`arq entrypoints.worker.main.WorkerSettings`), built from the
    environment on first use so that importing this module reads nothing."""
    if name == "WorkerSettings":
        return worker_settings(observe=True)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
