"""Prose of a synthetic document that restates no amount (duties, tasks, reasons, descriptions).

Generated from ``truth.text_seed`` only, in a fixed order, so the same truth
always gets the same words whatever the layout.
"""

from __future__ import annotations

import random

from budget_warehouse.corpus.codes import DEPARTMENTS

CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 21 -> 二十一."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CN_DIGITS[tens]
    return head + "十" + (CN_DIGITS[ones] if ones else "")


DUTY_TEMPLATES = [
    "贯彻执行国家、省、{parent}有关{field}工作的方针政策和法律法规，拟订{level}{field}发展规划、计划和政策措施并组织实施，指导、监督、检查执行情况。",
    "负责{level}{topic}工作的统筹协调和监督管理，研究提出推进{topic}的政策建议，协调解决{topic}中的重大问题。",
    "负责监测分析{level}{topic}运行态势，统计并发布相关信息，进行预测预警和信息引导，提出相关调控目标和政策措施。",
    "负责组织实施{topic}和{topic2}相关工作，承担相关项目的申报、审核、验收和监督管理工作。",
    "指导{level}{topic}体系建设，推进{topic2}标准化、规范化、信息化建设，提高公共服务水平。",
    "负责{field}领域的行政执法工作，依法查处违法违规行为，规范市场秩序。",
    "负责{field}领域安全生产监督管理工作，组织开展隐患排查治理，防范化解重大风险。",
    "负责{field}领域财政资金的使用管理和绩效评价，配合做好审计监督和内部控制工作。",
    "组织开展{field}领域的宣传教育和人才培训工作，推进{topic}队伍建设，提高从业人员素质。",
    "参与拟订{level}国民经济和社会发展规划中有关{topic}的内容，衔接平衡{topic2}的相关规划。",
    "负责{topic}领域对外交流与合作，指导、推进与台、港、澳及国外相关机构的交流对接。",
    "承担{level}{topic2}工作领导小组的日常工作，督促检查各项工作任务的落实情况。",
    "负责本系统党的建设、精神文明建设和干部队伍建设工作，落实全面从严治党主体责任。",
]

