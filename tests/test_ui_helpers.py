"""The web page's pure helpers (``assistant.ui``): what the page shows, without Streamlit."""

from __future__ import annotations

from pathlib import Path

from assistant.conversation import Turn
from assistant.drafting import Memo, Section
from assistant.library import Library
from assistant.records import (
    Answer,
    CheckedFigure,
    Comparison,
    ComparisonCell,
    ComparisonRow,
    DocumentInfo,
)
from assistant.scope import Filters
from assistant.sources import Source
from assistant.ui import chat, downloads, panels, progress, sidebar, text
from ingest.ocr import OcrProgress
from ingest.pipeline import FileResult, IngestOptions, IngestReport, Prepared
from tests.conftest import make_citation
from tests.reports import TITLE, small_report

WANLI = DocumentInfo("a" * 64, "wanli_2025.pdf", "万里街道2025年部门预算", "万里街道办事处", 2025, "预算", 40, 120)
LONGJIN = DocumentInfo("b" * 64, "longjin.pdf", "龙津街道2022年绩效自评", "", None, "绩效自评报告", 13, 30)
PASSAGE = "2025年“三公”经费预算37.91万元，比上年减少10.00万元。"
CITATION = make_citation(1, "wanli_2025.pdf", "万里街道2025年部门预算", 29, "第29页", PASSAGE, 0.9, "a" * 16 + "-0007")
VERIFIED = CheckedFigure("37.91万元", verified=True)


def answer(**changes: object) -> Answer:
    fields: dict[str, object] = {
        "question": "2025年万里街道三公经费预算是多少？",
        "answer": "2025年“三公”经费预算37.91万元[1]。",
        "refused": False,
        "reason": "",
        "citations": (CITATION,),
        "figures": (VERIFIED,),
        "mode": "extractive",
        "timings_ms": {"total": 1234.0},
    }
    return Answer(**{**fields, **changes})  # type: ignore[arg-type]


def turn(given: Answer | None = None) -> Turn:
    given = given or answer()
    return Turn(given, (Source(CITATION, WANLI),), "全部 2 份报告")


def memo(**changes: object) -> Memo:
    fields: dict[str, object] = {
        "request": "写一份万里街道的汇报",
        "title": "关于万里街道2025年预算情况的汇报",
        "sections": (Section("总体情况", ("三公经费预算37.91万元[1]。",)), Section("重点工作与成效", ("a_b",))),
        "citations": (CITATION,),
        "figures": (VERIFIED, CheckedFigure("12.00万元", verified=False)),
        "documents": (WANLI,),
    }
    return Memo(**{**fields, **changes})  # type: ignore[arg-type]


def texts(blocks: list[panels.Block], kind: str | None = None) -> list[str]:
    return [b.text for b in blocks if isinstance(b, panels.Text) and (kind is None or b.kind == kind)]


# -- text -----------------------------------------------------------------------------------------
def test_escape_keeps_report_text_literal() -> None:
    assert text.escape("预算$1*2 [注]\n第二行") == r"预算\$1\*2 \[注\]" + "  \n第二行"
    assert text.answered_by("llm") == "大模型" and text.answered_by("other") == "other"


def test_the_library_error_says_busy_or_the_reason() -> None:
    from assistant.errors import ReportQAError, StoreUnavailableError

    assert text.opening_error(StoreUnavailableError("locked")) == text.BUSY
    assert text.opening_error(ReportQAError("没有 *这个* 文件夹")) == r"无法打开资料库：没有 \*这个\* 文件夹"


# -- source panels and answers ----------------------------------------------------------------------
def test_a_source_panel_names_the_page_and_highlights_the_checked_figure() -> None:
    panel = panels.source_panel(Source(CITATION, WANLI), [VERIFIED])
    assert panel.label == "[1] 万里街道2025年部门预算｜第29页"
    assert panel.caption == (
        "文档：《万里街道2025年部门预算》｜部门：万里街道办事处｜年度：2025｜页码：第29页｜文件：wanli\\_2025.pdf"
    )
    assert ":green-background[**37.91万元**]" in panel.body
    assert "10.00万元" in panel.body and ":green-background[**10.00万元**]" not in panel.body  # not cited


def test_a_source_whose_document_is_gone_says_unknown() -> None:
    unpaged = make_citation(2, "gone.pdf", "旧报告", None, "", "正文", 0.5)
    panel = panels.source_panel(Source(unpaged, None), [])
    assert panel.label == "[2] 旧报告｜页码未知"
    assert "部门：未识别｜年度：未识别｜页码：未知" in panel.caption
    assert ":green-background" not in panel.body


