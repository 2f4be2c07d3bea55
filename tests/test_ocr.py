"""OCR of scanned pages: detection, reading order, provenance, cache, the switch, and scanned copies
of a bundled report answering like the original."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter

from assistant.app import build_assistant, open_library
from assistant.cli import main
from assistant.config import load_settings
from assistant.errors import IngestError
from assistant.figures import find_figures
from assistant.library import Library
from assistant.recognised import figure_mark, flag_low_confidence, with_ocr_flags
from assistant.records import Answer, CheckedFigure, Chunk, Ocr, RawPage
from ingest import ocr
from ingest.layout import fix_quotes, layout_page
from ingest.ocr import OcrSettings, mark_recognised, read_cache, usable_text, with_ocr, write_cache
from ingest.pipeline import STAGES, IngestOptions, Overrides, Progress, ingest_paths, prepare
from tests.conftest import LONGJIN_PDF, make_citation
from tests.scanned import make_mixed_pdf, make_scanned_pdf

# pages of longjin_2022.pdf the figure questions below need (1: title, department and year; 4: budget
# execution; 9: 垃圾分类; 11: 民生保障); the OCR tests share one cache: each page is recognised once
PAGES = (1, 4, 9, 11)


def box(left: float, top: float, right: float, bottom: float, text: str, score: float = 0.99) -> list[Any]:
    return [[[left, top], [right, top], [right, bottom], [left, bottom]], text, score]


# -- pure parts -------------------------------------------------------------------------------
def test_usable_text_needs_real_characters_not_private_use_glyphs() -> None:
    assert usable_text("龙津街道2022年共拆除违法建设18172平方米，全年共承办热线工单2483件。")
    assert not usable_text("")
    assert not usable_text("  - 3 -  \n")
    assert not usable_text("\ue001\ue002\ue003" * 20 + "龙津街道2022年共拆除违法建设")


def test_boxes_are_read_line_by_line_and_table_cells_stay_in_order() -> None:
    result = [
        box(400, 300, 520, 330, "3713.50"),  # a table row given out of order
        box(150, 302, 300, 331, "项目支出"),
        box(600, 298, 700, 329, "56.3%", 0.81),
        box(210, 100, 1080, 130, "按支出性质看，基本支出2887.33万元，项目支出"),  # indented: a paragraph
        box(150, 150, 600, 180, "3713.50万元。"),
        box(1000, 152, 1050, 181, "元"),  # far right of the same line: a separate cell
    ]
    lines = layout_page(result)
    assert [line.text for line in lines] == [
        "\u3000\u3000按支出性质看，基本支出2887.33万元，项目支出",
        "3713.50万元。  元",
        "项目支出  3713.50  56.3%",
    ]
    assert lines[2].score == pytest.approx(0.81)  # a line is as sure as its weakest box


def test_a_table_row_keeps_its_numbers_whole() -> None:
    lines = layout_page(
        [
            box(150, 100, 400, 130, "212  01  城乡社区管理事务"),
            box(500, 100, 700, 130, "94, 450, 003"),
            box(800, 100, 900, 130, "0"),
        ]
    )
    assert [line.text for line in lines] == ["212  01  城乡社区管理事务  94,450,003  0"]


def test_boxes_close_together_join_without_a_space() -> None:
    lines = layout_page([box(150, 100, 400, 130, "累计投入经费约"), box(405, 101, 520, 131, "800万元")])
    assert [line.text for line in lines] == ["累计投入经费约800万元"]


def test_closing_quotes_read_as_ascii_are_put_back() -> None:
    assert fix_quotes('抓好社区“两委"领导，“三会一课"制度') == "抓好社区“两委”领导，“三会一课”制度"


def test_chunks_from_recognised_pages_carry_provenance_and_low_lines() -> None:
    pages = [
        RawPage(1, "第1页", "正文"),
        RawPage(
            2,
            "第2页（识别文本）",
            "累计投入经费约800万元，完成9个星级投放点创建",
            ocr=Ocr(True, 0.97, (("累计投入经费约800万元，完成9个", 0.82), ("-6-", 0.7))),
        ),
    ]
    text = "累计投入经费约800万元，完成9个星级投放点创建"
    chunk = Chunk("d" * 64, 0, text, 0, len(text), 2, 2, "第2页（识别文本）", page_spans=((0, 2, "第2页（识别文本）"),))
    prose = Chunk("d" * 64, 1, "正文", 0, 2, 1, 1, "第1页", page_spans=((0, 1, "第1页"),))
    marked, plain = mark_recognised([chunk, prose], pages)
    assert marked.ocr.recognised and marked.ocr.confidence == pytest.approx(0.82)
    assert marked.ocr.low_lines == ("累计投入经费约800万元，完成9个",)  # the page number line is not in the chunk
    assert plain == prose


def test_a_figure_from_a_low_confidence_line_is_flagged_not_verified_fact() -> None:
    passage = (1, "scan.pdf", "报告", 2, "第2页（识别文本）", "累计投入经费约800万元，完成9个星级投放点创建", 1.0)
    cited = make_citation(*passage)
    low = make_citation(*passage, ocr=Ocr(True, 0.82, ("累计投入经费约800万元",)))
    figures = [CheckedFigure("800万元", True), CheckedFigure("9个", True)]
    assert [f.low_confidence for f in flag_low_confidence(figures, [cited])] == [False, False]  # a text layer
    flagged = flag_low_confidence(figures, [low])
    assert [f.low_confidence for f in flagged] == [True, False]
    assert [f.verified for f in flagged] == [True, True]  # the figure check itself is unchanged
    answer = with_ocr_flags(Answer("问", "约800万元[1]，9个[1]", False, "", (low,), tuple(figures), "extractive"))
    assert "识别置信度低，请核对原件：800万元" in answer.note
    assert [figure_mark(f) for f in answer.figures] == ["800万元（⚠ 识别置信度低，请核对原件）", "9个✓"]


def test_the_cache_round_trips_and_ignores_damaged_entries(tmp_path: Path) -> None:
    result = [[[[1.0, 2.0], [3.0, 2.0], [3.0, 4.0], [1.0, 4.0]], "龙津街道", 0.99]]
    write_cache(tmp_path, "k", result)
    assert read_cache(tmp_path, "k") == result
    (tmp_path / "bad.json").write_text("{half", encoding="utf-8")
    assert read_cache(tmp_path, "bad") is None
    assert read_cache(None, "k") is None


def test_workers_are_bounded_by_the_cores_and_the_pages() -> None:
    cores = ocr.worker_count(1000)
    assert 1 <= cores <= (ocr.os.cpu_count() or 1)
    assert ocr.worker_count(1) == 1 and ocr.worker_count(2 * cores) == cores
    assert ocr.worker_count(5, wanted=1) == 1 and ocr.worker_count(2, wanted=8) == 2


def test_pages_left_by_workers_that_cannot_start_are_recognised_here(monkeypatch: pytest.MonkeyPatch) -> None:
    images = [ocr.PageImage(i, 1, 1, b"\xff\xff\xff", f"k{i}") for i in range(3)]

    def first_then_broken(path: Path, todo: list[ocr.PageImage], workers: int, done: set[int]) -> Any:
        done.add(todo[0].index)
        yield todo[0], [], 0.5
        raise ocr.BrokenProcessPool("no __main__ guard")

    monkeypatch.setattr(ocr, "_in_processes", first_then_broken)
    monkeypatch.setattr(ocr, "recognise", lambda image: ([], 0.25))
    monkeypatch.setattr(ocr, "worker_count", lambda pages, wanted=0: 2)
    got = [(image.index, took) for image, _, took in ocr._run(Path("scan.pdf"), images, 0)]
    assert got == [(0, 0.5), (1, 0.25), (2, 0.25)]


def test_an_engine_failure_names_the_file() -> None:
    def broken(image: ocr.PageImage) -> Any:
        raise RuntimeError("模型文件损坏")

    image = ocr.PageImage(0, 1, 1, b"\xff\xff\xff", "k")
    with pytest.raises(IngestError) as info:
        ocr._checked(Path("scan.pdf"), broken, image)
    assert str(info.value) == "scan.pdf：文字识别（OCR）失败（RuntimeError：模型文件损坏）"


# -- the real engine ---------------------------------------------------------------------------
@pytest.fixture(scope="session")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Scanned copies of PAGES of the sample report, the same pages as text, a mixed copy and
    the session's OCR cache."""
    folder = tmp_path_factory.mktemp("scans")
    writer = PdfWriter()
    reader = PdfReader(str(LONGJIN_PDF))
    for number in PAGES:
        writer.add_page(reader.pages[number - 1])
    text_copy = folder / "longjin_2022_pages.pdf"
    with open(text_copy, "wb") as handle:
        writer.write(handle)
    return {
        "scanned": make_scanned_pdf(folder / "longjin_2022_scanned.pdf", pages=PAGES),
        "text": text_copy,
        "mixed": make_mixed_pdf(folder / "longjin_2022_mixed.pdf", scanned=PAGES),
        "cache": folder / "ocr-cache",
    }


