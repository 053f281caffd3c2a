"""Assessment of applications against the call: criteria catalogue, suggestion rules, scores,
habilitet. Plain Python; no Textual.

* :mod:`rsapp.assessment.catalogue` – the call's krav, priorities and criteria (TOML and database);
* :mod:`rsapp.assessment.text` – an application's own text as sentences with field and line;
* :mod:`rsapp.assessment.rules` – explainable suggestion rules quoting that text;
* :mod:`rsapp.assessment.scores` – answers and how they add up (krav, averages, spread);
* :mod:`rsapp.assessment.habilitet` – flags of possible conflicts of interest;
* :mod:`rsapp.assessment.reads` – reading it all back, and :func:`~rsapp.assessment.reads.assessment_summaries`,
  the one summary every output uses;
* :mod:`rsapp.assessment.changes` – every change, through the store's unit of work, undoable.
"""
