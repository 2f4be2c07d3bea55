"""Document metadata from the title page: title, department, year, document type. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.chunk import heading_level
from ingest.clean import LABEL_START

HEAD_LINES = 8
TITLE_MAX = 60
LABELLED_DEPARTMENT = re.compile(
    r"(?:预算主管部门|编制部门|部门名称|单位名称|预算单位|决算单位)\s*[:：]\s*([\u4e00-\u9fff（）()]{4,40}?)(?=\s|单位\s*[:：]|$)"
)
WORK_REPORT = re.compile(r"(?:\d{4}年)?([\u4e00-\u9fff]{2,10}?[省市区县])(?:人民)?政府工作报告")
ORG_SUFFIXES = ("街道办事处", "办事处", "委员会", "办公室", "财政局", "局", "中心", "人民政府")
PLACE_START = re.compile(r"[\u4e00-\u9fff]{2,}?[省市区县]")
YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
DOC_TYPE_RULES = (
    ("自评", "绩效自评报告"),
    ("绩效评价", "绩效自评报告"),
    ("政府工作报告", "政府工作报告"),
    ("决算", "部门决算"),
    ("单位预算", "单位预算"),
    ("三公", "三公经费说明"),
    ("预算", "部门预算"),
)


@dataclass(frozen=True)
class Metadata:
    title: str
    department: str
    year: int | None
    doc_type: str


def head_lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()][:HEAD_LINES]


def extract_title(lines: list[str]) -> str:
    """The first lines up to the first heading, label line or sentence end."""
    parts: list[str] = []
    for line in lines:
        if parts and (heading_level(line) or LABEL_START.match(line) or line.startswith(("——", "--"))):
            break
        if line.startswith(("目录", "目 录")):
            break
        parts.append(line)
        if sum(map(len, parts)) >= TITLE_MAX or line.endswith(("。", "：")):
            break
    return re.sub(r"\s+", "", "".join(parts))[:TITLE_MAX]


def extract_department(title: str, lines: list[str]) -> str:
    for line in lines:
        match = LABELLED_DEPARTMENT.search(line)
        if match:
            return match.group(1)
    report = WORK_REPORT.search(title)
    if report:
        return f"{report.group(1)}人民政府"
    body = YEAR.sub("", re.sub(r"^\s*(?:19|20)\d{2}\s*年度?", "", title))
    for suffix in ORG_SUFFIXES:
        end = body.find(suffix)
        if end > 0:
            candidate = body[: end + len(suffix)]
            place = PLACE_START.search(candidate)
            return candidate[place.start() :] if place else candidate
    return ""


def extract_year(title: str, lines: list[str], file_name: str) -> int | None:
    for text in (title, *lines):
        match = YEAR.search(text)
        if match:
            return int(match.group(1))
    match = re.search(r"(?:19|20)\d{2}", file_name)
    return int(match.group()) if match else None


def extract_doc_type(title: str, lines: list[str]) -> str:
    for text in (title, " ".join(lines)):
        for keyword, doc_type in DOC_TYPE_RULES:
            if keyword in text:
                return doc_type
    return "其他"


def extract_metadata(text: str, file_name: str) -> Metadata:
    lines = head_lines(text)
    title = extract_title(lines) or file_name
    return Metadata(
        title=title,
        department=extract_department(title, lines),
        year=extract_year(title, lines, file_name),
        doc_type=extract_doc_type(title, lines),
    )
