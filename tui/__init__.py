"""`mlg explore`: the Textual terminal explorer (installed as mlg.tui)."""
