"""The example notebook in a real JupyterLab, in a real headless Chromium.

Runs every cell once the kernel is idle, then checks that each diagram is drawn (the
Cytoscape canvases hold pixels, and the page's Cytoscape instance has as many nodes as
Python says it drew) and that a real mouse click on a node reaches Python. Then times
drawing 100, 300 and 1,000-node subgraphs. Skips without Chromium, unless
MLG_REQUIRE_BROWSER=1 (CI), where it must run.
"""

from __future__ import annotations

import re
import shutil
import time

import nbformat
import pytest

from tests.conftest import REPO
from tests.notebook import jupyter_browser as jb

EXAMPLE = REPO / "notebook_ext" / "examples" / "lineage_tour.ipynb"
RUN_ALL_S = 300
DRAW_S = 180

jb.skip_unless_browser()

TIMING_SETUP = '''\
import time

from mlg.model import Asset
from mlg.notebook import LineageDiagram
from mlg.subgraph import Edge, Subgraph

KINDS = ("dataset", "feature", "model", "workflow", "evaluation")


def synthetic(n):
    """The upstream lineage of a0: n assets, each depending on up to 3 earlier ones."""
    assets = [Asset(f"a{i}", KINDS[i % len(KINDS)], f"asset_{i:04d}") for i in range(n)]
    edges = {Edge(f"a{p}", f"a{i}", "derived_from")
             for i in range(1, n) for p in {(i - 1) // 3, (i - 1) // 2, i // 7}}
    return Subgraph(assets, sorted(edges, key=lambda e: (e.source, e.target)), ("a0",))
'''
TIMING_CELL = """\
started = time.perf_counter()
diagram_{name} = LineageDiagram(None, synthetic({n}){cap}, readable=False)
print(f"{n} assets: widget built in {{(time.perf_counter() - started) * 1000:.0f}} ms")
diagram_{name}"""
TIMED = [
    ("100", 100, ", cap=100"),
    ("300", 300, ", cap=300"),
    ("1000", 1000, ", cap=1000"),
    ("1000_capped", 1000, ""),
]


@pytest.fixture(scope="module")
def browser():
    with jb.launched_chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab-root")
    shutil.copy(EXAMPLE, root / EXAMPLE.name)
    timing = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(TIMING_SETUP)]
        + [nbformat.v4.new_code_cell(TIMING_CELL.format(name=name, n=n, cap=cap)) for name, n, cap in TIMED]
    )
    timing.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(timing, root / "timing.ipynb")
    with jb.jupyterlab(root, tmp_path_factory.mktemp("lab-home")) as server:
        yield server


def open_notebook(browser, lab, name: str):
    page = browser.new_page(viewport={"width": 1600, "height": 1200})
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(lab.lab_url(name))
    page.wait_for_selector(jb.CELLS, timeout=120_000)
    jb.wait_for_kernel_idle(page, lab, name)
    return page, errors


def diagram_state(diagram) -> dict:
    canvas = diagram.locator(".mlg-cytoscape")
    return {
        "banner": diagram.locator(".mlg-banner").inner_text(),
        "count": canvas.evaluate(jb.NODE_COUNT_JS),
        "painted": canvas.evaluate(jb.PAINTED_JS),
    }


def wait_drawn(page, diagram, timeout_s: float = DRAW_S) -> dict:
    """Until the page's Cytoscape instance holds the nodes Python drew, painted."""
    deadline = time.monotonic() + timeout_s
    state: dict = {}
    while time.monotonic() < deadline:
        if diagram.locator(".mlg-banner").count() and diagram.locator(".mlg-cytoscape").count():
            state = diagram_state(diagram)
            count = state["count"]
            if (
                count
                and count["nodes"] == jb.expected_nodes(state["banner"])
                and max(state["painted"], default=0) > 0
            ):
                return state
        page.wait_for_timeout(50)
    raise AssertionError(f"diagram not drawn in {timeout_s} s: {state}")


