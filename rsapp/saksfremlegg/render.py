"""Render cases and meetings from Jinja templates to Markdown, HTML, Word (.docx) and PDF.

Word: **docxtpl**, not python-docx. The secretariat's layout (fonts, logo, page header) lives
in a real .docx (`templates/saksfremlegg/saksfremlegg.docx`) that they can open and restyle
in Word and drop into their own template folder, with the same Jinja tags and the same
sandboxed environment as the Markdown and HTML templates; python-docx would put the layout
in Python code that only a developer can change. (The built-in .docx is itself generated
with python-docx by :mod:`rsapp.saksfremlegg.docx_template`.)

Templates come from the user's folder first (``--templates DIR``, else ``RSAPP_TEMPLATES_DIR``,
else ``<datamappe>/templates`` when it exists), then from the built-in
``templates/saksfremlegg/``: a file with the same name overrides the built-in one. All
rendering goes through :class:`jinja2.sandbox.SandboxedEnvironment` with ``StrictUndefined``;
HTML (and the .docx XML) is autoescaped. One environment is kept per template folder
list (compiled templates are reused; a template file changed on disk is reloaded). A
template error becomes a :class:`RenderError` naming the file and line. In the .docx,
paragraphs in Word's "List Number" style (the innstilling points) restart at 1 in each
case. PDF is made by converting the .docx with LibreOffice
(``soffice --headless --convert-to pdf``) with a private profile per run.

The context handed to templates is plain dicts (see :func:`case_context` and
:func:`meeting_context`); amounts are already formatted in the texts ("Kr 500 000"),
dates are ``dd.mm.åååå``.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rsapp.dates import format_date
from rsapp.files import FileWriteError, write_atomic
from rsapp.libreoffice import find_soffice
from rsapp.saksfremlegg.numbering import format_case_number
from rsapp.saksfremlegg.points import case_points
from rsapp.saksfremlegg.records import get_case, get_meeting
from rsapp.saksfremlegg.saksliste import meeting_cases
from rsapp.store import queries
from rsapp.vocab import CASE_TYPE_LABELS, WEEKDAYS

if TYPE_CHECKING:
    from jinja2 import Environment
    from sqlmodel import Session

    from rsapp.models import Case, Meeting

__all__ = [
    "DOCX_TEMPLATE",
    "ENV_TEMPLATES_DIR",
    "FORMATS",
    "PdfUnavailableError",
    "RenderError",
    "Renderer",
    "builtin_case_templates_dir",
    "case_context",
    "context_for",
    "convert_docx_to_pdf",
    "find_soffice",
    "meeting_context",
    "meeting_file_name",
    "render_case",
    "render_meeting",
    "user_templates_dir",
    "write_meeting_document",
]

ENV_TEMPLATES_DIR = "RSAPP_TEMPLATES_DIR"
FORMATS = ("md", "html", "docx", "pdf")
DOCX_TEMPLATE = "saksfremlegg.docx"
MEETING_TEMPLATE = "moete"
PDF_TIMEOUT_SECONDS = 180


class RenderError(RuntimeError):
    """A document that cannot be rendered (Norwegian message naming the template file and line)."""


class PdfUnavailableError(RenderError):
    """LibreOffice (soffice) is not installed, so no PDF can be made."""


# --- where templates live ---------------------------------------------------------------------


def builtin_case_templates_dir() -> Path:
    from rsapp.config import builtin_templates_dir

    return builtin_templates_dir() / "saksfremlegg"


def user_templates_dir(override: str | Path | None = None) -> Path | None:
    """The user's template folder: ``override`` (``--templates``), else RSAPP_TEMPLATES_DIR,
    else ``<datamappe>/templates`` if it exists. A ``saksfremlegg/`` inside it is used when present.

    Raises :class:`RenderError` when a folder was named explicitly but does not exist.
    """
    from rsapp.config import user_data_dir

    named = override or os.environ.get(ENV_TEMPLATES_DIR)
    if named:
        folder = Path(named).expanduser()
        if not folder.is_dir():
            raise RenderError(f"Malmappen {folder} finnes ikke.")
    else:
        folder = user_data_dir() / "templates"
        if not folder.is_dir():
            return None
    nested = folder / "saksfremlegg"
    return nested if nested.is_dir() else folder


# --- context ----------------------------------------------------------------------------------


def _blocks(text: str) -> list[dict[str, Any]]:
    """Free text -> blocks: paragraphs ("p", lines) and bullet lists ("ul", items from "- " lines).

    A list block's ``levels`` gives each item's level: 2 for an indented bullet, or an item
    marked "o"/"◦" under a bullet (as Word writes a nested list), else 1.
    """
    blocks: list[dict[str, Any]] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        current: dict[str, Any] | None = None
        for raw in chunk.splitlines():
            line = raw.rstrip()
            if not line.strip():
                continue
            bullet = re.match(r"(\s*)[-•*▪]\s+(.*)", line)
            nested = re.match(r"\s*[o◦]\s+(.*)", line) if current and current["kind"] == "ul" else None
            if bullet:
                kind, content = "ul", bullet.group(2)
                level = (
                    2
                    if len(bullet.group(1).expandtabs(4)) >= 2 and current and current["kind"] == "ul"
                    else 1
                )
            elif nested:
                kind, content, level = "ul", nested.group(1), 2
            else:
                kind, content, level = "p", line.strip(), 0
            if current is None or current["kind"] != kind:
                current = {"kind": kind, "lines": [], "levels": []}
                blocks.append(current)
            current["lines"].append(content)
            current["levels"].append(level)
    return blocks


def _docx_text(blocks: list[dict[str, Any]]) -> str:
    """Blocks as one docxtpl string: paragraphs split by \\a, lines by \\n, bullet items as
    marked paragraphs that :func:`~rsapp.saksfremlegg.docx_finish.finish_document` makes a real
    Word list ("List Bullet", nested "List Bullet 2")."""
    from rsapp.saksfremlegg.docx_finish import bullet_text

    paragraphs: list[str] = []
    for block in blocks:
        if block["kind"] == "ul":
            paragraphs.extend(
                bullet_text(item, level) for item, level in zip(block["lines"], block["levels"], strict=True)
            )
        else:
            paragraphs.append("\n".join(block["lines"]))
    return "\a".join(paragraphs)


def _long_date(d) -> str:
    return f"{WEEKDAYS[d.weekday()]} {format_date(d)}"


def _case_dict(case: Case, meeting: Meeting | None, points: list) -> dict[str, Any]:
    number = format_case_number(case.number, case.year)
    saksopplysninger = _blocks(case.saksopplysninger)
    vurdering = _blocks(case.vurdering)
    attachments = [line.strip() for line in case.attachments.splitlines() if line.strip()]
    point_dicts = []
    for index, point in enumerate(points, start=1):
        lines = point.text.strip().splitlines() or [""]
        point_dicts.append(
            {
                "number": index,
                "text": point.text.strip(),
                "lines": lines,
                "first_line": lines[0],
                "more_lines": lines[1:],
                "docx": f"{index}.\t{point.text.strip()}",
                "edited": bool(point.source_key) and point.text != point.generated_text,
            }
        )
    return {
        "id": case.id,
        "number": number,
        "title": case.title,
        "heading": f"Sak {number}: {case.title}",
        "case_type": case.case_type,
        "type_label": CASE_TYPE_LABELS.get(case.case_type, case.case_type),
        "kind": case.kind,
        "final": case.final,
        "utvalg": meeting.utvalg if meeting else "",
        "meeting_date": format_date(meeting.date) if meeting else "",
        "points": point_dicts,
        "saksopplysninger": saksopplysninger,
        "vurdering": vurdering,
        "attachments": attachments,
        "docx_saksopplysninger": _docx_text(saksopplysninger),
        "docx_vurdering": _docx_text(vurdering),
    }


def _meeting_dict(session: Session, meeting: Meeting) -> dict[str, Any]:
    hf = queries.helsefellesskap(session, meeting.helsefellesskap_id) if meeting.helsefellesskap_id else None
    kind = "ekstraordinært møte" if meeting.extraordinary else "møte"
    return {
        "id": meeting.id,
        "utvalg": meeting.utvalg,
        "date": format_date(meeting.date),
        "long_date": _long_date(meeting.date),
        "extraordinary": meeting.extraordinary,
        "place": meeting.place,
        "final": meeting.final,
        "title": f"Innkalling til {kind} i {meeting.utvalg}",
        "helsefellesskap": hf.name if hf else "",
    }


def case_context(session: Session, case_id: int) -> dict[str, Any]:
    """``{"case": …, "meeting": …, "cases": [case], "innkalling": False, "helsefellesskap": …}``."""
    case = get_case(session, case_id)
    meeting = get_meeting(session, case.meeting_id) if case.meeting_id is not None else None
    case_dict = _case_dict(case, meeting, case_points(session, case_id))
    meeting_dict = _meeting_dict(session, meeting) if meeting else None
    return {
        "case": case_dict,
        "cases": [case_dict],
        "meeting": meeting_dict,
        "innkalling": False,
        "helsefellesskap": meeting_dict["helsefellesskap"] if meeting_dict else "",
        "utvalg": case_dict["utvalg"],
    }


def context_for(
    case: Any, meeting: Meeting | None, points: list[Any], helsefellesskap: str = ""
) -> dict[str, Any]:
    """A case context from objects in memory (the live preview of unsaved edits).

    ``case`` and ``points`` need the attributes of :class:`Case` and :class:`InnstillingPoint`.
    """
    case_dict = _case_dict(case, meeting, points)
    return {
        "case": case_dict,
        "cases": [case_dict],
        "meeting": None,
        "innkalling": False,
        "helsefellesskap": helsefellesskap,
        "utvalg": case_dict["utvalg"],
    }


def meeting_context(session: Session, meeting_id: int) -> dict[str, Any]:
    """``{"meeting": …, "cases": [every case in saksliste order], "innkalling": True, …}``."""
    meeting = get_meeting(session, meeting_id)
    cases = meeting_cases(session, meeting_id)
    points = queries.points_of_cases(session, [case.id for case in cases if case.id is not None])
    meeting_dict = _meeting_dict(session, meeting)
    case_dicts = [_case_dict(case, meeting, points[case.id]) for case in cases]  # type: ignore[index]
    meeting_dict["cases"] = case_dicts
    return {
        "meeting": meeting_dict,
        "cases": case_dicts,
        "innkalling": True,
        "helsefellesskap": meeting_dict["helsefellesskap"],
        "utvalg": meeting.utvalg,
    }


# --- the renderer -----------------------------------------------------------------------------


def _md_cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _indent_lines(lines: list[str], width: int) -> str:
    pad = " " * width
    return "\n".join(pad + line if line else "" for line in lines)


def _template_location(exc: BaseException, folders: list[Path]) -> tuple[str, int | None]:
    """The template file and line an exception came from (Jinja rewrites tracebacks to them)."""
    from jinja2 import TemplateSyntaxError

    if isinstance(exc, TemplateSyntaxError):
        return exc.filename or exc.name or "?", exc.lineno
    roots = [str(folder) for folder in folders]
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if any(frame.filename.startswith(root) for root in roots):
            return frame.filename, frame.lineno
    return "?", None


#: What one rendering may do at most (a template is the user's code: it must not hang rsapp or
#: eat the machine's memory). Jinja's sandbox already refuses a single range() over 100 000.
MAX_RANGE_ITEMS = 1_000_000  # every range() of one rendering together
MAX_TEXT_LENGTH = 20_000_000  # characters a "*" may build
MAX_POWER = 10_000  # the largest exponent of "**"
RENDER_SECONDS = 20.0  # wall time of one rendering


class RenderLimitError(Exception):
    """A template asked for more work than one rendering may do (Norwegian message)."""


_BUDGET = threading.local()


def _start_budget() -> bool:
    """Start the budget of a rendering; False when one is already running (a nested render)."""
    import time

    if getattr(_BUDGET, "deadline", None) is not None:
        return False
    _BUDGET.items = 0
    _BUDGET.deadline = time.monotonic() + RENDER_SECONDS
    return True


def _check_time() -> None:
    import time

    deadline = getattr(_BUDGET, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise RenderLimitError(
            f"malen gjør for mye arbeid: den brukte mer enn {RENDER_SECONDS:g} sekunder og ble stoppet"
        )


def _limited_range(*args: int) -> range:
    """The sandbox's range(), with one budget for all the ranges of one rendering."""
    from jinja2.sandbox import MAX_RANGE

    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise RenderLimitError(
            f"malen ber om range() med {len(rng):,} tall; høyst {MAX_RANGE:,} er tillatt".replace(",", " ")
        )
    if getattr(_BUDGET, "deadline", None) is None:  # not inside a rendering (a test, a macro call)
        return rng
    used = getattr(_BUDGET, "items", 0) + len(rng)
    _BUDGET.items = used
    if used > MAX_RANGE_ITEMS:
        raise RenderLimitError(
            f"malen gjør for mye arbeid: løkkene går over mer enn {MAX_RANGE_ITEMS:,} ganger til sammen".replace(
                ",", " "
            )
        )
    _check_time()
    return rng


