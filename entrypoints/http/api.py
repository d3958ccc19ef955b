"""Declaring routes: each endpoint names its body, query, response, status, permission and idempotency.

The same declarations drive request parsing, the permission check and the OpenAPI document.
"""

from __future__ import annotations

import json
import types
import typing
import uuid
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar

import attrs
import punq
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.accounts.use_cases.sessions import Authenticate
from core.shared.actor import Actor, current_actor
from core.shared.errors import DomainError, FieldError, Invalid, Unauthenticated
from core.shared.pagination import Page, PageRequest
from entrypoints.http.converter import structure, unstructure
from entrypoints.http.errors import BadRequest, PayloadTooLarge, domain_problem
from entrypoints.http.idempotency import idempotent

T = TypeVar("T")
Auth = Literal["required", "optional", "none"]
Idempotency = Literal["accepted", "required", "none"]


@attrs.frozen
class Items(Generic[T]):
    items: list[T]


@attrs.frozen
class PageOut(Generic[T]):
    items: list[T]
    next_cursor: str | None


@attrs.frozen
class Plain:
    """A handler result that is JSON already (dicts, lists, strings, numbers): encoded as it is, without the
    converter's walk — for hot read paths whose use cases hand out JSON-ready values."""

    body: Any


@attrs.frozen
class Reply:
    """A handler result with a status or headers other than the endpoint's default."""

    body: Any
    status: int
    headers: dict[str, str] = attrs.field(factory=dict)


@attrs.frozen
class Upload:
    """A file part of a multipart/form-data body; its name and type are what the client claims (untrusted)."""

    filename: str
    content_type: str
    data: bytes


@attrs.define
class Ctx:
    request: Request
    container: punq.Container
    actor: Actor | None
    body: Any = None
    query: Any = None
    provided: frozenset[str] = frozenset()

    def use(self, cls: type[T]) -> T:
        return self.container.resolve(cls)  # type: ignore[no-any-return]

    @property
    def params(self) -> dict[str, Any]:
        return self.request.path_params

    @property
    def me(self) -> Actor:
        if self.actor is None or self.actor.user_id is None:
            raise Unauthenticated("log in first")
        return self.actor

    @property
    def client(self) -> str:
        return self.request.client.host if self.request.client else "unknown"

    async def form(self, cls: type[T], *, max_bytes: int) -> T:
        """The multipart/form-data body of an endpoint declared with `form=cls` (which the global body limit
        leaves to this call): at most `max_bytes` in all, else 413."""
        return await read_form(self.request, cls, max_bytes)


Handler = Callable[[Ctx], Awaitable[Any]]


@attrs.frozen
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    body: Any = None
    query: Any = None
    response: Any = None
    status: int = 200
    auth: Auth = "required"
    permission: str | None = None
    idempotency: Idempotency = "accepted"
    errors: tuple[int, ...] = ()
    form: Any = None  # a multipart/form-data body (attrs class of Upload and str fields) the handler reads itself
    headers: tuple[str, ...] = ()  # optional request headers the handler reads (a guest's tokens), for the docs

    @property
    def public_path(self) -> str:
        """The path without Starlette's convertors: /x/{id:uuid} -> /x/{id}."""
        return "/".join(p.split(":")[0] + "}" if p.startswith("{") and ":" in p else p for p in self.path.split("/"))


