"""Chinese tokenization for the keyword index: jieba with budget terms, numbers kept whole."""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

import jieba

jieba.setLogLevel(logging.WARNING)

DOMAIN_TERMS = (
    "三公经费", "机关运行经费", "财政拨款收入", "财政拨款支出", "一般公共预算", "政府性基金",
    "国有资本经营预算", "政府采购", "公务接待费", "公务用车购置及运行费", "因公出国(境)费",
    "基本支出", "项目支出", "人员经费", "公用经费", "垃圾分类", "预算执行率", "绩效目标",
    "地区生产总值", "一般公共预算收入", "居民人均可支配收入", "城镇调查失业率", "12345热线",
    "违法建设", "低保", "长寿金", "消防安全", "街道办事处",
)  # fmt: skip
STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "跟",
        # the whole of a county, district or town (全县“三公”经费汇总数): where, not what is asked; 全省 and
        # 全市 stay, as a province's or city's work report names its figures by them (全省常住人口)
        "全县",
        "全区",
        "全镇",
        "全乡",
        "与",
        "及",
        "是",
        "在",
        "为",
        "对",
        "把",
        "被",
        "有",
        "中",
        "上",
        "下",
        "也",
        "都",
        "而",
        "或",
        "等",
        "之",
        "其",
        "这",
        "那",
        "个",
        "吗",
        "呢",
        "吧",
        "啊",
        "多少",
        # how a change or a reason is asked (还是减少了，差多少，啥原因，变了没): not what it is about
        "还是",
        "差",
        "啥",
        "咋",
        "没",
        "年变",  # 2025年变了没: the year's 年 glued to 变
        "变",
        "什么",
        "哪些",
        "哪个",
        "怎么",
        "怎样",
        "如何",
        "是否",
        "一共",
        "总共",
        "分别",
        "请问",
        "请",
        "帮",
        "我",
        "我们",
        "一下",
        "情况",
        "年",
        "年度",
        "今年",
        "去年",
    ]
)
THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")
KEEP = re.compile(r"[\w.%]")
_LOCK = threading.Lock()
_TOKENIZER: jieba.Tokenizer | None = None


def _tokenizer(cache_dir: Path | None) -> jieba.Tokenizer:
    global _TOKENIZER
    with _LOCK:
        if _TOKENIZER is None:
            tokenizer = jieba.Tokenizer()
            if cache_dir is not None:
                cache_dir.mkdir(parents=True, exist_ok=True)
                tokenizer.tmp_dir = str(cache_dir)
            tokenizer.initialize()
            for term in DOMAIN_TERMS:
                tokenizer.add_word(term, freq=20000)
            _TOKENIZER = tokenizer
        return _TOKENIZER


def normalise_numbers(text: str) -> str:
    """``6,522,681`` -> ``6522681`` so a figure is one token however it is written."""
    return THOUSANDS.sub("", text)


def tokenize(text: str, cache_dir: Path | None = None) -> list[str]:
    """Search tokens of ``text``: jieba's search mode, lower-cased, stopwords dropped."""
    tokenizer = _tokenizer(cache_dir)
    tokens = [p for t in tokenizer.lcut_for_search(normalise_numbers(text)) for p in GLUED.get(t, (t,))]
    return [t.lower() for t in tokens if KEEP.search(t) and t not in STOPWORDS]


# words jieba glues to the comparison's 比 (跟2025年比少了多少 -> 比少): the two words they are
GLUED = {f"比{c}": ("比", c) for c in "多少高低"}


# Words officials use for what reports call otherwise; a question word also matches these.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "执行率": ("支出率", "完成率", "执行"),
    "拆掉": ("拆除",),
    "拆": ("拆除",),
    "钱": ("经费", "资金", "万元"),
    "花": ("支出", "投入"),
    "花费": ("支出", "投入"),
    "投入": ("投资", "经费"),
    "违建": ("违法建设",),
    "老人": ("老年人", "长者"),
    "三公": ("三公经费",),
    "人数": ("人",),
    "面积": ("平方米", "公顷", "亩"),
    "买": ("购置", "采购"),
    "购买": ("购置", "采购"),
    "公务车": ("公务用车",),
    "车": ("车辆", "用车"),
    "年底": ("年末",),
    "还剩": ("结余", "结转"),
    "剩": ("结余",),
    "砍": ("减少", "压减"),
    "多了": ("增加", "增长"),
    "少了": ("减少", "下降"),
    "办了": ("办理", "办结", "承办"),
    "给": ("发放",),
    "发了": ("发放",),
    "收入": ("收入预算", "收入决算"),
    "gdp": ("国内生产总值", "生产总值"),
    "生产总值": ("经济增长",),
    "经济增长": ("生产总值增长", "生产总值"),  # what people ask and what a province's report says
    "经济增速": ("生产总值增长", "经济增长"),  # 经济增长预期目标为7%左右: how a work report may state it
    "上年": ("年初预算", "上年度", "上一年"),
    "去年": ("上年", "年初预算", "上年度"),
    "增减": ("增加", "减少", "增长", "下降"),
    "比": ("较", "与上年相比", "同比"),
    "多": ("增加", "增长"),
    "少": ("减少", "下降"),
    "增速": ("增长",),
    "啥": ("什么",),
    "为啥": ("原因",),
}


def expand_synonyms(tokens: list[str]) -> list[str]:
    """The tokens followed by the report wording of any of them (for the keyword search)."""
    extra = [syn for t in tokens for syn in SYNONYMS.get(t, ()) if syn not in tokens]
    return tokens + list(dict.fromkeys(extra))
