"""The one error type a service raises when it refuses; views turn it into a form error or a 400/409."""


class ApplicationError(Exception):
    def __init__(self, message, *, field: str | None = None, code: str = "invalid", extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)
