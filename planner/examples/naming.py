"""Made-up names for generated scenarios: regions (区/县), towns and schools
named by the stage conventions of the built-in scenario. Common forms only;
no real school is described."""

from __future__ import annotations

import random
from collections import defaultdict

from planner.enums import Stage

__all__ = ["Namer"]


# Region names (区/县), towns and streets: made up, common forms only.
def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_REGION_STEMS = _words(
    "东城 西城 南湖 北山 青云 白河 临江 高新 望岳 金水 长清 安平 永宁 龙泉 凤鸣 "
    "清源 石门 桃源 柳林 松山 梅岭 兰陵 云台 玉泉 宁远 丰乐 新安 太和 兴华 文昌"
)
_TOWNS = _words(
    "东关 西关 南关 北关 城东 城西 河东 河西 青龙 白龙 凤凰 龙山 桃园 杏林 柳河 松林 "
    "梨园 金山 银河 玉溪 清河 石桥 马庄 李庄 王庄 张村 刘家 新华 胜利 建设 和平 红星 "
    "光明 向阳 东方 长春 永安 太平 兴隆 丰收 大营 朝阳 望山 平原 双河 三里 五里 七星 "
    "九龙 十里 花园 果园 湖滨 江南 北苑 南苑 西苑 东苑 育才 实验 明德 崇文 启明"
)
_ORDINALS = _words("一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六")


class Namer:
    """School names following the stage conventions of the built-in scenario:
    ...中学 junior, ...小学 primary, ...学校 nine-year."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()
        self.cores: dict[tuple[str, Stage], int] = defaultdict(int)

    def region(self, index: int) -> str:
        stem = _REGION_STEMS[index % len(_REGION_STEMS)]
        lap = index // len(_REGION_STEMS)
        return f"{stem}{'区' if lap % 2 == 0 else '县'}" + (f"{lap // 2 + 1}" if lap > 1 else "")

    def core(self, region: str, stage: Stage) -> str:
        number = self.cores[region, stage]
        self.cores[region, stage] += 1
        ordinal = _ORDINALS[number % len(_ORDINALS)]
        kind = {
            Stage.JUNIOR: f"第{ordinal}中学",
            Stage.PRIMARY: "实验小学" if number == 0 else f"第{ordinal}实验小学",
            Stage.NINE_YEAR: "实验学校" if number == 0 else f"第{ordinal}实验学校",
        }[stage]
        return self._unique(f"{region}{kind}", stage)

    def member(self, region: str, stage: Stage) -> str:
        town = self.rng.choice(_TOWNS)
        kind = {
            Stage.JUNIOR: self.rng.choice(("中学", "镇中学", "初级中学")),
            Stage.PRIMARY: self.rng.choice(("小学", "中心小学", "镇中心小学")),
            Stage.NINE_YEAR: self.rng.choice(("学校", "九年制学校", "镇学校")),
        }[stage]
        return self._unique(f"{region}{town}{kind}", stage)

    def _unique(self, name: str, stage: Stage) -> str:
        if name not in self.taken:
            self.taken.add(name)
            return name
        suffix = {Stage.JUNIOR: "中学", Stage.PRIMARY: "小学", Stage.NINE_YEAR: "学校"}[stage]
        stem = name.removesuffix(suffix)
        k = 2
        while f"{stem}第{k}{suffix}" in self.taken:
            k += 1
        name = f"{stem}第{k}{suffix}"
        self.taken.add(name)
        return name
