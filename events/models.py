"""Models of the events app: they arrive with the issue that builds it."""
