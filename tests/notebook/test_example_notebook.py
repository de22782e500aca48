"""The example notebook runs top to bottom in a real kernel (nbclient), and a statically
rendered copy shows each Subgraph as a table where widgets cannot run."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from tests.conftest import REPO

EXAMPLE = REPO / "notebook_ext" / "examples" / "lineage_tour.ipynb"
WIDGET = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nb = nbformat.read(EXAMPLE, as_version=4)
    path = tmp_path_factory.mktemp("tour")
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path)}}
    ).execute()
    return nb


def outputs_of(nb, needle: str) -> list[dict]:
    [cell] = [c for c in nb.cells if c.cell_type == "code" and needle in c.source]
    return cell.outputs


def test_the_example_notebook_runs_top_to_bottom(executed):
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for c in code for o in c.outputs)
    assert "476 assets" in text and "teams to notify:" in text
    assert "selected: dataset:recs.labeled_impressions" in text


def test_diagrams_are_widgets_and_a_subgraph_value_is_one_too(executed):
    [diagram] = outputs_of(executed, "diagram = LineageDiagram(g, up)")
    assert WIDGET in diagram.data
    [value] = outputs_of(executed, 'g.downstream("dataset:raw.playback_events")')
    assert {WIDGET, "text/html", "text/plain"} <= set(value.data)
    assert "mlg-subgraph" in value.data["text/html"]
    assert value.data["text/plain"].startswith("<Subgraph roots=['dataset:raw.playback_events']")


def test_a_static_render_without_widget_state_shows_the_table(executed):
    nb = nbformat.from_dict(executed)
    nb.metadata.pop("widgets", None)  # JupyterLab does not save widget state by default
    html, _ = HTMLExporter().from_notebook_node(nb)
    assert "mlg-subgraph" in html and "dataset:raw.playback_events" in html
