"""`carsi demo load --products N`, `carsi catalog import` and `carsi catalog export` on a real database."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from core.catalog.rows import COLUMNS
from entrypoints.cli.main import cli
from tests.conftest import FAST_HASH

HEADER = ",".join(COLUMNS)
GOOD = [
    "BLZ-1,Keten Bluz,DEFNE,Defne Butik,Kadın > Giyim > Bluz,10,Yazlık,BLZ-1-KRM-S,,8690000001002,"
    "Renk=Kırmızı;Beden=S,TRY,349.90,",
    "BLZ-1,Keten Bluz,DEFNE,Defne Butik,Kadın > Giyim > Bluz,10,Yazlık,BLZ-1-KRM-M,,,"
    "Renk=Kırmızı;Beden=M,TRY,349.90,70",
    'CAY-1,Rize Çayı,YAYLA,Yayla Gıda,Süpermarket > İçecek > Çay,1,"Taze, tavşan kanı",CAY-1-500,,,Gramaj=500 g,'
    "TRY,149.90,",
]


def _runner(database_url: str, tmp_path: Path) -> CliRunner:
    """The `carsi` command on a migrated database, jobs in-process, cheap password hashing."""
    env: dict[str, str | None] = {"DATABASE_URL": database_url, "PROFILE": "test", "VAR_DIR": str(tmp_path / "var"),
                                  "REDIS_URL": None, "SMTP_URL": None, "LOG_LEVEL": "WARNING"}  # fmt: skip
    env |= {k.upper(): str(v) for k, v in FAST_HASH.items()}
    return CliRunner(env=env)


@pytest.fixture
def carsi(sqlite_url: str, tmp_path: Path) -> CliRunner:
    return _runner(sqlite_url, tmp_path)


@pytest.fixture
def carsi_pg(pg_url: str, tmp_path: Path) -> CliRunner:
    return _runner(pg_url, tmp_path)


def run(runner: CliRunner, *args: str, input: str | None = None) -> Result:
    return runner.invoke(cli, list(args), input=input, catch_exceptions=False)


def exported(runner: CliRunner) -> list[dict[str, str]]:
    result = run(runner, "catalog", "export")
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def write(path: Path, *lines: str) -> str:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return str(path)


def test_demo_load_loads_the_catalog_once_and_grows_it_later(carsi: CliRunner) -> None:
    first = run(carsi, "demo", "load", "--products", "20")
    assert first.exit_code == 0, first.output
    assert "demo catalog of 20 products (0 loaded before)" in first.stdout
    assert "product: 20" in first.stdout and "brand:" in first.stdout
    rows = exported(carsi)
    assert len({r["product_code"] for r in rows}) == 20 and len(rows) >= 60

    again = run(carsi, "demo", "load", "--products", "20")
    assert "(20 loaded before)" in again.stdout and "nothing new" in again.stdout
    assert exported(carsi) == rows

    grown = run(carsi, "demo", "load", "--products", "30")
    assert "(0 loaded before)" in grown.stdout and "product: 10," in grown.stdout
    assert len({r["product_code"] for r in exported(carsi)}) == 30


def test_demo_load_without_a_catalog(carsi: CliRunner) -> None:
    result = run(carsi, "demo", "load", "--products", "0")
    assert result.exit_code == 0 and "demo catalog" not in result.stdout
    assert exported(carsi) == []


def test_import_then_export_round_trips(carsi: CliRunner, tmp_path: Path) -> None:
    result = run(carsi, "catalog", "import", write(tmp_path / "in.csv", *GOOD))
    assert result.exit_code == 0, result.output
    assert "created: brand 2, category 6, option_key 3, option_value 4, product 2, variant 3" in result.stdout
    rows = exported(carsi)
    assert [(r["product_code"], r["variant_code"], r["price"], r["discount"]) for r in rows] == [
        ("BLZ-1", "BLZ-1-KRM-M", "349.90", "70.00"), ("BLZ-1", "BLZ-1-KRM-S", "349.90", ""),
        ("CAY-1", "CAY-1-500", "149.90", "")]  # fmt: skip
    assert rows[2]["description"] == "Taze, tavşan kanı" and rows[0]["category_path"] == "Kadın > Giyim > Bluz"

    out = tmp_path / "out.csv"
    assert run(carsi, "catalog", "export", str(out)).exit_code == 0
    again = run(carsi, "catalog", "import", str(out))
    assert "created: nothing" in again.stdout and "updated: nothing" in again.stdout


def test_semicolon_separated_files_and_stdin_are_read(carsi: CliRunner) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(csv.reader([HEADER, *GOOD[:2]]))  # options get quoted
    text = buffer.getvalue()
    result = run(carsi, "catalog", "import", "-", input=text)
    assert result.exit_code == 0, result.output
    assert len(exported(carsi)) == 2


def test_a_dry_run_reports_and_writes_nothing(carsi: CliRunner, tmp_path: Path) -> None:
    result = run(carsi, "catalog", "import", "--dry-run", write(tmp_path / "in.csv", *GOOD))
    assert result.exit_code == 0, result.output
    assert "would create: brand 2" in result.stdout and "dry run: nothing written" in result.stdout
    assert exported(carsi) == []


def test_bad_rows_are_printed_by_line_and_nothing_is_imported(carsi: CliRunner, tmp_path: Path) -> None:
    bad = GOOD[1].replace("Bluz,10,", "Bluz,18,")
    path = write(tmp_path / "bad.csv", GOOD[0], bad, GOOD[2].replace("149.90", "-5"))
    result = run(carsi, "catalog", "import", path)
    assert result.exit_code == 1
    assert "line 3, tax_rate: KDV rate must be one of 0, 1, 10, 20" in result.stderr
    assert "line 4, price: must not be negative" in result.stderr
    assert "2 bad rows; nothing was imported" in result.stderr
    assert exported(carsi) == []


def test_a_file_with_unknown_or_missing_columns_is_refused(carsi: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("product_code,name,price\nP-1,Bir,1.00\n", encoding="utf-8")
    result = run(carsi, "catalog", "import", str(path))
    assert result.exit_code == 1
    assert "missing columns: product_name, brand_code, category_path, tax_rate" in result.stderr
    assert "unknown columns: name" in result.stderr


def test_the_demo_catalog_round_trips_on_postgresql(carsi_pg: CliRunner, tmp_path: Path) -> None:
    assert run(carsi_pg, "demo", "load", "--products", "15").exit_code == 0
    rows = exported(carsi_pg)
    assert all(r["price"].endswith((".90", ".99")) and r["tax_rate"] in ("1", "10", "20") for r in rows)
    out = tmp_path / "out.csv"
    assert run(carsi_pg, "catalog", "export", str(out)).exit_code == 0
    again = run(carsi_pg, "catalog", "import", str(out))
    assert "created: nothing" in again.stdout and "updated: nothing" in again.stdout, again.output
