"""The HTTP edge: the ASGI app, GraphQL over HTTP (negotiation, authentication with API keys,
idempotency keys, cost-based rate limits), document downloads (signed links, PDF conversion),
runtime settings, and the `partnergraph` command line (`api.cli`).
"""
