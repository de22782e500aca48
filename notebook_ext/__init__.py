"""Jupyter lineage diagrams (installed as mlg.notebook)."""
