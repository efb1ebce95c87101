"""Who is calling: API keys and OpenID Connect / OAuth 2 access tokens."""
