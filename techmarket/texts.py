"""Plausible Chinese technical texts per industry chain (document C 六's chains), for the demo city and for the
labelled matching set: achievements from templates of real-sounding phrases, and needs written from a known
achievement with paraphrase (synonyms, reordering, dropped terms) and noise (generic sentences, stray terms)."""

from __future__ import annotations

import random
from dataclasses import dataclass

# chain code → (objects, processes, metrics, applications)
VOCAB: dict[str, tuple[list[str], list[str], list[str], list[str]]] = {
    "office_automation": (["激光打印机", "硒鼓", "定影组件", "扫描模组", "复合机", "碳粉"],
                          ["图像处理算法", "纸路控制", "低温定影", "国产化主控芯片适配", "色彩管理", "远程运维"],
                          ["打印速度", "定影温度", "首页输出时间", "能耗", "卡纸率"],
                          ["政务办公", "金融网点", "信创终端"]),
    "smart_terminals": (["自助服务终端", "POS机", "工业平板", "智能门锁", "人脸识别闸机", "车载终端"],
                        ["嵌入式操作系统", "低功耗设计", "边缘计算", "多模态交互", "安全加密模块", "人脸活体检测"],
                        ["待机时长", "识别准确率", "响应时间", "防护等级"],
                        ["智慧社区", "银行网点", "物流配送"]),
    "optoelectronics": (["光纤连接器", "光模块", "光耦合器件", "激光二极管", "光电探测器", "波分复用器"],
                        ["耦合封装", "硅光集成", "高速调制", "低损耗镀膜", "光纤熔接", "可靠性测试"],
                        ["插入损耗", "传输速率", "回波损耗", "工作温度范围"],
                        ["5G前传", "数据中心", "光纤到户"]),
    "integrated_circuits": (["功率半导体", "MEMS传感器", "片式电阻", "射频芯片", "IGBT模块", "压电陶瓷元件"],
                            ["晶圆级封装", "版图设计", "薄膜沉积", "键合工艺", "失效分析", "老化筛选"],
                            ["良率", "导通电阻", "功耗", "可靠性寿命"],
                            ["新能源汽车", "工业控制", "消费电子"]),
    "carbon_fiber": (["碳纤维原丝", "碳纤维预浸料", "复合材料构件", "碳纤维自行车架", "碳纤维钓竿", "风电叶片大梁"],
                     ["湿法纺丝", "预氧化碳化", "热压罐成型", "树脂传递模塑", "上浆剂改性", "无损检测"],
                     ["拉伸强度", "拉伸模量", "孔隙率", "层间剪切强度"],
                     ["航空航天", "风电", "体育器材"]),
    "advanced_polymers": (["聚醚醚酮", "特种尼龙", "医用高分子", "聚酰亚胺薄膜", "改性聚丙烯", "可降解塑料"],
                          ["熔融共混改性", "注塑成型", "挤出造粒", "交联改性", "阻燃改性", "表面接枝"],
                          ["耐热温度", "熔体流动速率", "断裂伸长率", "阻燃等级"],
                          ["汽车轻量化", "医疗器械", "电子电器"]),
    "ships_offshore": (["船用柴油机", "海洋牧场平台", "深远海养殖工船", "船舶推进器", "海工吊机", "船用压载水处理装置"],
                       ["分段建造", "焊接变形控制", "振动噪声控制", "防腐涂装", "数字孪生", "智能航行控制"],
                       ["油耗", "抗风浪等级", "焊缝合格率", "作业水深"],
                       ["远洋渔业", "海上风电运维", "海洋牧场"]),
    "special_vehicles": (["冷藏车", "环卫车", "房车", "消防车", "随车起重机", "罐式运输车"],
                         ["车身轻量化", "电动化底盘", "液压系统优化", "整车控制器", "保温厢体发泡", "上装智能控制"],
                         ["整备质量", "续驶里程", "厢体传热系数", "作业效率"],
                         ["冷链物流", "市政环卫", "应急救援"]),
    "tyres": (["全钢子午线轮胎", "半钢轮胎", "工程机械轮胎", "航空轮胎", "胎面胶", "钢丝帘线"],
              ["白炭黑混炼", "硫化工艺", "胎面花纹设计", "动平衡检测", "绿色轮胎配方", "翻新再制造"],
              ["滚动阻力", "抗湿滑性能", "耐磨指数", "均匀性"],
              ["商用车", "乘用车", "矿山机械"]),
    "electric_motors": (["永磁同步电机", "伺服电机", "微特电机", "电机控制器", "定子绕组", "无刷直流电机"],
                        ["矢量控制", "扁线绕组", "磁路优化设计", "转子动平衡", "散热结构设计", "无位置传感器控制"],
                        ["功率密度", "效率", "温升", "噪声"],
                        ["新能源汽车驱动", "工业机器人", "家用电器"]),
    "laser_technology": (["光纤激光器", "激光焊接设备", "激光切割头", "激光清洗机", "超快激光器", "激光熔覆装备"],
                         ["光束整形", "振镜扫描控制", "熔池监测", "激光增材制造", "冷却系统设计", "路径规划"],
                         ["输出功率", "光束质量", "焊接速度", "定位精度"],
                         ["动力电池焊接", "船舶板材切割", "模具修复"]),
    "marine_biomedicine": (["海洋多糖", "鱼胶原蛋白肽", "壳聚糖敷料", "海藻酸盐", "海洋微生物酶", "鱼油"],
                           ["酶解制备", "膜分离纯化", "发酵工艺", "分子量控制", "冷冻干燥", "结构表征"],
                           ["纯度", "得率", "分子量分布", "生物相容性"],
                           ["医用敷料", "功能食品", "化妆品原料"]),
    "marine_food": (["海参", "即食海产品", "海带", "牡蛎肽", "鱼糜制品", "海洋功能饮品"],
                    ["低温加工", "超高压杀菌", "冷链保鲜", "风味调控", "精深加工", "质量追溯"],
                    ["货架期", "营养保留率", "菌落总数", "出品率"],
                    ["休闲食品", "出口水产", "海洋牧场"]),
    "medicine_devices": (["一次性输注器械", "骨科植入物", "血液净化设备", "医用导管", "体外诊断试剂", "康复机器人"],
                         ["医用高分子挤出", "表面涂层改性", "灭菌工艺验证", "生物相容性评价", "精密注塑", "临床评价"],
                         ["通过率", "灵敏度", "使用寿命", "精度"],
                         ["临床治疗", "基层医疗", "居家康复"]),
    "herbal_medicine": (["西洋参", "金银花", "丹参", "中药饮片", "中药配方颗粒", "植物提取物"],
                        ["规范化种植", "有效成分提取", "指纹图谱", "炮制工艺", "农残检测", "道地药材育种"],
                        ["皂苷含量", "提取率", "农残限量", "产量"],
                        ["中成药", "保健食品", "药食同源产品"]),
    "textiles_apparel": (["功能性面料", "羊绒制品", "户外服装", "无缝针织内衣", "家纺产品", "产业用纺织品"],
                         ["数码印花", "功能整理", "智能裁剪", "无水染色", "纤维改性", "柔性生产"],
                         ["色牢度", "透湿量", "起球等级", "生产周期"],
                         ["户外运动", "医护防护", "高端定制"]),
    "fishing_tackle": (["碳素钓竿", "渔线轮", "仿生鱼饵", "钓线", "钓具配件", "智能鱼探仪"],
                       ["碳布卷制", "精密齿轮加工", "表面涂装", "结构轻量化", "声呐探测", "模具开发"],
                       ["竿身重量", "抗拉力", "传动比", "探测深度"],
                       ["海钓", "路亚运动", "出口贸易"]),
}

