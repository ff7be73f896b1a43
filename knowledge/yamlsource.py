"""Read YAML into pydantic models and report problems as `file:line:column: message`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]
ExtraCheck = Callable[[Any, Any], list[tuple[Loc, str]]]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in a file, pointing at the line a staff member has to edit."""

    path: Path
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class CatalogueError(Exception):
    """A catalogue file could not be loaded; `problems` says where and why."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# libyaml's parser when PyYAML was built with it (several times faster on a large catalogue).
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):  # type: ignore[valid-type,misc]
    """SafeLoader that keeps dates as text, so pydantic reports a bad date with its location."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}


def _duplicate_keys(node: yaml.Node, path: Path) -> list[Problem]:
    problems: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                mark = key.start_mark
                msg = f"khóa '{key.value}' xuất hiện hai lần (duplicate key)"
                problems.append(Problem(path, mark.line + 1, mark.column + 1, msg))
            seen.add(key.value)
            problems += _duplicate_keys(value, path)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            problems += _duplicate_keys(item, path)
    return problems


def _node_at(root: yaml.Node, loc: Loc, want_key: bool = False) -> yaml.Node:
    """The deepest node along `loc` (the key node of the last step if `want_key`)."""
    node = root
    for depth, part in enumerate(loc):
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if k.value == part), None)
            if found is None:
                return node
            node = found[0] if want_key and depth == len(loc) - 1 else found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
    return node


def _message(error: dict[str, Any]) -> str:
    kind, loc = error["type"], error["loc"]
    field = str(loc[-1]) if loc else ""
    messages = {
        "missing": f"thiếu trường bắt buộc '{field}' (missing required field)",
        "extra_forbidden": f"trường '{field}' không có trong định dạng (unknown field)",
        "date_from_datetime_parsing": "ngày không hợp lệ, cần dạng NNNN-TT-NN (invalid date, use YYYY-MM-DD)",
        "date_parsing": "ngày không hợp lệ, cần dạng NNNN-TT-NN (invalid date, use YYYY-MM-DD)",
        "date_type": "ngày không hợp lệ, cần dạng NNNN-TT-NN (invalid date, use YYYY-MM-DD)",
        "string_type": "cần một đoạn chữ; hãy đặt trong dấu ngoặc kép (expected text; quote it)",
        "bool_parsing": "cần true hoặc false (expected a boolean)",
        "bool_type": "cần true hoặc false (expected a boolean)",
        "list_type": "cần một danh sách các dòng bắt đầu bằng '- ' (expected a list)",
        "model_type": "cần một nhóm trường 'tên: giá trị' (expected a mapping)",
        "dict_type": "cần một nhóm trường 'tên: giá trị' (expected a mapping)",
        "too_short": "không được để trống (must not be empty)",
        "string_too_short": "không được để trống (must not be empty)",
        "enum": f"giá trị không hợp lệ; chọn một trong: {error.get('ctx', {}).get('expected', '')} (invalid choice)",
        "int_parsing": "cần một số nguyên (expected an integer)",
    }
    if kind == "string_pattern_mismatch":
        if field in {"url", "link"}:
            return "đường dẫn phải bắt đầu bằng https:// (invalid URL)"
        return "mã chỉ gồm chữ thường không dấu, số và dấu gạch ngang (id must be kebab-case ASCII)"
    return messages.get(kind, f"giá trị không hợp lệ ({error['msg']})")


def _problem(path: Path, root: yaml.Node, loc: Loc, message: str, want_key: bool = False) -> Problem:
    node = _node_at(root, loc, want_key)
    return Problem(path, node.start_mark.line + 1, node.start_mark.column + 1, message)


def _yaml_problem(path: Path, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    detail = exc.problem or exc.context or "lỗi cú pháp"
    if "\\t" in detail or "\t" in detail or "tab character" in detail:
        message = "dùng phím Tab để thụt lề; hãy dùng dấu cách (tab indent: use spaces)"
    else:
        message = f"lỗi cú pháp YAML: {detail} (YAML syntax error)"
    return Problem(path, line, column, message)


def parse_yaml(text: str, path: Path) -> tuple[Any, yaml.Node]:
    """Parse YAML text into plain data and its node tree; raise `CatalogueError` on syntax errors."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise CatalogueError([Problem(path, 1, 1, "tệp trống (empty file)")])
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        raise CatalogueError([_yaml_problem(path, exc)]) from None
    finally:
        loader.dispose()
    duplicates = _duplicate_keys(root, path)
    if duplicates:
        raise CatalogueError(duplicates)
    return data, root


def load_yaml_model(path: Path, model: type[M], extra_checks: ExtraCheck | None = None) -> M:
    """Load `path` into `model`, raising `CatalogueError` with every problem located."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CatalogueError([Problem(path, 1, 1, "tệp phải lưu dạng UTF-8 (file must be UTF-8)")]) from None
    data, root = parse_yaml(text, path)
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        problems = [
            _problem(path, root, e["loc"], _message(dict(e)), want_key=e["type"] == "extra_forbidden")
            for e in exc.errors()
        ]
        raise CatalogueError(sorted(problems, key=lambda p: (p.line, p.column))) from None
    if extra_checks:
        extra = [_problem(path, root, loc, msg) for loc, msg in extra_checks(parsed, root)]
        if extra:
            raise CatalogueError(extra)
    return parsed