def _sandbox_class() -> type:
    """A SandboxedEnvironment that also limits ranges, "*" and "**", and the time (made on first use)."""
    from jinja2 import Template
    from jinja2.sandbox import SandboxedEnvironment

    class BudgetTemplate(Template):
        """A template whose every rendering has its own budget (:data:`RENDER_SECONDS`, ranges)."""

        def render(self, *args: Any, **kwargs: Any) -> str:
            started = _start_budget()
            try:
                return super().render(*args, **kwargs)
            finally:
                if started:
                    _BUDGET.deadline = None

    class LimitedSandbox(SandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})
        template_class = BudgetTemplate

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.globals["range"] = _limited_range

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if operator == "**" and isinstance(right, int) and abs(right) > MAX_POWER:
                raise RenderLimitError(f"malen regner ut en for stor potens (høyst ** {MAX_POWER})")
            if operator == "*":
                for text, count in ((left, right), (right, left)):
                    if isinstance(text, (str, list, tuple)) and isinstance(count, int):
                        if len(text) * count > MAX_TEXT_LENGTH:
                            limit = f"{MAX_TEXT_LENGTH:,}".replace(",", " ")
                            raise RenderLimitError(f"malen lager for mye tekst med «*» (høyst {limit} tegn)")
            _check_time()
            return super().call_binop(context, operator, left, right)

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
            _check_time()
            return super().call(__context, __obj, *args, **kwargs)

    return LimitedSandbox


