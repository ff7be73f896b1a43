"""`when` conditions on documents and steps, evaluated against the citizen's answers."""

from __future__ import annotations

from collections.abc import Mapping


def applies(when: Mapping[str, str | list[str]] | None, answers: Mapping[str, str]) -> bool:
    """True when every condition holds; a question not yet answered counts as holding."""
    if not when:
        return True
    for question, expected in when.items():
        given = answers.get(question)
        if given is None:
            continue
        allowed = [expected] if isinstance(expected, str) else expected
        if given not in allowed:
            return False
    return True
