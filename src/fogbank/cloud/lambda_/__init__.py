"""Part of the local cloud; see docs/architecture.md."""