_SANDBOX: list[type] = []


def _sandbox(**kwargs: Any) -> Environment:
    if not _SANDBOX:
        _SANDBOX.append(_sandbox_class())
    return _SANDBOX[0](**kwargs)


def _escape_markdown(eval_ctx: Any, value: Any) -> Any:
    """Every value put into a Markdown template: ``<`` and ``>`` as entities, so that text from an
    application (a name with ``<script>``) cannot become HTML when the Markdown is shown. HTML
    templates are autoescaped by Jinja instead; text a template marks as safe is left alone."""
    from markupsafe import Markup

    if eval_ctx.autoescape or isinstance(value, Markup) or not isinstance(value, str):
        return value
    if "<" not in value and ">" not in value:
        return value
    return value.replace("<", "&lt;").replace(">", "&gt;")


_JINJA_SYNTAX = (
    (re.compile(r"Encountered unknown tag '([^']+)'"), "ukjent kode «{0}»"),
    (re.compile(r"unexpected end of template"), "malen slutter før en blokk er lukket (mangler en «end…»?)"),
    (re.compile(r"expected token '([^']+)', got '([^']+)'"), "ventet «{0}», men fant «{1}»"),
    (re.compile(r"[Ee]xpected an expression, got '([^']+)'"), "mangler et uttrykk før «{0}»"),
    (re.compile(r"unexpected '([^']+)'"), "uventet «{0}»"),
    (re.compile(r"unexpected char '([^']+)'"), "uventet tegn «{0}»"),
    (re.compile(r"tag name expected"), "mangler navnet på en kode etter «{%»"),
    (re.compile(r"unknown filter '([^']+)'|No filter named '([^']+)'"), "ukjent filter «{0}»"),
)


