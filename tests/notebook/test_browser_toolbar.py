"""Every toolbar control, expand and reset in a real JupyterLab in headless Chromium.

After each action, done with the mouse and keyboard on the page, the page's Cytoscape
instance must hold exactly the nodes and edges Python describes (printed by a cell),
and the viewport must do what the action says: fit shows everything with labels of at
least 10 px on screen (font size × zoom), expand leaves the view where it was and marks
what it added, find brings the matches into view. Times are printed, never asserted.
Skips without Chromium, unless MLG_REQUIRE_BROWSER=1 (CI).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import nbformat
import pytest

from tests.notebook import jupyter_browser as jb

SHOTS = os.environ.get("MLG_SCREENSHOTS")  # a folder to keep screenshots in, to look at
ACTION_S = 120
RANKER = "model:recs.home_ranker@4"
HUB = "dataset:raw.playback_events"

jb.skip_unless_browser()

SETUP = """\
import json, tempfile
from pathlib import Path

import mlg
from mlg.notebook import LineageDiagram

g = mlg.open(Path(tempfile.mkdtemp(prefix="mlg-browser-")) / "estate.kuzu")
g.load_sample()


calls = 0


def state(d):
    global calls
    calls += 1  # every run prints something new
    sub = d.subgraph
    print("STATE" + json.dumps({
        "call": calls,
        "serial": d.view.serial,
        "nodes": sorted(d.view.node_ids),
        "edges": sorted(d.view.edge_ids),
        "complete": d.shown | d.folded == set(sub.ids) and not d.shown & d.folded,
        "assets": len(sub),
        "selected": d.selected,
        "added": sorted(d.added),
        "folded": sorted(d.folded),
        "kinds": sorted({a.kind for a in sub.assets}),
        "status": d.status.value,
    }))
"""
CELLS = [
    SETUP,
    f"d = LineageDiagram(g, g.upstream({RANKER!r}))\nd",
    "state(d)",
    f"hub = LineageDiagram(g, g.downstream({HUB!r}))\nhub",
    "state(hub)",
]
STATE_CELL, HUB_STATE_CELL = 2, 4

# what the page's Cytoscape instance holds, and where the viewport is
PAGE_JS = """el => { const cy = el._cyreg.cy; const ext = cy.extent();
  const inside = n => { const b = n.boundingBox({includeLabels: false});
    return b.x1 >= ext.x1 - 1 && b.x2 <= ext.x2 + 1 && b.y1 >= ext.y1 - 1 && b.y2 <= ext.y2 + 1; };
  const fonts = cy.nodes().map(n => parseFloat(n.style('font-size')));
  return {serial: Number(el.dataset.serial),
          nodes: cy.nodes().map(n => n.id()).sort(), edges: cy.edges().map(e => e.id()).sort(),
          zoom: cy.zoom(), pan: cy.pan(), label_px: Math.min(...fonts) * cy.zoom(),
          all_inside: cy.nodes().every(inside),
          inside: cy.nodes().filter(inside).map(n => n.id()),
          classes: Object.fromEntries(cy.nodes().map(n => [n.id(), n.classes().join(' ')]))}; }"""


@pytest.fixture(scope="module")
def browser():
    with jb.launched_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def page(browser, tmp_path_factory):
    root = tmp_path_factory.mktemp("lab-root")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "toolbar.ipynb")
    with jb.jupyterlab(root, tmp_path_factory.mktemp("lab-home")) as server:
        page = browser.new_page(viewport={"width": 1600, "height": 1100})
        page.set_default_timeout(60_000)
        page.errors, page.console = [], []
        page.on("pageerror", lambda exc: page.errors.append(f"{exc}\n{exc.stack}"))
        page.on("console", lambda msg: page.console.append(f"{msg.type}: {msg.text}"))
        page.goto(server.lab_url("toolbar.ipynb"))
        page.wait_for_selector(jb.CELLS, timeout=120_000)
        jb.wait_for_kernel_idle(page, server, "toolbar.ipynb")
        page.server = server
        for i in range(len(CELLS)):
            jb.run_cell(page, i)
            wait_idle(page)
        try:
            yield page
        finally:
            page.close()


def wait_idle(page) -> None:
    jb.wait_for_kernel_idle(page, page.server, "toolbar.ipynb")


def diagram(page, index: int = 1):
    return page.locator(jb.CELLS).nth(index).locator(".mlg-lineage-diagram")


def python_state(page, cell: int = STATE_CELL) -> dict:
    """Run the state cell again; what Python says is drawn."""
    before = jb.cell_output_text(page, cell)
    jb.run_cell(page, cell)
    deadline = time.monotonic() + ACTION_S
    while time.monotonic() < deadline:
        text = jb.cell_output_text(page, cell)
        if "STATE" in text and text != before:
            break
        page.wait_for_timeout(100)
    wait_idle(page)
    text = jb.cell_output_text(page, cell)
    return json.loads(text[text.index("STATE") + 5 :].strip().splitlines()[0])


def page_state(page, index: int, serial: int) -> dict:
    """What the page's Cytoscape instance holds once it drew Python's scene `serial`."""
    canvas = diagram(page, index).locator(".mlg-cytoscape")
    deadline = time.monotonic() + ACTION_S
    seen = None
    while time.monotonic() < deadline:
        seen = canvas.evaluate(PAGE_JS)
        if seen["serial"] >= serial:
            page.wait_for_timeout(100)  # a fit after a resize lands in the next frame
            return canvas.evaluate(PAGE_JS)
        page.wait_for_timeout(50)
    raise AssertionError(f"the page never drew scene {serial}: {seen and seen['serial']}")


def assert_drawn_as_python_says(page, index: int = 1, cell: int = STATE_CELL) -> tuple[dict, dict]:
    py = python_state(page, cell)
    seen = page_state(page, index, py["serial"])
    assert seen["serial"] == py["serial"]
    assert seen["nodes"] == py["nodes"]
    assert seen["edges"] == py["edges"]
    assert py["complete"], "Python's drawn + folded assets are not its subgraph"
    return py, seen


def act(page, what, index: int = 1) -> float:
    """Do `what` on the page; seconds until Python's new scene is drawn."""
    canvas = diagram(page, index).locator(".mlg-cytoscape")
    serial = canvas.evaluate("el => Number(el.dataset.serial)")
    started = time.perf_counter()
    what()
    deadline = time.monotonic() + ACTION_S
    while time.monotonic() < deadline:
        if canvas.evaluate("el => Number(el.dataset.serial)") > serial:
            seconds = time.perf_counter() - started
            wait_idle(page)
            return seconds
        page.wait_for_timeout(20)
    status = diagram(page, index).locator(".mlg-status").all_inner_texts()
    raise AssertionError(f"the action drew nothing new; status {status}; errors {page.errors}")


