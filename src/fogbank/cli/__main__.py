"""`python -m fogbank.cli` runs the `fogbank` command."""

from fogbank.cli.main import run

run()
