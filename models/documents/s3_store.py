"""Blobs and cached PDFs in S3-compatible object storage (boto3), shared by every server.

Objects are `<prefix>blobs/<sha256>` and `<prefix>pdf/<sha256>.pdf`; credentials and the
region come from boto3's usual sources (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, instance
roles...), an endpoint URL points it at any S3-compatible service.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.exceptions import ClientError

from models.documents.blobs import NamedFilesBlobStore
from models.documents.file_cache import check_key

MISSING = {"404", "NoSuchKey", "NotFound"}


def s3_client(endpoint_url: str | None, region: str | None) -> Any:
    """A boto3 S3 client (thread-safe; one per process is enough)."""
    return boto3.client("s3", endpoint_url=endpoint_url, region_name=region)


class S3Files:
    """Named immutable objects under one prefix of a bucket."""

    def __init__(self, client: Any, bucket: str, prefix: str, suffix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.suffix = suffix

    def _key(self, key: str) -> str:
        return f"{self.prefix}{check_key(key)}{self.suffix}"

    def write(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def read(self, key: str) -> bytes | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in MISSING:
                return None
            raise
        return bytes(answer["Body"].read())

    def has(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code")) in MISSING:
                return False
            raise
        return True

    # FileCache
    def load(self, key: str) -> bytes | None:
        return self.read(key)

    def save(self, key: str, data: bytes) -> None:
        self.write(key, data)


class S3BlobStore(NamedFilesBlobStore):
    """The BlobStore interface over `<prefix>blobs/`."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        super().__init__(S3Files(client, bucket, f"{prefix}blobs/"))
