"""Helpers shared by the test modules: GraphQL calls, partners, agreements and referrals."""
