"""The project's vocabulary: namespaces and CURIEs, the ontology and its shapes, dates at their
precision, and names (normalisation keys and the index that finds entities by label or alias).

The lowest layer: it imports nothing else from actorgraph but ``_errors`` and ``_resources``.
"""
