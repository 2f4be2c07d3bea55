"""A small made-up report, quick to embed with the real model, whose answer is known."""

from __future__ import annotations

from pathlib import Path

QUESTION = "示例街道2023年在垃圾分类上投入了多少经费？"
FIGURE = "900万元"
TITLE = "2023年度示例区示例街道办事处部门整体支出绩效自评报告"


def small_report(figure: str = FIGURE) -> str:
    return "\n".join(
        [
            TITLE,
            "一、部门基本情况",
            "示例街道办事处负责辖区内的社区管理、城市管理和公共服务等工作。",
            "二、绩效目标完成情况",
            f"2023年示例街道在垃圾分类工作中累计投入经费约{figure}，新建垃圾分类投放点12个，居民参与率达到95%。",
            "三、存在的问题",
            "部分老旧小区垃圾分类宣传不足，居民参与积极性有待提高。",
        ]
    )


def write_small_report(folder: Path, name: str = "示例街道2023年绩效自评报告.txt", figure: str = FIGURE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(small_report(figure), encoding="utf-8")
    return path
