"""Persistence of webhook endpoints, outbox events, deliveries and attempts."""
