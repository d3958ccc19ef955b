"""What can be checked of compose/ without a Docker engine.

The compose file parses; every service run from the Çarşı image runs a real `carsi` command; the variables
handed to the application are ones `bootstrap.Settings` reads, and with their defaults they make valid
Settings; the Dockerfile's stages are named and its runtime user is not root.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

from bootstrap import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose"
SETTINGS_VARS = frozenset(f.name.upper() for f in attrs.fields(Settings))
# Only SECRET_KEY is required; everything else has a default.
REQUIRED = {"SECRET_KEY": "compose-test-secret"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((COMPOSE / "docker-compose.yml").read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return (COMPOSE / "Dockerfile").read_text()


def app_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The services that run the Çarşı image (built from compose/Dockerfile)."""
    return {name: s for name, s in compose["services"].items() if "build" in s}


def command_of(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def carsi() -> str:
    """The console script installed next to the interpreter running the tests (.venv/bin/carsi)."""
    script = Path(sys.executable).with_name("carsi")
    if script.exists():
        return str(script)
    found = shutil.which("carsi")
    assert found, "no `carsi` script: run `uv sync --frozen` (make install)"
    return found


# --- a small implementation of compose's ${...} interpolation -------------------------------------------------

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def interpolate(text: str, env: dict[str, str], used: set[str] | None = None) -> str:
    """Compose's `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`,
    `${VAR:+alt}`, `${VAR+alt}`; defaults may nest. Collects the variable names into `used`."""
    used = used if used is not None else set()
    out, i = [], 0
    while i < len(text):
        if not text.startswith("$", i):
            out.append(text[i])
            i += 1
        elif text.startswith("$$", i):
            out.append("$")
            i += 2
        elif text.startswith("${", i):
            end = _closing_brace(text, i + 2)
            out.append(_expand(text[i + 2 : end], env, used))
            i = end + 1
        elif match := _NAME.match(text, i + 1):
            used.add(match.group())
            out.append(env.get(match.group(), ""))
            i = match.end()
        else:
            raise AssertionError(f"a lone $ in {text!r} (write $$)")
    return "".join(out)


def _closing_brace(text: str, start: int) -> int:
    depth = 1
    for j in range(start, len(text)):
        if text.startswith("${", j):
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    raise AssertionError(f"unbalanced ${{ in {text!r}")


def _expand(body: str, env: dict[str, str], used: set[str]) -> str:
    match = _NAME.match(body)
    assert match, f"bad variable reference ${{{body}}}"
    name, rest = match.group(), body[match.end() :]
    used.add(name)
    value = env.get(name)
    for op in (":-", ":?", ":+", "-", "?", "+"):
        if rest.startswith(op):
            arg = interpolate(rest[len(op) :], env, used)
            unset = not value if op.startswith(":") else value is None
            if op.endswith("-"):
                return arg if unset else str(value)
            if op.endswith("?"):
                if unset:
                    raise LookupError(f"{name} is required: {arg}")
                return str(value)
            return "" if unset else arg
    assert rest == "", f"bad variable reference ${{{body}}}"
    return value or ""


def interpolated(node: Any, env: dict[str, str], used: set[str] | None = None) -> Any:
    if isinstance(node, str):
        return interpolate(node, env, used)
    if isinstance(node, list):
        return [interpolated(v, env, used) for v in node]
    if isinstance(node, dict):
        return {k: interpolated(v, env, used) for k, v in node.items()}
    return node


def environment(service: dict[str, Any]) -> dict[str, Any]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    return dict(env)


# --- the compose file ------------------------------------------------------------------------------------------


def test_the_stack_has_its_services_and_optional_profiles(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"api", "worker", "migrate", "postgres", "redis"} <= services.keys()
    for name in ("api", "worker", "migrate", "postgres", "redis"):
        assert "profiles" not in services[name], f"{name} must start without a profile"
    profiles = {p for s in services.values() for p in s.get("profiles", [])}
    assert {"elasticsearch", "s3", "mail"} <= profiles
    assert services["postgres"]["image"].endswith("postgres:15}")
    assert services["redis"]["image"].endswith("redis:7}")


def test_migrate_runs_once_before_the_api_and_the_worker(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["migrate"]["restart"] == "no"
    for name in ("api", "worker"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}


def test_the_image_runs_api_worker_and_migrate(compose: dict[str, Any]) -> None:
    services = app_services(compose)
    assert {"api", "worker", "migrate"} <= services.keys()
    for name, service in services.items():
        assert service["build"]["dockerfile"] == "compose/Dockerfile", name
        assert (COMPOSE / service["build"]["context"] / "compose" / "Dockerfile").is_file(), name
        assert command_of(service)[0] == "carsi", name
    assert command_of(services["api"]) == ["carsi", "serve"]
    assert command_of(services["worker"]) == ["carsi", "worker"]
    assert command_of(services["migrate"]) == ["carsi", "migrate"]


def test_every_command_is_a_real_carsi_subcommand(compose: dict[str, Any], dockerfile: str) -> None:
    commands = {tuple(command_of(s)) for s in app_services(compose).values()}
    commands.add(tuple(_dockerfile_cmd(dockerfile)))
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARS}
    for command in sorted(commands):
        assert command[0] == "carsi"
        result = subprocess.run([carsi(), *command[1:], "--help"], capture_output=True, text=True, env=env,
                                cwd=ROOT, timeout=60)  # fmt: skip
        assert result.returncode == 0, f"`{' '.join(command)}` is not a carsi command:\n{result.stderr}"
        assert "Usage: carsi " + " ".join(command[1:]) in result.stdout


def test_the_application_gets_only_variables_settings_reads(compose: dict[str, Any]) -> None:
    for name, service in app_services(compose).items():
        unknown = environment(service).keys() - SETTINGS_VARS
        assert not unknown, f"{name} sets {sorted(unknown)}, which bootstrap.Settings does not read"
        for key, value in environment(service).items():
            if isinstance(value, str) and value.startswith("${"):
                outer = _NAME.match(value, 2)
                assert outer and outer.group() == key, f"{name}: {key} should be overridable as ${{{key}...}}"


def test_with_only_secret_key_set_the_defaults_make_valid_settings(compose: dict[str, Any]) -> None:
    for name, service in app_services(compose).items():
        env = {k: str(v) for k, v in interpolated(environment(service), REQUIRED).items()}
        settings = Settings.from_env(environ=env, env_file=None)
        assert settings.profile == "production", name
        assert settings.database_url.startswith("postgresql://"), name
        assert settings.database_url.endswith("@postgres:5432/carsi"), name
        assert settings.redis_url == "redis://redis:6379/0", name
        assert settings.storage_url is None and settings.smtp_url is None, name
    api = interpolated(environment(compose["services"]["api"]), REQUIRED)
    assert api["HOST"] == "0.0.0.0"


def test_secret_key_is_required_and_everything_else_has_a_default(compose: dict[str, Any]) -> None:
    used: set[str] = set()
    interpolated(compose, REQUIRED, used)  # raises if a variable without a default is missing
    assert "SECRET_KEY" in used
    with pytest.raises(LookupError, match="SECRET_KEY"):
        interpolated(compose, {})


def test_env_example_names_known_variables(compose: dict[str, Any]) -> None:
    used: set[str] = set()
    interpolated(compose, REQUIRED, used)
    names = set()
    for line in (COMPOSE / ".env.example").read_text().splitlines():
        if match := re.match(r"#?\s*([A-Z][A-Z0-9_]*)=", line):
            names.add(match.group(1))
    assert "SECRET_KEY" in names
    unknown = names - used - SETTINGS_VARS
    assert not unknown, f".env.example names variables neither compose nor Settings read: {sorted(unknown)}"


# --- the Dockerfile --------------------------------------------------------------------------------------------


def _instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", "\n".join(line for line in dockerfile.splitlines()
                                             if not line.lstrip().startswith("#")))  # fmt: skip
    return [(parts[0].upper(), parts[1] if len(parts) > 1 else "")
            for line in joined.splitlines() if (parts := line.strip().split(None, 1))]  # fmt: skip


