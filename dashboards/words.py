"""Codes of the contract's vocabularies as people read them on the pages ("hip_groin muscle_injury"
becomes "hip/groin muscle injury"): written once, used by every page and figure."""

from __future__ import annotations

# where replacing underscores by spaces does not read right
SPECIAL = {
    "hip_groin": "hip/groin",
    "brain_spinal_cord": "brain/spinal cord",
    "synovitis_capsulitis": "synovitis/capsulitis",
    "na": "n/a",
    "american_football": "American football",
    "australian_football": "Australian football",
    "body_region": "body region",
    "not_validated": "not validated (outside the quadriceps)",
    "suspected_mo": "suspected MO",
    "diagnosed_mo": "diagnosed MO",
}


def words(code: object) -> str:
    """A code in words; an empty value is empty."""
    if code is None or (isinstance(code, float) and code != code):
        return ""
    text = str(code)
    return SPECIAL.get(text, text.replace("_", " "))
