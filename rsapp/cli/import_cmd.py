"""`rsapp import PATH… [--round KEY] [--yes]`: read application forms into the portfolio.

Each file is shown as a table of the fields read (missing required fields marked), with its
budget lines and what was set aside; then the user accepts or discards it (``--yes`` accepts
without asking; without a terminal ``--yes`` is required). Amounts flagged for confirmation
are saved flagged and listed at the end, unless ``--confirm-amounts`` accepts them as shown.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from rsapp.cli.common import CliError, open_engine, print_table

if TYPE_CHECKING:
    from rsapp.importer.fields import BudgetDraft
    from rsapp.importer.service import ApplicationPlan, FilePreview

VALUE_WIDTH = 72


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import",
        aliases=["importer"],
        help="importer søknader fra Word, PDF, tekst eller Markdown (filer eller mapper)",
        description="Les søknadsskjemaer inn i porteføljen. Viser hva som er lest og spør før noe lagres.",
    )
    p.add_argument(
        "paths", nargs="+", metavar="STI", help="fil(er) eller mappe(r) med .docx, .pdf, .txt eller .md"
    )
    p.add_argument(
        "--round",
        dest="round_key",
        metavar="NØKKEL",
        help="runde å importere til (standard: etter kommunene)",
    )
    p.add_argument("--yes", "-y", action="store_true", help="godta alt uten å spørre (kreves uten terminal)")
    p.add_argument(
        "--confirm-amounts",
        action="store_true",
        help="godta beløp som må bekreftes slik de vises (et spenn med laveste beløp); "
        "uten dette lagres de som «må bekreftes» og listes til slutt",
    )
    p.set_defaults(handler=import_cmd)


def _short(text: str, width: int = VALUE_WIDTH) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _amount(low: int | None, high: int | None) -> str:
    from rsapp.money import format_amount_or_missing, format_kr

    if high is not None and low is not None and high != low:
        return f"{format_kr(low)} – {format_kr(high)}"
    return format_amount_or_missing(low)


def _print_plan(plan: ApplicationPlan) -> None:
    from rsapp.dates import format_date
    from rsapp.importer.fields import TEXT_FIELDS
    from rsapp.importer.headings import REQUIRED_FIELDS, SHORT_LABELS

    parsed = plan.parsed
    action = {
        "ny": "ny søknad",
        "oppdatering": "ny versjon av en søknad i porteføljen",
        "uendret": "finnes allerede, uendret",
    }
    print()
    print(f"Søknad {parsed.index}: {parsed.title} ({parsed.where()})")
    print(f"  Runde: {plan.round_key} – {action[plan.action]}")
    missing = set(parsed.missing_required)
    rows = []
    for key in TEXT_FIELDS:
        value = parsed.fields.get(key)
        text = value.text if value else ""
        if key == "municipalities":
            names = parsed.municipalities + [f"{n} (ny)" for n in parsed.unknown_municipalities]
            text = ", ".join(names) or text
        if not text and key not in REQUIRED_FIELDS:
            continue
        mark = "⚠ MANGLER" if key in missing else ""
        rows.append(
            [SHORT_LABELS.get(key, key), _short(text) if text else "–", mark, value.where() if value else ""]
        )
    if parsed.agreement_date:
        rows.append(["Avtaledato", format_date(parsed.agreement_date), "", ""])
    if parsed.period_text or parsed.period_start:
        period = parsed.period_text
        if parsed.period_start and parsed.period_end:
            period += f" ({format_date(parsed.period_start)}–{format_date(parsed.period_end)})"
        rows.append(["Periode", period, "", ""])
    print_table(["Felt", "Verdi", "", "Kilde"], rows)
    if parsed.budget_lines:
        print("  Budsjettlinjer:")
        print_table(
            ["År", "Beløp", "Formål", "Kilde", "Bekreft"],
            [
                [
                    str(b.budget_year or ""),
                    _amount(b.amount, b.amount_high),
                    _short(b.purpose, 40),
                    f"«{_short(b.source_phrase, 40)}»",
                    f"⚠ {b.note}" if b.needs_confirmation else "",
                ]
                for b in parsed.budget_lines
            ],
            right={1},
        )
    else:
        print("  Budsjettlinjer: ingen beløp funnet (ikke oppgitt)")
    tables = {row.table for row in parsed.table_rows}
    for table in sorted(tables):
        count = sum(1 for row in parsed.table_rows if row.table == table) - 1
        print(f"  Tabell «{table}»: {count} rader")
    for change in plan.changes:
        print(f"  Endret {change.describe()}")
    for warning in parsed.notices:
        print(f"  ⚠ {warning}")


def _print_preview(preview: FilePreview) -> None:
    print()
    title = f"== {preview.filename}"
    if preview.applications:
        title += f": {len(preview.applications)} søknad{'er' if len(preview.applications) != 1 else ''}"
    print(title)
    for plan in preview.applications:
        _print_plan(plan)
    if preview.skipped:
        print()
        count = len(preview.skipped)
        print(f"  Hoppet over ({count} {'del' if count == 1 else 'deler'} som ikke er søknadstekst):")
        for block in preview.skipped:
            print(f"    – {_short(block.describe(), 100)}")


def _ask(question: str) -> bool:
    try:
        answer = input(f"{question} [j/N] ").strip().lower()
    except EOFError:
        return False
    return answer in ("j", "ja", "y", "yes")


def import_cmd(args: argparse.Namespace) -> int:
    from rsapp.importer.service import accept_preview, collect_paths, discard_preview, preview_path

    if not args.yes and not sys.stdin.isatty():
        raise CliError(
            "ingen terminal å spørre i. Kjør med --yes for å godta importen uten spørsmål, "
            "eller kjør kommandoen i en terminal for å se gjennom før du godtar."
        )
    engine = open_engine(args)
    if args.round_key:
        from sqlmodel import Session, select

        from rsapp.models import Round

        with Session(engine) as session:
            if session.exec(select(Round).where(Round.key == args.round_key)).first() is None:
                known = ", ".join(session.exec(select(Round.key)).all())
                raise CliError(f"fant ingen runde «{args.round_key}». Kjente runder: {known}")
    paths = collect_paths(args.paths)
    if not paths:
        raise CliError(
            "fant ingen filer å importere (.docx, .pdf, .txt eller .md) i " + ", ".join(args.paths)
        )
    results = []
    unconfirmed: list[tuple[str, ApplicationPlan, BudgetDraft]] = []
    for path in paths:
        preview = preview_path(engine, path, args.round_key)
        if preview.error is not None:
            print(f"Feil: {preview.error}", file=sys.stderr)
            results.append(accept_preview(engine, preview))
            continue
        if preview.already_imported is not None:
            print(f"\n== {preview.filename}: allerede {preview.already_imported}; hoppes over")
            results.append(accept_preview(engine, preview))
            continue
        _print_preview(preview)
        if not args.yes and not _ask(f"Godta {preview.filename}?"):
            result = discard_preview(preview)
        else:
            # the budget lines this import would save (an unchanged application keeps its own)
            flagged = [
                (plan, b)
                for plan in preview.applications
                if plan.accept and plan.action != "uendret"
                for b in plan.parsed.unconfirmed
            ]
            if args.confirm_amounts:
                for _, line in flagged:
                    line.confirm(pick="lav" if line.amount_high is not None else None)
            result = accept_preview(engine, preview)
            if result.status in ("importert", "oppdatert") and flagged:
                if args.confirm_amounts:
                    print(f"  {len(flagged)} beløp bekreftet slik de vises (--confirm-amounts).")
                else:
                    unconfirmed.extend((preview.filename, plan, b) for plan, b in flagged)
        if result.status == "feil":
            print(f"Feil: {result.message}", file=sys.stderr)
        else:
            print(f"→ {result.message}")
        results.append(result)
    print()
    print("Resultat:")
    print_table(
        ["Fil", "Status", "Melding"], [[r.filename, r.status, _short(r.message, 90)] for r in results]
    )
    if unconfirmed:
        print()
        print(f"⚠ {len(unconfirmed)} beløp er lagret som «må bekreftes»:")
        print_table(
            ["Fil", "Søknad", "År", "Beløp", "Hvorfor"],
            [
                [
                    filename,
                    _short(plan.parsed.title, 40),
                    str(b.budget_year or ""),
                    _amount(b.amount, b.amount_high),
                    b.note,
                ]
                for filename, plan, b in unconfirmed
            ],
            right={3},
        )
        print("Bekreft dem i appen, eller importer med --confirm-amounts for å godta dem slik de vises.")
    return 1 if any(r.status == "feil" for r in results) else 0