def test_figure_badges_say_how_each_figure_was_checked() -> None:
    figures = [
        VERIFIED,
        CheckedFigure("20.87%", verified=True, computed=True),
        CheckedFigure("8.8万元", verified=True, low_confidence=True),
        CheckedFigure("99万元", verified=False),
    ]
    assert panels.figure_badges(figures) == (
        "数字核对：:green-badge[:material/check: 37.91万元 已核对原文] "
        ":blue-badge[:material/calculate: 20.87% 由引用数字计算] "
        ":orange-badge[:material/warning: 8.8万元 识别置信度低，请核对原件] "
        ":red-badge[:material/close: 99万元 未能核实]"
    )
    assert panels.figure_badges([]) == ""


def test_an_answer_shows_its_text_badges_sources_footer_and_downloads_in_order() -> None:
    blocks = panels.answer_blocks(turn(), 2)
    kinds = [type(b).__name__ for b in blocks]
    assert kinds == ["Text", "Text", "Text", "SourcePanel", "Text", "Downloads"]
    assert texts(blocks)[:3] == [
        "2025年“三公”经费预算37.91万元\\[1\\]。",
        "数字核对：:green-badge[:material/check: 37.91万元 已核对原文]",
        "**来源**（1 条，点开查看原文，核对过的数字已标出）",
    ]
    assert texts(blocks, "caption") == ["摘录模式｜检索范围：全部 2 份报告｜用时 1.2 秒"]
    (row,) = [b for b in blocks if isinstance(b, panels.Downloads)]
    assert [(d.label, d.file_name, d.key) for d in row.items] == [
        ("导出 Markdown", "政务报告问答-第3问.md", "turn-2-md"),
        ("导出 Word", "政务报告问答-第3问.docx", "turn-2-docx"),
    ]


def test_a_refusal_shows_the_reason_and_the_nearest_passages_but_no_sources() -> None:
    refused = answer(refused=True, reason="报告中未找到2023年的数据", answer="", nearest=("《甲》第3页：低保",))
    blocks = panels.answer_blocks(turn(refused), 0)
    (warning,) = [b for b in blocks if isinstance(b, panels.Text) and b.kind == "warning"]
    assert warning.text == "**未找到答案**：报告中未找到2023年的数据" and warning.icon == ":material/search_off:"
    assert "报告中与问题相近的内容：\n- 《甲》第3页：低保" in texts(blocks, "markdown")
    assert not [b for b in blocks if isinstance(b, panels.SourcePanel)]
    assert not panels.nearest_text(answer(nearest=())).startswith("- ")


def test_a_follow_up_an_ambiguous_name_and_a_note_come_before_the_answer() -> None:
    given = answer(
        question="统计局呢？",
        asked="统计局2026年三公经费预算是多少？",
        candidates=("甲市统计局", "乙市统计局"),
        ambiguous="统计局",
        note="您指的是哪个统计局？",
    )
    blocks = panels.answer_blocks(turn(given), 4)
    assert blocks[0] == panels.Text("info", "您指的是哪个统计局？", ":material/info:")
    assert blocks[1:3] == [
        panels.AskButton("只问甲市统计局", "clarify-4-0", "甲市统计局2026年三公经费预算是多少？"),
        panels.AskButton("只问乙市统计局", "clarify-4-1", "乙市统计局2026年三公经费预算是多少？"),
    ]
    assert blocks[3] == panels.Text("caption", "按上文理解为：统计局2026年三公经费预算是多少？")


def test_a_comparison_is_a_table_indexed_by_item() -> None:
    comparison = Comparison(
        ("2024年", "2025年"),
        (
            ComparisonRow(
                "三公经费",
                (ComparisonCell("2024年", "47.91万元", 1), ComparisonCell("2025年", "37.91万元", 2)),
                "-10.00万元",
                "-20.87%",
            ),
        ),
    )
    cited = (
        CITATION,
        make_citation(2, "wanli_2024.pdf", "万里街道2024年部门预算", 31, "第31页", "三公经费47.91万元", 0.8),
    )
    compared = answer(comparison=comparison, citations=cited, answer="三公经费减少10.00万元[1][2]。")
    (table,) = [b for b in panels.answer_blocks(turn(compared), 0) if isinstance(b, panels.Table)]
    assert list(table.frame.columns) == ["2024年", "2025年", "差额（后减前）", "增减幅度"]
    assert table.frame.loc["三公经费"].tolist() == ["47.91万元[1]", "37.91万元[2]", "-10.00万元", "-20.87%"]
    assert panels.comparison_table(answer()) is None


