"""Models of the associations app: they arrive with the issue that builds it."""
