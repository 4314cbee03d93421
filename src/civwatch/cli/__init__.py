"""The `civwatch` command line (Typer + Rich). Each command is a thin call into services."""
