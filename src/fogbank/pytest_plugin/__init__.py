"""fogbank's pytest plugin (entry point `pytest11`: `fogbank.pytest_plugin.plugin`).

It is loaded by every pytest run in an environment with fogbank installed, so importing it is cheap and it
does nothing until one of its fixtures is used. See `plugin.py` for the options and fixtures.
"""
