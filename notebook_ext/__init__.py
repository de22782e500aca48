"""Jupyter lineage diagrams (installed as mlg.notebook).

    from mlg.notebook import LineageDiagram
    LineageDiagram(g, g.upstream("model:recs.home_ranker@4"))

A `Subgraph` shows itself as this diagram when it is the value of a cell. Importing
this package stays light: ipywidgets is imported only when a diagram is built.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LineageDiagram"]


def __getattr__(name: str) -> Any:
    if name == "LineageDiagram":
        from mlg.notebook.diagram import LineageDiagram

        return LineageDiagram
    raise AttributeError(f"module 'mlg.notebook' has no attribute {name!r}")
