"""A demo catalog in Turkish, as import rows (core/catalog/rows.py): a three-level category tree, 20 brands, and
products named adjective + material + noun, each in colour x size variants (or one size-like axis where a
colour makes no sense) with TRY prices ending in .90 or .99, some discounted.

Deterministic: product n depends only on the seed and n, so the first 1,000 of 2,000 products are the 1,000
products, and loading more later adds to what is there.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from decimal import Decimal

import attrs

from core.catalog.rows import Row, format_options, format_path
from core.shared.text import search_key

SEED = 1923
COLOURS = ("Siyah", "Beyaz", "Lacivert", "Kırmızı", "Yeşil", "Bej", "Gri", "Mavi", "Pembe", "Kahverengi", "Haki",
           "Bordo", "Ekru", "Mor", "Turuncu", "Sarı")  # fmt: skip
COLOUR_KEY = "Renk"


@attrs.frozen
class Family:
    """Products alike: how they are named, which variants they come in, what they cost and their KDV."""

    adjectives: tuple[str, ...]
    materials: tuple[str, ...]
    size_key: str
    sizes: tuple[str, ...]
    price: tuple[int, int]  # whole liras, lowest and highest
    tax_rate: int = 20
    coloured: bool = True
    size_priced: bool = False  # bigger sizes cost more (grams, litres, place settings)


_CLOTHES = ("Basic", "Oversize", "Slim Fit", "Regular Fit", "Çizgili", "Desenli", "Düz Renk", "Yazlık")
_FABRICS = ("Pamuklu", "Keten", "Viskon", "Triko", "Denim", "Kadife", "Organik Pamuk", "Saten")
_SHOES = ("Günlük", "Ortopedik", "Bağcıklı", "Hafif Tabanlı", "Kalın Tabanlı", "Su Geçirmez")
_LEATHERS = ("Deri", "Süet", "Tekstil", "Hakiki Deri", "Nubuk")
_SIZES = ("Küçük", "Orta", "Büyük")

FAMILIES: dict[str, Family] = {
    "giyim": Family(_CLOTHES, _FABRICS, "Beden", ("XS", "S", "M", "L", "XL", "XXL"), (149, 1499), tax_rate=10),
    "cocuk": Family(_CLOTHES[:4], _FABRICS[:3], "Beden", ("2-3 Yaş", "4-5 Yaş", "6-7 Yaş", "8-9 Yaş", "10-11 Yaş"),
                    (99, 599), tax_rate=10),
    "bebek": Family(("Basic", "Desenli", "Nakışlı"), ("Pamuklu", "Organik Pamuk", "Penye"), "Beden",
                    ("0-3 Ay", "3-6 Ay", "6-9 Ay", "9-12 Ay"), (99, 449), tax_rate=10),
    "kadin_ayakkabi": Family(_SHOES, _LEATHERS, "Numara", ("36", "37", "38", "39", "40", "41"), (399, 2999)),
    "erkek_ayakkabi": Family(_SHOES, _LEATHERS, "Numara", ("40", "41", "42", "43", "44", "45"), (449, 3499)),
    "aksesuar": Family(("Klasik", "Minimal", "Vintage", "Zincirli", "Trend"), ("Deri", "Suni Deri", "Kanvas", "Hasır"),
                       "Boyut", _SIZES, (199, 1999)),
    "mutfak": Family(("Granit", "Yapışmaz", "İndüksiyon Tabanlı", "Kapaklı", "Profesyonel"),
                     ("Çelik", "Döküm", "Seramik", "Alüminyum", "Bakır"), "Ölçü",
                     ("16 cm", "18 cm", "20 cm", "24 cm", "28 cm"), (299, 2999), size_priced=True),
    "sofra": Family(("Klasik", "Modern", "Desenli", "Altın Yaldızlı", "Mat"), ("Porselen", "Cam", "Kristal", "Seramik"),
                    "Kişilik", ("2 Kişilik", "4 Kişilik", "6 Kişilik", "12 Kişilik"), (249, 3999), size_priced=True),
    "ev_tekstili": Family(("Çizgili", "Desenli", "Nakışlı", "Yumuşak Dokulu", "Düz"),
                          ("Pamuklu", "Ranforce", "Saten", "Bambu", "Pike"), "Boyut", _SIZES, (199, 1999)),
    "dekorasyon": Family(("El Yapımı", "Modern", "Vintage", "Minimal", "Bohem"),
                         ("Seramik", "Cam", "Ahşap", "Mermer", "Pirinç"), "Boyut", _SIZES, (149, 2499),
                         size_priced=True),
    "elektronik": Family(("Kablosuz", "Akıllı", "Taşınabilir", "Kompakt", "Profesyonel"),
                         ("Bluetooth", "Ergonomik", "USB-C", "Ultra İnce", "Sessiz"), "Model",
                         ("Standart", "Pro", "Max"), (299, 9999), size_priced=True),
    "kitap": Family(("Kayıp", "Sessiz", "Son", "Unutulmuş", "Gizli", "Uzak"), (), "Baskı",
                    ("Cep Boy", "Karton Kapak", "Ciltli", "Özel Baskı"), (49, 399), tax_rate=10, coloured=False,
                    size_priced=True),
    "kirtasiye": Family(("Spiralli", "Çizgili", "Kareli", "Renkli", "Mini"),
                        ("Kraft", "Deri Kapaklı", "Geri Dönüşümlü"), "Ebat", ("A6", "A5", "A4"), (39, 349)),
    "hobi": Family(("Eğitici", "Eğlenceli", "Klasik", "Ahşap"), (), "Yaş Grubu",
                   ("3+ Yaş", "6+ Yaş", "9+ Yaş", "12+ Yaş"), (99, 899), coloured=False),
    "gida": Family(("Organik", "Doğal", "Ev Yapımı", "Yöresel", "Katkısız"), (), "Gramaj",
                   ("250 g", "500 g", "1 kg", "2 kg"), (59, 599), tax_rate=1, coloured=False, size_priced=True),
    "kozmetik": Family(("Nemlendirici", "Onarıcı", "Vegan", "Doğal", "Yoğun"),
                       ("Aloe Veralı", "Hyaluronik Asitli", "Argan Yağlı", "Keratinli", "C Vitaminli"), "Hacim",
                       ("50 ml", "100 ml", "200 ml", "400 ml"), (99, 999), coloured=False, size_priced=True),
}  # fmt: skip

Leaf = str | tuple[str, tuple[str, ...]]
"""A leaf category: its name (also the products' noun), or its name and the nouns its products take."""

TREE: dict[str, dict[str, tuple[str, tuple[Leaf, ...]]]] = {
    "Kadın": {
        "Giyim": ("giyim", ("Elbise", "Tişört", "Gömlek", "Bluz", "Kazak", "Pantolon", "Etek", "Ceket")),
        "Ayakkabı": ("kadin_ayakkabi", ("Spor Ayakkabı", "Topuklu Ayakkabı", "Bot", "Sandalet", "Babet")),
        "Çanta & Aksesuar": ("aksesuar", ("Omuz Çantası", "Sırt Çantası", "Cüzdan", "Şal")),
    },
    "Erkek": {
        "Giyim": ("giyim", ("Tişört", "Gömlek", "Kazak", "Pantolon", "Mont", "Eşofman Takımı", "Sweatshirt")),
        "Ayakkabı": ("erkek_ayakkabi", ("Spor Ayakkabı", "Klasik Ayakkabı", "Bot", "Terlik")),
        "Aksesuar": ("aksesuar", ("Kemer", "Cüzdan", "Şapka", "Sırt Çantası")),
    },
    "Çocuk": {
        "Kız Çocuk": ("cocuk", ("Elbise", "Tişört", "Tayt")),
        "Erkek Çocuk": ("cocuk", ("Tişört", "Şort", "Eşofman Takımı")),
        "Bebek": ("bebek", ("Tulum", "Body", "Zıbın")),
    },
    "Ev & Yaşam": {
        "Mutfak": ("mutfak", ("Tencere", "Tava", "Çaydanlık", "Bıçak Seti", "Saklama Kabı")),
        "Sofra": ("sofra", ("Yemek Takımı", "Bardak Seti", "Çatal Bıçak Takımı")),
        "Ev Tekstili": ("ev_tekstili", ("Nevresim Takımı", "Havlu", "Battaniye", "Yastık", "Perde")),
        "Dekorasyon": ("dekorasyon", ("Vazo", "Mum", "Çerçeve", "Halı")),
    },
    "Elektronik": {
        "Telefon Aksesuarları": ("elektronik", ("Kulaklık", "Şarj Cihazı", "Telefon Kılıfı", "Powerbank")),
        "Bilgisayar": ("elektronik", ("Klavye", "Mouse", "Laptop Çantası", "Monitör")),
        "Küçük Ev Aletleri": ("elektronik", ("Kahve Makinesi", "Blender", "Ütü", "Süpürge")),
    },
    "Kitap & Hobi": {
        "Kitap": ("kitap", (
            ("Roman", ("Şehrin Sırları", "Denizin Hikâyesi", "Zamanın Yolcusu", "Ormanın Çocukları")),
            ("Çocuk Kitabı", ("Ayıcığın Macerası", "Bulutların Şarkısı", "Küçük Kaşif")),
            ("Tarih", ("İmparatorluğun Günleri", "Anadolu'nun Hikâyesi", "İpek Yolu Notları")),
            ("Kişisel Gelişim", ("Başarının Anahtarı", "Zihnin Gücü", "Sabah Alışkanlıkları")),
        )),
        "Kırtasiye": ("kirtasiye", ("Defter", "Ajanda", "Not Defteri")),
        "Oyun & Hobi": ("hobi", ("Yapboz", "Kutu Oyunu", "Boya Seti")),
    },
    "Süpermarket": {
        "Kahvaltılık": ("gida", (
            ("Bal", ("Çiçek Balı", "Çam Balı", "Kestane Balı")),
            ("Reçel", ("Vişne Reçeli", "Kayısı Reçeli", "İncir Reçeli")),
            ("Zeytin", ("Gemlik Zeytini", "Siyah Zeytin", "Yeşil Zeytin")),
            ("Peynir", ("Beyaz Peynir", "Kaşar Peyniri", "Tulum Peyniri")),
        )),
        "İçecek": ("gida", (
            ("Çay", ("Rize Çayı", "Siyah Çay", "Yeşil Çay")),
            ("Türk Kahvesi", ("Türk Kahvesi", "Dibek Kahvesi", "Menengiç Kahvesi")),
            ("Bitki Çayı", ("Ihlamur", "Adaçayı", "Papatya Çayı")),
        )),
        "Temel Gıda": ("gida", (
            ("Makarna", ("Burgu Makarna", "Erişte", "Kuskus")),
            ("Bakliyat", ("Kırmızı Mercimek", "Nohut", "Bulgur")),
            ("Zeytinyağı", ("Sızma Zeytinyağı", "Erken Hasat Zeytinyağı")),
        )),
    },
    "Kozmetik": {
        "Cilt Bakımı": ("kozmetik", ("Nemlendirici Krem", "Yüz Temizleme Jeli", "Güneş Kremi")),
        "Saç Bakımı": ("kozmetik", ("Şampuan", "Saç Kremi", "Saç Maskesi")),
    },
}  # fmt: skip

BRANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Anadolu Tekstil", ("giyim", "ev_tekstili")), ("Boğaziçi Moda", ("giyim", "aksesuar")),
    ("Çınar Çocuk", ("cocuk", "bebek")), ("Defne Butik", ("giyim", "aksesuar")),
    ("Ege Pamuk", ("giyim", "ev_tekstili", "bebek")), ("Fıstık Oyuncak", ("hobi", "cocuk")),
    ("Galata Deri", ("kadin_ayakkabi", "erkek_ayakkabi", "aksesuar")),
    ("Hisar Ayakkabı", ("kadin_ayakkabi", "erkek_ayakkabi")),
    ("Ilgaz Outdoor", ("erkek_ayakkabi", "giyim")), ("Kapadokya Seramik", ("sofra", "dekorasyon")),
    ("Lale Kozmetik", ("kozmetik",)), ("Marmara Elektronik", ("elektronik",)),
    ("Nazar Ev", ("dekorasyon", "ev_tekstili")), ("Ozan Yayınları", ("kitap",)),
    ("Pera Kırtasiye", ("kirtasiye", "hobi", "kitap")), ("Rumeli Gıda", ("gida",)),
    ("Sedef Kozmetik", ("kozmetik",)), ("Toros Mutfak", ("mutfak", "sofra")),
    ("Tuna Teknoloji", ("elektronik", "mutfak")), ("Yayla Gıda", ("gida",)),
)  # fmt: skip
"""20 brands, each with the families it makes."""