# -- memos --------------------------------------------------------------------------------------
def test_a_memo_shows_numbered_sections_the_check_count_and_its_downloads() -> None:
    blocks = panels.memo_blocks(memo(), "全部 1 份报告", 3)
    assert texts(blocks, "markdown") == [
        "#### 关于万里街道2025年预算情况的汇报",
        "**一、总体情况**",
        "三公经费预算37.91万元\\[1\\]。",
        "**二、重点工作与成效**",
        "a\\_b",
        "数字核对：:red-badge[:material/close: 1/2 个数字已核对原文]",
        "**来源**（1 条，点开查看原文）",
    ]
    (panel,) = [b for b in blocks if isinstance(b, panels.SourcePanel)]
    assert "部门：万里街道办事处" in panel.caption  # the document found by the chunk id's sha256 prefix
    assert texts(blocks, "caption") == ["汇报稿（摘录模式）｜检索范围：全部 1 份报告"]
    (row,) = [b for b in blocks if isinstance(b, panels.Downloads)]
    assert [(d.label, d.file_name, d.key) for d in row.items] == [
        ("下载 Word", "关于万里街道2025年预算情况的汇报（草稿）.docx", "memo-3-docx"),
        ("下载 Markdown", "关于万里街道2025年预算情况的汇报（草稿）.md", "memo-3-md"),
    ]
    word = row.items[0].data
    assert callable(word) and word()[:2] == b"PK"  # a .docx, built only when asked for


def test_a_refused_memo_is_only_its_reason() -> None:
    blocks = panels.memo_blocks(memo(reason="已收录的报告中没有南山区的报告", sections=()), "全部", 0)
    assert blocks == [
        panels.Text("warning", "**未能生成汇报稿**：已收录的报告中没有南山区的报告", ":material/search_off:")
    ]


def test_the_conversation_export_is_named_for_all_questions() -> None:
    items = downloads.answer_downloads([turn(), turn()])
    assert [(d.file_name, d.key, d.mime) for d in items] == [
        ("政务报告问答记录（2问）.md", "all-md", "text/markdown"),
        ("政务报告问答记录（2问）.docx", "all-docx", downloads.DOCX),
    ]
    assert isinstance(items[0].data, str) and "37.91万元" in items[0].data


# -- chat -----------------------------------------------------------------------------------------
def test_the_history_puts_each_memo_before_the_question_asked_after_it() -> None:
    memos = [
        chat.DraftedMemo(0, "先写汇报", memo(), "全部"),
        chat.DraftedMemo(2, "最后写汇报", memo(), "全部"),
        chat.DraftedMemo(0, "再写汇报", memo(), "全部"),
    ]
    turns = [turn(answer(question="问一")), turn(answer(question="问二"))]
    shown = chat.history(turns, memos)
    assert [asked for asked, _ in shown] == ["先写汇报", "再写汇报", "问一", "问二", "最后写汇报"]
    last_memo = shown[-1][1]
    (row,) = [b for b in last_memo if isinstance(b, panels.Downloads)]
    assert row.items[0].key == "memo-1-docx"  # keyed by its place in the session's list
    (row,) = [b for b in shown[3][1] if isinstance(b, panels.Downloads)]
    assert row.items[0].key == "turn-1-md"


def test_an_llm_draft_shows_everything_written_so_far_escaped() -> None:
    drafting = chat.Drafting()
    drafting.add("三公经费")
    assert drafting.add("*37.91*万元") == "草稿（核对中）：三公经费\\*37.91\\*万元"


def test_sample_notices_name_each_imported_report_and_each_failure() -> None:
    report = IngestReport(
        [
            FileResult(Path("a.pdf"), "added", WANLI),
            FileResult(Path("b.pdf"), "failed", error="b.pdf：文件损坏"),
            FileResult(Path("c.pdf"), "duplicate"),
        ]
    )
    assert chat.sample_notices(report) == [
        ("success", "已导入《万里街道2025年部门预算》（wanli_2025.pdf）"),
        ("error", "b.pdf：文件损坏"),
    ]
    assert chat.samples_label(3) == "导入示例报告（3 份）"


# -- sidebar --------------------------------------------------------------------------------------
def test_the_library_rows_say_what_was_not_recognised() -> None:
    assert sidebar.library_label([WANLI, LONGJIN]) == "已收录 2 份报告"
    assert sidebar.library_rows([WANLI, LONGJIN]) == [
        ("**万里街道2025年部门预算**", "万里街道办事处｜2025年｜预算｜40页｜120段｜wanli\\_2025.pdf"),
        ("**龙津街道2022年绩效自评**", "部门未识别｜年度未识别｜绩效自评报告｜13页｜30段｜longjin.pdf"),
    ]


