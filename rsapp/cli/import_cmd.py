"""`rsapp import PATH… [--round KEY] [--yes] [--replace-changed] [--full]` and `rsapp bekreft`.

Each file is shown as a table of the fields read (missing required fields marked), with its
budget lines beside the totals the document states, its attachments and what was set aside;
then the user accepts or discards it (``--yes`` accepts without asking; without a terminal
``--yes`` is required). A new version of an application already in the portfolio shows every
field that differs; text already there is kept unless ``--replace-changed`` is given (empty
fields are filled). Amounts flagged for confirmation are saved flagged and listed at the end,
unless ``--confirm-amounts`` accepts them as shown; ``rsapp bekreft`` confirms them later.

Only what a command uses is imported: on a SQLite file that is already set up, an import runs
on the standard library's sqlite3 without loading SQLAlchemy (see :mod:`rsapp.importer.store`).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from rsapp.cli.common import CliError, print_table

if TYPE_CHECKING:
    from rsapp.importer.budget import BudgetDraft
    from rsapp.importer.service import ApplicationPlan, FilePreview
    from rsapp.importer.store import ImportStore

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
        "--replace-changed",
        action="store_true",
        help="ta inn den nye teksten også i felt som allerede har annen tekst i porteføljen "
        "(uten dette beholdes teksten i porteføljen; tomme felt fylles alltid ut)",
    )
    p.add_argument(
        "--confirm-amounts",
        action="store_true",
        help="godta beløp som må bekreftes slik de vises (et spenn med laveste beløp); "
        "uten dette lagres de som «må bekreftes» og listes til slutt",
    )
    p.add_argument("--full", action="store_true", help="vis hele teksten i hvert felt, ikke bare begynnelsen")
    p.set_defaults(handler=import_cmd)

    c = sub.add_parser(
        "bekreft",
        aliases=["confirm"],
        help="bekreft eller rett beløp som er merket «må bekreftes»",
        description="Vis budsjettlinjene som må bekreftes, og bekreft dem slik de står eller med rettet beløp og år.",
    )
    c.add_argument(
        "application_id", type=int, metavar="SØKNAD", help="søknadens nummer (id), se «rsapp liste»"
    )
    c.add_argument(
        "--linje", type=int, metavar="N", help="budsjettlinjen (1 er den første); uten: vis linjene"
    )
    c.add_argument(
        "--belop", "--beløp", dest="amount", metavar="BELØP", help="rettet beløp, f.eks. «750 000»"
    )
    c.add_argument(
        "--ar", "--år", dest="year", metavar="ÅR", help="budsjettår, f.eks. 2026 («-» for uten år)"
    )
    pick = c.add_mutually_exclusive_group()
    pick.add_argument("--lav", action="store_true", help="et spenn: bruk det laveste beløpet")
    pick.add_argument("--hoy", "--høy", action="store_true", help="et spenn: bruk det høyeste beløpet")
    c.add_argument("--alle", action="store_true", help="bekreft alle linjene som må bekreftes, slik de står")
    c.set_defaults(handler=confirm_cmd)

    h = sub.add_parser(
        "historikk",
        aliases=["history"],
        help="verdier en import har erstattet i en søknad (med gammel verdi)",
        description=(
            "Viser hver verdi en import (eller en tilbakestilling) har erstattet i søknaden, nyeste først, "
            "med endringens nummer. «rsapp tilbakestill ENDRING» legger den gamle verdien tilbake."
        ),
    )
    h.add_argument(
        "application_id", type=int, metavar="SØKNAD", help="søknadens nummer (id), se «rsapp liste»"
    )
    h.set_defaults(handler=history_cmd)

    r = sub.add_parser(
        "tilbakestill",
        aliases=["revert"],
        help="legg tilbake verdien en import erstattet (se «rsapp historikk SØKNAD»)",
        description="Legger den gamle verdien fra endringen tilbake i søknaden; verdien som står der nå, "
        "tas vare på i endringsloggen.",
    )
    r.add_argument("change_id", type=int, metavar="ENDRING", help="endringens nummer fra «rsapp historikk»")
    r.set_defaults(handler=revert_cmd)


def _short(text: str, width: int = VALUE_WIDTH) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _amount(low: int | None, high: int | None) -> str:
    from rsapp.money import format_amount_or_missing, format_kr

    if high is not None and low is not None and high != low:
        return f"{format_kr(low)} – {format_kr(high)}"
    return format_amount_or_missing(low)


def _print_plan(plan: ApplicationPlan, full: bool) -> None:
    from rsapp.dates import format_date
    from rsapp.importer.headings import REQUIRED_FIELDS, SHORT_LABELS
    from rsapp.importer.parsed import TEXT_FIELDS
    from rsapp.money import format_amount_or_missing, format_kr

    parsed = plan.parsed
    action = {
        "ny": "ny søknad",
        "oppdatering": f"ny versjon av «{plan.existing_title}» i porteføljen",
        "uendret": f"finnes allerede («{plan.existing_title}»), uendret",
    }
    print()
    print(f"Søknad {parsed.index}: {parsed.title} ({parsed.where()})")
    print(f"  Runde: {plan.round_label} ({plan.round_key}) – {action[plan.action]}")
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
        shown = (text if full else _short(text)) if text else "–"
        rows.append([SHORT_LABELS.get(key, key), shown, mark, value.where() if value else ""])
    if parsed.agreement_date:
        rows.append(["Avtaledato", format_date(parsed.agreement_date), "", ""])
    if parsed.period_text or parsed.period_start:
        period = parsed.period_text
        if parsed.period_start and parsed.period_end:
            period += f" ({format_date(parsed.period_start)}–{format_date(parsed.period_end)})"
        rows.append(["Periode", period, "", ""])
    if full:
        for label, text, mark, where in rows:
            print(f"  {label}{'  ' + mark if mark else ''}{'  (' + where + ')' if where else ''}:")
            for line in text.split("\n"):
                print(f"    {line}")
    else:
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
        print(f"  Sum av budsjettlinjene: {format_amount_or_missing(parsed.budget_sum)}")
    else:
        print("  Budsjettlinjer: ingen beløp funnet (ikke oppgitt)")
    for total in parsed.stated_totals:
        same = "stemmer" if total.amount == parsed.budget_sum else "⚠ stemmer ikke med summen"
        print(
            f"  Oppgitt i dokumentet: {total.label} {format_kr(total.amount)} ({parsed.unit} {total.line}) – {same}"
        )
    tables = {row.table for row in parsed.table_rows}
    for table in sorted(tables):
        count = sum(1 for row in parsed.table_rows if row.table == table) - 1
        print(f"  Tabell «{table}»: {count} rader")
    for attachment in parsed.attachments:
        print(f"  Vedlegg: {attachment.label} ({attachment.where()}) – lagt i «Øvrig tekst»")
    for change in plan.changes:
        if change.kind == "fylles ut":
            print(f"  Fylles ut {change.label}: «{_short(change.new, 60)}»")
        else:
            choice = "(tas inn)" if change.take else "(beholder teksten i porteføljen)"
            print(f"  Endret {change.describe()} {choice}")
    for warning in parsed.notices:
        print(f"  ⚠ {warning}")


def _print_preview(preview: FilePreview, full: bool) -> None:
    print()
    title = f"== {preview.filename}"
    if preview.applications:
        title += f": {len(preview.applications)} søknad{'er' if len(preview.applications) != 1 else ''}"
    print(title)
    for plan in preview.applications:
        _print_plan(plan, full)
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


def _store(args: argparse.Namespace) -> ImportStore:
    from rsapp.config import resolve_database_url
    from rsapp.importer.store import open_store

    url = resolve_database_url(getattr(args, "db_url", None))
    try:
        return open_store(url)
    except Exception as exc:  # noqa: BLE001 - DatabaseError and sqlite3 errors alike
        from rsapp.store.errors import describe

        # DatabaseError is Norwegian already; a driver's or the OS's error is described by its kind.
        raise CliError(describe(exc, url) or str(exc)) from None


def import_cmd(args: argparse.Namespace) -> int:
    from rsapp.importer.service import accept_preview, collect_paths, discard_preview, preview_path

    if not args.yes and not sys.stdin.isatty():
        raise CliError(
            "ingen terminal å spørre i. Kjør med --yes for å godta importen uten spørsmål, "
            "eller kjør kommandoen i en terminal for å se gjennom før du godtar."
        )
    store = _store(args)
    if args.round_key:
        with store.read() as db:
            keys = [r[0] for r in db.rows('SELECT "key" FROM "round" ORDER BY "key"')]
        if args.round_key not in keys:
            raise CliError(f"fant ingen runde «{args.round_key}». Kjente runder: {', '.join(keys)}")
    paths = collect_paths(args.paths)
    if not paths:
        raise CliError(
            "fant ingen filer å importere (.docx, .pdf, .txt eller .md) i " + ", ".join(args.paths)
        )
    results = []
    kept_fields = 0
    unconfirmed: list[tuple[str, ApplicationPlan, BudgetDraft]] = []
    for path in paths:
        preview = preview_path(store, path, args.round_key)
        if preview.error is not None:
            print(f"Feil: {preview.error}", file=sys.stderr)
            results.append(accept_preview(store, preview))
            continue
        if preview.already_imported is not None:
            print(f"\n== {preview.filename}: allerede {preview.already_imported}; hoppes over")
            results.append(accept_preview(store, preview))
            continue
        if args.replace_changed:
            for plan in preview.applications:
                plan.take_changed()
        _print_preview(preview, args.full)
        if not args.yes and not _ask(f"Godta {preview.filename}?"):
            result = discard_preview(preview)
        else:
            # the budget lines this import would save (an application whose lines are kept keeps its own)
            flagged = [
                (plan, b)
                for plan in preview.applications
                if plan.accept
                and (
                    plan.existing_id is None or any(c.key == "budget_lines" and c.take for c in plan.changes)
                )
                for b in plan.parsed.unconfirmed
            ]
            if args.confirm_amounts:
                for _, line in flagged:
                    line.confirm(pick="lav" if line.amount_high is not None else None)
            result = accept_preview(store, preview)
            kept_fields += result.kept_fields
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
    if kept_fields:
        print()
        print(
            f"{kept_fields} felt har annen tekst i porteføljen enn i den nye versjonen; teksten i porteføljen er "
            "beholdt. Kjør med --replace-changed for å ta inn den nye teksten."
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
        print(
            "Bekreft dem i søknadsbildet i appen (tast b), med «rsapp bekreft SØKNAD», "
            "eller importer med --confirm-amounts for å godta dem slik de vises."
        )
    return 1 if any(r.status == "feil" for r in results) else 0


def confirm_cmd(args: argparse.Namespace) -> int:
    from rsapp.importer.confirm import ConfirmError, budget_lines, confirm_all, confirm_line

    store = _store(args)
    try:
        if args.alle:
            done = confirm_all(store, args.application_id)
            print(f"{len(done)} beløp bekreftet slik de står.")
        elif args.linje is not None:
            pick = "lav" if args.lav else "høy" if args.hoy else None
            line = confirm_line(
                store,
                args.application_id,
                args.linje,
                amount_text=args.amount,
                year_text=args.year,
                pick=pick,
            )
            print(f"Budsjettlinje {args.linje} bekreftet: {line.year_label}, {_amount(line.amount, None)}.")
        title, lines = budget_lines(store, args.application_id)
    except ConfirmError as exc:
        raise CliError(str(exc)) from exc
    print(f"{title}:")
    print_table(
        ["Linje", "År", "Beløp", "Formål", "Kilde", ""],
        [
            [
                str(n),
                str(b.budget_year or ""),
                _amount(b.amount, b.amount_high),
                _short(b.purpose, 40),
                f"«{_short(b.source_phrase, 40)}»",
                "⚠ må bekreftes" if b.needs_confirmation else "",
            ]
            for n, b in enumerate(lines, start=1)
        ],
        right={0, 2},
    )
    return 0


def history_cmd(args: argparse.Namespace) -> int:
    from rsapp.dates import format_date
    from rsapp.importer.restore import RestoreError, replaced_values

    store = _store(args)
    try:
        title, values = replaced_values(store, args.application_id)
    except RestoreError as exc:
        raise CliError(str(exc)) from exc
    print(f"{title}:")
    if not values:
        print("Ingen verdier er erstattet av en import.")
        return 0
    rows = []
    for value in values:
        at = value.at
        when = format_date(at) if hasattr(at, "year") else str(at)[:10]
        kind = "gjenopprettet" if "gjenopprettet" in value.summary else "erstattet"
        rows.append(
            [
                str(value.change_id),
                when,
                value.label,
                kind,
                value.shown(value.old, 50),
                value.shown(value.new, 30),
            ]
        )
    print_table(["Endring", "Dato", "Felt", "Hva", "Før", "Etter"], rows, right={0})
    print("Legg en gammel verdi tilbake med «rsapp tilbakestill ENDRING».")
    return 0


def revert_cmd(args: argparse.Namespace) -> int:
    from rsapp.cli.common import cli_message
    from rsapp.importer.restore import RestoreError, restore_value

    store = _store(args)
    try:
        value = restore_value(store, args.change_id)
    except RestoreError as exc:
        raise CliError(cli_message(exc)) from exc
    print(f"Gjenopprettet {value.label.lower()}: «{value.shown(value.old)}».")
    return 0
