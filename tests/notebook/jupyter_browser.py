"""A real JupyterLab driven by a real headless Chromium, for the notebook browser test.

JupyterLab runs on 127.0.0.1 on a free port with a token, in its own process group,
with temporary config/data/runtime/settings dirs (so nothing of the user's setup leaks
in or out) and cells not virtualised (every output stays in the DOM). Chromium is
Debian's, driven by Playwright's sync API through `executable_path`.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--disable-dev-shm-usage",
]  # containers often have a tiny /dev/shm
SERVER_START_S = 90
KERNEL_IDLE_S = 120
SETTINGS = {
    # every cell rendered, none virtualised away, so every diagram stays in the DOM
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    # no news or update pop-ups (and no network)
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}


def find_chromium() -> str | None:
    """$MLG_CHROMIUM when set (only it), else Debian's chromium, else one on PATH."""
    chosen = os.environ.get("MLG_CHROMIUM")
    candidates = (
        [chosen]
        if chosen
        else [*CHROMIUM_CANDIDATES, shutil.which("chromium"), shutil.which("chromium-browser")]
    )
    for path in candidates:
        if path and Path(path).is_file() and os.access(path, os.X_OK):
            return path
    return None


REQUIRED = os.environ.get("MLG_REQUIRE_BROWSER") == "1"
CHROMIUM = find_chromium()


def skip_unless_browser() -> None:
    """At a browser test module's top: skip it where no Chromium or Playwright is, unless
    $MLG_REQUIRE_BROWSER=1 (CI) says their absence is a failure (then the `browser`
    fixture fails with the reason)."""
    import pytest

    if REQUIRED:
        return
    if CHROMIUM is None:
        pytest.skip(
            "no Chromium found (apt-get install chromium, or set MLG_CHROMIUM); "
            "MLG_REQUIRE_BROWSER=1 makes this a failure",
            allow_module_level=True,
        )
    pytest.importorskip("playwright", reason="playwright is in the test extra")


@contextmanager
def launched_chromium():
    """A headless Debian Chromium under Playwright, closed after the block."""
    import pytest

    if CHROMIUM is None:
        pytest.fail("MLG_REQUIRE_BROWSER=1 but no Chromium found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class JupyterServer:
    url: str
    token: str
    process: subprocess.Popen
    log: Path

    def api(self, method: str, path: str) -> object:
        request = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def lab_url(self, notebook: str) -> str:
        """The notebook in a workspace of its own, so no other notebook is open beside it."""
        workspace = re.sub(r"\W", "-", notebook)
        return f"{self.url}/lab/workspaces/{workspace}/tree/{notebook}?reset&token={self.token}"

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def jupyterlab(root: Path, home: Path):
    """A JupyterLab serving `root`, its state under `home`; shut down (group killed) after."""
    dirs = {name: home / name for name in ("config", "data", "runtime", "settings", "ws")}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    for plugin, values in SETTINGS.items():
        target = dirs["settings"] / f"{plugin}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(dirs["config"]),
        "JUPYTER_DATA_DIR": str(dirs["data"]),
        "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={dirs['settings']}",
        f"--LabApp.workspaces_dir={dirs['ws']}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # CI containers run as root
    log = home / "jupyterlab.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=root, start_new_session=True
        )
    server = JupyterServer(f"http://127.0.0.1:{port}", token, process, log)
    try:
        _wait_for_server(server)
        yield server
    finally:
        _shut_down(server)


def _wait_for_server(server: JupyterServer) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited ({server.process.returncode}):\n{server.log_tail()}")
        try:
            server.api("GET", "/api/status")
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise TimeoutError(f"JupyterLab did not answer in {SERVER_START_S} s:\n{server.log_tail()}")


def _shut_down(server: JupyterServer) -> None:
    """Ask the server to stop (it shuts its kernels down), then end its process group."""
    try:
        server.api("POST", "/api/shutdown")
    except Exception:  # noqa: BLE001 - it may be gone already; the kill below is what counts
        pass
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(server.process.pid, sig)
        except ProcessLookupError:
            break
        try:
            server.process.wait(timeout=10)
            break
        except subprocess.TimeoutExpired:
            continue


# -- the page ------------------------------------------------------------------------------

NODE_COUNT_JS = """el => { const cy = el._cyreg && el._cyreg.cy;
    return cy ? {nodes: cy.nodes().length, edges: cy.edges().length} : null; }"""

