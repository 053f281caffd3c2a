"""`rsapp config sti|taster|sjekk`: where the settings file is, which keys can be changed, and
whether the file is right.

The file (``config.toml`` in the user's config folder) maps binding ids to keys under
``[taster]``; see :mod:`rsapp.keymap`.
"""

from __future__ import annotations

import argparse

from rsapp.cli.common import CliError, print_table


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "config",
        aliases=["innstillinger"],
        help="innstillingsfilen: hvor den ligger, og tastene du kan endre",
        description=(
            "rsapp leser innstillinger fra config.toml i brukerens innstillingsmappe. Under [taster] kan "
            "hver handling få andre taster, f.eks.\n\n"
            "  [taster]\n"
            '  prio-move-up = "ctrl+k"\n'
            '  prio-move-down = ["ctrl+j", "d"]\n\n'
            "Bunnlinjen, hjelpen (F1) og kommandopaletten viser de nye tastene."
        ),
    )
    p.set_defaults(handler=lambda args: _usage(p))
    actions = p.add_subparsers(dest="config_action", metavar="HANDLING")
    a = actions.add_parser("sti", aliases=["path"], help="skriv hvor innstillingsfilen ligger")
    a.set_defaults(handler=path_cmd)
    a = actions.add_parser(
        "taster",
        aliases=["keys"],
        help="alle handlinger med id, tast og forklaring (id-en brukes i [taster])",
    )
    a.set_defaults(handler=keys_cmd)
    a = actions.add_parser("sjekk", aliases=["check"], help="kontroller innstillingsfilen")
    a.set_defaults(handler=check_cmd)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def path_cmd(args: argparse.Namespace) -> int:
    from rsapp.config import config_file

    print(config_file())
    return 0


def keys_cmd(args: argparse.Namespace) -> int:
    from rsapp.keymap import all_bindings, key_label, load_keymap, strip_key_hint

    loaded = load_keymap()
    rows: dict[str, list[str]] = {}
    for owner, binding in all_bindings():
        if not binding.id or not binding.description or binding.id in rows:
            continue
        default = ", ".join(key_label(k.strip()) for k in binding.key.split(","))
        mapped = loaded.keymap.get(binding.id)
        now = ", ".join(key_label(k) for k in mapped.split(",")) if mapped else default
        rows[binding.id] = [
            binding.id,
            now,
            default if mapped else "",
            _owner_label(owner),
            strip_key_hint(binding.tooltip) or binding.description,
        ]
    print(f"Innstillingsfil: {loaded.path}{'' if loaded.exists else ' (finnes ikke ennå)'}")
    print_table(["Id", "Tast", "Standard", "Hvor", "Gjør"], sorted(rows.values(), key=lambda r: r[0]))
    for problem in loaded.problems:
        print(f"⚠ {problem}")
    return 0


#: Class names as users know the screens.
_OWNERS = {
    "RsApp": "overalt",
    "PortfolioScreen": "porteføljen",
    "ApplicationScreen": "søknaden",
    "PrioritisationScreen": "prioriteringen",
    "RankedList": "prioriteringen",
    "AssessmentScreen": "vurderingen",
    "HabilitetScreen": "habilitet",
    "CasesScreen": "møter og saker",
    "CaseEditScreen": "saken",
    "ImportScreen": "import",
    "ImportReviewScreen": "importkontroll",
    "HelpScreen": "hjelpen",
}


def _owner_label(owner: str) -> str:
    return _OWNERS.get(owner, "dialog" if owner.endswith(("Dialog", "Screen")) else owner)


def check_cmd(args: argparse.Namespace) -> int:
    from rsapp.keymap import load_keymap, unknown_ids

    loaded = load_keymap()
    problems = list(loaded.problems)
    problems += [
        f"{loaded.path}, [taster] {binding_id}: ukjent id. Se «rsapp config taster»."
        for binding_id in unknown_ids(loaded.keymap)
    ]
    if not loaded.exists and not problems:
        print(f"{loaded.path} finnes ikke: standardtastene brukes.")
        return 0
    if problems:
        raise CliError("\n".join(problems))
    print(f"{loaded.path}: i orden ({len(loaded.keymap)} taster endret).")
    return 0