def count_engine_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the pages the real engine recognises in this process (worker processes would not
    see the patch: count with ``ocr_workers=1``)."""
    calls: list[int] = []
    real = ocr.recognise

    def counting(image: ocr.PageImage) -> Any:
        calls.append(image.index + 1)
        return real(image)

    monkeypatch.setattr(ocr, "recognise", counting)
    return calls


@pytest.mark.e2e  # the real OCR models recognise every page (it fills the cache the next test reads)
def test_a_scanned_report_ingests_with_cited_recognised_text_and_is_never_recognised_twice(
    fake_library: Library, scans: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[ocr.OcrProgress] = []
    options = IngestOptions(ocr_cache=scans["cache"])  # worker processes, one per core
    report = ingest_paths([scans["scanned"]], fake_library, options=options, progress=Progress(on_ocr_page=seen.append))
    assert not report.failures, report.failures
    assert seen[0].done == 0 and seen[0].total == 4  # the bar starts before the first page
    assert sorted(s.page for s in seen[1:]) == [1, 2, 3, 4] and seen[-1].done == seen[-1].total == 4
    assert not any(s.cached for s in seen) and all(s.seconds > 0 for s in seen[1:])
    assert report.ocr.pages == report.ocr.recognised == 4
    info = fake_library.documents()[0]
    text_copy = prepare(scans["text"], scans["text"].read_bytes(), Overrides(), dict.fromkeys(STAGES, 0.0), 320, 60)
    assert (info.title, info.department, info.year, info.doc_type) == (
        text_copy.info.title,
        text_copy.info.department,
        text_copy.info.year,
        text_copy.info.doc_type,
    )
    assert info.department == "广州市荔湾区人民政府龙津街道办事处" and info.year == 2022 and info.pages == 4
    chunks = fake_library.store.all_chunks()
    assert all(c.ocr.recognised and 0.5 < c.ocr.confidence <= 1.0 for c in chunks)
    assert {c.page_label for c in chunks} == {f"第{n}页（识别文本）" for n in range(1, 5)}
    text = "".join(c.text for c in chunks)
    for figure in ("2887.33", "3713.50", "230.59", "800万元", "127人", "255.3万元"):
        assert figure in text

    # the same scan again, after it was removed: every page comes from the cache (the engine, run
    # in this process to count its calls, is never called)
    fake_library.remove(info.doc_id)
    engine_calls = count_engine_calls(monkeypatch)
    here = IngestOptions(ocr_cache=scans["cache"], ocr_workers=1)
    again = ingest_paths([scans["scanned"]], fake_library, options=here)
    assert engine_calls == [] and again.ocr.pages == 4 and again.ocr.recognised == 0
    assert fake_library.documents()[0].chunks == info.chunks


@pytest.mark.e2e  # needs the pages the test above recognised in the shared cache
def test_a_mixed_report_is_recognised_page_by_page(
    fake_library: Library, scans: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine_calls = count_engine_calls(monkeypatch)
    options = IngestOptions(ocr_cache=scans["cache"], ocr_workers=1)
    report = ingest_paths([scans["mixed"]], fake_library, options=options)
    assert not report.failures and report.ocr.pages == len(PAGES)
    assert engine_calls == []  # the same page images as the scanned copy: all from the cache
    chunks = fake_library.store.all_chunks()
    for chunk in chunks:  # a chunk is recognised text when it touches a scanned page
        touched = {number for _, number, _ in chunk.page_spans}
        assert chunk.ocr.recognised == bool(touched & set(PAGES)), chunk
        assert chunk.page_label.endswith("（识别文本）") == (chunk.page in PAGES)
    assert {c.page for c in chunks if not c.ocr.recognised} >= set(range(1, 14)) - set(PAGES) - {p - 1 for p in PAGES}


def test_with_ocr_off_a_scan_fails_with_the_no_text_layer_reason(
    tmp_path: Path, scans: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "store")
    assert main(["ingest", str(scans["scanned"]), "--store", store, "--quiet", "--no-ocr"]) == 1
    err = capsys.readouterr().err
    assert "longjin_2022_scanned.pdf：无文本层（可能是扫描件）" in err and "已关闭文字识别" in err
    pages = [RawPage(1, "第1页", "")]
    assert with_ocr(scans["scanned"], pages, scans["scanned"].read_bytes(), OcrSettings(enabled=False))[1].skipped


@pytest.mark.e2e
def test_the_scanned_copy_answers_the_figure_questions_like_the_original(
    tmp_path: Path, scans: dict[str, Path]
) -> None:
    questions = [
        "龙津街道2022年基本支出和项目支出各是多少？",
        "龙津街道2022年年末结转和结余有多少？",
        "街道在垃圾分类上一共投入了多少钱？",
        "龙津街道2022年有多少特困人员，发放了多少特困金？",
        "龙津街道2022年困难人员临时救助办理了多少人次，金额多少？",
    ]
    answers = {}
    for kind in ("text", "scanned"):
        store = tmp_path / kind
        options = IngestOptions(ocr_cache=scans["cache"])
        settings = load_settings(store=store)
        report = ingest_paths([scans[kind]], open_library(settings), options=options)
        assert not report.failures
        assistant = build_assistant(settings)
        answers[kind] = [assistant.ask(q) for q in questions]
    for original, scanned in zip(answers["text"], answers["scanned"], strict=True):
        assert not original.refused and not scanned.refused
        assert {f.value for f in find_figures(scanned.answer)} == {f.value for f in find_figures(original.answer)}
        assert all(c.page_label.endswith("（识别文本）") and c.ocr.recognised for c in scanned.citations)
        assert all(f.verified for f in scanned.figures)
