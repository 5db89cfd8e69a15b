"""Importing spreadsheets that users already keep (rosters, ledgers, upstream forms).

``spreadsheet`` reads .xlsx/.xls/.csv into a plain table of cell values, ``headers`` finds
the header row and matches its columns to fields through a synonym table, and one module
per record kind (``member_import`` …) checks the rows and writes them in one transaction.
"""