TASK_TITLES = ["强化{topic}", "推进{topic}", "抓好{topic}工作", "提升{topic}水平", "深化{topic}改革", "加快{topic}", "统筹推进{topic}", "全力保障{topic}"]
TASK_SHORT = ["紧跟进度", "完善机制", "强化保障", "突出重点", "夯实基础", "优化服务", "加强监管", "创新方式", "压实责任", "提升实效"]
TASK_SENTENCES = [
    "围绕{topic}目标任务，细化工作措施，压实工作责任，确保各项任务按期完成",
    "积极争取上级资金和政策支持，力争全年实施{topic}项目{n}个以上",
    "加强与相关部门的沟通协调，形成工作合力，推动{topic}取得新成效",
    "建立健全{topic}长效机制，完善考核评价办法，提升工作的规范化水平",
    "组织开展{topic}专项行动，全年开展督导检查{n}次以上，及时发现和解决问题",
    "深化“放管服”改革，优化办事流程，压缩办理时限，提高服务效率和群众满意度",
    "强化数据分析和监测预警，定期研判{topic}形势，为领导决策提供依据",
    "加大宣传培训力度，全年举办各类培训{n}场（次）以上，营造良好氛围",
    "推动{topic}与{topic2}融合发展，培育一批示范项目，发挥示范带动效应",
    "严格落实安全生产责任制，深入排查各类风险隐患，坚决守住安全底线",
    "加强干部队伍建设，持续改进工作作风，营造干事创业的良好氛围",
    "聚焦群众急难愁盼问题，办好一批民生实事，切实增强群众获得感",
]
REASONS = {
    "increase": ["人员变动及工资标准调整", "新增{topic}专项资金", "落实{topic}政策，相关补助资金增加", "机构改革职能划入，相应经费调整"],
    "decrease": ["部分项目已完成，相应项目经费减少", "压减一般性支出，严控非刚性支出", "机构改革职能划出，相应经费调整", "人员减少相应人员工资福利费用减少"],
    None: ["严格执行相关开支标准", "工作任务与上年基本持平"],
}
DESC = [
    "围绕{topic}工作要求，组织实施{stem}，保障相关工作正常开展。",
    "按照上级部署和年度工作计划，开展{stem}相关工作，具体包括方案制定、组织实施、检查验收和绩效评价等环节。",
    "通过政府购买服务和自行组织实施相结合的方式，推进{stem}，提升{topic}工作水平。",
]
BASIS = [
    "{region}人民政府关于加快推进{topic}工作的实施意见（{abbr}政文〔{py}〕{n}号）",
    "{parent}关于印发{topic}工作方案的通知（{abbr}委办〔{py}〕{n}号）",
    "{region}{dept}关于{stem}的请示及批复（{abbr}{dabbr}〔{py}〕{n}号）",
    "根据{py}年度{stem}实际支出情况测算",
]
FEASIBILITY = [
    "项目符合国家和省、市有关政策规定，实施条件成熟，资金测算依据充分，具有较强的可行性。",
    "项目前期已开展调研论证，实施方案明确，组织保障到位，能够按期完成各项任务。",
    "项目连续多年实施，积累了较为成熟的工作经验，预期效益明显。",
]
MEASURES = [
    "严格执行财政资金管理有关规定，专款专用，实行项目负责人制度，定期开展绩效跟踪监控。",
    "制定项目实施方案，细化工作任务和时间节点，加强资金使用的内部控制和监督检查。",
    "《关于进一步加强党政机关事业单位公用经费管理的若干意见》及本单位财务管理、政府采购、固定资产管理等内部管理规定。",
]
EFFECTS = {
    "经济效益目标": ["降低企业运营成本，提高资金使用效益", "带动{topic}持续健康发展", "促进{topic}提质增效", "提高财政资金使用效益"],
    "社会效益目标": ["提升{topic}公共服务水平", "群众获得感明显增强", "社会影响力进一步扩大", "保障{topic}工作有序开展"],
    "生态效益目标": ["节能减排成效明显", "生态环境质量持续改善", "资源利用效率明显提高"],
    "可持续影响目标": ["形成长效工作机制", "持续发挥项目效益", "建立常态化工作平台"],
}
PURPOSES = ["{topic}相关业务工作支出", "开展{topic}工作所需的专项业务支出", "保障{topic}工作正常开展", "{topic}项目支出"]
OVERSEAS = ["赴境外开展{topic}交流考察活动费用", "组团赴港澳台地区开展{topic}交流对接活动费用"]
RECEPTION = ["上级部门及兄弟单位来{region}考察调研的公务接待支出", "省、市及其他地区政府、协会、企业等考察调研方面的接待活动"]
VEHICLE = ["公务用车燃料费、维修费、过桥过路费、保险费等支出", "执法执勤用车运行维护支出"]

GLOSSARY = [
    "财政拨款收入：指财政当年拨付的资金。",
    "事业收入：指事业单位开展专业业务活动及辅助活动所取得的收入。",
    "经营收入：指事业单位在专业业务活动及其辅助活动之外开展非独立核算经营活动取得的收入。",
    "其他收入：指除上述“财政拨款收入”、“事业收入”、“经营收入”等以外的收入。主要是按规定动用的售房收入、存款利息收入等。",
    "用事业基金弥补收支差额：指事业单位在当年的“财政拨款收入”、“事业收入”、“经营收入”、“其他收入”不足以安排当年支出的情况下，使用以前年度积累的事业基金弥补本年度收支缺口的资金。",
    "年初结转和结余：指以前年度尚未完成、结转到本年按有关规定继续使用的资金。",
    "结余分配：指事业单位按规定提取的职工福利基金、事业基金和缴纳的所得税，以及建设单位按规定应交回的基本建设竣工项目结余资金。",
    "年末结转和结余：指本年度或以前年度预算安排、因客观条件发生变化无法按原计划实施，需延迟到以后年度按有关规定继续使用的资金。",
    "基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。",
    "项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。",
    "经营支出：指事业单位在专业业务活动及其辅助活动之外开展非独立核算经营活动发生的支出。",
    "“三公”经费：纳入财政预决算管理的“三公”经费，是指使用财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。其中，因公出国（境）费反映单位公务出国（境）的国际旅费、国外城市间交通费、住宿费、伙食费、培训费、公杂费等支出；公务用车购置及运行费反映单位公务用车车辆购置支出（含车辆购置税）及租用费、燃料费、维修费、过路过桥费、保险费、安全奖励费用等支出；公务接待费反映单位按规定开支的各类公务接待（含外宾接待）支出。",
    "机关运行经费：为保障行政单位（含参照公务员法管理的事业单位）运行用于购买货物和服务的各项资金，包括办公及印刷费、邮电费、差旅费、会议费、福利费、日常维修费、专用材料及一般设备购置费、办公用房水电费、办公用房取暖费、办公用房物业管理费、公务用车运行维护费以及其他费用。",
]


