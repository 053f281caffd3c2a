"""Rendering the documents after the saksfremlegg: innkalling, protokoll, the letter to Helse
Nord and the application summaries, from templates the secretariat can restyle.

Each kind has a folder under ``templates/`` (``innkalling``, ``protokoll``, ``oversendelse``,
``soknad``) with a Markdown template (``<kind>.md.j2``) and a Word template (``<kind>.docx``,
docxtpl tags, built by :mod:`rsapp.saksfremlegg.meeting_templates`). A folder of the same name
in the user's template folder (``--templates DIR``, ``RSAPP_TEMPLATES_DIR`` or
``<datamappe>/templates``) overrides the built-in one file by file. Rendering uses the same
sandboxed Jinja environments as the saksfremlegg (:mod:`rsapp.saksfremlegg.render`); every
Word document is finished by :func:`~rsapp.saksfremlegg.docx_finish.finish_document` (real lists,
nb-NO, the helsefellesskap as author). PDF comes from LibreOffice, several files in one run.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

from rsapp.files import FileWriteError, write_atomic
from rsapp.saksfremlegg.render import (
    ENV_TEMPLATES_DIR,
    PDF_TIMEOUT_SECONDS,
    PdfUnavailableError,
    RenderError,
    _docx_environment,
    _environment,
    _restart_numbered_lists,
    find_soffice,
)

__all__ = ["KINDS", "DocumentRenderer", "convert_to_pdf", "merge_pdfs"]

KINDS = ("innkalling", "protokoll", "oversendelse", "soknad")
FORMATS = ("md", "docx", "pdf")


def _user_folder(kind: str, override: str | Path | None) -> Path | None:
    from rsapp.config import user_data_dir

    named = override or os.environ.get(ENV_TEMPLATES_DIR)
    if named:
        root = Path(named).expanduser()
        if not root.is_dir():
            raise RenderError(f"Malmappen {root} finnes ikke.")
    else:
        root = user_data_dir() / "templates"
    folder = root / kind
    return folder if folder.is_dir() else None


class DocumentRenderer:
    """The templates of one kind: the user's folder over the built-in one."""

    def __init__(self, kind: str, templates_dir: str | Path | None = None) -> None:
        from rsapp.config import builtin_templates_dir

        if kind not in KINDS:
            raise RenderError(f"Ukjent dokumenttype «{kind}».")
        self.kind = kind
        user = _user_folder(kind, templates_dir)
        self.folders: list[Path] = [*([user] if user else []), builtin_templates_dir() / kind]
        if kind == "innkalling":  # the cases inside it use the saksfremlegg's templates
            from rsapp.saksfremlegg.render import Renderer

            self.folders += Renderer(templates_dir).folders

    def find(self, name: str) -> Path:
        for folder in self.folders:
            path = folder / name
            if path.is_file():
                return path
        raise RenderError(f"Fant ikke malen {name} i {', '.join(str(f) for f in self.folders)}.")

    def markdown(self, context: dict[str, Any]) -> str:
        from jinja2 import TemplateError, TemplateNotFound

        name = f"{self.kind}.md.j2"
        try:
            return _environment(self.folders).get_template(name).render(context)
        except TemplateNotFound as exc:
            raise RenderError(
                f"Fant ikke malen {exc.name} i {', '.join(str(f) for f in self.folders)}."
            ) from exc
        except (TemplateError, TypeError, ValueError, AttributeError, KeyError) as exc:
            line = getattr(exc, "lineno", None)
            where = f"{self.find(name)}, linje {line}" if line else str(self.find(name))
            raise RenderError(f"Feil i malen {where}: {exc}") from exc

    def docx(self, context: dict[str, Any], *, title: str = "") -> bytes:
        from docxtpl import DocxTemplate
        from jinja2 import TemplateError

        from rsapp.saksfremlegg.docx_finish import finish_document

        path = self.find(f"{self.kind}.docx")
        try:
            template = DocxTemplate(str(path))
            template.render(context, jinja_env=_docx_environment())
            _restart_numbered_lists(template.docx)
            finish_document(template.docx, author=str(context.get("helsefellesskap") or ""), title=title)
        except (TemplateError, TypeError, ValueError, AttributeError, KeyError) as exc:
            line = getattr(exc, "lineno", None)
            where = f"{path}, linje {line} i dokumentets XML" if line else str(path)
            raise RenderError(f"Feil i Word-malen {where}: {exc}") from exc
        except Exception as exc:  # noqa: BLE001 - a broken .docx (zip/xml) from the user's folder
            raise RenderError(f"Kan ikke lese Word-malen {path}: {exc}") from exc
        buffer = io.BytesIO()
        template.save(buffer)
        return buffer.getvalue()

    def render(self, context: dict[str, Any], fmt: str, *, title: str = "") -> str | bytes:
        if fmt not in FORMATS:
            raise RenderError(f"Ukjent format «{fmt}»: velg {', '.join(FORMATS)}.")
        if fmt == "md":
            return self.markdown(context)
        docx = self.docx(context, title=title)
        return docx if fmt == "docx" else convert_to_pdf({"dokument.docx": docx})["dokument.pdf"]


def convert_to_pdf(files: dict[str, bytes], *, soffice: str | None = None) -> dict[str, bytes]:
    """Convert several files (.docx, .xlsx, …) to PDF in one LibreOffice run: name.pdf -> bytes."""
    soffice = soffice or find_soffice()
    if soffice is None:
        raise PdfUnavailableError(
            "PDF lages med LibreOffice, men programmet «soffice» finnes ikke på denne maskinen. "
            "Installer LibreOffice (f.eks. pakken libreoffice-writer-nogui), eller velg en mappe i stedet."
        )
    if not files:
        return {}
    with tempfile.TemporaryDirectory(prefix=f"rsapp-pdf-{os.getpid()}-") as tmp:  # see rsapp.housekeeping
        folder = Path(tmp)
        sources = []
        for name, content in files.items():
            try:
                sources.append(str(write_atomic(folder / name, content)))
            except FileWriteError as exc:
                raise RenderError(str(exc)) from exc
        out = folder / "pdf"
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *sources,
        ]
        from rsapp.libreoffice import LibreOfficeTimeout, failure_message, run_soffice

        try:
            result = run_soffice(command, timeout=PDF_TIMEOUT_SECONDS * 2)
        except LibreOfficeTimeout as exc:
            raise RenderError(f"LibreOffice brukte for lang tid på å lage PDF ({len(files)} filer).") from exc
        except OSError as exc:
            raise PdfUnavailableError(
                f"Kunne ikke starte LibreOffice ({soffice}): programmet finnes ikke eller kan ikke kjøres."
            ) from exc
        converted: dict[str, bytes] = {}
        for name in files:
            target = out / (Path(name).stem + ".pdf")
            if not target.is_file():
                raise RenderError(failure_message(result.returncode, f"PDF av {name}"))
            converted[target.name] = target.read_bytes()
        return converted


def merge_pdfs(parts: list[bytes]) -> bytes:
    """One PDF of ``parts`` in order (pypdf)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in parts:
        for page in PdfReader(io.BytesIO(part)).pages:
            writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
