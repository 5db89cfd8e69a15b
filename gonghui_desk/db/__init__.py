"""The data layer: one SQLite file, opened through :func:`open_database`."""

from gonghui_desk.db.connection import (  # noqa: F401
    DatabaseError,
    DatabaseTooNewError,
    NotOurDatabaseError,
    open_database,
    transaction,
)