class Routes:
    """A context's endpoints: `routes = Routes("accounts")`, then `@routes.post(...)` on handlers."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.endpoints: list[Endpoint] = []

    def route(self, method: str, path: str, **spec: Any) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            summary = spec.pop("summary", None) or (handler.__doc__ or handler.__name__).strip().split("\n")[0]
            self.endpoints.append(Endpoint(method, path, handler, summary, self.tag, **spec))
            return handler

        return register

    def get(self, path: str, **spec: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **spec)

    def post(self, path: str, **spec: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **spec)

    def put(self, path: str, **spec: Any) -> Callable[[Handler], Handler]:
        return self.route("PUT", path, **spec)

    def patch(self, path: str, **spec: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, **spec)

    def delete(self, path: str, **spec: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, **spec)


def starlette_route(endpoint: Endpoint, container: punq.Container) -> Route:
    async def handle(request: Request) -> Response:
        try:
            actor = await _authenticate(request, endpoint, container)
            token = current_actor.set(actor)
            try:
                if endpoint.method == "POST" and endpoint.idempotency != "none":
                    return await idempotent(request, endpoint.idempotency == "required", actor, container,
                                            lambda body: _run(request, endpoint, container, actor, body))  # fmt: skip
                return await _run(request, endpoint, container, actor, await request.body())
            finally:
                current_actor.reset(token)
        except DomainError as exc:
            return domain_problem(exc)

    return Route(endpoint.path, handle, methods=[endpoint.method], name=f"{endpoint.method} {endpoint.public_path}")


async def _authenticate(request: Request, endpoint: Endpoint, container: punq.Container) -> Actor | None:
    header = request.headers.get("authorization")
    actor = None
    if header and endpoint.auth != "none":
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("use 'Authorization: Bearer <access token>'", code="invalid_token")
        actor = await container.resolve(Authenticate)(token.strip())
    if endpoint.auth == "required" and actor is None:
        raise Unauthenticated("this needs an access token", code="not_authenticated")
    if endpoint.permission is not None:
        assert actor is not None
        actor.require(endpoint.permission)
    return actor


async def _run(request: Request, endpoint: Endpoint, container: punq.Container, actor: Actor | None,
               raw: bytes) -> Response:  # fmt: skip
    try:
        ctx = Ctx(request, container, actor)
        if endpoint.body is not None:
            data = parse_json(request, raw)
            ctx.provided = frozenset(data) if isinstance(data, dict) else frozenset()
            ctx.body = structure(data, endpoint.body)
        if endpoint.query is not None:
            ctx.query = parse_query(endpoint.query, request)
        result = await endpoint.handler(ctx)
    except DomainError as exc:
        return domain_problem(exc)
    if isinstance(result, Response):
        return result
    if isinstance(result, Plain):
        body = json.dumps(result.body, ensure_ascii=False, separators=(",", ":")).encode()
        return Response(body, status_code=endpoint.status, media_type="application/json")
    if isinstance(result, Reply):
        return json_response(result.body, result.status, result.headers)
    if result is None:
        return Response(status_code=204)
    return json_response(result, endpoint.status)


def parse_json(request: Request, raw: bytes) -> Any:
    content_type = request.headers.get("content-type", "")
    if raw and not content_type.split(";")[0].strip().lower().endswith("json"):
        raise BadRequest("send the body as application/json", code="unsupported_media_type")
    if not raw.strip():
        raise BadRequest("the request needs a JSON body", code="malformed_json")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("the body is not valid JSON", code="malformed_json") from None
    if errors := list(_nul_characters(data, ("body",))):
        raise Invalid("text must not contain NUL characters", errors=errors)
    return data


def _nul_characters(value: Any, loc: tuple[str | int, ...]) -> Any:
    """Where a JSON value holds U+0000, which no text column stores (PostgreSQL refuses it outright)."""
    if isinstance(value, str) and "\x00" in value:
        yield FieldError(loc, "must not contain NUL characters")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nul_characters(key, (*loc, key)) if "\x00" in key else _nul_characters(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _nul_characters(item, (*loc, i))


async def read_form(request: Request, cls: type[T], max_bytes: int) -> T:
    """A multipart/form-data body as `cls`: `Upload` fields take file parts, `str` fields text parts. The
    body may hold `max_bytes` in all (413 beyond, counted as it streams in); malformed multipart is 400;
    missing, repeated, unknown or mistyped fields are 422."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "multipart/form-data":
        raise BadRequest("send the body as multipart/form-data", code="unsupported_media_type")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise PayloadTooLarge(f"the body is larger than {max_bytes} bytes")
    hints, fields = _hints(cls), attrs.fields(typing.cast(Any, cls))
    uploads = {f.name for f in fields if Upload in (hints[f.name], *typing.get_args(hints[f.name]))}

    async def limited() -> typing.AsyncGenerator[bytes, None]:
        seen = 0
        async for chunk in request.stream():
            seen += len(chunk)
            if seen > max_bytes:
                raise PayloadTooLarge(f"the body is larger than {max_bytes} bytes")
            yield chunk

    parser = MultiPartParser(request.headers, limited(), max_files=len(uploads),
                             max_fields=len(fields) + 8, max_part_size=64 * 1024)  # fmt: skip
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise BadRequest(f"the multipart body is malformed: {exc.message}", code="malformed_multipart") from None
    try:
        errors = [FieldError(("body", key), "unknown field") for key in form if key not in {f.name for f in fields}]
        values: dict[str, Any] = {}
        for field in fields:
            given = form.getlist(field.name)
            if len(given) != 1:
                if given or field.default is attrs.NOTHING:
                    errors.append(FieldError(("body", field.name), "send this field once"))
                continue
            item = given[0]
            if field.name in uploads:
                if not isinstance(item, UploadFile):
                    errors.append(FieldError(("body", field.name), "must be a file part"))
                    continue
                values[field.name] = Upload(item.filename or "", item.content_type or "", await item.read())
            elif not isinstance(item, str) or "\x00" in item:
                errors.append(FieldError(("body", field.name), "must be text without NUL characters"))
            else:
                values[field.name] = item
        if errors:
            raise Invalid("the form has missing or invalid fields", errors=errors)
        return cls(**values)
    finally:
        await form.close()


