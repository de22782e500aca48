"""The explorer's screens: one screen per module."""