def _jinja_reason(exc: BaseException) -> str:
    """What went wrong in a template, in Norwegian (Jinja and its sandbox speak English)."""
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    text = str(exc)
    if isinstance(exc, RenderLimitError):
        return text
    if isinstance(exc, SecurityError):
        found = re.search(r"attribute '([^']+)'", text)
        if found:
            return f"malen bruker «{found.group(1)}», som ikke er tillatt i maler"
        return "malen gjør noe som ikke er tillatt i maler (sandkassen stoppet den)"
    if isinstance(exc, OverflowError):
        from jinja2.sandbox import MAX_RANGE

        return f"malen ber om en for lang range() (høyst {MAX_RANGE:,} tall)".replace(",", " ")
    if isinstance(exc, MemoryError):
        return "malen lager mer tekst enn maskinen har minne til"
    if isinstance(exc, UndefinedError):
        found = re.search(r"'([^']+)' is undefined", text)
        if found:
            return f"malen bruker «{found.group(1)}», som ikke finnes"
        found = re.search(r"has no attribute '([^']+)'", text)
        if found:
            return f"malen bruker «{found.group(1)}», som ikke finnes her"
        return "malen bruker noe som ikke finnes"
    if isinstance(exc, TemplateSyntaxError):
        for pattern, words in _JINJA_SYNTAX:
            found = pattern.search(text)
            if found:
                return "syntaksfeil: " + words.format(*(g for g in found.groups() if g is not None))
        return "syntaksfeil"
    if isinstance(exc, (TypeError, ValueError, AttributeError, KeyError)):
        return f"en verdi passer ikke der malen bruker den ({type(exc).__name__})"
    return f"feil under utfyllingen ({type(exc).__name__})"


