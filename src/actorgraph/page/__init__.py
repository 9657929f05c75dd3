"""What a person reads: the offline HTML page (pyvis + ``viz/``), Jupyter's rich display, and an
actor's profile, section by section with its sources.
"""
