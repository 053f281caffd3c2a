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


# --- After the meeting: the meeting's life, vedtak, awards, follow-up ----------------------------

MEETING_PLANNED = "planlagt"
MEETING_SUMMONED = "innkalt"
MEETING_HELD = "avholdt"
MEETING_APPROVED = "godkjent"  # the protokoll is approved: the meeting is locked
MEETING_STATUS_LABELS: dict[str, str] = {
    MEETING_PLANNED: "Planlagt",
    MEETING_SUMMONED: "Innkalt",
    MEETING_HELD: "Avholdt",
    MEETING_APPROVED: "Protokoll godkjent",
}
#: The fixed first items of every innkalling and protokoll (not numbered cases).
FIXED_ITEM_SUMMONS = "Godkjenning av innkalling og saksliste"
FIXED_ITEM_MINUTES = "Godkjenning av protokoll fra forrige møte"

ATTENDANCE_SUMMONED = "innkalt"
ATTENDANCE_PRESENT = "møtt"
ATTENDANCE_ABSENT = "forfall"
ATTENDANCE_SUBSTITUTE = "vara"
ATTENDANCE_LABELS: dict[str, str] = {
    ATTENDANCE_SUMMONED: "Innkalt",
    ATTENDANCE_PRESENT: "Møtt",
    ATTENDANCE_ABSENT: "Forfall",
    ATTENDANCE_SUBSTITUTE: "Møtt som vara",
}

OUTCOME_AS_RECOMMENDED = "som_innstilt"
OUTCOME_AMENDED = "endret"
OUTCOME_POSTPONED = "utsatt"
OUTCOME_LABELS: dict[str, str] = {
    "": "Ikke behandlet ennå",
    OUTCOME_AS_RECOMMENDED: "Vedtatt som innstilt",
    OUTCOME_AMENDED: "Vedtatt med endringer",
    OUTCOME_POSTPONED: "Utsatt",
}
VOTE_UNANIMOUS = "enstemmig"
VOTE_COUNTED = "votering"
POINT_UNCHANGED = "uendret"
POINT_AMENDED = "endret"
POINT_NEW = "ny"
POINT_STRUCK = "strøket"
POINT_CHANGE_LABELS: dict[str, str] = {
    POINT_UNCHANGED: "Som innstilt",
    POINT_AMENDED: "Endret",
    POINT_NEW: "Nytt punkt",
    POINT_STRUCK: "Strøket",
}
#: Where a member who leaves a case as inhabil is told to stand, unless another basis is named.
DEFAULT_INHABIL_BASIS = "forvaltningsloven § 6"
#: The usual basis for withholding a passage from the public.
DEFAULT_EXEMPTION_BASIS = "offl. § 13 jf. fvl. § 13 første ledd nr. 1"

# Application statuses after the vedtak and Helse Nord's awards.
STATUS_FORWARDED = "oversendt"
STATUS_NOT_TREATED = "ikke_behandlet"
STATUS_GRANTED = "innvilget"
STATUS_REJECTED = "avslatt"
STATUS_GRANTED_REGIONAL = "innvilget_regionalt"
STATUS_REJECTED_REGIONAL = "avslatt_regionalt"
STATUS_LABELS.update(
    {
        STATUS_FORWARDED: "Oversendt regionalt",
        STATUS_NOT_TREATED: "Ikke behandlet",
        STATUS_GRANTED_REGIONAL: "Innvilget regionalt",
        STATUS_REJECTED_REGIONAL: "Avslått regionalt",
    }
)

AWARD_LOCAL = "lokal"
AWARD_REGIONAL = "regional"
AWARD_SOURCE_LABELS: dict[str, str] = {AWARD_LOCAL: "Lokal pott", AWARD_REGIONAL: "Helse Nord (regional)"}

REPORT_ANNUAL = "årsrapport"
REPORT_FINAL = "sluttrapport"
REPORT_KIND_LABELS: dict[str, str] = {REPORT_ANNUAL: "Årsrapport", REPORT_FINAL: "Sluttrapport"}
REPORT_WAITING = "venter"
REPORT_RECEIVED = "mottatt"
REPORT_APPROVED = "godkjent"
REPORT_REMINDED = "purret"
REPORT_STATUS_LABELS: dict[str, str] = {
    REPORT_WAITING: "Venter",
    REPORT_RECEIVED: "Mottatt",
    REPORT_APPROVED: "Godkjent",
    REPORT_REMINDED: "Purret",
}

#: What the standing cases carry when a meeting is created (content and innstilling).
STANDING_CASE_TEXTS: dict[str, str] = {
    CASE_KIND_ORIENTATIONS: (
        "Sekretariatet orienterer om arbeidet siden forrige møte:\n"
        "- oppfølging av prosjektene som har fått rekrutterings- og samhandlingstilskudd\n"
        "- frister og møter fremover\n"
        "- henvendelser til helsefellesskapet"
    ),
    CASE_KIND_ANY_OTHER_BUSINESS: (
        "Medlemmene kan melde saker under eventuelt ved møtestart. Saker som meldes, føres i "
        "protokollen med det utvalget vedtar."
    ),
}
STANDING_CASE_POINTS: dict[str, str] = {
    CASE_KIND_ORIENTATIONS: "SSU tar orienteringene til orientering.",
    CASE_KIND_ANY_OTHER_BUSINESS: "Saker meldt under eventuelt føres i protokollen.",
}
