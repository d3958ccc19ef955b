import psycopg
import redis


def test_postgres_database_is_migrated(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() is not None


def test_redis_answers(redis_url: str) -> None:
    assert redis.Redis.from_url(redis_url).ping()