SYNONYMS = {
    "复合材料": "复材", "碳纤维": "碳纤", "注塑成型": "注射成型", "检测": "检验", "设计": "设计方法",
    "控制": "调控", "优化": "改进", "制备": "生产", "工艺": "工艺路线", "降低": "减少", "提高": "改善",
    "电机": "马达", "激光器": "激光光源", "轮胎": "车胎", "海参": "刺参", "纯化": "提纯", "测试": "测定",
    "轻量化": "减重", "封装": "封测", "涂装": "喷涂", "保鲜": "保质", "高分子": "聚合物", "焊接": "熔焊",
    "可靠性": "稳定性", "加工": "处理", "提取": "萃取",
}

ACH_TITLES = ["{obj}{proc}关键技术", "基于{proc}的{obj}制造技术", "高性能{obj}及其{proc}方法", "{obj}{proc}成套工艺",
              "面向{app}的{obj}{proc}技术"]
ACH_SENTENCES = [
    "本成果针对{obj}在{app}领域的应用需求，突破了{proc}等关键技术。",
    "采用{proc2}与{proc}相结合的路线，{metric}提高{n}%以上，{metric2}达到国内先进水平。",
    "已在{app2}等场景完成验证，形成{obj}的{proc2}工艺规范。",
    "团队拥有相关发明专利{p}项，可提供技术转让、许可或合作开发。",
]
NEED_TITLES = ["{obj}{proc}技术难题", "求购{obj}{proc}技术", "{obj}{metric}提升技术需求", "寻求{proc}解决{obj}{metric}问题"]
NEED_SENTENCES = [
    "我公司主要生产{obj}，目前{metric}不能满足{app}客户要求。",
    "希望引进{proc}方面的成熟技术，使{metric}明显改善，并兼顾{metric2}。",
    "现有{proc2}工艺稳定性差，寻求高校院所合作攻关。",
]
NOISE = ["公司通过ISO9001质量管理体系认证，年产值稳定增长。", "可提供中试场地和配套资金。", "欢迎有意向的团队联系对接。",
         "项目周期一般为一至两年，费用可面议。", "企业拥有省级企业技术中心。", "优先考虑驻威高校院所。"]


