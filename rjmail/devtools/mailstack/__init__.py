"""A real, private mail stack on loopback for tests, demos and benchmarks (see stack.py)."""

from rjmail.devtools.mailstack.procs import MailStackError, _session_members
from rjmail.devtools.mailstack.stack import MailStack
from rjmail.devtools.smtpsink import SpooledMessage

__all__ = ["MailStack", "MailStackError", "SpooledMessage", "_session_members"]
