"""An S3 endpoint for the tests: TEST_S3_URL when set (a STORAGE_URL such as
`s3://carsi-test?endpoint_url=http://127.0.0.1:9000&region=eu-central-1`, credentials from the AWS environment),
else moto's server started here as a subprocess on a free port and stopped by its PID at the end (its bucket
made publicly readable, as the URLs the API hands out need). A TEST_S3_URL bucket must allow anonymous GetObject
for tests/integration/http/test_media.py's S3 test, which fetches those URLs as a browser would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.services import free_port, stop

MOTO_BUCKET = "carsi-test"


def _wait_until_up(url: str, proc: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"moto_server exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"moto_server did not answer on {url}")


def _ensure_bucket(url: str) -> None:
    parts = urlsplit(url)
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    client = boto3.session.Session().client("s3", endpoint_url=options.get("endpoint_url"),
                                            region_name=options.get("region"))  # fmt: skip
    try:
        client.head_bucket(Bucket=parts.netloc)
    except ClientError:
        region = options.get("region")
        extra = (
            {"CreateBucketConfiguration": {"LocationConstraint": region}} if region and region != "us-east-1" else {}
        )
        client.create_bucket(Bucket=parts.netloc, **extra)


def _public_read(endpoint: str, bucket: str) -> None:
    """What production does for the URLs the API hands out: anyone may GET the objects (or a CDN fronts them)."""
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                                       "Resource": f"arn:aws:s3:::{bucket}/*"}]}  # fmt: skip
    client = boto3.session.Session().client("s3", endpoint_url=endpoint, region_name="eu-central-1")
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))


@pytest.fixture(scope="session")
def s3_storage_url() -> Iterator[str]:
    """A STORAGE_URL of a bucket that exists (no prefix: tests add their own)."""
    if url := os.environ.get("TEST_S3_URL"):
        _ensure_bucket(url)
        yield url
        return
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_DEFAULT_REGION", "eu-central-1")):  # fmt: skip
        os.environ.setdefault(name, value)
    port = free_port()
    server = Path(sys.executable).with_name("moto_server")
    proc = subprocess.Popen([str(server), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        endpoint = f"http://127.0.0.1:{port}"
        _wait_until_up(endpoint, proc)
        url = f"s3://{MOTO_BUCKET}?endpoint_url={endpoint}&region=eu-central-1"
        _ensure_bucket(url)
        _public_read(endpoint, MOTO_BUCKET)
        yield url
    finally:
        stop(proc)


def with_prefix(url: str, prefix: str) -> str:
    parts = urlsplit(url)
    return parts._replace(path="/" + prefix.strip("/")).geturl()