@dataclass
class Text:
    chain: str
    title: str
    body: str
    keys: dict


def achievement(rng: random.Random, chain: str) -> Text:
    objs, procs, metrics, apps = VOCAB[chain]
    keys = {"obj": rng.choice(objs), "proc": rng.choice(procs), "proc2": rng.choice(procs), "metric": rng.choice(metrics),
            "metric2": rng.choice(metrics), "app": rng.choice(apps), "app2": rng.choice(apps),
            "n": rng.choice([10, 15, 20, 30, 50]), "p": rng.randint(1, 8)}
    title = rng.choice(ACH_TITLES).format(**keys)
    body = "".join(s.format(**keys) for s in ACH_SENTENCES[: rng.randint(3, 4)])
    return Text(chain, title, body, keys)


def paraphrase(text: str, rng: random.Random, rate: float = 0.6) -> str:
    for word, other in SYNONYMS.items():
        if word in text and rng.random() < rate:
            text = text.replace(word, other)
    return text


def need_from(a: Text, rng: random.Random, noise: float = 0.5) -> Text:
    """A need an enterprise might write for the problem that achievement ``a`` solves: the same object and process,
    other words (synonyms), a different metric sometimes, generic phrasing and noise."""
    objs, procs, metrics, apps = VOCAB[a.chain]
    keys = dict(a.keys)
    if rng.random() < 0.4:
        keys["metric"] = rng.choice(metrics)
    keys["proc2"] = rng.choice(procs)
    keys["app"] = rng.choice(apps)
    title = paraphrase(rng.choice(NEED_TITLES).format(**keys), rng)
    sentences = [s.format(**keys) for s in NEED_SENTENCES]
    rng.shuffle(sentences)
    body = paraphrase("".join(sentences[: rng.randint(2, 3)]), rng)
    if rng.random() < noise:
        body += rng.choice(NOISE)
    if rng.random() < noise / 2:  # a stray term from another chain
        other = VOCAB[rng.choice(list(VOCAB))]
        body += f"同时关注{rng.choice(other[0])}相关技术。"
    return Text(a.chain, title, body, keys)


def need(rng: random.Random, chain: str) -> Text:
    return need_from(achievement(rng, chain), rng)
