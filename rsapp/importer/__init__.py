"""Import of Helse Nord application forms (søknadsskjema) from Word, PDF, text and Markdown.

Plain Python, no UI:

- :mod:`rsapp.importer.readers` turns a file into numbered lines (with page numbers),
- :mod:`rsapp.importer.splitter` finds each application in a document and sets aside what is not one,
- :mod:`rsapp.importer.fields` reads the fifteen form fields, the tables, the budget and the period,
- :mod:`rsapp.importer.service` previews an import (nothing written) and accepts it into the database.

Every problem with a file is raised as :class:`ImportFailure` (Norwegian message naming the file).
"""

from rsapp.importer.errors import ImportFailure

__all__ = ["ImportFailure"]
