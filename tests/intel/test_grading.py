"""Grading validation: 3x5x2 and Admiralty values, handling codes and their conditions, clear errors."""

from __future__ import annotations

import pytest

from watchkeeper.intel.grading import GradingError, GradingSystem, HandlingCode, parse_code, parse_grading


@pytest.mark.parametrize("source", ["1", "2", "3"])
@pytest.mark.parametrize("info", ["A", "B", "C", "D", "E"])
def test_every_3x5x2_value_is_accepted(source: str, info: str) -> None:
    g = parse_grading("3x5x2", source, info.lower(), "p")
    assert (g.system, g.source, g.information, g.handling) == (
        GradingSystem.UK_3X5X2,
        source,
        info,
        HandlingCode.PERMITTED,
    )
    assert g.code == f"{source}/{info}/P"


@pytest.mark.parametrize(
    ("source", "info", "needle"),
    [
        ("4", "A", "source evaluation '4' is not valid"),
        ("0", "A", "source evaluation"),
        ("1", "F", "intelligence assessment 'F' is not valid"),
        ("A", "1", "source evaluation 'A'"),  # Admiralty values in a 3x5x2 grading
        ("", "A", "source evaluation"),
    ],
)
def test_3x5x2_refuses_values_outside_the_system_and_names_the_allowed_ones(
    source: str, info: str, needle: str
) -> None:
    with pytest.raises(GradingError) as err:
        parse_grading("3x5x2", source, info, "P")
    assert needle in str(err.value)
    assert "reliable" in str(err.value) or "known directly" in str(err.value)


@pytest.mark.parametrize("source", list("ABCDEF"))
@pytest.mark.parametrize("info", list("123456"))
def test_every_admiralty_value_is_accepted(source: str, info: str) -> None:
    g = parse_grading("admiralty", source, info, "C", "UK law enforcement only; no onward release")
    assert g.code == f"{source}{info}/C"
    assert g.describe()["handling"] == "lawful sharing permitted subject to conditions"


@pytest.mark.parametrize(("source", "info"), [("G", "1"), ("A", "7"), ("A", "0"), ("1", "A")])
def test_admiralty_refuses_values_outside_the_code(source: str, info: str) -> None:
    with pytest.raises(GradingError, match="not valid"):
        parse_grading("admiralty", source, info, "P")


def test_handling_code_c_needs_conditions_and_p_carries_none() -> None:
    with pytest.raises(GradingError, match="needs the handling conditions"):
        parse_grading("3x5x2", "1", "A", "C")
    with pytest.raises(GradingError, match="needs the handling conditions"):
        parse_grading("3x5x2", "1", "A", "C", "   ")
    with pytest.raises(GradingError, match="carries no conditions"):
        parse_grading("3x5x2", "1", "A", "P", "only NCA")
    g = parse_grading("3x5x2", "2", "C", "C", "  NCA and Kent Police only  ")
    assert g.conditions == "NCA and Kent Police only"


def test_unknown_handling_code_and_system_are_refused() -> None:
    with pytest.raises(GradingError, match="handling code 'X'"):
        parse_grading("3x5x2", "1", "A", "X")
    with pytest.raises(GradingError, match="one of 3x5x2, admiralty"):
        parse_grading("5x5x5", "1", "A", "P")


def test_written_codes_parse_to_the_same_grading() -> None:
    assert parse_code("1/A/P") == parse_grading("3x5x2", "1", "A", "P")
    assert parse_code("2 b c", "no onward release") == parse_grading(
        "3x5x2", "2", "B", "C", "no onward release"
    )
    assert parse_code("B2/P") == parse_grading("admiralty", "B", "2", "P")
    assert parse_code("1/C/C", "x").information == "C"
    for bad in ("", "1A", "4/A/P", "G2/P", "1/A/P/Q", "A1/Z"):
        with pytest.raises(GradingError):
            parse_code(bad)


def test_meaning_is_given_in_words() -> None:
    assert parse_grading("3x5x2", "3", "E", "P").describe() == {
        "source": "not reliable",
        "information": "suspected to be false or malicious",
        "handling": "lawful sharing permitted",
    }
    assert parse_grading("admiralty", "F", "6", "P").describe()["source"] == "reliability cannot be judged"
