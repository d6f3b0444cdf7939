"""API routes of events, included by hub.urls under /api/v1/ (namespace "api")."""

api_patterns: list = []
