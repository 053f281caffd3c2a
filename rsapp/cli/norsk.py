"""argparse in Norwegian: headings, usage line, help option and every error message.

argparse builds its fixed texts through ``gettext`` (``argparse._`` and ``argparse.ngettext``);
:func:`install` points those two names at the Norwegian catalogue below, so ``usage:``,
``options:``, ``the following arguments are required`` and the rest read in bokmål wherever
argparse writes them. :class:`NorskArgumentParser` adds ``-h/--hjelp`` and the Norwegian help
layout (:class:`NorskHelpFormatter`), and every subparser inherits both.

:func:`localise` runs once over the finished parser tree: a subcommand or option named in English
gets its Norwegian name first (the English one stays as an alias), and every value placeholder
(metavar) is Norwegian. The command modules may thus keep their own spelling; what the user reads
is Norwegian, and what scripts typed before keeps working.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any, NoReturn, TextIO, cast

__all__ = [
    "CATALOGUE",
    "NorskArgumentParser",
    "NorskHelpFormatter",
    "install",
    "localise",
    "walk",
]

#: argparse's own texts (Python 3.10–3.13) -> bokmål. ``%r`` placeholders become «%s».
CATALOGUE: dict[str, str] = {
    "usage: ": "Bruk: ",
    "positional arguments": "Argumenter",
    "options": "Valg",
    "optional arguments": "Valg",
    "subcommands": "Kommandoer",
    "show this help message and exit": "vis denne hjelpeteksten og avslutt",
    "show program's version number and exit": "vis versjonen og avslutt",
    "%(prog)s: error: %(message)s\n": "%(prog)s: feil: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "the following arguments are required: %s": "disse må oppgis: %s",
    "one of the arguments %s is required": "ett av disse må oppgis: %s",
    "unrecognized arguments: %s": "ukjent argument: %s",
    "not allowed with argument %s": "kan ikke brukes sammen med %s",
    "ignored explicit argument %r": "tar ingen verdi, fikk «%s»",
    "expected one argument": "mangler verdi",
    "expected at most one argument": "tar høyst én verdi",
    "expected at least one argument": "mangler verdi (minst én)",
    "ambiguous option: %(option)s could match %(matches)s": "tvetydig valg: %(option)s kan bety %(matches)s",
    "unexpected option string: %s": "uventet valg: %s",
    "invalid %(type)s value: %(value)r": "ugyldig verdi: «%(value)s»",
    "invalid choice: %(value)r (choose from %(choices)s)": "ugyldig valg: «%(value)s» (velg blant %(choices)s)",
    "invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)": (
        "ugyldig valg: «%(value)s», mente du «%(closest)s»? (velg blant %(choices)s)"
    ),
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "ukjent kommando «%(parser_name)s» (velg blant: %(choices)s)"
    ),
    "can't open '%(filename)s': %(error)s": "kan ikke åpne «%(filename)s»: %(error)s",
    'argument "-" with mode %r': "«-» kan ikke åpnes med modus «%s»",
    "%r is not callable": "%r kan ikke kalles",
    "cannot have multiple subparser arguments": "bare én gruppe underkommandoer er lov",
    "conflicting subparser: %s": "kommandoen finnes fra før: %s",
    "conflicting subparser alias: %s": "kommandonavnet finnes fra før: %s",
    "mutually exclusive arguments must be optional": "argumenter som utelukker hverandre, må være valg",
    "dest= is required for options like %r": "dest= må oppgis for valg som %r",
    "'required' is an invalid argument for positionals": "«required» kan ikke brukes på argumenter",
}

_PLURALS: dict[str, tuple[str, str]] = {
    "expected %s argument": ("mangler verdi (%s)", "mangler verdier (%s)"),
    "conflicting option string: %s": ("valget finnes fra før: %s", "valgene finnes fra før: %s"),
}


def gettext(message: str) -> str:
    return CATALOGUE.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    forms = _PLURALS.get(singular)
    if forms is None:
        return singular if n == 1 else plural
    return forms[0] if n == 1 else forms[1]


def install() -> None:
    """Make argparse write its fixed texts in Norwegian (idempotent)."""
    argparse._ = gettext  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


class NorskHelpFormatter(argparse.HelpFormatter):
    """argparse's layout with Norwegian headings. A description is wrapped paragraph by paragraph
    (blank lines kept), and indented lines (examples) are shown as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap

        out: list[str] = []
        for paragraph in text.split("\n\n"):
            lines = paragraph.splitlines()
            if lines and all(line.startswith(" ") for line in lines):
                out.append("\n".join(indent + line for line in lines))
            else:
                flat = " ".join(line.strip() for line in lines)
                out.append(textwrap.fill(flat, width, initial_indent=indent, subsequent_indent=indent))
        return "\n\n".join(out)

    def start_section(self, heading: str | None) -> None:
        super().start_section(gettext(heading) if heading else heading)


class NorskArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Norwegian: ``-h/--hjelp``, Norwegian layout and errors.

    Subparsers made through ``add_subparsers()`` are of this class too.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        install()
        kwargs.setdefault("formatter_class", NorskHelpFormatter)
        add_help = kwargs.get("add_help", True)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        if add_help:
            self.add_argument(
                "-h",
                "--hjelp",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help=gettext("show this help message and exit"),
            )

    def error(self, message: str) -> NoReturn:
        """``rsapp: feil: …`` with the usage line above it and a hint where to read more (exit 2)."""
        self.print_usage(_stderr())
        self.exit(2, f"{self.prog}: feil: {message}\nSe «{self.prog} --hjelp».\n")


def _stderr() -> TextIO:
    import sys

    return sys.stderr


# --- naming ---------------------------------------------------------------------------------

#: English subcommand names -> Norwegian (used when a command has no Norwegian alias of its own).
COMMAND_NAMES: dict[str, str] = {
    "run": "start",
    "list": "liste",
    "rounds": "runder",
    "show": "vis",
    "new": "ny",
    "add": "ny",
    "edit": "endre",
    "delete": "slett",
    "remove": "slett",
    "clear": "fjern",
    "set": "sett",
    "move": "flytt",
    "meeting": "møte",
    "final": "endelig",
    "number": "nummer",
    "regenerate": "oppdater",
    "render": "lag",
    "export": "eksport",
    "import": "importer",
    "confirm": "bekreft",
    "summary": "oversikt",
    "note": "merknad",
    "comment": "kommentar",
    "criteria": "kriterier",
    "load": "last",
    "decide": "avgjør",
    "assess": "vurder",
    "prioritize": "prioriter",
    "route": "rute",
    "fill": "fyll",
    "earmark": "avsetning",
    "log": "logg",
    "recommend": "innstill",
    "grant": "innstill",
    "config": "config",
    "path": "sti",
    "keys": "taster",
    "upgrade": "oppgrader",
    "backup": "sikkerhetskopi",
    "restore": "gjenopprett",
    "serve": "nett",
    "user": "bruker",
    "ranking": "rangering",
    "round": "runde",
    "enable": "aktiver",
    "disable": "deaktiver",
    "change": "endre",
    "password": "passord",
    "aggregate": "samlet",
}

#: English option names -> Norwegian (the English one stays accepted).
OPTION_NAMES: dict[str, str] = {
    "--date": "--dato",
    "--place": "--sted",
    "--round": "--runde",
    "--title": "--tittel",
    "--number": "--nummer",
    "--meeting": "--møte",
    "--extraordinary": "--ekstraordinært",
    "--standing": "--faste-saker",
    "--undo": "--angre",
    "--apply": "--utfør",
    "--accept": "--godta",
    "--output": "--fil",
    "--templates": "--maler",
    "--force": "--overskriv",
    "--year": "--år",
    "--amount": "--beløp",
    "--name": "--navn",
    "--role": "--rolle",
    "--open": "--åpen",
    "--count": "--antall",
    "--limit": "--antall",
    "--status": "--status",
    "--format": "--format",
    "--version": "--versjon",
    "--member": "--medlem",
    "--public": "--offentlig",
    "--dry-run": "--prøv",
    "--yes": "--ja",
    "--all": "--alle",
    "--from": "--fra",
    "--to": "--til",
    "--file": "--fil",
    "--folder": "--mappe",
    "--note": "--merknad",
    "--comment": "--kommentar",
    "--application": "--søknad",
    "--person": "--person",
    "--organisation": "--organisasjon",
    "--organization": "--organisasjon",
    "--active": "--aktiv",
    "--inactive": "--inaktiv",
    "--kind": "--type",
    "--type": "--type",
    "--time": "--tid",
    "--start": "--start",
    "--end": "--slutt",
    "--chair": "--møteleder",
    "--secretary": "--referent",
    "--recipients": "--mottakere",
    "--link": "--lenke",
    "--deadline": "--frist",
    "--sent": "--sendt",
    "--reason": "--begrunnelse",
    "--text": "--tekst",
    "--description": "--beskrivelse",
    "--title-only": "--bare-tittel",
    "--replace-changed": "--erstatt-endrede",
    "--confirm-amounts": "--bekreft-beløp",
}

