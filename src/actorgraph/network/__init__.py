"""The NetworkX side: the projection of the knowledge graph (read as N-Triples lines), its filters and
the ``actors`` view's folding, the way back to RDF, analytics, and GraphML/GEXF/node-link exports.
"""
