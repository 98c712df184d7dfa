"""Writers that take a loaded repository out of lzfk: spreadsheets, data tables.

One module per format; each returns or writes files and never prints.
"""
