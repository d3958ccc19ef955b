"""The OpenAPI 3.1 document, generated from the endpoint declarations and their attrs classes."""

from __future__ import annotations

import enum
import re
import typing
import uuid
from datetime import date, datetime
from decimal import Decimal
from http import HTTPStatus
from typing import Any, Literal

import attrs

from core.shared.money import Money
from entrypoints.http.api import Endpoint, Upload

PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "stable machine-readable reason"},
        "errors": {"type": "array", "items": {"type": "object", "required": ["loc", "msg"], "properties": {
            "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
            "msg": {"type": "string"}}}},
    },
}  # fmt: skip
MONEY = {
    "type": "object",
    "required": ["amount", "currency"],
    "additionalProperties": False,
    "properties": {
        "amount": {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "examples": ["199.90"]},
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "examples": ["TRY"]},
    },
}


class SchemaBuilder:
    def __init__(self) -> None:
        self.components: dict[str, Any] = {"Problem": PROBLEM, "Money": MONEY}

    def schema(self, hint: Any, *, request: bool = False) -> dict[str, Any]:
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if hint is Any:
            return {}
        if hint is type(None):
            return {"type": "null"}
        if origin in (typing.Union, __import__("types").UnionType):
            return {"anyOf": [self.schema(a, request=request) for a in args]}
        if origin is Literal:
            return {"enum": list(args)}
        if origin in (list, tuple, set, frozenset) or hint in (list, tuple):
            return {"type": "array", "items": self.schema(args[0], request=request) if args else {}}
        if origin is dict or hint is dict:
            return {"type": "object"}
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            return {"enum": [m.value for m in hint]}
        simple = {str: {"type": "string"}, bool: {"type": "boolean"}, int: {"type": "integer"},
                  float: {"type": "number"}, uuid.UUID: {"type": "string", "format": "uuid"},
                  datetime: {"type": "string", "format": "date-time"}, date: {"type": "string", "format": "date"},
                  Decimal: {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}}  # fmt: skip
        if hint in simple:
            return dict(simple[hint])
        if hint is Money:
            return {"$ref": "#/components/schemas/Money"}
        if hint is Upload:
            return {"type": "string", "format": "binary", "contentMediaType": "application/octet-stream"}
        if attrs.has(origin or hint):
            return self._ref(hint, request)
        raise TypeError(f"no OpenAPI schema for {hint!r}")

    def _ref(self, hint: Any, request: bool) -> dict[str, Any]:
        name = _name(hint) + ("Input" if request else "")
        if name not in self.components:
            self.components[name] = {}
            cls = typing.get_origin(hint) or hint
            params = getattr(cls, "__parameters__", ())
            mapping = dict(zip(params, typing.get_args(hint), strict=False))
            hints = typing.get_type_hints(cls)
            props, required = {}, []
            for field in attrs.fields(cls):
                if field.name.startswith("_"):
                    continue
                props[field.name] = self.schema(mapping.get(hints[field.name], _subst(hints[field.name], mapping)),
                                                request=request)  # fmt: skip
                if field.default is attrs.NOTHING or not request:
                    required.append(field.name)
            body: dict[str, Any] = {"type": "object", "properties": props, "required": required}
            if request:
                body["additionalProperties"] = False
            if cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "("):
                body["description"] = cls.__doc__.strip()
            self.components[name] = body
        return {"$ref": f"#/components/schemas/{name}"}


def _subst(hint: Any, mapping: dict[Any, Any]) -> Any:
    args = typing.get_args(hint)
    if not args or not mapping:
        return hint
    new = tuple(mapping.get(a, _subst(a, mapping)) for a in args)
    origin = typing.get_origin(hint)
    if origin in (typing.Union, __import__("types").UnionType):
        return typing.Union[new]  # noqa: UP007
    return origin[new] if origin is not None else hint


def _name(hint: Any) -> str:
    origin = typing.get_origin(hint)
    if origin is None:
        return str(hint.__name__)
    return origin.__name__ + "".join(_name(a) for a in typing.get_args(hint))


HEADER_DOCS = {
    "X-Basket-Token": "A guest basket's token, given once when the basket was created (else 404).",
    "X-Order-Token": "A guest order's access token, given once at checkout (else 404).",
}


def document(endpoints: list[Endpoint], *, title: str, version: str) -> dict[str, Any]:
    builder = SchemaBuilder()
    paths: dict[str, Any] = {}
    for ep in endpoints:
        op: dict[str, Any] = {"summary": ep.summary, "tags": [ep.tag],
                              "operationId": _operation_id(ep), "responses": {}}  # fmt: skip
        if ep.handler.__doc__:
            op["description"] = ep.handler.__doc__.strip()
        params = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "string", "format": "uuid"} if conv == "uuid" else {"type": "string"}}
                  for name, conv in re.findall(r"{(\w+)(?::(\w+))?}", ep.path)]  # fmt: skip
        if ep.query is not None:
            hints = typing.get_type_hints(ep.query)
            for field in attrs.fields(ep.query):
                params.append({"name": field.name, "in": "query", "required": field.default is attrs.NOTHING,
                               "schema": builder.schema(hints[field.name])})  # fmt: skip
        for header in ep.headers:
            params.append({"name": header, "in": "header", "required": False, "description": HEADER_DOCS[header],
                           "schema": {"type": "string", "maxLength": 200}})  # fmt: skip
        if ep.method == "POST" and ep.idempotency != "none":
            params.append({"name": "Idempotency-Key", "in": "header", "required": ep.idempotency == "required",
                           "schema": {"type": "string", "minLength": 1, "maxLength": 255}})  # fmt: skip
        if params:
            op["parameters"] = params
        if ep.body is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": builder.schema(ep.body, request=True)}},
            }
        if ep.form is not None:
            op["requestBody"] = {
                "required": True,
                "content": {"multipart/form-data": {"schema": builder.schema(ep.form, request=True)}},
            }
        if ep.response is None:
            op["responses"][str(ep.status)] = {"description": HTTPStatus(ep.status).phrase}
        else:
            op["responses"][str(ep.status)] = {
                "description": HTTPStatus(ep.status).phrase,
                "content": {"application/json": {"schema": builder.schema(ep.response)}},
            }
        codes = set(ep.errors)
        if ep.body is not None or ep.query is not None or ep.form is not None:
            codes |= {400, 413, 422} if ep.body is not None or ep.form is not None else {422}
        if ep.auth == "required":
            codes.add(401)
            op["security"] = [{"bearer": []}]
        elif ep.auth == "optional":
            codes.add(401)  # a token that is given must be valid
            op["security"] = [{"bearer": []}, {}]
        if ep.method == "POST" and ep.idempotency != "none":
            # a malformed or reused Idempotency-Key is 422, one still in flight 409, a missing required one 400
            codes |= {409, 422} | ({400} if ep.idempotency == "required" else set())
        if ep.permission:
            codes.add(403)
            op["description"] = (op.get("description", "") + f"\n\nNeeds the `{ep.permission}` permission.").strip()
        if "{" in ep.path:
            codes.add(404)
        for code in sorted(codes):
            op["responses"][str(code)] = {
                "description": HTTPStatus(code).phrase,
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
            }
        paths.setdefault(ep.public_path, {})[ep.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": "Çarşı headless-commerce API. Money is {amount: decimal string, currency}.",
        },
        "paths": paths,
        "components": {
            "schemas": builder.components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    }


def _operation_id(ep: Endpoint) -> str:
    return f"{ep.tag}_{ep.handler.__name__}"
