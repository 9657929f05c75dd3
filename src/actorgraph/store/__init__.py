"""The knowledge graph: an Oxigraph store in memory, on disk (one writer under a lock) or behind a
remote SPARQL endpoint, its named graphs, and ``load()``.

:class:`KnowledgeGraph` is the facade users hold; its ``to_networkx``, ``profile`` and
``render_html`` methods import the higher layers (``network``, ``page``) when called.
"""