def test_the_example_notebook_draws_diagrams_and_clicks_reach_python(browser, lab):
    page, errors = open_notebook(browser, lab, EXAMPLE.name)
    try:
        jb.run_all_cells(page)
        last = page.locator(jb.CELLS).count() - 1
        page.locator(jb.CELLS).nth(last).locator(".jp-OutputArea").filter(has_text="selected:").wait_for(
            timeout=RUN_ALL_S * 1000
        )
        outputs = page.locator(f"{jb.NOTEBOOK} .jp-OutputArea").all_inner_texts()
        assert not [o for o in outputs if "Traceback" in o or "Error displaying widget" in o]

        diagrams = page.locator(f"{jb.NOTEBOOK} .mlg-lineage-diagram")
        assert diagrams.count() >= 3
        for i in range(diagrams.count()):
            state = wait_drawn(page, diagrams.nth(i))
            assert len(state["painted"]) >= 3  # Cytoscape's canvas layers
        # the first diagram's subgraph, as Python counts it after the notebook expanded it
        export = next(o for o in outputs if "in the diagram's subgraph" in o)
        size = int(re.search(r"(\d+) assets in the diagram's subgraph", export).group(1))
        first = diagrams.nth(0)
        assert re.match(rf"{size} assets", diagram_state(first)["banner"].strip())
        # the big one shows "+N more" nodes and says so
        folded = [diagram_state(diagrams.nth(i))["banner"] for i in range(diagrams.count())]
        assert any("folded into" in b for b in folded)

        # a real mouse click on a node reaches Python: its side panel shows the asset
        target = "model:recs.home_ranker@4"
        canvas = first.locator(".mlg-cytoscape")
        # the notebook's find() brought its match into view; Fit brings back everything
        serial = canvas.evaluate("el => Number(el.dataset.serial)")
        first.locator(".mlg-toolbar button").filter(has_text="Fit").first.click()
        page.wait_for_function(
            "([el, s]) => Number(el.dataset.serial) > s", arg=[canvas.element_handle(), serial]
        )
        spot = jb.zoom_to(page, canvas, target)
        page.mouse.click(spot["x"], spot["y"])
        first.locator(f".mlg-side-panel [data-asset-id='{target}']").wait_for(timeout=30_000)
        # ... and a kernel variable changed: run the last cell again
        jb.run_cell(page, last)
        page.locator(jb.CELLS).nth(last).locator(".jp-OutputArea").filter(
            has_text=f"selected: {target}"
        ).wait_for(timeout=60_000)

        # a real double click expands the asset in place, fetched from the graph
        before = diagram_state(first)["count"]["nodes"]
        spot = jb.zoom_to(page, canvas, target)
        page.mouse.dblclick(spot["x"], spot["y"])
        status = first.locator(".mlg-status")
        try:
            status.filter(has_text=f"expanded {target}").wait_for(timeout=30_000)
        except Exception as exc:
            page.screenshot(path=str(lab.log.parent / "dblclick.png"))
            raise AssertionError(
                f"no expand after a double click; status: {status.all_inner_texts()}"
            ) from exc
        after = wait_drawn(page, first)
        assert after["count"]["nodes"] >= before
        assert not errors, errors
    finally:
        page.close()


def test_drawing_times_for_100_300_and_1000_nodes(browser, lab, capsys):
    page, errors = open_notebook(browser, lab, "timing.ipynb")
    try:
        jb.run_cell(page, 0)
        page.locator(jb.CELLS).nth(0).locator(".jp-InputPrompt").filter(has_text="[1]").wait_for(
            timeout=60_000
        )
        report = []
        for index, (name, n, _cap) in enumerate(TIMED, start=1):
            started = time.perf_counter()
            jb.run_cell(page, index)
            cell = page.locator(jb.CELLS).nth(index)
            diagram = cell.locator(".mlg-lineage-diagram")
            diagram.wait_for(timeout=DRAW_S * 1000)
            state = wait_drawn(page, diagram)
            seconds = time.perf_counter() - started
            built = jb.cell_output_text(page, index).splitlines()[0]
            report.append(
                f"{name:>12}: {state['count']['nodes']:>5} nodes "
                f"{state['count']['edges']:>5} edges drawn in {seconds:6.2f} s "
                f"({built})"
            )
            if "capped" not in name:
                assert state["count"]["nodes"] == n
        with capsys.disabled():  # the figures are the point: shown even under -q
            print("\nDraw time in JupyterLab + headless Chromium (run cell -> painted):")
            print("\n".join(report))
        assert not errors, errors
    finally:
        page.close()
