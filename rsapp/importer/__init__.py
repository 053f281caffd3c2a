"""Import of Helse Nord application forms (søknadsskjema) from Word, PDF, text and Markdown.

Plain Python, no UI. From file to database:

- :mod:`~rsapp.importer.readers` (txt, md, docx, pdf) turn a file into a
  :class:`~rsapp.importer.document.Document`: numbered lines with pages, table cells and headings;
- :mod:`~rsapp.importer.tables` reads the benefit and risk tables and turns a form laid out as
  a table into heading and answer lines;
- :mod:`~rsapp.importer.splitter` finds each application in a document, sets aside what is not
  one and gives attachments (cover letters, parts repeating the form's name heading) to theirs;
- :mod:`~rsapp.importer.fields` reads the fields of one application, with the parsers
  :mod:`~rsapp.importer.headings`, :mod:`~rsapp.importer.cleanup`,
  :mod:`~rsapp.importer.attachments`, :mod:`~rsapp.importer.municipalities`,
  :mod:`~rsapp.importer.budget` and :mod:`~rsapp.importer.period`, into
  :mod:`~rsapp.importer.parsed` objects;
- :mod:`~rsapp.importer.matching` says when two texts and two applications are the same;
- :mod:`~rsapp.importer.service` previews an import (nothing written) and accepts it, through
  :mod:`~rsapp.importer.store` (the unit of work, or stdlib sqlite3 for ``rsapp import``);
- :mod:`~rsapp.importer.confirm` confirms amounts flagged «må bekreftes» after the import.

Every problem with a file is raised as :class:`ImportFailure` (Norwegian message naming the file).
"""

from rsapp.importer.errors import ImportFailure

__all__ = ["ImportFailure"]
