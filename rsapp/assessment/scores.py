"""Answers and how they add up: per krav, per assessor and per application.

Plain functions over plain records, so that the rule "the average leaves out «ikke relevant»
and every assessor who is inhabil for the application" holds in one place, for the screens,
the CLI, the Excel list and the saksfremlegg alike.

* A **krav** is answered oppfylt / ikke_oppfylt / uklart. Several assessors: any «ikke oppfylt»
  makes it not met; else any «uklart» makes it unclear; it is met when every answer is «oppfylt».
* A **specially prioritised measure** is answered ja / nei; it counts as matched when most of
  the assessors who answered said ja (a tie counts as matched).
* A **criterion** is scored 0–5 or «ikke relevant». An assessor's average is the weighted mean of
  their scores, leaving «ikke relevant» out; the application's average is the mean of the
  assessors' averages, and the spread is the lowest and highest of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from rsapp.assessment.catalogue import Item
from rsapp.vocab import KRAV_ANSWER_LABELS, NOT_RELEVANT, PRIORITY_ANSWER_LABELS

KRAV_MET, KRAV_NOT_MET, KRAV_UNCLEAR = "oppfylt", "ikke_oppfylt", "uklart"
SCORES: tuple[str, ...] = ("0", "1", "2", "3", "4", "5")


class AnswerError(ValueError):
    """An answer that does not fit the item (Norwegian message)."""


def valid_answers(kind: str) -> tuple[str, ...]:
    if kind == "krav":
        return tuple(KRAV_ANSWER_LABELS)
    if kind == "prioritert":
        return tuple(PRIORITY_ANSWER_LABELS)
    return (*SCORES, NOT_RELEVANT)


_ALIASES = {
    "ja": {"krav": KRAV_MET, "prioritert": "ja"},
    "j": {"krav": KRAV_MET, "prioritert": "ja"},
    "nei": {"krav": KRAV_NOT_MET, "prioritert": "nei"},
    "n": {"krav": KRAV_NOT_MET, "prioritert": "nei"},
    "oppfylt": {"krav": KRAV_MET},
    "ikke oppfylt": {"krav": KRAV_NOT_MET},
    "ikke_oppfylt": {"krav": KRAV_NOT_MET},
    "uklart": {"krav": KRAV_UNCLEAR},
    "u": {"krav": KRAV_UNCLEAR},
    "?": {"krav": KRAV_UNCLEAR},
    "ikke relevant": {"kriterium": NOT_RELEVANT},
    "ikke_relevant": {"kriterium": NOT_RELEVANT},
    "ir": {"kriterium": NOT_RELEVANT},
    "x": {"kriterium": NOT_RELEVANT},
    "-": {"kriterium": NOT_RELEVANT},
}


def parse_answer(kind: str, text: str, what: str = "punktet") -> str:
    """A typed answer ("ikke oppfylt", "J", "4", "ikke relevant") as stored, or AnswerError."""
    raw = " ".join(str(text).split()).casefold()
    if kind == "kriterium" and raw in SCORES:
        return raw
    stored = _ALIASES.get(raw, {}).get(kind)
    if stored is None:
        if kind == "krav":
            allowed = "oppfylt, ikke oppfylt eller uklart"
        elif kind == "prioritert":
            allowed = "ja eller nei"
        else:
            allowed = "et tall fra 0 til 5 eller «ikke relevant»"
        raise AnswerError(f"«{text}» er ikke et gyldig svar på {what}: skriv {allowed}.")
    return stored


@dataclass(frozen=True, slots=True)
class Answer:
    """One assessor's answer on one item."""

    item_id: int
    assessor_id: int
    value: str
    note: str = ""