def test_the_filters_offer_years_departments_and_titles_and_describe_the_scope() -> None:
    older = DocumentInfo("c" * 64, "wanli_2024.pdf", "万里街道2024年部门预算", "万里街道办事处", 2024, "预算", 38)
    years, departments, docs = sidebar.filter_fields([older, WANLI, LONGJIN])
    assert (years.label, years.options, years.key) == ("年度", [2025, 2024], "years")
    assert (departments.options, departments.placeholder) == (["万里街道办事处"], "全部部门")
    assert docs.key == "docs" and [docs.name(i) for i in docs.options] == [
        "万里街道2024年部门预算",
        "万里街道2025年部门预算",
        "龙津街道2022年绩效自评",
    ]
    filters = sidebar.chosen_filters([2025], [], [])
    assert filters == Filters((2025,)) and sidebar.chosen_filters() == Filters()
    assert sidebar.scope_caption([older, WANLI], filters) == "将在以下范围内检索：2025年，共 1 份报告"
    removal = sidebar.removal_choice([WANLI])
    assert removal.key == "remove_choice" and removal.name(WANLI.doc_id) == "万里街道2025年部门预算（wanli_2025.pdf）"


def test_the_mode_status_of_the_offline_mode_and_of_an_llm() -> None:
    from assistant.config import load_settings

    settings = load_settings(llm_base_url="http://127.0.0.1:9/v1", llm_model="qwen")
    offline = sidebar.mode_status("extractive", settings, lambda settings: (False, "never asked"))
    assert offline.line == "**回答模式**：摘录模式 :green-badge[可用]" and "不调用大模型" in offline.detail
    down = sidebar.mode_status("llm", settings, lambda settings: (False, "模型服务出错（HTTP 500）"))
    assert down.line.startswith("**回答模式**：大模型（qwen，http\\://127.0.0.1\\:9/v1）")
    assert down.line.endswith(":red-badge[不可用]")
    assert down.detail == "模型服务出错（HTTP 500）；暂用摘录模式回答。"
    up = sidebar.mode_status("llm", settings, lambda settings: (True, ""))
    assert up.line.endswith(":green-badge[可用]") and "每个数字都与所引原文核对" in up.detail


def test_notices_are_alerts_escaped_with_unknown_kinds_as_errors() -> None:
    assert sidebar.notice_blocks([("success", "已导入《a_b》"), ("odd", "坏了")]) == [
        panels.Text("success", "已导入《a\\_b》"),
        panels.Text("error", "坏了"),
    ]


def test_uploads_are_imported_with_a_notice_each_and_removed_by_id(fake_library: Library) -> None:
    bar: list[tuple[float, str]] = []
    callbacks = progress.ImportProgress(2, lambda value, words: bar.append((value, words))).callbacks()
    files = [("示例街道2023年绩效自评报告.txt", small_report().encode("utf-8")), ("坏.pdf", b"%PDF-1.7 broken")]
    notices = list(sidebar.import_uploads(fake_library, files, IngestOptions(), callbacks))
    assert [kind for kind, _ in notices] == ["success", "error"]
    assert notices[0][1].startswith(f"示例街道2023年绩效自评报告.txt：已导入（{TITLE}")
    assert notices[1][1].startswith("坏.pdf：")
    assert bar[-1] == (1.0, "导入完成")
    (info,) = fake_library.documents()
    assert sidebar.remove(fake_library, info.doc_id) == [("success", f"已删除《{TITLE}》（{info.doc}）")]
    assert sidebar.remove(fake_library, info.doc_id) == []  # already gone: nothing to say
    assert fake_library.documents() == []


# -- progress -------------------------------------------------------------------------------------
def test_the_import_bar_moves_chunk_by_chunk_across_files() -> None:
    shown: list[tuple[float, str]] = []
    callbacks = progress.ImportProgress(2, lambda value, words: shown.append((value, words))).callbacks()
    assert callbacks.on_ocr_page and callbacks.on_start and callbacks.on_embedded and callbacks.on_file
    callbacks.on_ocr_page(OcrProgress(page=3, done=1, total=4, seconds=0.1, cached=False))
    assert shown[-1] == (0.0, "正在识别扫描页 1/4：第3页（第 1/2 个文件）")
    callbacks.on_start(Prepared(WANLI, [object()] * 4, []))  # type: ignore[list-item]
    callbacks.on_embedded(2)
    assert shown[-1] == (0.25, "正在导入 wanli_2025.pdf（第 1/2 个文件）")
    callbacks.on_file(FileResult(Path("a"), "added"))
    assert shown[-1] == (0.5, "正在导入 wanli_2025.pdf（第 2/2 个文件）")
    callbacks.on_file(FileResult(Path("b"), "failed"))
    assert shown[-1] == (1.0, "导入完成")


def test_ingest_options_come_from_the_settings() -> None:
    from assistant.config import load_settings

    options = progress.ingest_options(load_settings(chunk_size=500, ocr=False))
    assert (options.chunk_size, options.ocr) == (500, False)
