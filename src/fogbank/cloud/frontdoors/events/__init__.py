"""The events each front door sends to Lambda, and how each maps the function's answer back to HTTP."""