def json_response(obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(unstructure(obj), ensure_ascii=False, separators=(",", ":"), default=str).encode()
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def page_out(page: Page[Any], view: Callable[[Any], Any]) -> PageOut[Any]:
    return PageOut([view(item) for item in page.items], page.next_cursor)


def page_request(query: Any) -> PageRequest:
    return PageRequest(limit=query.limit, cursor=query.cursor)


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    """A query class's field types, resolved once (typing.get_type_hints is slow, and queries are hot)."""
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def parse_query(cls: type[Any], request: Request) -> Any:
    """Query strings to typed fields; unknown parameters are ignored, bad values are 422."""
    hints = _hints(cls)
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for field in attrs.fields(cls):
        raw = request.query_params.get(field.name)
        if raw is None:
            if field.default is attrs.NOTHING:
                errors.append(FieldError(("query", field.name), "this parameter is required"))
            continue
        if "\x00" in raw:
            errors.append(FieldError(("query", field.name), "must not contain NUL characters"))
            continue
        try:
            values[field.name] = _coerce(raw, hints[field.name])
        except (ValueError, TypeError) as exc:
            errors.append(FieldError(("query", field.name), str(exc) or "invalid value"))
    if errors:
        raise Invalid("the query has invalid parameters", errors=errors)
    try:
        return cls(**values)
    except Invalid as exc:
        raise Invalid(exc.detail, errors=exc.errors) from None


def _coerce(raw: str, hint: Any) -> Any:
    is_union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    options = [a for a in typing.get_args(hint) if a is not type(None)] if is_union else [hint]
    target = options[0] if options else str
    if typing.get_origin(target) is Literal:
        if raw not in typing.get_args(target):
            raise ValueError(f"one of {', '.join(map(str, typing.get_args(target)))}")
        return raw
    if target is bool:
        if raw.lower() not in ("true", "false", "1", "0"):
            raise ValueError("expected true or false")
        return raw.lower() in ("true", "1")
    if target is int:
        try:
            return int(raw)
        except ValueError:
            raise ValueError("expected an integer") from None
    if target is uuid.UUID:
        return uuid.UUID(raw)
    if target is datetime:
        parsed = datetime.fromisoformat(raw)
        if parsed.tzinfo is None:
            raise ValueError("the date-time needs an offset (e.g. Z or +03:00)")
        return parsed
    if target is date:
        return date.fromisoformat(raw)
    return raw


@attrs.frozen
class PageQuery:
    """`?limit=` (1..100, default 20) and `?cursor=` (opaque, from the previous page)."""

    limit: int = 20
    cursor: str | None = None
