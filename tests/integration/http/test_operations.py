"""Health, metrics, the OpenAPI document and the docs page."""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path

from starlette.routing import Mount, Route

from entrypoints.http.app import endpoints
from tests.integration.http.conftest import Api, assert_problem, running_api


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_liveness_and_readiness(api: Api) -> None:
    live = await api.client.get("/health/live")
    assert (live.status_code, live.json()["status"]) == (200, "ok")
    ready = await api.client.get("/health/ready")
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ok" and ready.json()["checks"] == {"database": "ok"}


async def test_readiness_with_redis_configured(sqlite_url: str, redis_url: str, tmp_path: Path) -> None:
    async with running_api("sqlite", sqlite_url, tmp_path, redis_url=redis_url) as api:
        ready = await api.client.get("/health/ready")
        assert ready.status_code == 200, ready.text
        assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}


async def test_readiness_is_503_naming_redis_when_it_does_not_answer(sqlite_url: str, tmp_path: Path) -> None:
    async with running_api("sqlite", sqlite_url, tmp_path, redis_url=f"redis://127.0.0.1:{closed_port()}/0") as api:
        started = time.monotonic()
        ready = await api.client.get("/health/ready")
        assert time.monotonic() - started < 10
        assert ready.status_code == 503, ready.text
        body = ready.json()
        assert body["checks"] == {"database": "ok", "redis": "failed"}
        assert "redis" in body["detail"] and "database" not in body["detail"]
        assert (await api.client.get("/health/live")).status_code == 200


async def test_readiness_is_503_naming_the_database_when_it_does_not_answer(tmp_path: Path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{closed_port()}/carsi"
    async with running_api("postgresql", url, tmp_path) as api:
        ready = await api.client.get("/health/ready")
        assert ready.status_code == 503, ready.text
        assert ready.json()["checks"] == {"database": "failed"}
        assert "database" in ready.json()["detail"]
        assert "Traceback" not in ready.text and "127.0.0.1" not in ready.text
        assert (await api.client.get("/health/live")).status_code == 200
        # a request that needs the database fails cleanly, not with a stack trace
        response = await api.client.post("/api/v1/auth/token", json={"email": "a@example.com", "password": "x" * 8})
        assert response.status_code >= 500
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "Traceback" not in response.text and "psycopg" not in response.text


async def test_metrics_in_prometheus_text_format(api: Api) -> None:
    await api.client.get("/health/live")
    await api.client.get("/api/v1/me")  # a 401
    await api.client.get("/definitely/not/here")
    response = await api.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "version=" in response.headers["content-type"]
    text = response.text
    assert "# TYPE carsi_http_requests_total counter" in text
    assert "# TYPE carsi_http_request_duration_seconds histogram" in text
    assert re.search(r'carsi_http_requests_total\{method="GET",route="/health/live",status="200"\} 1\.0', text)
    assert re.search(r'carsi_http_requests_total\{method="GET",route="/api/v1/me",status="401"\} 1\.0', text)
    # unknown paths are counted under one label, not one series per path
    assert "/definitely/not/here" not in text


async def test_the_guests_token_headers_are_documented_where_they_are_read(api: Api) -> None:
    paths = (await api.client.get("/openapi.json")).json()["paths"]

    def headers(method: str, path: str) -> set[str]:
        return {p["name"] for p in paths[path][method].get("parameters", []) if p["in"] == "header"}

    assert "X-Basket-Token" in headers("get", "/api/v1/baskets/{basket_id}")
    assert "X-Basket-Token" in headers("post", "/api/v1/checkout")
    assert "X-Order-Token" in headers("get", "/api/v1/orders/{order_id}")
    assert "X-Basket-Token" not in headers("post", "/api/v1/baskets")  # creating one needs no token


async def test_openapi_describes_every_route(api: Api) -> None:
    response = await api.client.get("/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    missing = [f"{ep.method} {ep.public_path}" for ep in endpoints()
               if ep.method.lower() not in paths.get(ep.public_path, {})]  # fmt: skip
    assert not missing, missing
    # every route the app serves (other than the document, the docs page and its static files) is described
    served = []
    for route in api.app.routes:
        if isinstance(route, Route) and route.path not in ("/openapi.json", "/docs"):
            public = re.sub(r"{(\w+):\w+}", r"{\1}", route.path)
            served += [(m, public) for m in route.methods or () if m != "HEAD"]
        else:
            assert isinstance(route, Mount | Route), route
    undocumented = [f"{m} {p}" for m, p in served if m.lower() not in paths.get(p, {})]
    assert not undocumented, undocumented

    for path, operations in paths.items():
        for method, op in operations.items():
            assert op.get("summary") and op.get("operationId") and op.get("responses"), (method, path)
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"{(\w+)}", path)), (method, path)
    register = paths["/api/v1/auth/register"]["post"]
    assert {"201", "409", "422"} <= set(register["responses"])
    schema = register["requestBody"]["content"]["application/json"]["schema"]
    assert schema["$ref"].startswith("#/components/schemas/")
    body = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    assert body["additionalProperties"] is False and set(body["required"]) == {"email", "password"}
    settings = paths["/api/v1/admin/settings"]["get"]
    assert {"401", "403"} <= set(settings["responses"]) and settings["security"] == [{"bearer": []}]
    problem = doc["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "code"} <= set(problem["required"])
    ids = [op["operationId"] for ops in paths.values() for op in ops.values()]
    assert len(ids) == len(set(ids))


async def test_docs_page_and_its_assets_are_served(api: Api) -> None:
    page = await api.client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "/openapi.json" in page.text
    assets = re.findall(r'(?:src|href)="(/docs/static/[^"]+)"', page.text)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets), assets
    for asset in assets:
        response = await api.client.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 10_000, asset
        kind = "javascript" if asset.endswith(".js") else "css"
        assert kind in response.headers["content-type"], (asset, response.headers["content-type"])
    assert "SwaggerUIBundle" in (await api.client.get(next(a for a in assets if a.endswith(".js")))).text
    assert_problem(await api.client.get("/docs/static/no-such-file.js"), 404)
