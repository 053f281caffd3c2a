"""Saksfremlegg: meetings, case numbers, the prioritisation case drafted from data, rendering.

* :mod:`.numbering` – case numbers ``NN-ÅÅÅÅ`` (pure);
* :mod:`.cases` – meetings, saksliste and innstilling points over a Session;
* :mod:`.drafting` – the prioritisation case from the round's allocation, and regeneration;
* :mod:`.render` – Markdown, HTML, Word (.docx) and PDF from Jinja templates.

Nothing here imports Textual; heavy libraries (jinja2, docxtpl) load inside the renderer.
"""
