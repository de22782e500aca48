"""The `mlg` command line: thin commands over the library (DESIGN §6)."""