# Painted (non-transparent) pixels on each of the container's canvas layers.
PAINTED_JS = """el => [...el.querySelectorAll('canvas')].map(c => {
    if (!c.width || !c.height) return 0;
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0; for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n; })"""

# Where a node is drawn, in viewport coordinates (what page.mouse.click takes).
NODE_POSITION_JS = """(el, id) => { const cy = el._cyreg.cy; const n = cy.getElementById(id);
    if (n.empty()) return null; const p = n.renderedPosition();
    const r = el.getBoundingClientRect();
    const x = r.left + p.x, y = r.top + p.y;
    return {x, y, size: n.renderedWidth(),
            inside: p.x > 0 && p.y > 0 && p.x < r.width && p.y < r.height
                    && x > 0 && y > 0 && x < innerWidth && y < innerHeight}; }"""

# the notebook on show (other tabs stay in the DOM, hidden)
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
CELLS = f"{NOTEBOOK} .jp-CodeCell"

EXPECTED_RE = re.compile(r"showing (\d+) of \d+ assets; \d+ folded into (\d+)")
TOTAL_RE = re.compile(r"^(\d+) assets")


def expected_nodes(banner: str) -> int:
    """How many nodes a diagram's banner (written by Python) says are drawn."""
    folded = EXPECTED_RE.search(banner)
    if folded:
        return int(folded.group(1)) + int(folded.group(2))
    return int(TOTAL_RE.match(banner.strip()).group(1))


def wait_for_kernel_idle(page, server: JupyterServer, notebook: str) -> None:
    """Until the notebook's kernel is idle, both for the server and in the page, three
    polls in a row: running cells before that silently does nothing."""
    deadline = time.monotonic() + KERNEL_IDLE_S
    steady = 0
    state = dom = None
    while time.monotonic() < deadline:
        sessions = server.api("GET", "/api/sessions")
        kernel = next((s["kernel"] for s in sessions if s.get("path") == notebook), None)
        state = kernel and kernel.get("execution_state")
        dom = page.evaluate(
            "() => { const e = document.querySelector('.jp-NotebookPanel:not("
            ".lm-mod-hidden) .jp-Notebook-ExecutionIndicator');"
            " return e && e.dataset.status; }"
        )
        steady = steady + 1 if state == "idle" and dom == "idle" else 0
        if steady >= 3:
            return
        time.sleep(0.5)
    raise TimeoutError(f"kernel not idle after {KERNEL_IDLE_S} s (server: {state}, page: {dom})")


def run_all_cells(page) -> None:
    page.click(".lm-MenuBar-item:has-text('Run')")
    page.click(".lm-Menu-item:has-text('Run All Cells')")


def run_cell(page, index: int) -> None:
    """Select code cell `index` (command mode) and run it in place with Ctrl+Enter."""
    cell = page.locator(CELLS).nth(index)
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-InputPrompt").click()
    page.keyboard.press("Control+Enter")


def node_position(canvas, node_id: str) -> dict:
    """Scroll a diagram into view; where `node_id` is drawn, in viewport coordinates."""
    canvas.scroll_into_view_if_needed()
    spot = canvas.evaluate(NODE_POSITION_JS, node_id)
    assert spot and spot["inside"], f"{node_id} is not drawn in view: {spot}"
    return spot


def zoom_to(page, canvas, node_id: str, size: float = 24.0) -> dict:
    """Zoom in on a node with the mouse wheel, as a user would before clicking a node
    drawn a few pixels wide in a big diagram; returns where it is drawn then."""
    spot = node_position(canvas, node_id)
    # Cytoscape.js takes wheel events within 250 ms of a page scroll as page scrolling
    page.wait_for_timeout(500)
    for _ in range(30):
        if spot["size"] >= size:
            break
        page.mouse.move(spot["x"], spot["y"])
        page.mouse.wheel(0, -240)
        page.wait_for_timeout(60)
        spot = canvas.evaluate(NODE_POSITION_JS, node_id)
    assert spot["inside"], f"{node_id} left the view while zooming: {spot}"
    assert spot["size"] >= size, f"could not zoom in on {node_id}: {spot}"
    return spot


def cell_output_text(page, index: int) -> str:
    return page.locator(CELLS).nth(index).locator(".jp-OutputArea").inner_text()