def department(truth) -> dict:
    return next(d for d in DEPARTMENTS if d["key"] == truth.dept_key)


def level_word(region: str) -> str:
    return {"县": "全县", "市": "全市", "区": "全区"}[region[-1]]


class _Lazy(dict):
    """Template values drawn only when the template uses them."""

    def __init__(self, bank: "TextBank", extra: dict):
        super().__init__(extra)
        self.bank = bank

    def __missing__(self, key: str):
        b, rng = self.bank, self.bank.rng
        if key in ("topic", "topic2"):
            return rng.choice(b.dept["topics"])
        if key == "n":
            return rng.randint(2, 30)
        return {
            "field": b.dept["field"],
            "level": b.level,
            "parent": b.t.parent_city,
            "region": b.t.region,
            "dept": b.t.department,
            "abbr": b.abbr,
            "dabbr": b.dept["short"][:1],
            "py": b.t.year - 1,
        }[key]


class TextBank:
    """Draws every free text of one document from ``truth.text_seed`` in a fixed order."""

    def __init__(self, truth):
        self.t = truth
        self.rng = random.Random(f"text:{truth.text_seed}")
        self.dept = department(truth)
        self.level = level_word(truth.region)
        self.abbr = truth.region[:1]
        self.full_paren = self.rng.random() < 0.5

    def _fill(self, template: str, **extra) -> str:
        return template.format_map(_Lazy(self, extra))

    def duties(self) -> list[str]:
        count = self.rng.randint(8, 14)
        items = [self._fill(DUTY_TEMPLATES[0])]
        while len(items) < count - 1:
            items.append(self._fill(self.rng.choice(DUTY_TEMPLATES[1:-1])))
        items.append(self._fill(DUTY_TEMPLATES[-1]))
        items.append(f"承办{self.t.region[-1]}委、{self.t.region[-1]}政府交办的其他事项。")
        return items

    def task_intro(self) -> str:
        return self._fill(
            "{y}年，{short}部门主要任务是：坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党中央、国务院和省、市决策部署，"
            "坚持稳中求进工作总基调，围绕{topic}、{topic2}等重点工作，加快推进{field}事业高质量发展，力争全年各项主要指标增长{pct}%以上。"
            "围绕上述任务，重点抓好以下工作：",
            y=self.t.year,
            short=self.t.dept_short,
            pct=self.rng.randint(5, 15),
        )

    def tasks(self, sections: int) -> list[tuple[str, list[str]]]:
        out = []
        for _ in range(sections):
            title = self._fill(self.rng.choice(TASK_TITLES))
            paragraphs = []
            for j in range(self.rng.randint(2, 4)):
                sentences = [self._fill(self.rng.choice(TASK_SENTENCES)) for _ in range(self.rng.randint(2, 4))]
                marks = ["一是", "二是", "三是", "四是"]
                body = "；".join(m + s for m, s in zip(marks, sentences))
                paragraphs.append(f"（{cn_number(j + 1)}）{self.rng.choice(TASK_SHORT)}。{body}。")
            out.append((title, paragraphs))
        return out

    def reason(self, direction: str | None = None) -> str:
        return self._fill(self.rng.choice(REASONS[direction]))

    def purpose(self, code: str) -> str:
        from budget_warehouse.corpus.codes import SUBJECT_PURPOSE

        if code in SUBJECT_PURPOSE:
            return SUBJECT_PURPOSE[code]
        name = self.t.subject_names.get(code, "")
        if name in ("行政运行", "事业运行"):
            return "工资福利和日常运转支出"
        if name == "一般行政管理事务":
            return "经常性专项业务及一般行政管理事务支出"
        return self._fill(self.rng.choice(PURPOSES))

    def paren(self, text: str) -> str:
        return f"（{text}）" if self.full_paren else f"({text})"

    def three_public_purpose(self, item: str) -> str:
        bank = {"overseas": OVERSEAS, "reception": RECEPTION, "vehicle": VEHICLE}[item]
        return self._fill(self.rng.choice(bank))

    def project_texts(self, project) -> dict[str, str]:
        stem = project.perf_name
        return {
            "desc": self._fill(self.rng.choice(DESC), stem=stem),
            "basis": self._fill(self.rng.choice(BASIS), stem=stem),
            "feasibility": self.rng.choice(FEASIBILITY),
            "measures": self.rng.choice(MEASURES),
        }

    def glossary(self) -> list[str]:
        return list(GLOSSARY)
