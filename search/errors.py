"""What an engine raises when it cannot answer or store."""


class EngineError(Exception):
    """The engine refused or failed a request (a bug on our side, or a failed task)."""


class EngineUnavailable(EngineError):
    """The engine could not be reached in time, or answered with a server error."""
