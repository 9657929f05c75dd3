"""HTTP: ``actorgraph serve`` (the SPARQL 1.1 Protocol and the query page) and ``actorgraph push``
(the Graph Store Protocol, or SPARQL Update).
"""
