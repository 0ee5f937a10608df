"""The `fogbank` command."""
