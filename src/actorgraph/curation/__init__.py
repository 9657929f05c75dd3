"""Curated data: ``data/curated/*.yaml`` read with line numbers, every record checked, compiled to RDF,
and validated against the ontology's SHACL shapes.
"""
