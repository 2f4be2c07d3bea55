"""Drafts (写汇报稿): the memo, its DOCX read back figure by figure against the cited PDF page,
the CLI and the web page, on a real Chroma store with the real embedder; the LLM polish over
real HTTP (tests/llm_server.py) on a store with the keyword-count embedder."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from assistant.answering import Assistant
from assistant.app import open_library
from assistant.cli import main
from assistant.config import load_settings
from assistant.drafting import (
    SECTION_NOT_FOUND,
    Drafter,
    Memo,
    drafter_for,
    is_draft_request,
)
from assistant.figures import cited_after, find_figures, supported
from assistant.library import Library
from assistant.memo_export import memo_to_docx, memo_to_markdown
from assistant.memo_sentences import bigrams, near_duplicate
from ingest.clean import clean_document
from ingest.load import load_pages
from ingest.pipeline import ingest_paths
from tests.conftest import LONGJIN_PDF, LONGJIN_TXT

ROOT = Path(__file__).resolve().parent.parent
REQUEST = "写一份龙津街道2022年部门整体支出绩效情况的汇报"
HEADINGS = ["总体情况", "重点工作与成效", "存在的问题", "下一步打算"]
REFERENCE = re.compile(r"^\[(\d+)\] 《(.+?)》（(.+?)），第(\d+)(?:–(\d+))?页：“(.+)”$")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 龙津街道 2022 report in a real Chroma store with the real embedder (e5-small)."""
    path = tmp_path_factory.mktemp("draft") / "store"
    report = ingest_paths([LONGJIN_PDF], open_library(load_settings(store=path)))
    assert report.count("added") == 1
    return path


@pytest.fixture(scope="module")
def memo(store: Path) -> Memo:
    return drafter_for(Assistant(open_library(load_settings(store=store), create=False))).draft(REQUEST)


# -- the DOCX read back: every figure on the page it cites ------------------------------------------
@cache
def pdf_pages(path: Path) -> dict[int, tuple[int, int, str]]:
    """Each page's span in the report's cleaned text (the loader and cleaning ingest uses)."""
    cleaned = clean_document(load_pages(path, path.read_bytes())).document
    return {p.number: (p.start, p.end, cleaned.text) for p in cleaned.pages if p.number is not None}


def page_text(first: int, last: int) -> str:
    pages = pdf_pages(LONGJIN_PDF)
    if first not in pages or last not in pages:
        return ""
    return pages[first][2][pages[first][0] : pages[last][1]]


def body_and_references(docx: bytes) -> tuple[list[Any], dict[int, re.Match[str]]]:
    document = Document(io.BytesIO(docx))
    texts = [p.text for p in document.paragraphs]
    start, end = texts.index("一、总体情况"), texts.index("参考来源")
    references = {int(m.group(1)): m for t in texts[end + 1 :] if (m := REFERENCE.match(t))}
    body = [p for p in document.paragraphs[start:end] if not p.style.name.startswith("Heading")]
    return body, references


def unverifiable(docx: bytes) -> list[str]:
    """Figures of the memo's body that no cited page of samples/longjin_2022.pdf states."""
    paragraphs, references = body_and_references(docx)
    failures = []
    for paragraph in paragraphs:
        for figure in find_figures(paragraph.text):
            cited = [references.get(n) for n in cited_after(paragraph.text, figure.end)]
            if not cited or None in cited:
                failures.append(f"{figure.text}: no reference")
                continue
            pages = [page_text(int(m.group(4)), int(m.group(5) or m.group(4))) for m in cited if m]
            if any(m.group(3) != LONGJIN_PDF.name for m in cited if m) or not supported(figure, pages):
                failures.append(f"{figure.text}: not on {[m.group(0)[:20] for m in cited if m]}")
    return failures


@pytest.mark.e2e  # the real embedder
def test_the_longjin_draft_docx_has_ten_figures_each_on_the_page_it_cites(memo: Memo) -> None:
    docx = memo_to_docx(memo)
    paragraphs, references = body_and_references(docx)
    figures = [f.text for p in paragraphs for f in find_figures(p.text)]
    assert len(figures) >= 10, figures
    assert {"6831.42万元", "6600.83万元", "96.62%", "800万元"} <= set(figures)
    assert unverifiable(docx) == []
    assert all(f.verified for f in memo.figures) and len(memo.figures) == len(figures)
    superscripts = [r.text for p in paragraphs for r in p.runs if r.font.superscript]
    assert superscripts and all(re.fullmatch(r"\[\d+\]", s) for s in superscripts)
    assert len(references) == len(memo.citations)


