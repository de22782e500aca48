"""The built wheel holds the whole of mlg and runs on its own (DESIGN §1).

An editable install hides a package missing from pyproject's list (the source tree is on
the path), so these tests look at the wheel itself, and install it into a fresh virtual
environment that cannot see the source tree.
"""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

# source folder -> where it lives in the wheel (pyproject's package-dir)
PACKAGE_DIRS = {
    "mlg": "mlg",
    "tui": "mlg/tui",
    "notebook_ext": "mlg/notebook",
    "sample_data": "mlg/sample_data",
}
ANSI = re.compile(
    r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78DEHMNOPZc])"
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the files git knows: setuptools' build/ folder in a
    working tree keeps modules deleted since, and would ship them."""
    source = tmp_path_factory.mktemp("source")
    for name in _listed(REPO):
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    out = tmp_path_factory.mktemp("wheel")
    command = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-q",
        "-w",
        str(out),
    ]
    subprocess.run([*command, str(source)], check=True, capture_output=True)
    return next(out.glob("mlg-*.whl"))


def _listed(repo: Path, *folders: str) -> list[str]:
    """The files git tracks, and the untracked ones it does not ignore, under `folders`."""
    return subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", *folders],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()


def _tracked_sources() -> list[str]:
    listed = _listed(REPO, *PACKAGE_DIRS)
    return [
        name
        for name in listed
        if name.endswith((".py", ".tcss", ".js", ".css", "py.typed")) and (REPO / name).exists()
    ]


def test_wheel_has_no_bare_top_level_ui_packages(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {n.split("/")[0] for n in names if not n.startswith("mlg-")}
    assert top_level == {"mlg"}
    assert any(n.startswith("mlg/sample_data/estate/") and n.endswith(".yaml") for n in names)


def test_every_source_module_is_in_the_wheel(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = _tracked_sources()
    assert "tui/screens/search.py" in sources  # the check sees subpackages
    missing = []
    for source in sources:
        folder, _, rest = source.partition("/")
        if f"{PACKAGE_DIRS[folder]}/{rest}" not in names:
            missing.append(source)
    assert not missing, f"not in the wheel (add the package to pyproject's list): {missing}"


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv with only the wheel (and its dependencies) installed."""
    home = tmp_path_factory.mktemp("fresh")
    env_dir = home / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
        capture_output=True,
        text=True,
        cwd=home,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return env_dir


def _fresh_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "MLG_"))}
    env["PATH"] = f"{home / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["HOME"] = str(home.parent)
    return env


def test_the_installed_wheel_loads_the_sample_and_reports(installed, tmp_path):
    env = _fresh_env(installed) | {"MLG_DB": str(tmp_path / "g.kuzu")}
    where = subprocess.run(
        [str(installed / "bin" / "python"), "-c", "import mlg, mlg.tui.app; print(mlg.__file__)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert where.returncode == 0, where.stderr
    assert str(installed) in where.stdout and str(REPO) not in where.stdout
    mlg_cmd = str(installed / "bin" / "mlg")
    sample = subprocess.run([mlg_cmd, "sample"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert sample.returncode == 0, sample.stderr
    stats = subprocess.run([mlg_cmd, "stats"], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert stats.returncode == 0, stats.stderr
    assert "476" in stats.stdout


def test_the_installed_wheel_runs_the_explorer(installed, tmp_path):
    """`mlg explore --demo` in a pseudo-terminal draws its welcome page and quits on q."""
    env = _fresh_env(installed) | {"TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    pid, fd = pty.fork()
    if pid == 0:  # the child: become the explorer
        os.chdir(tmp_path)
        os.execve(str(installed / "bin" / "mlg"), ["mlg", "explore", "--demo"], env)
    screen = ""
    try:
        deadline = time.monotonic() + 120
        while "Press / to find an asset" not in screen and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1.0)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                screen += ANSI.sub("", chunk.decode("utf-8", "replace"))
        assert "Press / to find an asset" in screen, screen[-2000:]
        assert "476 assets" in screen
        os.write(fd, b"q")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            select.select([fd], [], [], 0.5)
            try:
                os.read(fd, 65536)
            except OSError:
                pass
        else:
            pytest.fail("the explorer did not quit on q")
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        try:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(fd)
