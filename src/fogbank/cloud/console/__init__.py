"""The local cloud's web console: stacks, functions, log search, traces, metrics and a test invoke, served on
a port of its own under /_fogbank/console/, reading the cloud through its public AWS APIs.

Example (skipped as a doctest: it needs a running local cloud):
    >>> from fogbank.cloud.console import ConsoleServer
    >>> with ConsoleServer("http://127.0.0.1:4566", "us-east-1") as console:  # doctest: +SKIP
    ...     print(console.url)
"""

from __future__ import annotations

from fogbank.cloud.console.app import CONSOLE_PATH, ConsoleApp
from fogbank.cloud.console.component import ConsoleComponent
from fogbank.cloud.console.server import DEFAULT_CONSOLE_PORT, ConsoleServer

__all__ = ["CONSOLE_PATH", "DEFAULT_CONSOLE_PORT", "ConsoleApp", "ConsoleComponent", "ConsoleServer"]
