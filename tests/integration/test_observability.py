"""Errors reach Sentry (a local HTTP endpoint receiving the SDK's envelopes); logs are JSON lines with the
request id."""

from __future__ import annotations

import gzip
import json
import logging
import threading
import uuid
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import attrs
import pytest
import sentry_sdk

from adapters.jobs.runner import JobRunner
from bootstrap import Settings, bootstrap, shutdown
from entrypoints.observability import JsonFormatter, configure_logging, init_sentry, request_id
from tests.conftest import FAST_HASH

# sentry-sdk 2.7x deprecates send_default_pii (which init_sentry passes) in favour of data_collection
pytestmark = pytest.mark.filterwarnings("ignore:The send_default_pii option is deprecated:DeprecationWarning")


@attrs.define
class Envelope:
    path: str
    headers: dict[str, str]
    items: list[tuple[dict[str, Any], Any]]

    def events(self) -> list[dict[str, Any]]:
        return [payload for header, payload in self.items if header.get("type") == "event"]


def parse_envelope(raw: bytes) -> list[tuple[dict[str, Any], Any]]:
    """Sentry's envelope format: a header line, then (item header line, payload) pairs."""
    _, _, rest = raw.partition(b"\n")
    items = []
    while rest.strip():
        line, _, rest = rest.partition(b"\n")
        header = json.loads(line)
        if "length" in header:
            payload, rest = rest[: header["length"]], rest[header["length"] :].removeprefix(b"\n")
        else:
            payload, _, rest = rest.partition(b"\n")
        try:
            items.append((header, json.loads(payload)))
        except ValueError:
            items.append((header, payload))
    return items


class SentryEndpoint:
    """A local HTTP server standing in for Sentry's ingest: it keeps every envelope POSTed to it."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []
        self.received = threading.Condition()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                encoding = self.headers.get("Content-Encoding", "")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "deflate":
                    body = zlib.decompress(body)
                elif encoding:
                    raise AssertionError(f"unexpected Content-Encoding {encoding}")
                with endpoint.received:
                    endpoint.envelopes.append(Envelope(self.path, dict(self.headers), parse_envelope(body)))
                    endpoint.received.notify_all()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"id": "ok"}')

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def dsn(self) -> str:
        return f"http://public@127.0.0.1:{self.port}/1"

    def events(self) -> list[dict[str, Any]]:
        with self.received:
            return [e for envelope in self.envelopes for e in envelope.events()]


@pytest.fixture
def sentry_endpoint() -> Iterator[SentryEndpoint]:
    endpoint = SentryEndpoint()
    endpoint.thread.start()
    try:
        yield endpoint
    finally:
        sentry_sdk.get_client().close(timeout=2)
        sentry_sdk.get_global_scope().set_client(None)  # leave no client behind for other tests
        endpoint.server.shutdown()
        endpoint.server.server_close()


def test_without_a_dsn_sentry_stays_off() -> None:
    assert init_sentry(None) is False
    assert init_sentry("") is False
    assert not sentry_sdk.get_client().is_active()


def test_a_captured_exception_reaches_the_sentry_endpoint(sentry_endpoint: SentryEndpoint) -> None:
    marker = f"boom-{uuid.uuid4()}"
    assert init_sentry(sentry_endpoint.dsn, environment="test", release="carsi@1.2.3") is True
    try:
        raise ValueError(marker)
    except ValueError:
        sentry_sdk.capture_exception()
    sentry_sdk.flush(timeout=30)

    [envelope] = [e for e in sentry_endpoint.envelopes if e.events()]
    assert envelope.path == "/api/1/envelope/"
    assert "sentry_key=public" in envelope.headers.get("X-Sentry-Auth", "")
    [event] = envelope.events()
    [exception] = event["exception"]["values"]
    assert (exception["type"], exception["value"]) == ("ValueError", marker)
    frames = exception["stacktrace"]["frames"]
    assert frames[-1]["function"] == "test_a_captured_exception_reaches_the_sentry_endpoint"
    assert (event["environment"], event["release"]) == ("test", "carsi@1.2.3")
    assert "user" not in event or "ip_address" not in event["user"]  # send_default_pii=False


def test_an_error_log_line_becomes_a_sentry_event_and_info_lines_do_not(sentry_endpoint: SentryEndpoint) -> None:
    init_sentry(sentry_endpoint.dsn)
    log = logging.getLogger("carsi.test")
    log.info("just information")
    log.error("payment provider answered %d", 502)
    sentry_sdk.flush(timeout=30)
    [event] = sentry_endpoint.events()
    assert event["level"] == "error"
    assert event["logger"] == "carsi.test"
    assert event["logentry"]["message"] == "payment provider answered %d"
    assert event["logentry"]["params"] == [502]


@attrs.define
class Broken:
    async def __call__(self, payload: dict[str, Any]) -> None:
        raise KeyError("missing sku")


async def test_a_job_that_gives_up_is_reported_to_sentry(sentry_endpoint: SentryEndpoint, tmp_path: Path) -> None:
    """The worker's dead letters are visible in Sentry, not only in the database."""
    init_sentry(sentry_endpoint.dsn)
    c = bootstrap(Settings(database_url="memory://", profile="test", var_dir=str(tmp_path), **FAST_HASH))
    try:
        c.register(Broken, instance=Broken())
        runner = JobRunner(c.resolve, jobs={"broken": Broken})
        assert (await runner.run("broken", {"sku": "A-1"}, attempt=5)).kind == "dead"
    finally:
        await shutdown(c)
    sentry_sdk.flush(timeout=30)
    [event] = sentry_endpoint.events()
    assert event["logger"] == "carsi.jobs"
    assert "gave up" in event["logentry"]["message"]
    [exception] = event["exception"]["values"]
    assert exception["type"] == "KeyError" and "missing sku" in exception["value"]


