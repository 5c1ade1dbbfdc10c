"""Domain errors carry a Chinese sentence a user can act on."""


class DomainError(Exception):
    """A rule refused the request; `message` is shown to the user as is."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotAllowed(DomainError):
    code = "not_allowed"


class Conflict(DomainError):
    code = "conflict"