@pytest.mark.e2e  # the real embedder
def test_the_check_fails_on_an_invented_figure_or_a_wrong_page(memo: Memo) -> None:
    """The check above is not vacuous: a changed figure or a shifted page is caught."""
    old = next(p for p in memo.sections[0].paragraphs if "6831.42万元" in p)
    new = old.replace("6831.42万元", "6831.24万元")
    sections = tuple(replace(s, paragraphs=tuple(new if p == old else p for p in s.paragraphs)) for s in memo.sections)
    failures = unverifiable(memo_to_docx(replace(memo, sections=sections)))
    assert len(failures) == 1 and failures[0].startswith("6831.24万元")
    shifted = tuple(replace(c, page_label=f"第{(c.page or 0) + 1}页") for c in memo.citations)
    assert unverifiable(memo_to_docx(replace(memo, citations=shifted)))


# -- structure ------------------------------------------------------------------------------------
@pytest.mark.e2e  # the real embedder
def test_the_memo_has_a_title_and_four_sections_in_document_order(memo: Memo) -> None:
    assert memo.title == "关于龙津街道2022年度部门整体支出绩效情况的汇报"
    assert [s.heading for s in memo.sections] == HEADINGS and all(s.found for s in memo.sections)
    assert memo.mode == "extractive" and not memo.note and [d.doc for d in memo.documents] == [LONGJIN_PDF.name]
    by_n = {c.n: c for c in memo.citations}
    for section in memo.sections:
        markers = [int(n) for p in section.paragraphs for n in re.findall(r"\[(\d+)\]", p)]
        assert 1 <= len(markers) <= 8
        pages = [by_n[n].page or 0 for n in markers]
        assert pages == sorted(pages)  # the report's order within a section
    problems = "".join(memo.sections[2].paragraphs)
    assert "可衡量性差" in problems and "氛围不浓" in problems
    assert "预算绩效管理全覆盖" in "".join(memo.sections[3].paragraphs)
    assert "6831.42万元" in "".join(memo.sections[0].paragraphs)


@pytest.mark.e2e  # the real embedder
def test_no_two_sentences_of_the_memo_say_the_same(memo: Memo, copies: Library) -> None:
    both = Drafter(copies).draft(REQUEST)
    assert {d.doc for d in both.documents} == {LONGJIN_PDF.name, LONGJIN_TXT.name}
    for drafted in (memo, both):
        texts = [c.text for c in drafted.citations]
        assert len(texts) >= 10
        for i, text in enumerate(texts):
            assert not any(near_duplicate(bigrams(text), bigrams(other)) for other in texts[i + 1 :]), text
    assert all(len(s.paragraphs) == 1 for s in both.sections)  # the two copies are one report
    assert sum(c.doc == LONGJIN_PDF.name for c in both.citations) > len(both.citations) / 2  # pages preferred


def test_near_duplicates_are_recognised() -> None:
    pdf = "全年预算数6831.42万元，执行数6600.83万元，完成预算的96.62%。"
    assert near_duplicate(bigrams(pdf), bigrams(pdf.replace("，", ", ")))
    assert near_duplicate(bigrams(pdf), bigrams("全年预算数6831.42万元，执行数6600.83万元，完成预算的 96.62%"))
    assert not near_duplicate(bigrams(pdf), bigrams("年末结转和结余230.59万元。"))


def test_refusals_say_why(fake_library: Library, copies: Library) -> None:
    assert Drafter(fake_library).draft(REQUEST).reason == "资料库为空：请先导入报告。"
    unknown = Drafter(copies).draft("写一份南山区2022年的汇报")
    assert unknown.refused and "南山区" in unknown.reason and not unknown.sections
    year = Drafter(copies).draft("写一份龙津街道2023年的汇报")
    assert "2023" in year.reason and "现有年份：2022" in year.reason
    assert "筛选范围内没有报告" in Drafter(copies).draft(REQUEST, scope=[]).reason
    assert memo_to_markdown(unknown).startswith("# 未能生成汇报稿")


