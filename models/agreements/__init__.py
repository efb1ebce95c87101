"""Persistence of agreements and their acceptances, and the batch reads the API's loaders use."""