#: Placeholders (metavar) for values: Norwegian, from the option's Norwegian name or its dest.
METAVARS: dict[str, str] = {
    "date": "DATO",
    "place": "STED",
    "round_key": "RUNDE",
    "round": "RUNDE",
    "title": "TITTEL",
    "number": "NUMMER",
    "meeting": "MØTE",
    "meeting_id": "ID",
    "case": "SAK",
    "case_id": "ID",
    "output": "FIL",
    "templates": "MAPPE",
    "format": "FORMAT",
    "utvalg": "UTVALG",
    "accept": "NØKKEL",
    "application_id": "ID",
    "action": "HANDLING",
    "year": "ÅR",
    "amount": "BELØP",
    "name": "NAVN",
    "path": "STI",
    "paths": "STI",
    "files": "FIL",
    "file": "FIL",
    "folder": "MAPPE",
    "status": "STATUS",
    "note": "MERKNAD",
    "text": "TEKST",
    "count": "ANTALL",
    "limit": "ANTALL",
}

_ENGLISH_COMMANDS = frozenset(k for k, v in COMMAND_NAMES.items() if k != v)


def walk(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """The parser and every subparser under it, each once."""
    seen: set[int] = set()
    stack = [parser]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                stack.extend(action.choices.values())


def localise(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Norwegian first: subcommand names, option names and placeholders, in the whole tree."""
    for current in list(walk(parser)):
        for action in list(current._actions):
            if isinstance(action, argparse._SubParsersAction):
                _norwegian_commands(action)
            else:
                _norwegian_option(current, action)
    return parser


def _norwegian_commands(sub: argparse._SubParsersAction) -> None:
    for pseudo in sub._choices_actions:
        name = pseudo.dest
        if name not in _ENGLISH_COMMANDS:
            continue
        aliases = [a for a in _aliases(pseudo) if a != name]
        norwegian = next((a for a in aliases if a not in _ENGLISH_COMMANDS), None)
        target = sub._name_parser_map[name]
        if norwegian is None:
            norwegian = COMMAND_NAMES[name]
            if norwegian in sub._name_parser_map:  # taken by another command: keep the English name
                continue
            sub._name_parser_map[norwegian] = target
        others = [name, *(a for a in aliases if a != norwegian)]
        pseudo.dest = norwegian
        pseudo.metavar = f"{norwegian} ({', '.join(others)})"
        prefix = target.prog.rsplit(" ", 1)[0]
        _rename_prog(target, prefix, norwegian)


def _aliases(pseudo: argparse.Action) -> list[str]:
    metavar = pseudo.metavar
    if isinstance(metavar, str) and "(" in metavar and metavar.endswith(")"):
        return [a.strip() for a in metavar[metavar.index("(") + 1 : -1].split(",")]
    return []


def _rename_prog(parser: argparse.ArgumentParser, prefix: str, name: str) -> None:
    """Rename a subparser (and the ``prog`` of everything under it) to ``prefix name``."""
    old = parser.prog
    new = f"{prefix} {name}"
    for current in walk(parser):
        if current.prog == old or current.prog.startswith(old + " "):
            current.prog = new + current.prog[len(old) :]
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction) and action._prog_prefix.startswith(old):
                action._prog_prefix = new + action._prog_prefix[len(old) :]


def _norwegian_option(parser: argparse.ArgumentParser, action: argparse.Action) -> None:
    strings = cast(list[str], action.option_strings)
    if strings:
        english = next((s for s in strings if s in OPTION_NAMES), None)
        norwegian = OPTION_NAMES.get(english or "")
        if english is not None and norwegian is not None and norwegian != english:
            if norwegian in strings:  # both given: the Norwegian one before the English one
                if strings.index(norwegian) > strings.index(english):
                    strings.remove(norwegian)
                    strings.insert(strings.index(english), norwegian)
            elif norwegian not in parser._option_string_actions:
                strings.insert(strings.index(english), norwegian)
                parser._option_string_actions[norwegian] = action
        if action.metavar is None and action.choices is None and action.nargs != 0 and not _is_flag(action):
            action.metavar = _metavar(action)
    elif action.metavar is None and action.choices is None and action.dest:
        action.metavar = _metavar(action)


def _is_flag(action: argparse.Action) -> bool:
    return isinstance(
        action,
        argparse._StoreTrueAction
        | argparse._StoreFalseAction
        | argparse._StoreConstAction
        | argparse._HelpAction
        | argparse._CountAction
        | argparse._AppendConstAction
        | argparse._VersionAction,
    )


def _metavar(action: argparse.Action) -> str:
    if action.dest in METAVARS:
        return METAVARS[action.dest]
    first = next((s for s in action.option_strings if s.startswith("--")), None)
    if first is not None:
        return first.lstrip("-").replace("-", "_").upper()
    return action.dest.upper()