def test_a_section_the_report_says_nothing_about_says_so(fake_library: Library, tmp_path: Path) -> None:
    report = tmp_path / "示例街道2023年绩效自评报告.txt"
    report.write_text(
        "2023年度示例区示例街道办事处部门整体支出绩效自评报告\n一、部门整体收支情况\n"
        "全年预算数1200.50万元，执行数1100.25万元，预算执行率91.65%。\n二、主要工作成效\n"
        "全年累计完成老旧小区改造3个，开展社区活动120场次。\n",
        encoding="utf-8",
    )
    ingest_paths([report], fake_library)
    memo = Drafter(fake_library).draft("写一段示例街道的摘要")
    assert memo.title.endswith("的摘要")
    assert [s.found for s in memo.sections] == [True, True, False, False]
    assert memo.sections[2].paragraphs == (SECTION_NOT_FOUND,) and memo.sections[3].paragraphs == (SECTION_NOT_FOUND,)
    assert "1200.50万元" in memo.sections[0].paragraphs[0] and all(f.verified for f in memo.figures)


def test_several_reports_unnamed_are_all_used_and_named(fake_library: Library, tmp_path: Path) -> None:
    ingest_paths([LONGJIN_PDF, ROOT / "samples" / "putuo_wanli_2025_budget.pdf"], fake_library)
    memo = Drafter(fake_library).draft("写一份汇报")
    assert "全部 2 份报告" in memo.note and len(memo.documents) == 2
    assert "依据：《" in memo_to_markdown(memo) and all(f.verified for f in memo.figures)
    assert {p[:6] for p in memo.sections[0].paragraphs} == {"（龙津街道，", "（万里街道，"}
    wanli = next(p for p in memo.sections[0].paragraphs if p.startswith("（万里街道，"))
    assert "收入预算18,976.76万元" in wanli and "（科目" not in wanli  # the narrative, not the table records
    assert not any("：指" in p for s in memo.sections for p in s.paragraphs)  # no 名词解释


def test_draft_requests_are_recognised() -> None:
    for text in ("写一段汇报", "帮我写一份龙津街道2022年的工作总结", "生成摘要", "给领导写个汇报材料", "汇报稿"):
        assert is_draft_request(text), text
    for text in (
        "街道在垃圾分类上一共投入了多少钱？",
        "2025年万里街道三公经费预算是多少？",
        "总结一下预算是多少",
        "我在写汇报材料，需要万里街道24年和25年的三公经费各是多少",  # what the figures are for
    ):
        assert not is_draft_request(text), text


