"""How a `Subgraph` shows itself in Jupyter: the diagram where widgets run, else a table.

Called from `Subgraph._repr_mimebundle_`. Imports ipywidgets only when it is installed
and a kernel that can talk to widgets is running, so that plain Python, IPython in a
terminal and a statically rendered notebook get the HTML table and plain text.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from collections.abc import Iterable
from typing import Any

from mlg import Subgraph
from mlg.notebook.panel import subgraph_table_html

log = logging.getLogger(__name__)
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def widgets_can_render() -> bool:
    """True inside a Jupyter kernel with ipywidgets and anywidget installed."""
    if "ipykernel" not in sys.modules or "IPython" not in sys.modules:
        return False
    if any(importlib.util.find_spec(m) is None for m in ("ipywidgets", "anywidget")):
        return False
    from IPython import get_ipython

    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def mimebundle(
    sub: Subgraph, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None
) -> dict[str, Any]:
    """text/plain and text/html always; the interactive diagram when it can render."""
    bundle: dict[str, Any] = {"text/plain": repr(sub), "text/html": subgraph_table_html(sub)}
    if widgets_can_render() and (include is None or WIDGET_MIME in include):
        try:
            from mlg.notebook.diagram import LineageDiagram

            widget = LineageDiagram(None, sub)._repr_mimebundle_() or {}
            if WIDGET_MIME in widget:
                bundle[WIDGET_MIME] = widget[WIDGET_MIME]
        except Exception:  # the table still shows what the diagram would have
            log.exception("could not build the lineage diagram; showing a table instead")
    if include is not None:
        bundle = {k: v for k, v in bundle.items() if k in include}
    if exclude is not None:
        bundle = {k: v for k, v in bundle.items() if k not in exclude}
    return bundle


def result_mimebundle(
    result: Any, html: str, sub: Subgraph, include: Iterable[str] | None = None, exclude=None
) -> dict[str, Any]:
    """A result's table, and above it its subgraph's diagram where widgets run (a path
    result: a handful of assets, a diagram that fits)."""
    bundle: dict[str, Any] = {"text/plain": repr(result), "text/html": html}
    if widgets_can_render() and (include is None or WIDGET_MIME in include):
        try:
            import ipywidgets

            from mlg.notebook.diagram import LineageDiagram

            box = ipywidgets.VBox([ipywidgets.HTML(html), LineageDiagram(None, sub, height="360px")])
            widget = box._repr_mimebundle_() or {}
            if WIDGET_MIME in widget:
                bundle[WIDGET_MIME] = widget[WIDGET_MIME]
        except Exception:  # the table alone still says it all
            log.exception("could not build the diagram of a result; showing its table")
    if include is not None:
        bundle = {k: v for k, v in bundle.items() if k in include}
    if exclude is not None:
        bundle = {k: v for k, v in bundle.items() if k not in exclude}
    return bundle
