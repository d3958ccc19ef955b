"""Finding the real servers integration tests talk to.

Order: the URL in the environment (TEST_DATABASE_URL, TEST_REDIS_URL); testcontainers when a Docker daemon
answers; a throwaway server started from binaries on PATH (initdb/pg_ctl, redis-server); otherwise the test
fails naming the variable to set. Never a silent skip.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
import time
from functools import cache

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop(process: subprocess.Popen[bytes], grace: float = 10) -> None:
    """Terminate a server a test started, and kill it if it does not go within `grace` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _docker_answers() -> bool:
    try:
        import docker  # type: ignore[import-untyped]

        docker.from_env(timeout=2).ping()
        return True
    except Exception:  # noqa: BLE001  (no client, no daemon, no permission: all mean "no Docker")
        return False


def _wait_for_port(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing answered on 127.0.0.1:{port}")


@cache
def postgres_server_url() -> str:
    """A PostgreSQL URL of a database the tests may create other databases from."""
    if url := os.environ.get("TEST_DATABASE_URL"):
        return url
    if _docker_answers():
        from testcontainers.postgres import PostgresContainer

        container = PostgresContainer("postgres:15-alpine", driver=None).start()
        atexit.register(container.stop)
        return container.get_connection_url()
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return _throwaway_postgres(initdb, pg_ctl)
    pytest.fail("no PostgreSQL for the tests: set TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/postgres),"
                " run a Docker daemon, or put initdb and pg_ctl on PATH", pytrace=False)  # fmt: skip


def _throwaway_postgres(initdb: str, pg_ctl: str) -> str:
    """initdb + pg_ctl into a temporary directory; as root (which PostgreSQL refuses) via the postgres user."""
    as_user: list[str] = []
    data = tempfile.mkdtemp(prefix="carsi-pg-")
    if os.geteuid() == 0:
        import pwd

        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail("initdb refuses to run as root and there is no 'postgres' user: set TEST_DATABASE_URL",
                        pytrace=False)  # fmt: skip
        os.chown(data, owner.pw_uid, owner.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run([*as_user, initdb, "-D", data, "-U", "postgres", "-A", "trust"], check=True, capture_output=True)
    subprocess.run([*as_user, pg_ctl, "-D", data, "-o", f"-p {port} -k {data} -c listen_addresses=127.0.0.1",
                    "-l", f"{data}/log", "-w", "start"], check=True, capture_output=True)  # fmt: skip

    def stop() -> None:
        subprocess.run([*as_user, pg_ctl, "-D", data, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(data, ignore_errors=True)

    atexit.register(stop)
    return f"postgresql://postgres@127.0.0.1:{port}/postgres"


@cache
def redis_server_url() -> str:
    if url := os.environ.get("TEST_REDIS_URL"):
        return url
    if _docker_answers():
        from testcontainers.redis import RedisContainer

        container = RedisContainer("redis:7-alpine").start()
        atexit.register(container.stop)
        return f"redis://{container.get_container_host_ip()}:{container.get_exposed_port(6379)}/0"
    if binary := shutil.which("redis-server"):
        port = free_port()
        proc = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        atexit.register(proc.terminate)
        _wait_for_port(port)
        return f"redis://127.0.0.1:{port}/0"
    pytest.fail("no Redis for the tests: set TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/0), run a Docker daemon,"
                " or put redis-server on PATH", pytrace=False)  # fmt: skip
