"""`python -m civwatch`: the same as the `civwatch` command."""

from civwatch.cli.main import app

app()
