"""Exceptions whose message is written for the user (in Chinese)."""


class UserError(Exception):
    """An error the user can act on; ``str(error)`` is a complete Chinese sentence."""


class ValidationError(UserError):
    """A record failed validation; ``problems`` lists every (field, message)."""

    def __init__(self, problems):
        self.problems = list(problems)
        text = "；".join(f"{p.label}：{p.message}" for p in self.problems)
        super().__init__(text or "数据有误")


class Cancelled(Exception):
    """Raised inside long jobs when the user pressed 取消; nothing was written."""
