"""Batch jobs as pure functions over DuckDB: table in, table out (../shared/CONVENTIONS.md "Pipelines").

Nothing here imports Django: the Django side extracts the input (Arrow tables), calls a function, and writes the
result back. Column names are fixed by each module; values always travel as bound parameters.
"""