_ENVIRONMENTS: dict[tuple[str, ...], Environment] = {}
_DOCX_ENVIRONMENT: list[Environment] = []
_ENV_LOCK = threading.Lock()


def _html_name(name: str | None) -> bool:
    return bool(name) and name.endswith((".html.j2", ".html"))  # type: ignore[union-attr]


def _environment(folders: list[Path]) -> Environment:
    """The sandboxed environment for these template folders, made once and then reused.

    Jinja keeps the compiled templates in it and reloads a template whose file changed.
    """
    key = tuple(str(folder.resolve()) for folder in folders)
    with _ENV_LOCK:
        env = _ENVIRONMENTS.get(key)
        if env is None:
            from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, pass_eval_context

            env = _sandbox(
                loader=ChoiceLoader([FileSystemLoader(folder) for folder in key]),
                autoescape=_html_name,
                undefined=StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
                keep_trailing_newline=True,
                auto_reload=True,
                finalize=pass_eval_context(_escape_markdown),
            )
            env.filters["mdcell"] = _md_cell
            env.filters["indent_lines"] = _indent_lines
            _ENVIRONMENTS[key] = env
        return env


def _docx_environment() -> Environment:
    """The sandboxed, autoescaping environment docxtpl renders the Word template's XML with."""
    with _ENV_LOCK:
        if not _DOCX_ENVIRONMENT:
            from jinja2 import StrictUndefined

            _DOCX_ENVIRONMENT.append(_sandbox(autoescape=True, undefined=StrictUndefined))
        return _DOCX_ENVIRONMENT[0]


def _restart_numbered_lists(document: Any) -> None:
    """Give each run of "List Number" paragraphs its own numbering that starts at 1.

    Word's list style shares one numbering through the document, so without this the
    second case's innstilling would continue from the first case's last point.
    """
    from docx.oxml.ns import qn

    try:
        style = document.styles["List Number"]
    except KeyError:
        return
    style_num = style.element.pPr.numPr if style.element.pPr is not None else None
    if style_num is None or style_num.numId is None:
        return
    numbering = document.part.numbering_part.element
    abstract_id = numbering.num_having_numId(style_num.numId.val).abstractNumId.val
    style_id = style.style_id
    current: int | None = None
    for child in document.element.body.iterchildren():
        p_style = child.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") if child.tag == qn("w:p") else None
        if p_style is None or p_style.get(qn("w:val")) != style_id:
            current = None
            continue
        if current is None:
            num = numbering.add_num(abstract_id)
            num.add_lvlOverride(ilvl=0).add_startOverride(1)
            current = num.numId
        num_pr = child.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = current


