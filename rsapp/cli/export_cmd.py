"""`rsapp export excel --round KEY [-o FILE] [--force]`: the prioritisation list as .xlsx."""

from __future__ import annotations

import argparse

from rsapp.cli.common import CliError, open_db


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export", aliases=["eksport"], help="eksporter en runde til fil")
    kinds = p.add_subparsers(dest="export_kind", metavar="FORMAT", required=True)
    x = kinds.add_parser(
        "excel",
        help="prioriteringslisten til Helse Nord som Excel-fil (.xlsx)",
        description="Skriver prioriteringslisten (arkene Prioritering, Pott og Regional liste) med søkt og "
        "innstilt beløp per år, regnskapet per budsjettår og formler som flytter streken når et beløp endres.",
    )
    x.add_argument(
        "--round", dest="round_key", required=True, metavar="RUNDE", help="runde, f.eks. helgeland-2026"
    )
    x.add_argument(
        "-o",
        "--output",
        dest="output",
        metavar="FIL",
        help="filen som skal skrives (standard: Prioritering_<helsefellesskap>_<år>_<dato>.xlsx i gjeldende mappe)",
    )
    x.add_argument("--force", action="store_true", help="overskriv filen hvis den finnes fra før")
    x.set_defaults(handler=excel_cmd)


def excel_cmd(args: argparse.Namespace) -> int:
    from datetime import date
    from pathlib import Path

    from rsapp.allocation import AllocationError
    from rsapp.export.excel import ExportError, ExportFileExists, default_filename, export_round
    from rsapp.portfolio import round_by_key

    today = date.today()
    db = open_db(args)
    try:
        with db.read() as reader:
            info = round_by_key(reader, args.round_key)
        target = (
            Path(args.output)
            if args.output
            else Path(default_filename(info.helsefellesskap, info.year, today))
        )
        if target.suffix.lower() != ".xlsx":
            target = target.with_name(target.name + ".xlsx")
        written = db.call(export_round, info.id, target, today=today, force=args.force)
    except LookupError as exc:
        raise CliError(str(exc)) from exc
    except ExportFileExists as exc:
        raise CliError(f"Filen {exc.path} finnes fra før. Bruk --force for å overskrive den.") from exc
    except (ExportError, AllocationError) as exc:
        raise CliError(str(exc)) from exc
    finally:
        db.close()
    print(f"Skrev {written}")
    return 0
