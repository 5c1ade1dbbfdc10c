"""Domain errors carry a Chinese sentence a user can act on."""


class DomainError(Exception):
    """A rule refused the request; `message` is shown to the user as is.

    `field` names the input the refusal is about, when it is about one (the name the API and the form
    use for it): the API returns it beside the message and a page can show the message at that field.
    """

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class NotAllowed(DomainError):
    code = "not_allowed"


class Conflict(DomainError):
    code = "conflict"
