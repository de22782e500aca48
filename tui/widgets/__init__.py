"""The explorer's widgets: one widget per module."""
