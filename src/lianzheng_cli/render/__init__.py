"""Documents compiled from the registers: forms, notices, catalogue, handbook, progress.

Nothing here is imported by ``lzfk validate``: the Word, Jinja and graphviz libraries
are imported only inside these modules, which the document commands load lazily.
"""
