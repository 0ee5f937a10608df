"""The one adapter over moto's internals (moto is pinned in pyproject.toml).

Nothing else in fogbank imports moto. Each module here wraps one concern (the server application, Lambda's
stored functions, Logs' stored events, ...) behind plain functions, and is tested against the pinned version
so that a moto upgrade fails loudly here instead of somewhere downstream.

Example:
    >>> from fogbank.cloud.aws_state import server_app
    >>> app = server_app.create()  # a WSGI application; fogbank's HttpServer serves it
    >>> callable(app)
    True
"""
