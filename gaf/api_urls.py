"""API routes of the purchase groups, included by hub.urls under /api/v1/ (namespace "api")."""

api_patterns: list = []
