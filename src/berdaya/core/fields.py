"""Model fields Berdaya needs beyond Django's own."""

from django.db import models


class RowidOneToOneField(models.OneToOneField):
    """A one-to-one primary key that SQLite stores as the table's rowid.

    Django declares a key to a BigAutoField as `bigint`, and SQLite makes only a column declared exactly `INTEGER
    PRIMARY KEY` the rowid: any other primary key is a separate unique index, so each join through it is two B-tree
    searches (the index, then the row). Declared `integer` (SQLite's integers are 64-bit whatever the declared
    type), the join is one search and the index is not kept at all. Other databases get the usual column.
    """

    def db_type(self, connection):
        if connection.vendor == "sqlite":
            return "integer"
        return super().db_type(connection)
