"""Git as the audit trail: year-over-year diff, the history of one id, the approval audit and the PR check.

How the files divide the work, from git upwards:
- ``gitio``: the only module that runs git; commits, changed files and blobs as plain values.
- ``source``: register files of the repository at any revision (or on disk), read through
  gitio and parsed once per blob; ``parsing`` is that parsing in bulk (the loader's reader,
  two processes for large batches), with ``prune`` dropping unchanged risk points first.
- ``changes``: the values passed around (a register at a place, a typed change);
  ``diff``: the pure comparison of two sets of registers, keyed by 编号.
- ``compare``: two points of history resolved, only the changed files read, diffed;
  ``summary`` counts the changes per department.
- ``timeline`` (``lzfk log``) and ``audit`` (``lzfk audit``) walk the history;
  ``findings``: how changes become findings, shared by audit and the PR check
  (``merge_check`` outside this package adds validation to it).
This package depends on the models, the loader, the code catalogue and gitio; formatting the
results for people is the reporters' job.
"""