@dataclass(slots=True)
class Aggregate:
    """What the answers of one application add up to."""

    krav_state: dict[int, str | None] = field(default_factory=dict)  # item id -> combined, None: unanswered
    krav_total: int = 0
    priorities: dict[int, bool | None] = field(default_factory=dict)  # item id -> matched; None: unanswered
    criterion_means: dict[int, float | None] = field(default_factory=dict)  # item id -> mean score
    assessor_averages: dict[int, float] = field(default_factory=dict)  # assessor id -> average
    counted: frozenset[int] = frozenset()  # assessors whose answers count
    excluded: frozenset[int] = frozenset()  # assessors left out (inhabil) who had answered

    @property
    def krav_met(self) -> int:
        return sum(1 for state in self.krav_state.values() if state == KRAV_MET)

    @property
    def krav_assessed(self) -> bool:
        return any(state is not None for state in self.krav_state.values())

    def krav_with(self, state: str) -> list[int]:
        return [item_id for item_id, s in self.krav_state.items() if s == state]

    @property
    def average(self) -> float | None:
        values = list(self.assessor_averages.values())
        return sum(values) / len(values) if values else None

    @property
    def spread(self) -> tuple[float, float] | None:
        values = list(self.assessor_averages.values())
        return (min(values), max(values)) if values else None


def combine_krav(values: Iterable[str]) -> str | None:
    answers = set(values)
    if not answers:
        return None
    if KRAV_NOT_MET in answers:
        return KRAV_NOT_MET
    if KRAV_UNCLEAR in answers:
        return KRAV_UNCLEAR
    return KRAV_MET


def assessor_average(items: Sequence[Item], answers: Iterable[Answer]) -> float | None:
    """One assessor's weighted mean of criterion scores; «ikke relevant» and weight 0 left out."""
    weights = {item.id: item.weight for item in items if item.kind == "kriterium"}
    total = weight_sum = 0.0
    for answer in answers:
        weight = weights.get(answer.item_id)
        if weight is None or answer.value not in SCORES or weight <= 0:
            continue
        total += weight * int(answer.value)
        weight_sum += weight
    return total / weight_sum if weight_sum else None


def aggregate(items: Sequence[Item], answers: Iterable[Answer], excluded: Collection[int] = ()) -> Aggregate:
    """Combine every counted assessor's answers on one application; `excluded` are left out."""
    by_item: dict[int, list[Answer]] = defaultdict(list)
    by_assessor: dict[int, list[Answer]] = defaultdict(list)
    left_out: set[int] = set()
    for answer in answers:
        if answer.assessor_id in excluded:
            left_out.add(answer.assessor_id)
            continue
        by_item[answer.item_id].append(answer)
        by_assessor[answer.assessor_id].append(answer)
    result = Aggregate(counted=frozenset(by_assessor), excluded=frozenset(left_out))
    for item in items:
        given = by_item.get(item.id, [])
        if item.kind == "krav":
            result.krav_total += 1
            result.krav_state[item.id] = combine_krav(a.value for a in given)
        elif item.kind == "prioritert":
            votes = [a.value == "ja" for a in given if a.value in PRIORITY_ANSWER_LABELS]
            result.priorities[item.id] = (2 * sum(votes) >= len(votes)) if votes else None
        else:
            scores = [int(a.value) for a in given if a.value in SCORES]
            result.criterion_means[item.id] = sum(scores) / len(scores) if scores else None
    for assessor_id, own in by_assessor.items():
        average = assessor_average(items, own)
        if average is not None:
            result.assessor_averages[assessor_id] = average
    return result


# --- labels -----------------------------------------------------------------------------------


def format_decimal(value: float) -> str:
    """3.45 -> "3,5" (one decimal, decimal comma; halves round up)."""
    from decimal import ROUND_HALF_UP, Decimal

    return str(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)).replace(".", ",")


def krav_label(result: Aggregate) -> str:
    """`6/6`, `5/6 ⚠` (a krav not met, unclear or not yet assessed), `–` before any is assessed."""
    if result.krav_total == 0 or not result.krav_assessed:
        return "–"
    label = f"{result.krav_met}/{result.krav_total}"
    return label if result.krav_met == result.krav_total else f"{label} ⚠"


def average_label(result: Aggregate) -> str:
    """`3,4` for one assessor, `3,4 (2,9–3,9)` with the spread for several, `–` for none."""
    average, spread = result.average, result.spread
    if average is None or spread is None:
        return "–"
    if len(result.assessor_averages) == 1:
        return format_decimal(average)
    return f"{format_decimal(average)} ({format_decimal(spread[0])}–{format_decimal(spread[1])})"
