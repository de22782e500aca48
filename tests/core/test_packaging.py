"""The built wheel installs the UI packages under the mlg namespace only (DESIGN §1)."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from tests.conftest import REPO


def test_wheel_has_no_bare_top_level_ui_packages(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("mlg-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {n.split("/")[0] for n in names if not n.startswith("mlg-")}
    assert top_level == {"mlg"}
    for needed in (
        "mlg/tui/__init__.py",
        "mlg/notebook/__init__.py",
        "mlg/cli/main.py",
        "mlg/sample_data/__init__.py",
    ):
        assert needed in names
    assert any(n.startswith("mlg/sample_data/estate/") and n.endswith(".yaml") for n in names)
    # the wheel imports on its own (pure Python wheels are importable from the zip)
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import mlg, mlg.tui, mlg.notebook, "
        "mlg.cli.main; assert mlg.__file__.startswith(sys.argv[1]), mlg.__file__; print('ok')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(wheel)], capture_output=True, text=True, cwd=tmp_path
    )
    assert out.stdout.strip() == "ok", out.stderr
