"""Two API processes (uvicorn) serving the same PostgreSQL and Redis, as in production behind a load balancer:
for the concurrency tests that must hold across processes, not just across tasks of one."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bootstrap import ROOT
from tests.services import free_port, stop


@contextmanager
def two_api_processes(pg_url: str, redis_url: str, tmp_path: Path) -> Iterator[list[str]]:
    """The base URLs of two uvicorn processes on one database and Redis (stopped afterwards)."""
    env = {**os.environ, "DATABASE_URL": pg_url, "REDIS_URL": redis_url, "PROFILE": "test", "VAR_DIR": str(tmp_path),
           "SECRET_KEY": "two-servers-" + uuid.uuid4().hex, "LOG_LEVEL": "WARNING", "ARGON2_TIME_COST": "1",
           "ARGON2_MEMORY_COST": "8"}  # fmt: skip
    ports = [free_port(), free_port()]
    procs = [subprocess.Popen([sys.executable, "-m", "uvicorn", "entrypoints.http.app:app_from_env", "--factory",
                               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for port in ports]  # fmt: skip
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 60
        for url, proc in zip(urls, procs, strict=True):
            while True:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else "the server exited"
                try:
                    if httpx.get(f"{url}/health/ready", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, f"{url} did not become ready"
                time.sleep(0.2)
        yield urls
    finally:
        for proc in procs:
            stop(proc, grace=20)
