"""Models of the gaf app: they arrive with the issue that builds it."""
