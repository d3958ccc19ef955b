"""Images on products and variants: order, alt text, ownership, and the product page that lists them."""

from __future__ import annotations

import uuid

import pytest

from core.gallery.use_cases.images import (
    ChangeImage,
    DetachImage,
    ImageRemoval,
    ImageRevision,
    ListProductImages,
)
from core.gallery.use_cases.media import ChangeMedia, DeleteMedia, MediaRemoval, MediaRevision
from core.shared.errors import Conflict, Invalid, NotFound
from tests.unit.catalog.conftest import STAFF
from tests.unit.gallery import pictures
from tests.unit.gallery.conftest import Gallery


async def test_the_product_page_lists_images_by_sorting_with_urls(gallery: Gallery) -> None:
    product = await gallery.listed("Keten Gömlek")
    variant = await gallery.variant(product, price="120.00")
    front, back = await gallery.upload(pictures.png(), "Ön"), await gallery.upload(pictures.webp(), "Arka")
    await gallery.attach(product.id, back.id, sorting=2)
    await gallery.attach(product.id, front.id, sorting=1, alt_text="Keten gömlek, önden")
    await gallery.attach(product.id, back.id, variant_id=variant.id, sorting=3)

    page = await gallery.show(product.slug)

    assert [(i["url"], i["alt_text"], i["variant_id"]) for i in page["images"]] == [
        (f"/media/{front.storage_key}", "Keten gömlek, önden", None),
        (f"/media/{back.storage_key}", "Arka", None),
        (f"/media/{back.storage_key}", "Arka", str(variant.id)),
    ]


async def test_thumbnails_show_on_the_page_once_made(gallery: Gallery) -> None:
    product = await gallery.listed()
    media = await gallery.upload(pictures.webp())
    await gallery.attach(product.id, media.id)
    await gallery.show(product.id)  # cached, maybe before the thumbnails job ran (it runs in the background)

    await gallery.app.drain()

    thumbs = (await gallery.show(product.id))["images"][0]["thumbnails"]
    assert thumbs == {"200": f"/media/media/{media.id.hex}/200.webp", "800": f"/media/media/{media.id.hex}/800.webp"}


async def test_changes_to_images_reach_the_cached_page(gallery: Gallery) -> None:
    product = await gallery.listed()
    a, b = await gallery.upload(pictures.png(), "A"), await gallery.upload(pictures.png(), "B")
    first = await gallery.attach(product.id, a.id)
    second = await gallery.attach(product.id, b.id)
    assert [i["alt_text"] for i in (await gallery.show(product.id))["images"]] == ["A", "B"]

    await gallery.app.use(ChangeImage)(ImageRevision(STAFF, product.id, second.image.id, {"sorting": -1}))
    assert [i["alt_text"] for i in (await gallery.show(product.id))["images"]] == ["B", "A"]
    await gallery.app.use(ChangeMedia)(MediaRevision(STAFF, a.id, "A, yeni"))
    assert [i["alt_text"] for i in (await gallery.show(product.id))["images"]] == ["B", "A, yeni"]
    await gallery.app.use(DetachImage)(ImageRemoval(STAFF, product.id, first.image.id))
    assert [i["alt_text"] for i in (await gallery.show(product.id))["images"]] == ["B"]
    listed = await gallery.app.use(ListProductImages)(product.id)
    assert [p.media.id for p in listed] == [b.id]


async def test_without_sorting_an_image_goes_last(gallery: Gallery) -> None:
    product = await gallery.listed()
    media = await gallery.upload()
    placed = [await gallery.attach(product.id, media.id, sorting=s) for s in (5, None)]
    assert [p.image.sorting for p in placed] == [5, 6]


async def test_a_variant_image_must_be_of_that_product(gallery: Gallery) -> None:
    product, other = await gallery.listed(), await gallery.listed("Başka")
    foreign = await gallery.variant(other)
    media = await gallery.upload()
    with pytest.raises(Invalid) as refused:
        await gallery.attach(product.id, media.id, variant_id=foreign.id)
    assert refused.value.code == "variant_not_of_product"
    with pytest.raises(Invalid) as refused:
        await gallery.attach(product.id, media.id, variant_id=uuid.uuid4())
    assert refused.value.code == "unknown_reference"
    placed = await gallery.attach(product.id, media.id)
    with pytest.raises(Invalid):
        await gallery.app.use(ChangeImage)(ImageRevision(STAFF, product.id, placed.image.id,
                                                         {"variant_id": foreign.id}))  # fmt: skip


async def test_unknown_product_media_or_image(gallery: Gallery) -> None:
    product, other = await gallery.listed(), await gallery.listed("Başka")
    media = await gallery.upload()
    with pytest.raises(NotFound):
        await gallery.attach(uuid.uuid4(), media.id)
    with pytest.raises(Invalid) as refused:
        await gallery.attach(product.id, uuid.uuid4())
    assert refused.value.code == "unknown_reference"
    placed = await gallery.attach(product.id, media.id)
    with pytest.raises(NotFound):  # the image exists, but on another product
        await gallery.app.use(DetachImage)(ImageRemoval(STAFF, other.id, placed.image.id))


async def test_media_shown_on_a_product_cannot_be_deleted(gallery: Gallery) -> None:
    product = await gallery.listed()
    media = await gallery.upload()
    placed = await gallery.attach(product.id, media.id)
    with pytest.raises(Conflict) as refused:
        await gallery.app.use(DeleteMedia)(MediaRemoval(STAFF, media.id))
    assert refused.value.code == "media_in_use"
    await gallery.app.use(DetachImage)(ImageRemoval(STAFF, product.id, placed.image.id))
    await gallery.app.use(DeleteMedia)(MediaRemoval(STAFF, media.id))
    assert (await gallery.show(product.id))["images"] == []


async def test_images_of_a_deactivated_variant_are_hidden(gallery: Gallery) -> None:
    from core.catalog.use_cases.common import Revision
    from core.catalog.use_cases.products import ChangeVariant

    product = await gallery.listed()
    variant = await gallery.variant(product)
    media = await gallery.upload()
    await gallery.attach(product.id, media.id, variant_id=variant.id)
    assert len((await gallery.show(product.id))["images"]) == 1
    await gallery.app.use(ChangeVariant)(Revision(STAFF, variant.id, {"is_active": False}))
    assert (await gallery.show(product.id))["images"] == []


async def test_attaching_is_a_catalog_change_of_the_product(gallery: Gallery) -> None:
    product = await gallery.listed()
    media = await gallery.upload()
    before = len(gallery.changes())
    await gallery.attach(product.id, media.id)
    assert gallery.changes()[before:] == [("product", str(product.id), "updated")]