def _stages(dockerfile: str) -> list[tuple[str, list[tuple[str, str]]]]:
    stages: list[tuple[str, list[tuple[str, str]]]] = []
    for instruction, args in _instructions(dockerfile):
        if instruction == "FROM":
            match = re.fullmatch(r"(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", args, re.IGNORECASE)
            assert match, f"cannot read FROM {args}"
            stages.append((match.group(2) or "", []))
        elif stages:
            stages[-1][1].append((instruction, args))
    return stages


def _dockerfile_cmd(dockerfile: str) -> list[str]:
    cmds = [args for instruction, args in _stages(dockerfile)[-1][1] if instruction == "CMD"]
    assert cmds, "the runtime stage has no CMD"
    cmd = yaml.safe_load(cmds[-1]) if cmds[-1].startswith("[") else shlex.split(cmds[-1])
    assert isinstance(cmd, list)
    return [str(c) for c in cmd]


def test_every_stage_is_named(dockerfile: str) -> None:
    stages = _stages(dockerfile)
    names = [name for name, _ in stages]
    assert len(stages) >= 2, "a multi-stage build"
    assert all(names), f"unnamed stage among {names}"
    assert len(set(names)) == len(names)
    assert {"builder", "runtime"} <= set(names)
    assert names[-1] == "runtime"


def test_the_builder_installs_the_locked_runtime_dependencies(dockerfile: str) -> None:
    builder = dict(_stages(dockerfile))["builder"]
    runs = " ".join(args for instruction, args in builder if instruction == "RUN")
    assert "uv sync --frozen --no-dev" in runs
    assert any(i == "ENV" and "UV_PROJECT_ENVIRONMENT=/app/.venv" in a for i, a in builder)


def test_the_runtime_runs_carsi_serve_as_a_non_root_user(dockerfile: str) -> None:
    runtime = _stages(dockerfile)[-1][1]
    users = [args for instruction, args in runtime if instruction == "USER"]
    assert users, "the runtime stage never leaves root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), users[-1]
    assert any(i == "RUN" and "useradd" in a and user in a for i, a in runtime), "the user is created"
    env = " ".join(args for instruction, args in runtime if instruction == "ENV")
    assert "HOST=0.0.0.0" in env
    assert "/app/.venv/bin" in env
    assert _dockerfile_cmd(dockerfile) == ["carsi", "serve"]


def test_the_image_checks_its_own_liveness(dockerfile: str) -> None:
    runtime = _stages(dockerfile)[-1][1]
    checks = [args for instruction, args in runtime if instruction == "HEALTHCHECK"]
    assert checks and "/health/live" in checks[-1]


def test_the_build_context_leaves_out_local_state() -> None:
    ignore = (COMPOSE / "Dockerfile.dockerignore").read_text().splitlines()
    assert "*" in ignore, "allow-list: everything is ignored unless named"
    for needed in ("pyproject.toml", "uv.lock", "core/", "ports/", "adapters/", "entrypoints/", "bootstrap.py"):
        assert f"!{needed}" in ignore, needed
