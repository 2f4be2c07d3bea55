"""Document metadata: title, department, year, document type, and the names the document goes
by, each with its evidence. Derived from the document itself (title lines, labelled lines such as
部门（单位）名称/填报单位/编制单位, a cover line, the body of a work report) and, last, its file
name; never from a list of known departments. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.understanding.orgs import in_order, is_org_name, leading_places, parse_org
from ingest.chunk import heading_level
from ingest.clean import LABEL_START

HEAD_LINES = 8
HEAD_CHARS = 4000  # labelled lines are searched in the first pages' text
TITLE_MAX = 60
ORG = r"[\u4e00-\u9fff（）()]{2,40}?"
LABELS = (
    r"部门[（(]单位[）)]名称|预算主管部门|主管部门|编制部门|编制单位|填报单位|部门名称|单位名称|预算单位|决算单位|"
    r"评价单位|部门|单位"
)
LABELLED_DEPARTMENT = re.compile(
    rf"(?:{LABELS})\s*[:：]?\s*({ORG}(?:[（(](?:本级|汇总|机关)[）)])?)(?=[\s:：，,。]|单位|部门|$)"
)
WORK_REPORT = re.compile(
    r"(?:\d{4}年)?(?![年度])([\u4e00-\u9fff]{1,10}?(?:自治区|省|市|区|县))(?:\d{4}年度?)?(?:人民)?政府工作报告"
)
CONGRESS = re.compile(r"在([\u4e00-\u9fff]{1,10}?(?:自治区|省|市|区|县))第[\u4e00-\u9fff]{1,4}届人民代表大会")
# the first sentence of the text opening with a place and the year: the place's own accounts
OPENING_PLACE = re.compile(
    r"^\s*([\u4e00-\u9fff]{1,8}?(?:自治区|自治州|自治县|省|市|区|县|旗))(?:19|20)\d{2}\s*年", re.M
)
LEVEL_ONLY = re.compile(r"(?:本|我|全)?(?:自治)?[省市区县州]|自治[区县州]")  # a level said without its place
NATIONAL = re.compile(r"全国人民代表大会|我代表国务院|国务院总理")
YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
SCOPE_WORDS = re.compile(r"[（(](本级|汇总|机关|部门|单位)[）)]")
# what a title says besides the body's name: years, the kind of document, 公开/文件/表格
TITLE_NOISE = re.compile(
    r"(?:19|20)\d{2}\s*年?度?|部门整体支出绩效自评报告|部门整体绩效自评表|绩效自评报告|绩效评价报告|绩效自评|"
    r"部门预算|单位预算|部门决算|单位决算|预算|决算|公开|文件|表格|公开表|情况说明|说明|报告|[（(][^）)]*[）)]|"
    r"[._\-—·\s]+|年度|年|^关于"
)
DOC_TYPE_RULES = (
    ("自评", "绩效自评报告"),
    ("绩效评价", "绩效自评报告"),
    ("绩效目标", "绩效目标表"),
    ("政府工作报告", "政府工作报告"),
    ("决算", "部门决算"),
    ("单位预算", "单位预算"),
    ("三公", "三公经费说明"),
    ("预算", "部门预算"),
)
# a title line that is page chrome or a table header, not a title
NOT_TITLE = re.compile(
    r"^(?:表[一二三四五六七八九十\d]|功能科目|项目名称|科目|各位代表|部门名称|单位名称|部门[:：]|【|\(|（[一二三四五六七八九十]）|[一二三四五六七八九十]、)"
)
# where a title running into a form's fields stops: 部门整体绩效自评表（2024年度）专项名称…
TITLE_STOP = re.compile(r"专项名称|项目名称|部门名称|单位名称|部门[（(]单位[）)]名称|单位[:：]|部门[:：]")
# where a title glued to the text after it stops: …决算情况根据中央…的决策部署 (a sentence begins)
SENTENCE_START = re.compile(r"(?<=[况明告表算])(?:根据|按照|现将|为了|为进一步|依据|目录)")
# a line opening with the day a report was given (2023年1月8日在…第三次会议上) or its dash: not the title
DATED = re.compile(r"^(?:——|--|[（(]?(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)")
LABEL_PREFIX = re.compile(rf"^(?:{LABELS})\s*[:：]?")
ORGAN_IN_BRACKETS = re.compile(r"([区县市镇乡])[（(](管委会|管理委员会|办事处|人民政府)[）)]")
# where a title's body name ends and what the document reports of it begins: 某省财政厅一般公共预算…
CONTENT_START = re.compile(
    r"一般公共|政府性基金|财政拨款|[“\"]?三公|专项资金|项目支出|整体支出|部门整体|收支|绩效|预算|决算|(?:单位|部门)(?=[^\u4e00-\u9fff]|$|预算|决算)"
)


@dataclass(frozen=True)
class Name:
    """A name the document goes by, and where it was read: 标题 / 标注 / 封面 / 正文 / 文件名."""

    name: str
    source: str


@dataclass(frozen=True)
class Metadata:
    title: str
    department: str
    year: int | None
    doc_type: str
    names: tuple[Name, ...] = field(default_factory=tuple)
    scope: str = ""  # 本级 / 汇总 when the document says so
    confidence: float = 0.0  # how sure the department is: 1.0 labelled or titled, 0.6 cover, 0.4 file name

    @property
    def department_source(self) -> str:
        return self.names[0].source if self.names else ""


def head_lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()][:HEAD_LINES]


def extract_title(lines: list[str]) -> str:
    """The first lines up to the first heading, label line or sentence end."""
    parts: list[str] = []
    for line in lines:
        if parts and (heading_level(line) or LABEL_START.match(line) or DATED.match(line)):
            break
        if line.startswith(("目录", "目 录")):
            break
        if parts and line.replace(" ", "").startswith(re.sub(r"\s+", "", parts[0])[:12]):
            break  # the title again (a running header, or a cover repeated on the next page)
        parts.append(line)
        if sum(map(len, parts)) >= TITLE_MAX or line.endswith(("。", "：")):
            break
    title = re.sub(r"\s+", "", "".join(parts))
    stop = TITLE_STOP.search(title)
    title = title[: stop.start()] if stop and stop.start() >= 6 else title
    begins = SENTENCE_START.search(title)
    title = title[: begins.start()] if begins and begins.start() >= 10 else title
    again = title.find(title[:10], 10) if len(title) >= 20 else -1  # the title, then its text opening with it
    return (title[:again] if again > 0 else title)[:TITLE_MAX].lstrip(".．·、,，")


def plausible_title(title: str) -> bool:
    """A title names a kind of document and is not a table header, page chrome or a sentence."""
    return (
        bool(title)
        and not NOT_TITLE.match(title)
        and re.search(r"预算|决算|报告|自评|评价|说明|公开|目标|收支", title) is not None
        and not title.endswith(("。", "："))
        and len(re.findall(r"\d", title)) <= 10
    )


def file_title(file_name: str) -> str:
    """A title made from the file name: 江苏省委办公厅2017年预算公开表格.pdf -> 江苏省委办公厅2017年预算公开表格."""
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", file_name)
    stem = re.sub(r"_p\d+-\d+$", "", stem)
    return re.sub(r"[_\s]+", "", stem)[:TITLE_MAX]


def name_in_title(title: str) -> str:
    """The body a title is of: 江苏省委办公厅2017年度部门预算 -> 江苏省委办公厅; 2023年某省财政厅一般
    公共预算…说明 -> 某省财政厅."""
    title = ORGAN_IN_BRACKETS.sub(r"\1\2", title)  # 某产业集中区(管委会): the body is its 管委会
    for part in re.split(r"(?:19|20)\d{2}\s*年?度?", title):
        part = LABEL_PREFIX.sub("", part)
        cut = CONTENT_START.search(part)
        for text in (part[: cut.start()] if cut and cut.start() >= 2 else "", part):
            for piece in TITLE_NOISE.sub(" ", text).split():
                if is_org_name(piece) and len(piece) <= 30:
                    return piece
    return ""


def place_in_title(title: str) -> str:
    """The place a title is of when it names no body: a whole county or district's accounts
    (2019年度某县“三公”经费支出决算情况) -> 某县."""
    for part in re.split(r"(?:19|20)\d{2}\s*年?度?", title):
        cut = CONTENT_START.search(part)
        head = TITLE_NOISE.sub(" ", part[: cut.start()] if cut else part).split()
        head = [re.sub(r"(?<=.{2})(?:[省市区县]级|本级)$", "", head[0])] if head else []  # 某区区级: the district's own
        places, rest = leading_places(head[0], whole=True) if head else ((), "x")
        if places and not rest:
            return head[0]
    return ""


def labelled_names(text: str) -> list[str]:
    """Names after 部门（单位）名称/填报单位/编制单位/部门： … that carry a place."""
    found = []
    for match in LABELLED_DEPARTMENT.finditer(text[:HEAD_CHARS]):
        name = SCOPE_WORDS.sub("", match.group(1))
        if is_org_name(name) and parse_org(name).places:
            found.append(name)
    return found


def cover_names(lines: list[str]) -> list[str]:
    """A line that is nothing but a body's name (the cover's 西安市卫生健康委员会)."""
    names = (LABEL_PREFIX.sub("", line) for line in lines)
    return [n for n in names if 4 <= len(n) <= 30 and is_org_name(n) and parse_org(n).places]


def work_report_name(title: str, text: str) -> str:
    report = WORK_REPORT.search(title)
    if report:
        return f"{report.group(1)}人民政府"
    head = text[:HEAD_CHARS]
    if "政府工作报告" not in head and "各位代表" not in head:
        return ""
    congress = CONGRESS.search(head)
    if congress and LEVEL_ONLY.fullmatch(congress.group(1)):  # 在自治县第十七届人民代表大会: the title's place
        place = place_in_title(title)
        return f"{place}人民政府" if place else ""
    if congress:
        return f"{congress.group(1)}人民政府"
    return "国务院" if NATIONAL.search(head) else ""


def extract_names(title: str, lines: list[str], text: str, file_name: str) -> list[Name]:
    """Every name the document gives itself, best evidence first."""
    names: list[Name] = []
    report = work_report_name(title, text)
    if report:
        names.append(Name(report, "正文" if report not in title else "标题"))
    titled = name_in_title(title) if plausible_title(title) else ""
    if titled:
        names.append(Name(titled, "标题"))
    # with a title's name, a labelled one must be that body (not a unit listed under it)
    same = (lambda n: in_order(titled, n) or in_order(n, titled)) if titled else (lambda n: True)
    names += [Name(n, "标注") for n in labelled_names(text) if same(n)]
    names += [Name(n, "封面") for n in cover_names(lines) if same(n)]
    place = place_in_title(title) if plausible_title(title) and not names else ""
    if place:
        names.append(Name(place, "标题"))
    opening = OPENING_PLACE.search("\n".join(lines[1:6])) if not names else None
    if opening:  # 鄂城区2022年的“三公”经费决算数…, under a title that names no body
        names.append(Name(opening.group(1), "正文"))
    from_file = name_in_title(file_title(file_name)) or (place_in_title(file_title(file_name)) if not names else "")
    if from_file:
        names.append(Name(from_file, "文件名"))
    unique: dict[str, Name] = {}
    for name in names:
        unique.setdefault(name.name, name)
    return list(unique.values())


CONFIDENCE = {"标题": 1.0, "标注": 1.0, "正文": 0.9, "封面": 0.8, "文件名": 0.5}


def extract_year(title: str, lines: list[str], file_name: str) -> int | None:
    """The year of the title; for a title without one, the file name's, then the first lines'."""
    match = YEAR.search(title.translate(FULLWIDTH_DIGITS))
    if match:
        return int(match.group(1))
    named = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", file_name)
    if named:
        return int(named.group(1))
    for text in lines:
        match = YEAR.search(text.translate(FULLWIDTH_DIGITS))
        if match:
            return int(match.group(1))
    return None


def extract_doc_type(title: str, lines: list[str], file_name: str = "") -> str:
    for text in (title, file_name, " ".join(lines)):
        for keyword, doc_type in DOC_TYPE_RULES:
            if keyword in text:
                return doc_type
    return "其他"


def extract_metadata(text: str, file_name: str) -> Metadata:
    lines = head_lines(text)
    found = extract_title(lines)
    title = found if plausible_title(found) else (file_title(file_name) or found or file_name)
    names = extract_names(title, lines, text, file_name)
    department = names[0].name if names else ""
    scope = next((m.group(1) for m in SCOPE_WORDS.finditer(title) if m.group(1) in ("本级", "汇总")), "")
    return Metadata(
        title=title,
        department=department,
        year=extract_year(title, lines, file_name),
        doc_type=extract_doc_type(title, lines, file_name),
        names=tuple(names),
        scope=scope,
        confidence=CONFIDENCE[names[0].source] if names else 0.0,
    )