_SENTENCES = (
    "Günlük kullanım için tasarlandı.", "Uzun ömürlü ve kolay bakım.", "Türkiye'de üretilmiştir.",
    "Şık ve kullanışlı.", "Hediye için ideal.", "Sezonun en sevilen ürünlerinden.",
)  # fmt: skip
_DISCOUNTS = (10, 15, 20, 25, 30, 40)


@attrs.frozen
class LeafCategory:
    path: tuple[str, str, str]
    family: str
    nouns: tuple[str, ...]


def leaves() -> list[LeafCategory]:
    found = []
    for top, mids in TREE.items():
        for mid, (family, items) in mids.items():
            for leaf in items:
                name, nouns = (leaf, (leaf,)) if isinstance(leaf, str) else leaf
                found.append(LeafCategory((top, mid, name), family, nouns))
    return found


_LEAVES = leaves()


def option_values() -> dict[str, list[str]]:
    """Every option key the demo uses with its values in display order (sizes small to large)."""
    keys: dict[str, list[str]] = {COLOUR_KEY: list(COLOURS)}
    for family in FAMILIES.values():
        values = keys.setdefault(family.size_key, [])
        values.extend(v for v in family.sizes if v not in values)
    return keys


def code_part(text: str) -> str:
    """'Kırmızı' -> 'KIRMIZI', '250 g' -> '250G': the ASCII a code is made of."""
    return re.sub(r"[^a-z0-9]+", "", search_key(text)).upper() or "X"


