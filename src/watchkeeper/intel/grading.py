"""Grading of intelligence reports: the UK 3x5x2 system, or the NATO Admiralty code for partners.

**3x5x2** (College of Policing, Authorised Professional Practice *Intelligence management*, intelligence
report (IR) reference material, https://www.college.police.uk/app/intelligence-management — the
system that replaced 5x5x5 for new intelligence):

* source evaluation — ``1`` reliable, ``2`` untested, ``3`` not reliable;
* intelligence assessment — ``A`` known directly to the source, ``B`` known indirectly to the source
  but corroborated, ``C`` known indirectly to the source, ``D`` not known, ``E`` suspected to be false
  or malicious;
* handling code — ``P`` lawful sharing permitted, ``C`` lawful sharing permitted subject to
  conditions (the conditions are written by the person who grades the report and travel with it).

**Admiralty code** (NATO AJP-2.1; the same matrix as US FM 2-22.3 appendix B), used by partners who
grade that way: source reliability ``A`` completely reliable … ``F`` reliability cannot be judged, and
information credibility ``1`` confirmed by other sources … ``6`` truth cannot be judged. It has no
handling code: a report graded with it still gets a 3x5x2 handling code from the cell, because the
handling code is what controls onward sharing here (``intel.service``).

``parse_grading`` is the one gate: anything else is a ``GradingError`` that says what was wrong and
what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from watchkeeper.core.errors import WatchkeeperError


class GradingError(WatchkeeperError, ValueError):
    """A grading that is not one of the system's values, or an incomplete one."""


class GradingSystem(StrEnum):
    UK_3X5X2 = "3x5x2"
    ADMIRALTY = "admiralty"


class HandlingCode(StrEnum):
    PERMITTED = "P"  # lawful sharing permitted
    CONDITIONS = "C"  # lawful sharing permitted subject to conditions


SOURCE_EVALUATION: dict[str, str] = {"1": "reliable", "2": "untested", "3": "not reliable"}
INTELLIGENCE_ASSESSMENT: dict[str, str] = {
    "A": "known directly to the source",
    "B": "known indirectly to the source but corroborated",
    "C": "known indirectly to the source",
    "D": "not known",
    "E": "suspected to be false or malicious",
}
HANDLING_CODE: dict[str, str] = {
    "P": "lawful sharing permitted",
    "C": "lawful sharing permitted subject to conditions",
}
ADMIRALTY_RELIABILITY: dict[str, str] = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
ADMIRALTY_CREDIBILITY: dict[str, str] = {
    "1": "confirmed by other sources",
    "2": "probably true",
    "3": "possibly true",
    "4": "doubtful",
    "5": "improbable",
    "6": "truth cannot be judged",
}

MAX_CONDITIONS = 2000


@dataclass(frozen=True, slots=True)
class Grading:
    """A validated grading. ``source`` and ``information`` are the two letters/digits of the system
    (3x5x2: source evaluation 1–3 and intelligence assessment A–E; Admiralty: reliability A–F and
    credibility 1–6)."""

    system: GradingSystem
    source: str
    information: str
    handling: HandlingCode
    conditions: str | None = None

    @property
    def code(self) -> str:
        """The grading as officers write it: ``1/A/P`` (3x5x2) or ``B2/C`` (Admiralty + handling)."""
        if self.system is GradingSystem.UK_3X5X2:
            return f"{self.source}/{self.information}/{self.handling.value}"
        return f"{self.source}{self.information}/{self.handling.value}"

    def describe(self) -> dict[str, str]:
        """The meaning of each part, in words (for the page and for partners)."""
        if self.system is GradingSystem.UK_3X5X2:
            src, info = SOURCE_EVALUATION[self.source], INTELLIGENCE_ASSESSMENT[self.information]
        else:
            src, info = ADMIRALTY_RELIABILITY[self.source], ADMIRALTY_CREDIBILITY[self.information]
        return {"source": src, "information": info, "handling": HANDLING_CODE[self.handling.value]}


def _one_of(what: str, value: str, allowed: dict[str, str]) -> str:
    v = value.strip().upper()
    if v not in allowed:
        choices = ", ".join(f"{k} ({t})" for k, t in allowed.items())
        raise GradingError(f"{what} {value!r} is not valid: one of {choices}")
    return v


def parse_grading(
    system: str,
    source: str,
    information: str,
    handling: str,
    conditions: str | None = None,
) -> Grading:
    """A ``Grading`` from its parts, or ``GradingError`` naming the bad part and the allowed values.

    Handling code ``C`` needs its conditions (non-empty text); ``P`` must not carry any, so that a
    condition is never silently ignored.
    """
    try:
        sys_ = GradingSystem(system.strip().lower())
    except ValueError:
        raise GradingError(f"grading system {system!r} is not valid: one of 3x5x2, admiralty") from None
    if sys_ is GradingSystem.UK_3X5X2:
        src = _one_of("source evaluation", source, SOURCE_EVALUATION)
        info = _one_of("intelligence assessment", information, INTELLIGENCE_ASSESSMENT)
    else:
        src = _one_of("source reliability", source, ADMIRALTY_RELIABILITY)
        info = _one_of("information credibility", information, ADMIRALTY_CREDIBILITY)
    code = HandlingCode(_one_of("handling code", handling, HANDLING_CODE))
    text = (conditions or "").strip() or None
    if code is HandlingCode.CONDITIONS and text is None:
        raise GradingError("handling code C needs the handling conditions (who may receive it, and how)")
    if code is HandlingCode.PERMITTED and text is not None:
        raise GradingError("handling code P carries no conditions: grade C to attach conditions")
    if text is not None and len(text) > MAX_CONDITIONS:
        raise GradingError(f"handling conditions longer than {MAX_CONDITIONS} characters")
    return Grading(sys_, src, info, code, text)


def parse_code(code: str, conditions: str | None = None) -> Grading:
    """A grading from its written form: ``1/A/P``, ``2B C`` (3x5x2) or ``B2/C`` (Admiralty)."""
    compact = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(compact) == 3 and compact[0] in SOURCE_EVALUATION and compact[1] in INTELLIGENCE_ASSESSMENT:
        return parse_grading("3x5x2", compact[0], compact[1], compact[2], conditions)
    if len(compact) == 3 and compact[0] in ADMIRALTY_RELIABILITY and compact[1] in ADMIRALTY_CREDIBILITY:
        return parse_grading("admiralty", compact[0], compact[1], compact[2], conditions)
    raise GradingError(
        f"grading {code!r} is not valid: write 3x5x2 as source/assessment/handling (e.g. 1/A/P) "
        "or Admiralty as reliability+credibility/handling (e.g. B2/C)"
    )