def _title_of(context: dict[str, Any]) -> str:
    """The Word document's title property: the meeting's innkalling or the case's heading."""
    if context.get("innkalling") and context.get("meeting"):
        return str(context["meeting"].get("title", ""))
    case = context.get("case")
    return str(case.get("heading", "")) if isinstance(case, dict) else ""


class Renderer:
    """Templates from the user's folder over the built-in ones, in one sandboxed environment.

    Creating a Renderer is cheap: the environment (and its compiled templates) is shared by
    every Renderer over the same folders.
    """

    def __init__(self, templates_dir: str | Path | None = None) -> None:
        user = user_templates_dir(templates_dir)
        self.folders: list[Path] = [*([user] if user else []), builtin_case_templates_dir()]
        self.env: Environment = _environment(self.folders)

    def find(self, name: str) -> Path:
        """The file that provides template ``name`` (the user's if present)."""
        for folder in self.folders:
            path = folder / name
            if path.is_file():
                return path
        raise RenderError(f"Fant ikke malen {name} i {', '.join(str(f) for f in self.folders)}.")

    def _fail(self, exc: BaseException, fallback: str) -> RenderError:
        filename, line = _template_location(exc, self.folders)
        if filename == "?":
            filename = fallback
        where = f"{filename}, linje {line}" if line else filename
        return RenderError(f"Feil i malen {where}: {_jinja_reason(exc)}.")

    def render_text(self, name: str, context: dict[str, Any]) -> str:
        """Render the Markdown or HTML template ``name`` (e.g. "beslutningssak.md.j2")."""
        from jinja2 import TemplateError, TemplateNotFound

        try:
            template = self.env.get_template(name)
            return template.render(context)
        except TemplateNotFound as exc:
            raise RenderError(
                f"Fant ikke malen {exc.name} i {', '.join(str(f) for f in self.folders)}."
            ) from exc
        except (
            TemplateError,
            TypeError,
            ValueError,
            AttributeError,
            KeyError,
            OverflowError,
            MemoryError,
            RenderLimitError,
        ) as exc:
            raise self._fail(exc, name) from None

    def render_docx(self, context: dict[str, Any]) -> bytes:
        """The Word document for a case or a meeting context, from ``saksfremlegg.docx``."""
        import io

        from docxtpl import DocxTemplate
        from jinja2 import TemplateError

        path = self.find(DOCX_TEMPLATE)
        try:
            template = DocxTemplate(str(path))
            template.render(context, jinja_env=_docx_environment())
            _restart_numbered_lists(template.docx)
            from rsapp.saksfremlegg.docx_finish import finish_document

            finish_document(
                template.docx, author=context.get("helsefellesskap") or "", title=_title_of(context)
            )
        except (
            TemplateError,
            TypeError,
            ValueError,
            AttributeError,
            KeyError,
            OverflowError,
            MemoryError,
            RenderLimitError,
        ) as exc:
            near = " / ".join(line.strip() for line in getattr(exc, "docx_context", []) if line.strip())
            line = getattr(exc, "lineno", None)
            where = f"{path}, linje {line} i dokumentets XML" if line else str(path)
            hint = f" (nær «{near[:120]}»)" if near else ""
            raise RenderError(f"Feil i Word-malen {where}{hint}: {_jinja_reason(exc)}.") from None
        except Exception as exc:  # noqa: BLE001 - a broken .docx (zip/xml) from the user's folder
            raise RenderError(
                f"Kan ikke lese Word-malen {path}: filen er ikke et Word-dokument rsapp kan bruke "
                f"({type(exc).__name__})."
            ) from None
        buffer = io.BytesIO()
        template.save(buffer)
        return buffer.getvalue()

    # --- whole documents ---

    def case(self, context: dict[str, Any], fmt: str) -> str | bytes:
        _check_format(fmt)
        if fmt == "md" or fmt == "html":
            return self.render_text(f"{context['case']['case_type']}.{fmt}.j2", context)
        docx = self.render_docx(context)
        return docx if fmt == "docx" else convert_docx_to_pdf(docx)

    def meeting(self, context: dict[str, Any], fmt: str) -> str | bytes:
        _check_format(fmt)
        if fmt == "md" or fmt == "html":
            return self.render_text(f"{MEETING_TEMPLATE}.{fmt}.j2", context)
        docx = self.render_docx(context)
        return docx if fmt == "docx" else convert_docx_to_pdf(docx)