# --- logs -----------------------------------------------------------------------------------------------------


@pytest.fixture
def root_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        root.handlers[:], root.level = handlers, level


def stderr_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.strip()]


def test_json_log_lines_carry_the_request_id_when_set(root_logging: None, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "json")
    log = logging.getLogger("carsi.http")
    log.info("outside any request")
    token = request_id.set("req-7f3a")
    try:
        log.warning("stock low for %s", "Çay", extra={"sku": "CAY-1", "left": 2})
    finally:
        request_id.reset(token)
    log.debug("below the level")

    first, second = (json.loads(line) for line in stderr_lines(capsys))
    assert first["message"] == "outside any request" and "request_id" not in first
    assert first["level"] == "info" and first["logger"] == "carsi.http"
    assert second["request_id"] == "req-7f3a"
    assert second["message"] == "stock low for Çay"
    assert (second["level"], second["sku"], second["left"]) == ("warning", "CAY-1", 2)
    assert second["time"].endswith("+00:00")


def test_json_log_lines_carry_the_exception(root_logging: None, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", "json")
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError:
        logging.getLogger("carsi.jobs").exception("job failed")
    [line] = stderr_lines(capsys)
    event = json.loads(line)
    assert event["level"] == "error"
    assert "ZeroDivisionError: division by zero" in event["exception"]
    assert "Traceback" in event["exception"]


def test_text_log_lines_end_with_the_request_id(root_logging: None, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("debug", "text")
    token = request_id.set("req-42")
    try:
        logging.getLogger("carsi.http").debug("hello")
    finally:
        request_id.reset(token)
    [line] = stderr_lines(capsys)
    assert line.endswith("DEBUG carsi.http: hello [req-42]")


def test_the_request_id_follows_the_task_that_set_it() -> None:
    """Concurrent requests (asyncio tasks) each log their own id."""
    import asyncio
    import io

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger("carsi.test.tasks")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False

    async def request(rid: str) -> None:
        request_id.set(rid)
        await asyncio.sleep(0.01)
        log.info("served")

    async def main() -> None:
        await asyncio.gather(*(request(f"req-{n}") for n in range(5)))

    try:
        asyncio.run(main())
    finally:
        log.removeHandler(handler)
    ids = sorted(json.loads(line)["request_id"] for line in stream.getvalue().splitlines())
    assert ids == [f"req-{n}" for n in range(5)]
    assert request_id.get() is None
