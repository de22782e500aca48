"""The bundled sample estate (manifests under estate/) and small real-format examples."""
