"""Fixed vocabularies and their Norwegian labels: application status, case types."""

STATUS_LABELS: dict[str, str] = {
    "mottatt": "Mottatt",
    "under_vurdering": "Under vurdering",
    "prioritert": "Prioritert",
    "innvilget": "Innvilget",
    "avslatt": "Avslått",
    "trukket": "Trukket",
}

CASE_TYPE_LABELS: dict[str, str] = {
    "beslutningssak": "Beslutningssak",
    "orienteringssak": "Orienteringssak",
}

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
