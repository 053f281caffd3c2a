"""The headings of Helse Nord's application form, in form order, as the form prints them.

Tests and benchmarks that write application files (Word, PDF) use this one list; keys are the
field names of `rsapp.importer` ("budget" is the budget section, written as a table).
"""

HEADINGS = [
    ("name", "Navn på prosjekt/pilot"),
    ("owners", "Prosjekteiere"),
    ("municipalities", "Kommune(r)"),
    ("contact_municipal", "Kontaktperson(er)"),
    ("hospital_trust", "Helseforetak"),
    ("contact_trust", "Kontaktperson"),
    ("agreement_text", "Dato for signert avtale om felles søknad (legges ved)"),
    ("description", "Kort beskrivelse av prosjektet/piloten"),
    ("benefit", "Hvilken nytte forventes av prosjektet/piloten?"),
    ("purpose_support", "Beskriv kort hvordan tiltaket støtter opp om formålet med tilskuddsordningen?"),
    ("budget", "Budsjett for gjennomføring av prosjekt/pilot"),
    (
        "patient_responsibility",
        "Hvem har ansvaret for pasienten(e) ved gjennomføringen av tiltaket (ved relevans)?",
    ),
    (
        "digital",
        "Hvordan kan tiltak som omhandler innovasjon og implementering av digitale løsninger for samhandling "
        "lede fram mot felles regionale løsninger på sikt (ved relevans)?",
    ),
    ("project_plan", "Prosjektplan, inkludert evalueringspunkter"),
    ("involvement", "Involvering av brukere, tillitsvalgte og vernetjenesten"),
]
