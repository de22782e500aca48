"""`import mlg` and the CLI stay light: no UI toolkits imported (DESIGN §1)."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("textual", "ipywidgets", "anywidget")


def test_import_mlg_loads_no_ui_toolkit():
    code = f"import sys, mlg; mlg.open; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_cli_help_loads_no_ui_toolkit():
    code = (
        "import sys\nfrom mlg.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
    assert "Usage: " in out.stdout