# -- CLI ------------------------------------------------------------------------------------------
@pytest.mark.e2e  # the real embedder
def test_cli_draft_out_docx(store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "memo.docx"
    assert main(["draft", "写一份龙津街道2022年的汇报", "--store", str(store), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"已保存：{out}\n") and "个数字已与所引原文核对" in printed
    document = Document(str(out))
    assert document.paragraphs[0].text == "关于龙津街道2022年度部门整体支出绩效情况的汇报"
    assert unverifiable(out.read_bytes()) == []
    assert main(["draft", "写一份龙津街道2022年的汇报", "--store", str(store)]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("# 关于龙津街道") and "## 一、总体情况" in shown and "[^1]: 《" in shown
    assert main(["draft", "写一份龙津街道2022年的汇报", "--store", str(store), "--json"]) == 0
    row = json.loads(capsys.readouterr().out)
    assert [s["heading"] for s in row["sections"]] == HEADINGS and row["citations"][0]["page_label"] == "第4页"


@pytest.mark.e2e  # the real embedder
def test_cli_ask_out_markdown_and_a_wrong_suffix(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "answer.md"
    assert main(["ask", "--store", str(store), "街道在垃圾分类上一共投入了多少钱？", "--out", str(out)]) == 0
    assert capsys.readouterr().out.rstrip().endswith(f"已保存：{out}")
    text = out.read_text(encoding="utf-8")
    assert "800万元" in text and "[^1]: 《2022年度广州市荔湾区人民政府龙津街道办事处" in text
    wrong = tmp_path / "answer.txt"
    assert main(["ask", "--store", str(store), "垃圾分类投入多少？", "--out", str(wrong)]) == 2
    assert main(["draft", "写汇报", "--store", str(store), "--out", str(wrong)]) == 2
    errors = capsys.readouterr().err
    assert errors.count(f"错误：无法导出到 {wrong}：只支持 .docx（Word）或 .md（Markdown）文件") == 2
    assert not wrong.exists()
    assert main(["draft", "写一份南山区的汇报", "--store", str(store)]) == 1
    assert "未能生成汇报稿：已收录的报告中没有南山区的报告" in capsys.readouterr().err


def test_draft_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["draft", "--help"])
    assert exit_info.value.code == 0 and "--out" in capsys.readouterr().out


# -- the web page ---------------------------------------------------------------------------------
@pytest.mark.e2e
def test_the_page_drafts_a_memo_with_sources_and_downloads(
    store: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    downloads: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self: MemoryMediaFileStorage, data: Any, mimetype: str, kind: Any, filename: str | None = None) -> str:
        if filename:
            downloads[filename] = data if isinstance(data, bytes) else Path(data).read_bytes()
        return original(self, data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    monkeypatch.setenv("REPORTQA_STORE", str(store))
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120).run()
    assert not app.exception, app.exception
    app.chat_input[0].set_value("写一份龙津街道2022年的汇报").run()
    assert not app.exception, app.exception
    message = app.chat_message[1]
    texts = [m.value for m in message.markdown]
    assert texts[0] == "#### 关于龙津街道2022年度部门整体支出绩效情况的汇报"
    assert [t for t in texts if t.startswith("**") and "、" in t[:5]] == [
        f"**{n}、{h}**" for n, h in zip("一二三四", HEADINGS, strict=True)
    ]
    assert any("已核对原文" in t for t in texts) and message.expander
    assert [b.label for b in app.get("download_button")] == ["下载 Word", "下载 Markdown"]
    markdown = downloads["关于龙津街道2022年度部门整体支出绩效情况的汇报（草稿）.md"].decode("utf-8")
    assert "## 二、重点工作与成效" in markdown and "[^1]: 《" in markdown
    app.button(key="draft").click().run()  # the sidebar button: a memo over the filtered reports
    assert not app.exception, app.exception
    assert len([m for m in app.chat_message if m.name == "assistant"]) == 2
    assert app.chat_message[2].markdown[0].value == "按所选检索范围写一份汇报稿"


def test_a_topic_named_in_the_request_titles_the_memo() -> None:
    from assistant.drafting import memo_title, request_topic
    from assistant.records import DocumentInfo

    longjin = DocumentInfo("x", "l.pdf", "t", "广州市荔湾区人民政府龙津街道办事处", 2022, "绩效自评报告", 13)
    request = "帮我把龙津街道2022年的民生工作写成一段给领导的汇报"
    assert request_topic(request, [longjin]) == "民生工作"
    assert memo_title(request, [longjin]) == "关于龙津街道2022年度民生工作情况的汇报"
    assert request_topic("写一份龙津街道2022年部门整体支出绩效情况的汇报", [longjin]) == ""
    assert memo_title("写一份汇报", [longjin]) == "关于龙津街道2022年度部门整体支出绩效情况的汇报"


def test_a_memo_for_one_body_named_by_an_abbreviation_uses_only_its_reports(
    fake_library: Library, tmp_path: Path
) -> None:
    bodies = {
        "示范市城市管理和综合执法局": "完成违法建设拆除120处，投入经费560.50万元",
        "示范市住房和城乡建设局": "完成老旧小区改造18个，投入经费2300.10万元",
        "另一市城市管理和综合执法局": "完成市容整治45处，投入经费310.20万元",
        "示范市财政局": "组织财政收入增长5.2%，压减一般性支出8%",
        "示范市统计局": "完成经济普查入户登记3.2万户",
    }
    for i, (body, work) in enumerate(bodies.items()):
        report = tmp_path / f"r{i}.txt"
        report.write_text(
            f"2023年度{body}部门整体支出绩效自评报告\n一、部门整体收支情况\n全年预算数{1000 + i}.50万元，"
            f"执行数{900 + i}.25万元。\n二、主要工作成效\n{work}。\n",
            encoding="utf-8",
        )
    ingest_paths(sorted(tmp_path.glob("r*.txt")), fake_library)
    memo = Drafter(fake_library).draft("帮我写一段示范城管执法局2023年工作的摘要")
    assert {d.department for d in memo.documents} == {"示范市城市管理和综合执法局"}
    assert "示范市城市管理和综合执法局" in memo.title and "等" not in memo.title
    text = memo_to_markdown(memo)
    assert "560.50万元" in text and "310.20" not in text and "2300.10" not in text
