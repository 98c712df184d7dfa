"""Git as the audit trail: year-over-year diff, the history of one id, the approval audit and the PR check.

Only ``gitio`` runs git; everything else works on the plain values it returns.
"""
