"""Structured JSON logs (one event a line, with the request id), Sentry, and Prometheus metrics."""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if rid := request_id.get():
            event["request_id"] = rid
        event.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            event["exception"] = self.formatException(record.exc_info)
        return json.dumps(event, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        rid = request_id.get()
        line = super().format(record)
        return f"{line} [{rid}]" if rid else line


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else
                         TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))  # fmt: skip
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "arq", "arq.worker", "arq.jobs"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)  # we log each request ourselves
    logging.getLogger("arq.worker").setLevel(logging.WARNING)  # the job runner logs tries and failures itself


def init_sentry(dsn: str | None, environment: str | None = None, release: str | None = None) -> bool:
    """Initialise Sentry when a DSN is set; errors from the API and the worker then reach it."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.logging import LoggingIntegration

    sentry_sdk.init(dsn=dsn, environment=environment, release=release, send_default_pii=False,
                    traces_sample_rate=0.0,
                    integrations=[LoggingIntegration(level=logging.INFO, event_level=logging.ERROR)])  # fmt: skip
    return True


class Metrics:
    """The process's Prometheus metrics, in a registry of its own (tests make several apps)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("carsi_http_requests_total", "HTTP requests", ["method", "route", "status"],
                                registry=self.registry)  # fmt: skip
        self.latency = Histogram("carsi_http_request_duration_seconds", "HTTP request latency",
                                 ["method", "route"], registry=self.registry)  # fmt: skip
        self.in_flight = Gauge("carsi_http_requests_in_flight", "HTTP requests being served",
                               registry=self.registry)  # fmt: skip
