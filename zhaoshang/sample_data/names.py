"""Synthetic but plausible project and investor names (unique per generated year)."""

from __future__ import annotations

import random

PLACES: dict[str, list[str]] = {
    "粤港澳": ["深圳市", "广州市", "东莞市", "佛山市", "珠海市", "香港"],
    "长三角": ["上海市", "苏州市", "杭州市", "宁波市", "南京市", "无锡市"],
    "京津冀": ["北京市", "天津市", "石家庄市"],
    "市内": ["重庆市", "重庆两江新区", "重庆市江津区"],
    "其他市外": ["成都市", "武汉市", "西安市", "长沙市", "郑州市", "贵阳市"],
    "境外": ["新加坡", "德国", "日本", "韩国", "瑞士", "美国"],
}
BRAND_HEADS = list("华恒瑞鑫宏盛嘉润泰远正创博天金联宇凯星弘昌信锦腾安")
BRAND_TAILS = list("晟达源诚丰科邦通晖锐德泽航智力辉隆峰茂兴程新阳合元")
PRODUCTS: dict[str, list[str]] = {
    "消费品": [
        "粮油精深加工",
        "休闲食品生产",
        "白酒酿造",
        "调味品生产",
        "纺织服装",
        "智能家居用品",
        "预制菜加工",
    ],
    "装备制造": ["智能装备制造", "精密数控机床", "工业机器人", "液压元件", "输变电设备", "齿轮传动系统"],
    "汽摩": ["新能源汽车零部件", "摩托车整车", "汽车电子", "动力电池组件", "汽车轻量化部件"],
    "材料": ["新型建材", "铝合金精深加工", "高性能复合材料", "特种钢材", "电子化学品"],
    "智能产业": ["大数据中心", "智能终端制造", "集成电路封测", "软件研发中心", "工业互联网平台", "显示模组"],
    "现代服务业": ["现代物流园", "区域总部", "供应链服务中心", "检验检测中心", "冷链物流基地"],
    "现代农业": ["花椒种植加工", "富硒农业示范园", "生态茶园", "柑橘种植基地", "数字农业产业园"],
    "其他": ["文旅综合体", "康养小镇", "商业综合体", "精品酒店", "体育公园"],
}
SUFFIXES: dict[str, list[str]] = {
    "世界500强": ["集团有限公司", "集团股份有限公司"],
    "中国500强": ["集团有限公司", "集团股份有限公司"],
    "民营500强": ["集团有限公司", "控股集团有限公司"],
    "上市公司": ["股份有限公司", "科技股份有限公司"],
    "央企": ["集团有限公司"],
    "国企": ["投资集团有限公司", "产业发展有限公司"],
    "其他": ["科技有限公司", "实业有限公司", "有限公司", "贸易有限公司"],
}


class NameBook:
    """Draws (project name, investor) pairs that are never reused within one generated year."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def draw(self, industry: str, investor_type: str, origin: str) -> tuple[str, str]:
        rng = self._rng
        for _ in range(1000):
            brand = rng.choice(BRAND_HEADS) + rng.choice(BRAND_TAILS)
            name = f"{brand}{rng.choice(PRODUCTS[industry])}项目"
            if brand in self._used or name in self._used:
                continue
            self._used.update((brand, name))
            place = "中国" if investor_type == "央企" else rng.choice(PLACES[origin])
            return name, f"{place}{brand}{rng.choice(SUFFIXES[investor_type])}"
        raise RuntimeError("name book exhausted")  # pragma: no cover - 650 brands for ~300 projects
