"""Registry import: template, readers (xlsx/ods/xls via python-calamine, csv), OpenSID layout, dry run and commit.

The public API is in `berdaya.imports.engine`: `dry_run(...)` and `commit(...)`.
"""
