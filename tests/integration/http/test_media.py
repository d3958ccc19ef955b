"""Media over HTTP on SQLite and PostgreSQL: multipart uploads told apart by content, their limits, the files the
API serves under /media/, thumbnails after the job, images on products and the public product page."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from PIL import Image

from bootstrap import Settings
from tests.integration.http.conftest import Api, User, assert_problem, running_api
from tests.integration.http.test_catalog_staff import catalog_admin
from tests.integration.s3 import s3_storage_url, with_prefix
from tests.unit.gallery import pictures

MEDIA = "/api/v1/admin/media"
__all__ = ["s3_storage_url"]  # the session fixture starting moto (or using TEST_S3_URL)


async def upload(api: Api, who: User, data: bytes, *, name: str = "photo.jpg", content_type: str = "image/jpeg",
                 **fields: str) -> httpx.Response:  # fmt: skip
    return await api.client.post(MEDIA, files={"file": (name, data, content_type)}, data=fields, headers=who.headers)


async def uploaded(api: Api, who: User, data: bytes | None = None, **fields: str) -> dict[str, Any]:
    response = await upload(api, who, pictures.png() if data is None else data, **fields)
    assert response.status_code == 201, response.text
    return dict(response.json())


def media_dir(api: Api) -> Path:
    return Path(api.resolve(Settings).var_dir) / "media"


def stored(api: Api) -> list[Path]:
    return [p for p in media_dir(api).rglob("*") if p.is_file()] if media_dir(api).exists() else []


async def test_a_jpeg_upload_is_stored_clean_and_served(api: Api) -> None:
    admin = await api.admin()
    response = await upload(api, admin, pictures.jpeg_with_gps(640, 480), name="IMG_0001.jpeg",
                            alt_text="Kırmızı tişört")  # fmt: skip
    assert response.status_code == 201, response.text
    body = response.json()
    assert {k: body[k] for k in ("content_type", "width", "height", "alt_text")} == {
        "content_type": "image/jpeg",
        "width": 480,
        "height": 640,
        "alt_text": "Kırmızı tişört",
    }
    assert body["url"] == f"/media/media/{body['id'].replace('-', '')}/original.jpg"
    assert body["thumbnails"] in ({}, {"200": body["url"].replace("original.jpg", "200.webp"),
                                       "800": body["url"].replace("original.jpg", "800.webp")})  # fmt: skip

    served = await api.client.get(body["url"])
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert len(served.content) == body["size"] == int(served.headers["content-length"])
    image = pictures.opened(served.content)
    assert not dict(image.getexif()) and b"PhoneMaker" not in served.content and b"secret" not in served.content


async def test_thumbnails_follow_from_the_job(api: Api) -> None:
    admin = await api.admin()
    media = await uploaded(api, admin, pictures.webp(1200, 900))
    await api.drain()
    found = (await api.client.get(f"{MEDIA}/{media['id']}", headers=admin.headers)).json()
    assert set(found["thumbnails"]) == {"200", "800"}
    for size, url in found["thumbnails"].items():
        served = await api.client.get(url)
        assert served.headers["content-type"] == "image/webp"
        assert max(pictures.opened(served.content).size) == int(size)


@pytest.mark.parametrize("data,name,content_type,code", [
    (pictures.gif(), "anim.gif", "image/gif", "unsupported_media_type"),
    (b"not an image at all\n" * 20, "photo.jpg", "image/jpeg", "unsupported_media_type"),
    (pictures.truncated_jpeg(), "photo.jpg", "image/jpeg", "image_corrupt"),
    (pictures.png_bomb(), "small.png", "image/png", "image_too_large"),
], ids=["gif", "text-named-jpg", "truncated-jpeg", "decompression-bomb"])  # fmt: skip
async def test_what_is_not_a_sound_image_is_refused(api: Api, data: bytes, name: str, content_type: str,
                                                    code: str) -> None:  # fmt: skip
    admin = await api.admin()
    body = assert_problem(await upload(api, admin, data, name=name, content_type=content_type), 422, code)
    assert body["errors"][0]["loc"] == ["body", "file"]
    assert stored(api) == []


async def test_malformed_forms(api: Api) -> None:
    admin = await api.admin()
    h = admin.headers
    assert_problem(await api.client.post(MEDIA, json={"file": "x"}, headers=h), 400, "unsupported_media_type")
    no_boundary = {**h, "Content-Type": "multipart/form-data"}
    assert_problem(await api.client.post(MEDIA, content=b"--x\r\n", headers=no_boundary), 400, "malformed_multipart")
    other_part = await api.client.post(MEDIA, files={"other": ("a.png", pictures.png())}, headers=h)
    assert [e["loc"] for e in assert_problem(other_part, 422)["errors"]] == [["body", "other"], ["body", "file"]]
    text_only = b'--b\r\nContent-Disposition: form-data; name="file"\r\n\r\nnot a file part\r\n--b--\r\n'
    as_text = await api.client.post(MEDIA, content=text_only,
                                    headers={**h, "Content-Type": "multipart/form-data; boundary=b"})  # fmt: skip
    assert assert_problem(as_text, 422)["errors"] == [{"loc": ["body", "file"], "msg": "must be a file part"}]
    two = await api.client.post(MEDIA, files=[("file", ("a.png", pictures.png())), ("file", ("b.png", pictures.png()))],
                                headers=h)  # fmt: skip
    assert_problem(two, 400, "malformed_multipart")  # one file part at most
    extra = await upload(api, admin, pictures.png(), colour="red")
    assert assert_problem(extra, 422)["errors"][0]["loc"] == ["body", "colour"]
    assert stored(api) == []


async def test_uploads_have_their_own_size_limit_from_runtime_settings(api: Api) -> None:
    admin = await api.admin()
    noisy = pictures.encoded(Image.effect_noise((1100, 1100), 100), "PNG")
    assert 1024 * 1024 < len(noisy) < 10 * 1024 * 1024  # above the API's 1 MiB, below the upload default
    response = await upload(api, admin, noisy, content_type="image/png")
    assert response.status_code == 201, response.text
    # ...while every other route keeps the 1 MiB limit
    big_json = {"name": "x" * (1024 * 1024 + 10), "code": "BIG"}
    assert_problem(await api.client.post("/api/v1/admin/catalog/brands", json=big_json, headers=admin.headers), 413)

    put = await api.client.put("/api/v1/admin/settings/media.max_upload_bytes", json={"value": 2048},
                               headers=admin.headers)  # fmt: skip
    assert put.status_code == 200, put.text
    assert_problem(await upload(api, admin, pictures.webp(), content_type="image/webp"), 413, "file_too_large")
    assert_problem(await upload(api, admin, noisy, content_type="image/png"), 413)  # over by Content-Length

    async def streamed() -> Any:  # no Content-Length: counted as it arrives
        for _ in range(100):
            yield b"x" * 1024

    chunked = await api.client.post(MEDIA, content=streamed(), headers={
        **admin.headers, "Content-Type": "multipart/form-data; boundary=b"})  # fmt: skip
    assert_problem(chunked, 413)


async def test_list_patch_and_delete(api: Api) -> None:
    admin = await api.admin()
    made = [await uploaded(api, admin, alt_text=f"m{n}") for n in range(3)]
    page = (await api.client.get(MEDIA, params={"limit": 2}, headers=admin.headers)).json()
    assert [m["alt_text"] for m in page["items"]] == ["m2", "m1"] and page["next_cursor"]
    rest = (await api.client.get(MEDIA, params={"cursor": page["next_cursor"]}, headers=admin.headers)).json()
    assert [m["alt_text"] for m in rest["items"]] == ["m0"]

    target = made[0]
    patched = await api.client.patch(f"{MEDIA}/{target['id']}", json={"alt_text": "Yeni"}, headers=admin.headers)
    assert patched.status_code == 200 and patched.json()["alt_text"] == "Yeni"
    assert_problem(await api.client.patch(f"{MEDIA}/{target['id']}", json={"alt_text": "x", "url": "y"},
                                          headers=admin.headers), 422)  # fmt: skip
    assert (await api.client.delete(f"{MEDIA}/{target['id']}", headers=admin.headers)).status_code == 204
    assert_problem(await api.client.get(f"{MEDIA}/{target['id']}", headers=admin.headers), 404)
    assert_problem(await api.client.get(target["url"]), 404)


@pytest.mark.parametrize("path", ["/media/../carsi.db", "/media/%2e%2e/carsi.db", "/media/media/..%2f..%2fcarsi.db",
                                  "/media//etc/passwd", "/media/secret_key", "/media/nothing/here.jpg"])  # fmt: skip
async def test_the_file_route_never_leaves_the_media_directory(api: Api, path: str) -> None:
    admin = await api.admin()
    await uploaded(api, admin)
    response = await api.client.get(path)
    assert response.status_code == 404, (path, response.status_code)


async def test_images_on_products_and_the_public_page(api: Api) -> None:
    staff = await catalog_admin(api)
    admin = staff.who
    b, c = await staff.brand("Marka"), await staff.category("Giyim")
    shirt, other = await staff.product("Keten Gömlek", b, c), await staff.product("Başka", b, c)
    variant, foreign = await staff.variant(shirt), await staff.variant(other)
    front, back = (
        await uploaded(api, admin, alt_text="Ön"),
        await uploaded(api, admin, pictures.webp(), alt_text="Arka"),
    )
    images = f"products/{shirt['id']}/images"

    first = await staff.create(images, media_id=back["id"], sorting=2)
    await staff.create(images, media_id=front["id"], sorting=1, alt_text="Önden")
    third = await staff.create(images, media_id=back["id"], variant_id=variant["id"])
    assert (first["url"], first["alt_text"], third["sorting"], third["variant_id"]) == (back["url"], "", 3,
                                                                                        variant["id"])  # fmt: skip
    wrong = await staff.send("POST", images, {"media_id": front["id"], "variant_id": foreign["id"]})
    assert_problem(wrong, 422, "variant_not_of_product")
    assert_problem(await staff.send("POST", images, {"media_id": shirt["id"]}), 422, "unknown_reference")
    assert_problem(await staff.send("POST", f"products/{front['id']}/images", {"media_id": front["id"]}), 404)

    page = (await api.client.get(f"/api/v1/catalog/products/{shirt['slug']}")).json()
    assert [(i["url"], i["alt_text"], i["variant_id"]) for i in page["images"]] == [
        (front["url"], "Önden", None),
        (back["url"], "Arka", None),
        (back["url"], "Arka", variant["id"]),
    ]

    await staff.patch(f"{images}/{first['id']}", sorting=0)
    assert_problem(await staff.send("PATCH", f"products/{other['id']}/images/{first['id']}", {"sorting": 1}), 404)
    in_use = await api.client.delete(f"{MEDIA}/{back['id']}", headers=admin.headers)
    assert_problem(in_use, 409, "media_in_use")
    assert (await staff.send("DELETE", f"{images}/{third['id']}")).status_code == 204

    await api.drain()
    page = (await api.client.get(f"/api/v1/catalog/products/{shirt['id']}")).json()
    assert [i["alt_text"] for i in page["images"]] == ["Arka", "Önden"]
    assert set(page["images"][0]["thumbnails"]) == {"200", "800"}
    assert [i["media_id"] for i in (await staff.get(images))["items"]] == [back["id"], front["id"]]


async def test_a_failed_database_write_leaves_no_file(api: Api) -> None:
    admin = await api.admin()
    await uploaded(api, admin)
    await api.drain()  # its thumbnails job is done before the table goes
    before = stored(api)
    await _rename(api, "media", "media_away")
    try:
        response = await upload(api, admin, pictures.png())
        assert response.status_code == 500
        assert "Traceback" not in response.text
    finally:
        await _rename(api, "media_away", "media")
    assert stored(api) == before


async def _rename(api: Api, old: str, new: str) -> None:
    if api.kind == "sqlite":
        import sqlite3

        with sqlite3.connect(api.url.removeprefix("sqlite:///")) as conn:
            conn.execute(f"ALTER TABLE {old} RENAME TO {new}")
    else:
        with psycopg.connect(api.url, autocommit=True) as conn:
            conn.execute(f"ALTER TABLE {old} RENAME TO {new}")  # type: ignore[arg-type]


async def test_uploads_go_to_s3_when_storage_url_says_so(sqlite_url: str, tmp_path: Path, s3_storage_url: str) -> None:
    """The same upload with STORAGE_URL=s3://...: the original and its thumbnails land in the bucket, and the
    URLs the API hands out point at it."""
    prefix = f"http-{uuid.uuid4().hex[:12]}"
    async with running_api("sqlite", sqlite_url, tmp_path, storage_url=with_prefix(s3_storage_url, prefix)) as api:
        admin = await api.admin()
        media = await uploaded(api, admin, pictures.jpeg_with_gps(), alt_text="S3")
        await api.drain()
        found = (await api.client.get(f"{MEDIA}/{media['id']}", headers=admin.headers)).json()
    assert f"/{prefix}/media/" in media["url"] and set(found["thumbnails"]) == {"200", "800"}
    assert stored(api) == []  # nothing on the local disk
    async with httpx.AsyncClient() as client:  # the bucket's own URLs, as a browser would fetch them
        original = await client.get(media["url"])
        thumb = await client.get(found["thumbnails"]["200"])
    assert original.status_code == 200 and pictures.opened(original.content).size == (480, 640)
    assert b"PhoneMaker" not in original.content
    assert max(pictures.opened(thumb.content).size) == 200
