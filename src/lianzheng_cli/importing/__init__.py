"""``lzfk import``: legacy Word/Excel/CSV registers read into register files.

Readers (one per source kind) turn a file into plain tables; ``listing`` and ``forms``
turn tables into imported records; ``build`` gives them ids and register shape;
``plan`` decides what to write and ``emit`` writes it. The core never prints.
"""
