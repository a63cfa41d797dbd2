"""Domain errors shared by every app (the API maps them to status codes)."""


class StaleVersion(Exception):
    """A write based on an outdated version of a record (optimistic locking)."""

    default_message = "This record was changed by someone else. Reload it and try again."

    def __init__(self, message=None, current_version=None):
        super().__init__(message or self.default_message)
        self.current_version = current_version
