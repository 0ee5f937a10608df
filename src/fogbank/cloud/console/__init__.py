"""The local cloud's web console: stacks, functions, log search, traces, metrics and a test invoke, served on
a port of its own under /_fogbank/console/, reading the cloud through its public AWS APIs.

Example (its pages read a local cloud at the endpoint given; starting it needs none):
    >>> from fogbank.cloud.console import ConsoleServer
    >>> with ConsoleServer("http://127.0.0.1:4566", "us-east-1", port=0) as console:
    ...     console.url.endswith("/_fogbank/console/")
    True
"""

from __future__ import annotations

from fogbank.cloud.console.app import CONSOLE_PATH, ConsoleApp
from fogbank.cloud.console.component import ConsoleComponent
from fogbank.cloud.console.server import DEFAULT_CONSOLE_PORT, ConsoleServer

__all__ = ["CONSOLE_PATH", "DEFAULT_CONSOLE_PORT", "ConsoleApp", "ConsoleComponent", "ConsoleServer"]
