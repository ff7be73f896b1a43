"""Staff lint: warnings about a valid catalogue that still needs an editor's attention."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import yaml

from knowledge.catalogue import Catalogue, Condition, Conversation, Faq, Procedure, Step
from knowledge.normalise import nfc, normalise
from knowledge.yamlsource import Loc, Problem

STALE_AFTER = dt.timedelta(days=180)
MIN_STEPS = 4
Finding = tuple[Loc, str]

# District level was abolished on 1/7/2025; a mention is fine only when it says so.
_DISTRICT = re.compile(
    r"(?<!\w)(huyện|quận|thị xã|huyen|thi xa|(ubnd|cấp|cap) quan|quan \d+)(?!\w)",
)
_NO_LONGER = re.compile(
    r"(?<!\w)(trước đây|trước (ngày )?1/7/2025|không còn|đã bỏ|truoc day|truoc (ngay )?1/7/2025|khong con|da bo)(?!\w)",
)


def node_line(root: yaml.Node | None, loc: Loc) -> tuple[int, int]:
    """The 1-based line and column of `loc`: the key of a block list or mapping, else the value."""
    if root is None:
        return 1, 1
    node, mark = root, root.start_mark
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if k.value == part), None)
            if found is None:
                break
            node = found[1]
            mark = found[0].start_mark if _is_block(node) else node.start_mark
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            mark = node.start_mark
        else:
            break
    return mark.line + 1, mark.column + 1


def _is_block(node: yaml.Node) -> bool:
    return isinstance(node, yaml.CollectionNode) and not node.flow_style


def lint(catalogue: Catalogue, root: yaml.Node | None, path: Path, today: dt.date) -> list[Problem]:
    """Every warning for `catalogue`, located in the file and sorted by line and column."""
    findings = [*_procedure_findings(catalogue, today), *_faq_findings(catalogue, today), *_alias_findings(catalogue)]
    problems = [Problem(path, *node_line(root, loc), message) for loc, message in findings]
    return sorted(problems, key=lambda p: (p.line, p.column))


def mentions_district(text: str) -> bool:
    """True when `text` names a district-level body and does not say that is no longer so."""
    lowered = " ".join(nfc(text).lower().split())
    return bool(_DISTRICT.search(lowered)) and not _NO_LONGER.search(lowered)


def _procedure_findings(catalogue: Catalogue, today: dt.date) -> Iterator[Finding]:
    for index, proc in enumerate(catalogue.procedures.values()):
        at: Loc = ("procedures", index)
        yield from _completeness(proc, at)
        yield from _stale(proc.reviewed, at, today)
        if proc.fee.valid_until and proc.fee.valid_until < today:
            msg = f"lệ phí chỉ đúng đến {proc.fee.valid_until}; hãy cập nhật (fee valid_until has passed)"
            yield (*at, "fee", "valid_until"), msg
        yield from _links(proc, at)
        if mentions_district(proc.agency):
            msg = "cấp huyện không còn từ 1/7/2025; hãy ghi cơ quan cấp xã hoặc tỉnh (district-level agency)"
            yield (*at, "agency"), msg
        yield from _steps(proc.steps, (*at, "steps"))
        yield from _conditions(proc, at)


def _faq_findings(catalogue: Catalogue, today: dt.date) -> Iterator[Finding]:
    for index, faq in enumerate(catalogue.faqs.values()):
        at: Loc = ("faq", index)
        if not faq.aliases:
            yield (*at, "aliases"), f"câu hỏi thường gặp '{faq.id}' chưa có cách hỏi khác 'aliases' (no aliases)"
        yield from _stale(faq.reviewed, at, today)
        yield from _source_links(faq, at)


def _completeness(proc: Procedure, at: Loc) -> Iterator[Finding]:
    if not proc.aliases:
        yield (*at, "aliases"), f"thủ tục '{proc.id}' chưa có cách hỏi khác 'aliases' (no aliases)"
    if proc.en is None:
        yield at, f"thủ tục '{proc.id}' chưa có phần tiếng Anh 'en' (missing English)"
    if len(proc.steps) < MIN_STEPS:
        count, least = len(proc.steps), MIN_STEPS
        msg = f"thủ tục '{proc.id}' chỉ có {count} bước; nên có ít nhất {least} (fewer than {least} steps)"
        yield (*at, "steps"), msg


def _stale(reviewed: dt.date, at: Loc, today: dt.date) -> Iterator[Finding]:
    if reviewed < today - STALE_AFTER:
        days = STALE_AFTER.days
        msg = f"rà soát lần cuối {reviewed}, đã quá {days} ngày; hãy kiểm tra lại (reviewed over {days} days ago)"
        yield (*at, "reviewed"), msg


def _insecure(url: str) -> bool:
    return not url.startswith("https://")


def _https_message(url: str) -> str:
    return f"đường dẫn '{url}' nên dùng https:// (link is not https)"


def _links(proc: Procedure, at: Loc) -> Iterator[Finding]:
    if _insecure(proc.portal.url):
        yield (*at, "portal", "url"), _https_message(proc.portal.url)
    for index, step in enumerate(proc.steps):
        if step.link and _insecure(step.link):
            yield (*at, "steps", index, "link"), _https_message(step.link)
    yield from _source_links(proc, at)


def _source_links(entry: Procedure | Faq, at: Loc) -> Iterator[Finding]:
    for index, source in enumerate(entry.sources):
        if _insecure(source.url):
            yield (*at, "sources", index, "url"), _https_message(source.url)


def _steps(steps: list[Step], at: Loc) -> Iterator[Finding]:
    seen: set[str] = set()
    for index, step in enumerate(steps):
        if not step.text.strip():
            yield (*at, index, "text"), f"bước '{step.id}' chưa có nội dung 'text' (empty step text)"
        if step.id in seen:
            yield (*at, index, "id"), f"mã bước '{step.id}' bị trùng trong thủ tục (duplicate step id)"
        seen.add(step.id)


def _conditions(proc: Procedure, at: Loc) -> Iterator[Finding]:
    choices = {q.id: {c.id for c in q.choices} for q in proc.questions}
    whens: list[tuple[Loc, Condition | None]] = [
        *(((*at, "documents", i, "when"), doc.when) for i, doc in enumerate(proc.documents)),
        *(((*at, "steps", i, "when"), step.when) for i, step in enumerate(proc.steps)),
    ]
    for where, when in whens:
        if when:
            yield from _condition(when, choices, where)


def _condition(when: Mapping[str, str | list[str]], choices: Mapping[str, set[str]], at: Loc) -> Iterator[Finding]:
    for question, expected in when.items():
        if question not in choices:
            yield (*at, question), f"'when' dùng câu hỏi '{question}' mà thủ tục không có (unknown question id)"
            continue
        for choice in [expected] if isinstance(expected, str) else expected:
            if choice not in choices[question]:
                yield (*at, question), f"câu hỏi '{question}' không có lựa chọn '{choice}' (unknown choice id)"


def _alias_findings(catalogue: Catalogue) -> Iterator[Finding]:
    """A question phrasing (alias or example question) listed under two entries pulls both ways."""
    entries: list[tuple[str, int, str, str, list[str]]] = []
    sections: list[tuple[str, list[Procedure | Faq | Conversation]]] = [
        ("procedures", list(catalogue.procedures.values())),
        ("faq", list(catalogue.faqs.values())),
        ("conversations", list(catalogue.conversations.values())),
    ]
    for section, values in sections:
        for i, entry in enumerate(values):
            entries += [
                (section, i, entry.id, "aliases", entry.aliases),
                (section, i, entry.id, "examples", entry.examples),
            ]
    first: dict[str, str] = {}
    for section, index, entry_id, field, texts in entries:
        for number, text in enumerate(texts):
            key = normalise(text).plain
            owner = first.setdefault(key, entry_id) if key else entry_id
            if owner != entry_id:
                kind = "cách hỏi" if field == "aliases" else "câu hỏi mẫu"
                label = "duplicate alias" if field == "aliases" else "duplicate example"
                yield (section, index, field, number), f"{kind} '{text}' trùng với '{owner}' ({label})"


__all__ = ["MIN_STEPS", "STALE_AFTER", "lint", "mentions_district", "node_line"]
