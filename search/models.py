"""Models of the search app: they arrive with the issue that builds it."""
