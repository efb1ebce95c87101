"""Persistence of the HTTP edge: users and API keys (the key read per
request: `queries.py`), idempotency records, rate-limit buckets."""
