"""SPARQL: the query guard, parameters, running a query (in process or in a worker that can be killed),
its results and their formats, and the saved competency queries in ``queries/*.rq``.
"""