def shot(page, name: str, index: int = 1) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        diagram(page, index).screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def toolbar_button(page, text: str, index: int = 1):
    return diagram(page, index).locator(".mlg-toolbar button").filter(has_text=text).first


def node_spot(page, node_id: str, index: int = 1) -> dict:
    canvas = diagram(page, index).locator(".mlg-cytoscape")
    return jb.node_position(canvas, node_id)


def test_every_toolbar_action_draws_exactly_what_python_describes(page, capsys):
    times: list[str] = []
    py, seen = assert_drawn_as_python_says(page)
    first_view = py
    shot(page, "01-first-view")
    assert seen["all_inside"] and seen["label_px"] >= 10, seen["label_px"]
    times.append(f"first view: {len(seen['nodes'])} nodes, labels {seen['label_px']:.1f} px at fit")

    feature = toolbar_button(page, "feature")
    t = act(page, feature.click)
    py, seen = assert_drawn_as_python_says(page)
    assert "feature" not in py["kinds"] and seen["all_inside"]
    times.append(f"kind feature off: {t:.2f} s, {py['assets']} assets")
    shot(page, "02-feature-off")
    t = act(page, feature.click)
    py, seen = assert_drawn_as_python_says(page)
    assert "feature" in py["kinds"]
    times.append(f"kind feature on: {t:.2f} s, {py['assets']} assets")

    # select an asset, then change direction: it is not in the new drawing
    selected = next(n for n in seen["nodes"] if n != RANKER and not n.startswith("more:"))
    spot = node_spot(page, selected)
    act(page, lambda: page.mouse.click(spot["x"], spot["y"]))
    py, seen = assert_drawn_as_python_says(page)
    assert py["selected"] == selected
    assert "dimmed" in " ".join(seen["classes"].values())
    panel = diagram(page).locator(f".mlg-side-panel [data-asset-id='{selected}']")
    assert panel.count() == 1
    shot(page, "03-selected")

    t = act(page, toolbar_button(page, "down").click)
    py, seen = assert_drawn_as_python_says(page)
    assert py["selected"] is None and panel.count() == 0
    assert seen["all_inside"] and seen["label_px"] >= 10, seen
    times.append(f"direction down: {t:.2f} s, {py['assets']} assets")
    shot(page, "04-direction-down")
    t = act(page, toolbar_button(page, "both").click)
    py, seen = assert_drawn_as_python_says(page)
    assert seen["all_inside"]
    times.append(f"direction both: {t:.2f} s, {py['assets']} assets")

    depth = diagram(page).locator(".mlg-toolbar select")
    t = act(page, lambda: depth.select_option(label="1"))
    py, seen = assert_drawn_as_python_says(page)
    assert seen["all_inside"]
    times.append(f"depth 1: {t:.2f} s, {py['assets']} assets")
    shot(page, "05-depth-1")

    # expand with a real double click: the view stays, what was added is marked
    target = next(n for n in seen["nodes"] if n != RANKER and not n.startswith("more:"))
    spot = node_spot(page, target)
    before = page_state(page, 1, py["serial"])
    act(page, lambda: page.mouse.dblclick(spot["x"], spot["y"]))
    deadline = time.monotonic() + ACTION_S
    while "expanded" not in python_state(page)["status"] and time.monotonic() < deadline:
        page.wait_for_timeout(200)  # the taps' redraw came first; the double tap follows
    py, seen = assert_drawn_as_python_says(page)
    assert "expanded" in py["status"] and py["added"], py["status"]
    assert seen["zoom"] == pytest.approx(before["zoom"]) and seen["pan"] == pytest.approx(before["pan"])
    assert all("added" in seen["classes"][i].split() for i in py["added"])
    times.append(f"expand {target}: {len(py['added'])} added, view kept")
    shot(page, "06-expanded")

    more = next((n for n in seen["nodes"] if n.startswith("more:")), None)
    if more is not None:
        spot = node_spot(page, more)
        before = seen
        act(page, lambda: page.mouse.click(spot["x"], spot["y"]))
        py, seen = assert_drawn_as_python_says(page)
        assert seen["zoom"] == pytest.approx(before["zoom"])
        assert py["added"] and all("added" in seen["classes"][i].split() for i in py["added"])

    search = diagram(page).locator(".mlg-toolbar input[type='text']")
    # an asset folded away if there is one, else one drawn
    needle = (py["folded"] or [n for n in py["nodes"] if not n.startswith("more:")])[0]

    def find():
        search.fill(needle)
        search.press("Enter")

    t = act(page, find)
    py, seen = assert_drawn_as_python_says(page)
    hits = [n for n, c in seen["classes"].items() if "focus" in c.split()]
    assert needle in hits and set(hits) <= set(seen["inside"]), (needle, hits, py["status"])
    times.append(f"find {needle}: {t:.2f} s, {len(hits)} match")
    shot(page, "07-find")

    page.mouse.move(5, 5)
    t = act(page, toolbar_button(page, "Fit").click)
    py, seen = assert_drawn_as_python_says(page)
    assert seen["all_inside"]
    shot(page, "08-fit")

    t = act(page, toolbar_button(page, "Reset").click)
    py, seen = assert_drawn_as_python_says(page)
    assert seen["all_inside"] and seen["label_px"] >= 10 and py["selected"] is None
    assert "feature" in py["kinds"] and py["nodes"] == first_view["nodes"]
    toolbar = diagram(page).locator(".mlg-toolbar")
    assert toolbar.locator("select").input_value() == "all"
    assert toolbar.locator("button.mod-active").filter(has_text="up").count() == 1
    assert toolbar.locator("button.mod-active").filter(has_text="feature").count() == 1
    times.append(f"reset: {t:.2f} s, {py['assets']} assets")
    shot(page, "09-reset")

    if SHOTS:
        (Path(SHOTS) / "errors.txt").write_text("\n\n".join(page.errors + page.console))
    assert not page.errors, page.errors
    assert not [m for m in page.console if "wheel" in m.lower()], page.console
    with capsys.disabled():
        print("\nToolbar actions in JupyterLab + headless Chromium (click -> drawn):")
        print("\n".join(f"  {line}" for line in times))


def test_a_big_lineage_opens_readable_and_unfolds_in_place(page, capsys):
    py, seen = assert_drawn_as_python_says(page, 3, HUB_STATE_CELL)
    shot(page, "10-hub-first-view", 3)
    assert seen["all_inside"] and seen["label_px"] >= 10, seen["label_px"]
    assert py["assets"] > 300 and any(n.startswith("more:") for n in seen["nodes"])
    more = max((n for n in seen["nodes"] if n.startswith("more:")), key=len)
    spot = node_spot(page, more, 3)
    before = seen
    t = act(page, lambda: page.mouse.click(spot["x"], spot["y"]), 3)
    py, seen = assert_drawn_as_python_says(page, 3, HUB_STATE_CELL)
    assert seen["zoom"] == pytest.approx(before["zoom"]) and seen["pan"] == pytest.approx(before["pan"])
    assert py["added"] and all("added" in seen["classes"][i].split() for i in py["added"])
    shot(page, "11-hub-unfolded", 3)
    with capsys.disabled():
        print(
            f"\nhub downstream ({py['assets']} assets): first view labels {before['label_px']:.1f} px, "
            f"+N more unfolded in {t:.2f} s"
        )
