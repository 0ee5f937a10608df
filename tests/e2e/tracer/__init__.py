"""The tracer feature: its stack (infrastructure.py), handlers and tests.

A package, so that its package-scoped `infrastructure` fixture (deploy, then delete) ends with this folder.
"""
