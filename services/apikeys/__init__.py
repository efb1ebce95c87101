"""API keys: made once and shown once, listed, revoked, rolled and expired by their holders."""