def meeting_file_name(session: Session, meeting_id: int, fmt: str) -> str:
    """A file name that tells two meetings on one date apart.

    "moete-2025-10-20-sak-28-30-2025.docx" (the case numbers it holds), or with no cases
    "moete-2025-10-20-id7.docx".
    """
    meeting = get_meeting(session, meeting_id)
    numbers = sorted(case.number for case in meeting_cases(session, meeting_id))
    stem = f"moete-{meeting.date.isoformat()}"
    if not numbers:
        return f"{stem}-id{meeting.id}.{fmt}"
    year = meeting.date.year
    span = f"{numbers[0]}" if numbers[0] == numbers[-1] else f"{numbers[0]}-{numbers[-1]}"
    return f"{stem}-sak-{span}-{year}.{fmt}"


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise RenderError(f"Ukjent format «{fmt}»: velg {', '.join(FORMATS)}.")


def render_case(
    session: Session, case_id: int, fmt: str, *, templates_dir: str | Path | None = None
) -> str | bytes:
    """One case as Markdown/HTML (str) or .docx/PDF (bytes)."""
    return Renderer(templates_dir).case(case_context(session, case_id), fmt)


def render_meeting(
    session: Session, meeting_id: int, fmt: str, *, templates_dir: str | Path | None = None
) -> str | bytes:
    """The meeting document: innkalling with saksliste, then every case."""
    return Renderer(templates_dir).meeting(meeting_context(session, meeting_id), fmt)


def write_meeting_document(
    session: Session, meeting_id: int, fmt: str, folder: Path, *, templates_dir: str | Path | None = None
) -> Path:
    """Render the meeting document and write it to ``folder`` under :func:`meeting_file_name`
    (temp file + rename, readable by its owner only). Returns the file written."""
    content = render_meeting(session, meeting_id, fmt, templates_dir=templates_dir)
    return write_atomic(folder / meeting_file_name(session, meeting_id, fmt), content)


# --- PDF via LibreOffice ----------------------------------------------------------------------


def convert_docx_to_pdf(docx: bytes, *, soffice: str | None = None) -> bytes:
    """Convert a .docx to PDF with LibreOffice headless, with a private profile for this run."""
    soffice = soffice or find_soffice()
    if soffice is None:
        raise PdfUnavailableError(
            "PDF lages med LibreOffice, men programmet «soffice» finnes ikke på denne maskinen. "
            "Installer LibreOffice (f.eks. pakken libreoffice-writer-nogui), eller lag en .docx og "
            "lagre den som PDF fra Word."
        )
    # The process id in the name lets the next rsapp remove the folder if this one is killed
    # (rsapp.housekeeping); it holds the case as .docx and .pdf.
    with tempfile.TemporaryDirectory(prefix=f"rsapp-pdf-{os.getpid()}-") as tmp:
        folder = Path(tmp)
        source = folder / "saksfremlegg.docx"
        try:
            write_atomic(source, docx)  # mode 0600, like every file rsapp writes
        except FileWriteError as exc:
            raise RenderError(str(exc)) from exc
        profile = (folder / "profile").as_uri()
        command = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        from rsapp.libreoffice import LibreOfficeTimeout, failure_message, run_soffice

        try:
            result = run_soffice(command, timeout=PDF_TIMEOUT_SECONDS)
        except LibreOfficeTimeout as exc:
            raise RenderError(
                f"LibreOffice brukte mer enn {PDF_TIMEOUT_SECONDS} sekunder på å lage PDF."
            ) from exc
        except OSError as exc:
            from rsapp.files import _reason

            raise PdfUnavailableError(f"Kunne ikke starte LibreOffice ({soffice}): {_reason(exc)}.") from exc
        target = folder / "saksfremlegg.pdf"
        if result.returncode != 0 or not target.is_file():
            raise RenderError(failure_message(result.returncode, "PDF"))
        return target.read_bytes()