def brand_code(name: str) -> str:
    return "-".join(code_part(word) for word in name.split())


def product_code(n: int) -> str:
    return f"DEMO-{n:05d}"


def demo_products(count: int, seed: int = SEED) -> Iterator[list[Row]]:
    """Products 1..count, each as its variants' rows, numbered as the lines of a CSV with a header line."""
    line = 2
    for n in range(1, count + 1):
        rows = _product_rows(n, random.Random(f"{seed}:{n}"))
        for row in rows:
            row["line"], line = line, line + 1
        yield rows


def demo_rows(count: int, seed: int = SEED) -> list[Row]:
    return [row for rows in demo_products(count, seed) for row in rows]


def _product_rows(n: int, rng: random.Random) -> list[Row]:
    leaf = rng.choice(_LEAVES)
    family = FAMILIES[leaf.family]
    brand = rng.choice([name for name, families in BRANDS if leaf.family in families])
    words = [rng.choice(family.adjectives), rng.choice(family.materials) if family.materials else "",
             rng.choice(leaf.nouns)]  # fmt: skip
    name = " ".join(w for w in words if w)
    colours = rng.sample(COLOURS, rng.choice((2, 2, 2, 3, 3))) if family.coloured else [""]
    width = rng.choice((2, 2, 2, 3, 3)) if family.coloured else rng.choice((3, 4))
    width = min(width, len(family.sizes))
    start = rng.randrange(len(family.sizes) - width + 1)
    sizes = family.sizes[start : start + width]
    whole, cents = rng.randrange(family.price[0], family.price[1], 10), rng.choice(("90", "99"))
    step = max(10, whole // 40 * 10)  # about a quarter more per size up
    discount = rng.choice(_DISCOUNTS) if rng.random() < 0.3 else 0
    product = {
        "product_code": product_code(n), "product_name": name, "brand_code": brand_code(brand), "brand_name": brand,
        "category_path": format_path(leaf.path), "tax_rate": str(family.tax_rate),
        "description": f"{brand} {name}. {rng.choice(_SENTENCES)}",
    }  # fmt: skip
    rows: list[Row] = []
    for colour in colours:
        for index, size in enumerate(sizes):
            amount = Decimal(f"{whole + (index * step if family.size_priced else 0)}.{cents}")
            options = [(COLOUR_KEY, colour)] if colour else []
            rows.append(product | {
                "variant_code": "-".join([product["product_code"], *(code_part(v) for v in (colour, size) if v)]),
                "variant_name": "", "barcode": _ean13(f"869{n:07d}{len(rows):02d}"),
                "options": format_options([*options, (family.size_key, size)]), "currency": "TRY",
                "price": str(amount), "discount": str(_discount(amount, discount)) if discount else "",
            })  # fmt: skip
    return rows


def _discount(amount: Decimal, percent: int) -> Decimal:
    """What comes off so that the sale price also ends in the same kuruş (349.90 -> 279.90 at 20%)."""
    whole = int(amount)
    sale = whole * (100 - percent) // 100 // 10 * 10 + 9
    return Decimal(max(whole - sale, 0)).quantize(Decimal("0.01"))


def _ean13(first12: str) -> str:
    odd, even = sum(int(d) for d in first12[::2]), sum(int(d) for d in first12[1::2])
    return first12 + str((10 - (odd + 3 * even) % 10) % 10)
