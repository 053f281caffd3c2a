"""Fixed vocabularies and their Norwegian labels, in one place.

Application statuses, case types and kinds, meeting kinds and states, the standing cases and
every fixed label a user reads in more than one place ("ikke oppgitt", "ikke avklart", …).
Codes are what the database stores; labels are what screens, the CLI and documents show.
Plain Python: no imports.
"""

#: An amount or a fact the sources do not give: never shown as 0.
NOT_STATED = "ikke oppgitt"
#: An earmark whose amount is still open (not decided), never counted as 0.
NOT_SETTLED = "ikke avklart"
#: A title missing from both the form and the working title.
NO_TITLE = "(uten navn)"

# --- applications -------------------------------------------------------------------------------

STATUS_RECEIVED = "mottatt"

STATUS_LABELS: dict[str, str] = {
    STATUS_RECEIVED: "Mottatt",
    "under_vurdering": "Under vurdering",
    "vurdert": "Vurdert",
    "prioritert": "Prioritert",
    "innvilget": "Innvilget",
    "avslatt": "Avslått",
    "trukket": "Trukket",
}

# --- meetings and cases -------------------------------------------------------------------------

#: The committee a meeting is held in unless another is named.
DEFAULT_UTVALG = "Strategisk samarbeidsutvalg"

CASE_TYPE_DECISION = "beslutningssak"
CASE_TYPE_ORIENTATION = "orienteringssak"
CASE_TYPE_LABELS: dict[str, str] = {
    CASE_TYPE_DECISION: "Beslutningssak",
    CASE_TYPE_ORIENTATION: "Orienteringssak",
}

CASE_KIND_PRIORITISATION = "prioritering"
CASE_KIND_ORIENTATION = "orientering"
CASE_KIND_ORIENTATIONS = "orienteringer"  # the standing "Orienteringer fra sekretariatet"
CASE_KIND_ANY_OTHER_BUSINESS = "eventuelt"
CASE_KIND_OTHER = "annet"
CASE_KINDS = (
    CASE_KIND_PRIORITISATION,
    CASE_KIND_ORIENTATION,
    CASE_KIND_ORIENTATIONS,
    CASE_KIND_ANY_OTHER_BUSINESS,
    CASE_KIND_OTHER,
)
#: Cases that stand last on every saksliste, in this order; new cases are placed before them.
STANDING_KINDS = (CASE_KIND_ORIENTATIONS, CASE_KIND_ANY_OTHER_BUSINESS)
STANDING_CASE_TITLES: dict[str, str] = {
    CASE_KIND_ORIENTATIONS: "Orienteringer fra sekretariatet",
    CASE_KIND_ANY_OTHER_BUSINESS: "Eventuelt",
}
#: The innstilling of an orienteringssak.
ORIENTATION_POINT = "SSU tar gjennomgangen til orientering."

#: A meeting (or case) that is final keeps its numbers; a draft can still change.
FINAL_LABEL = "Endelig"
DRAFT_LABEL = "Utkast"
ORDINARY_MEETING_LABEL = "Ordinært"
EXTRAORDINARY_MEETING_LABEL = "Ekstraordinært"

WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")

# Application form sections (DOMAIN.md §4): Application column -> heading shown to the user.
SECTION_HEADINGS: dict[str, str] = {
    "description": "Kort beskrivelse av prosjektet/piloten",
    "benefit": "Hvilken nytte forventes av prosjektet/piloten?",
    "purpose_support": "Hvordan støtter tiltaket opp om formålet med tilskuddsordningen?",
    "budget_text": "Budsjett for gjennomføring av prosjekt/pilot",
    "patient_responsibility": "Hvem har ansvaret for pasienten(e) ved gjennomføringen av tiltaket?",
    "digital": "Innovasjon og implementering av digitale løsninger",
    "project_plan": "Prosjektplan, inkludert evalueringspunkter",
    "involvement": "Involvering av brukere, tillitsvalgte og vernetjenesten",
    "benefit_table": "Forventet nytte – tabell for beskrivelse av effekt/nytteverdi",
    "risk_table": "Risikotabell",
    "other_text": "Øvrig tekst",
}


def status_label(code: str) -> str:
    return STATUS_LABELS.get(code, code)


def case_type_label(code: str) -> str:
    return CASE_TYPE_LABELS.get(code, code)


def final_label(final: bool) -> str:
    """ "Endelig" or "Utkast"."""
    return FINAL_LABEL if final else DRAFT_LABEL


def meeting_kind_label(extraordinary: bool) -> str:
    """ "Ekstraordinært" or "Ordinært"."""
    return EXTRAORDINARY_MEETING_LABEL if extraordinary else ORDINARY_MEETING_LABEL


# --- Assessment (vurdering) -----------------------------------------------------------------------

# The status workflow: mottatt → under vurdering → vurdert → prioritert → innvilget/avslått/trukket.
STATUS_ORDER: tuple[str, ...] = tuple(STATUS_LABELS)

KRAV_ANSWER_LABELS: dict[str, str] = {
    "oppfylt": "Oppfylt",
    "ikke_oppfylt": "Ikke oppfylt",
    "uklart": "Uklart",
}
PRIORITY_ANSWER_LABELS: dict[str, str] = {"ja": "Ja", "nei": "Nei"}
NOT_RELEVANT = "ikke_relevant"
NOT_RELEVANT_LABEL = "Ikke relevant"

CRITERION_KIND_LABELS: dict[str, str] = {
    "krav": "Krav",
    "prioritert": "Særlig prioritert tiltak",
    "kriterium": "Kriterium som tillegges vekt",
}

TIE_KIND_LABELS: dict[str, str] = {
    "styreverv": "Styreverv",
    "lederrolle": "Lederrolle",
    "prosjektrolle": "Rolle i prosjektet",
    "familie": "Familie eller nær venn",
    "annet": "Annen tilknytning",
}

HABILITET_LABELS: dict[str, str] = {"inhabil": "Inhabil", "ikke_inhabil": "Ikke inhabil"}


def answer_label(value: str) -> str:
    """A stored assessment answer as the user reads it ("ikke_oppfylt" -> "Ikke oppfylt", "4" -> "4")."""
    if value == NOT_RELEVANT:
        return NOT_RELEVANT_LABEL
    return KRAV_ANSWER_LABELS.get(value) or PRIORITY_ANSWER_LABELS.get(value) or value
