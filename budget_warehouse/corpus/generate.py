"""Random but realistic document contents from a seed.

All amounts are drawn in integer cents (分 of 万元, i.e. 0.01 万元) and every
total is a sum of its parts, so the accounting identities hold exactly.
``generate(seed)`` is deterministic.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from decimal import Decimal

from budget_warehouse.corpus.codes import (
    CAPITAL_KUAN,
    CLASS_NAMES,
    DEPARTMENTS,
    ECON_NAMES,
    GIVEN,
    PERSONNEL_SUBJECTS,
    PROJECT_KUAN,
    PUBLIC_KUAN,
    MORE_REGIONS,
    REGIONS,
    SECTION_NAMES,
    SUBJECT_NAMES,
    SURNAMES,
    WAGE_KUAN,
    WELFARE_KUAN,
)
from budget_warehouse.corpus.text import EFFECTS
from budget_warehouse.corpus.model import (
    CENT,
    FISCAL_SOURCES,
    SPECIAL_FUND_CATEGORIES,
    ZERO,
    Claim,
    DocumentTruth,
    ExpenditureRow,
    IndicatorRow,
    Project,
    Template,
    Unit,
    dsum,
)

STANDARD_REVENUE_ITEMS = [
    "general_budget",
    "gov_fund",
    "fiscal_special_account",
    "business_income",
    "operating_income",
    "superior_subsidy",
    "other_income",
]
# 类 renamed by the 2019 classification reform (机构改革).
CLASS_NAMES_2018 = {"207": "文化体育与传媒支出", "210": "医疗卫生与计划生育支出"}
SHORT_REVENUE_ITEMS = ["general_budget", "gov_fund", "business_income", "other_income"]
SOURCE_ORDER = STANDARD_REVENUE_ITEMS + ["carryover"]
CATEGORY_WEIGHTS = {
    "other_project": 30,
    "other_special_funds": 20,
    "construction_purchase": 14,
    "enterprise_subsidy": 12,
    "transfer": 13,
    "remit_superior": 4,
    "debt_service": 3,
}


def C(cents: int) -> Decimal:
    """Integer cents -> Decimal 万元 with two decimals."""
    return Decimal(cents).scaleb(-2)


def split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """Integer parts of ``total`` proportional to jittered weights; they add up exactly."""
    if not weights:
        return []
    jittered = [w * rng.uniform(0.6, 1.4) for w in weights]
    s = sum(jittered)
    parts = [int(total * w / s) for w in jittered]
    parts[0] += total - sum(parts)
    return parts


def pick_weighted(rng: random.Random, pool, k: int) -> list:
    """k distinct items of a (key, weight) pool."""
    pool = list(pool)
    out = []
    for _ in range(min(k, len(pool))):
        total = sum(w for _, w in pool)
        x = rng.uniform(0, total)
        for i, (key, w) in enumerate(pool):
            x -= w
            if x <= 0:
                out.append(pool.pop(i))
                break
        else:
            out.append(pool.pop())
    return out


class _Generator:
    def __init__(self, seed, *, dept: dict | None = None, region: tuple[str, str] | None = None,
                 year: int | None = None, previous: DocumentTruth | None = None, series: bool = False):
        """``dept``, ``region`` and ``year`` override the seed's choices; ``previous`` (the same
        department's document of the year before) makes this document its successor: same units,
        continuing projects, and every year-on-year statement measured against it."""
        self.seed = str(seed)
        self.rng = random.Random(f"budget-corpus:{seed}")
        rng = self.rng
        self.dept = rng.choice(DEPARTMENTS)
        self.region, self.parent = rng.choice(REGIONS)
        # 224 灾害防治及应急管理支出 exists from the 2019 classification on
        self.year = rng.randint(2019 if self.dept["key"] == "emergency" else 2018, 2025)
        # the overrides come after the draws, so that generate(seed) stays what it was
        if dept is not None:
            self.dept = dept
        if region is not None:
            self.region, self.parent = region
        if year is not None:
            self.year = year
        self.previous = previous
        self.series = series or previous is not None
        self.yf = 1 + 0.04 * (self.year - 2018)
        self.has_gf = rng.random() < 0.35
        self.has_other = rng.random() < 0.3
        self.has_fsa = rng.random() < 0.12
        self.has_superior = rng.random() < 0.06
        self.has_carryover = rng.random() < 0.1
        self.self_source = rng.choice(["business_income", "operating_income"])
        self.rows: dict[tuple[str, str], dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))

    # ------------------------------------------------------------ units

    def make_units(self) -> list[Unit]:
        rng, dept = self.rng, self.dept
        if self.previous is not None:
            return self.next_units(self.previous.units)
        n_sub = min(len(dept["subs"]), rng.choices([0, 1, 2, 3, 4, 5], [8, 20, 27, 22, 14, 9])[0])
        subs = rng.sample(dept["subs"], n_sub)
        base = str(rng.randint(101, 899))
        mid = f"{rng.randint(1, 30):03d}"
        style = rng.choice(["six", "nine", "mixed"])
        if style == "six":
            codes = [base + mid] + [f"{base}{int(mid) + i + 1:03d}" for i in range(n_sub)]
        elif style == "nine":
            codes = [f"{base}{mid}000"] + [f"{base}{mid}{i + 1:03d}" for i in range(n_sub)]
        else:
            codes = [f"{base}{mid}000"] + [
                f"{base}{mid}001" if i == 0 else f"{base}{int(mid) + i:03d}" for i in range(n_sub)
            ]
        region_short = self.region[:-1]
        units = []
        staff = rng.randint(8, 45)
        units.append(
            Unit(
                code=codes[0],
                name=self.region + dept["name"],
                short_name=dept["short"] + "局",
                nature=rng.choice(["全额拨款", "行政"]),
                staffing_quota=staff + rng.randint(0, 4),
                staff_count=staff,
                admin=True,
                operation_subject=dept["admin"],
            )
        )
        for code, (suffix, short, subject) in zip(codes[1:], subs):
            nature = rng.choices(["全额拨款", "差额拨款", "自收自支", "参照公务员法管理"], [68, 18, 7, 7])[0]
            staff = rng.randint(3, 30)
            units.append(
                Unit(
                    code=code,
                    name=self.region + suffix.format(region=region_short),
                    short_name=short.format(region=region_short),
                    nature=nature,
                    staffing_quota=staff + rng.randint(0, 4),
                    staff_count=staff,
                    admin=nature == "参照公务员法管理",
                    operation_subject=subject,
                )
            )
        return units

    def next_units(self, units: list[Unit]) -> list[Unit]:
        """Last year's units a year on: same codes, names and funding nature; headcounts drift."""
        rng = self.rng
        out = []
        for u in units:
            staff = max(1, u.staff_count + rng.choice([-2, -1, 0, 0, 0, 1, 1, 2]))
            quota = max(staff, u.staffing_quota + rng.choice([-1, 0, 0, 0, 1]))
            out.append(Unit(u.code, u.name, u.short_name, u.nature, quota, staff, u.admin, u.operation_subject))
        return out

    def rate(self, unit_code: str, what: str, low: float, high: float) -> float:
        """A per-unit rate: drawn from ``rng`` for a stand-alone document; in a series, the
        unit's own stable rate (a function of region, department and unit) ±5%, so that a
        department's amounts move by a few percent a year rather than jump."""
        drawn = self.rng.uniform(low, high)
        if not self.series:
            return drawn
        stable = random.Random(f"budget-series-rate:{self.region}:{self.dept['key']}:{unit_code}:{what}").uniform(low, high)
        return stable * self.rng.uniform(0.95, 1.06)

    # ------------------------------------------------------------ basic expenditure

    def add(self, unit: str, subject: str, kind: str, source: str, cents: int) -> None:
        if cents > 0:
            self.rows[(unit, subject)][(kind, source)] += cents

    def add_basic(self, unit: Unit, subject: str, kind: str, cents: int) -> None:
        if unit.nature == "自收自支":
            self.add(unit.code, subject, kind, self.self_source, cents)
        elif unit.nature == "差额拨款":
            gb = cents * self.diff_share[unit.code] // 100
            self.add(unit.code, subject, kind, "general_budget", gb)
            self.add(unit.code, subject, kind, "business_income", cents - gb)
        elif kind == "public" and unit.code == self.fsa_unit:
            gb = cents * 7 // 10
            self.add(unit.code, subject, kind, "general_budget", gb)
            self.add(unit.code, subject, kind, "fiscal_special_account", cents - gb)
        else:
            self.add(unit.code, subject, kind, "general_budget", cents)

    def make_basic(self, units: list[Unit]) -> None:
        rng, yf = self.rng, self.yf
        self.diff_share = {u.code: rng.randint(40, 80) for u in units}
        full = [u for u in units[1:] if u.nature == "全额拨款"]
        self.fsa_unit = rng.choice(full).code if self.has_fsa and full else None
        self.institution_subsidy = rng.random() < 0.06
        for u in units:
            wage = int(u.staff_count * self.rate(u.code, 'wage', 7, 13) * yf * 100)
            op = u.operation_subject
            self.add_basic(u, op, "personnel", wage)
            medical = "2101101" if u.admin else "2101102"
            for subject, (share, _) in PERSONNEL_SUBJECTS.items():
                if subject in ("2101101", "2101102") and subject != medical:
                    continue
                if subject == "2101103" and not (u.admin and rng.random() < 0.85 or rng.random() < 0.25):
                    continue
                self.add_basic(u, subject, "personnel", int(wage * share * rng.uniform(0.9, 1.1)))
            if rng.random() < 0.3:
                retiree = "2080501" if u.admin else "2080502"
                self.add_basic(u, retiree, "welfare", int(u.staff_count * rng.uniform(0.2, 1.5) * 100))
            if rng.random() < 0.35:
                self.add_basic(u, op, "welfare", int(u.staff_count * rng.uniform(0.05, 0.6) * 100))
            public = int(u.staff_count * self.rate(u.code, 'public', 0.8, 3.0) * yf * 100 * (1.3 if u is units[0] else 1.0))
            self.add_basic(u, op, "public", public)
            if u is units[0] and self.institution_subsidy:
                self.add_basic(u, op, "institution_subsidy", int(rng.uniform(5, 60) * 100))

    # ------------------------------------------------------------ projects

    def amount(self, low: float, high: float) -> int:
        """A project amount in cents: mostly whole 万元."""
        rng = self.rng
        x = math.exp(rng.uniform(math.log(low), math.log(high)))
        r = rng.random()
        if r < 0.7 or x > 1000:
            return max(1, round(x)) * 100
        if r < 0.85:
            return max(1, round(x * 10)) * 10
        return max(1, round(x * 100))

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.randint(1, 2)))

    def phone(self) -> str:
        return self.rng.choice("2568") + "".join(str(self.rng.randint(0, 9)) for _ in range(7))

    def make_projects(self, units: list[Unit], vehicle_purchase: int) -> list[dict]:
        rng, dept, year = self.rng, self.dept, self.year
        target = max(1, min(15, round(rng.triangular(1, 15, 7))))
        if self.previous is not None:  # a department's programme changes little from year to year
            target = max(1, min(15, len(self.previous.projects) + rng.choice([-2, -1, 0, 0, 0, 1, 2])))
        needs = sum([self.has_gf, self.has_other, self.has_superior, self.has_carryover, vehicle_purchase > 0])
        recurring_units = [u for u in units if rng.random() < (0.8 if u.admin and u is units[0] else 0.5)]
        recurring_units = recurring_units[: max(0, min(5, target - needs))]
        n_special = max(target - len(recurring_units), needs, 0 if recurring_units else 1)
        projects: list[dict] = []
        for u in recurring_units:
            cents = (round(rng.uniform(5, 250) * self.yf) * 100) if rng.random() < 0.85 else int(rng.uniform(5, 250) * 10) * 10
            source = self.self_source if u.nature == "自收自支" else "general_budget"
            subject = dept["general"] if u is units[0] else u.operation_subject
            name = rng.choice([f"{u.short_name}{year}年经常性专项业务经费", f"{u.short_name}经常性专项业务费"])
            projects.append(
                dict(name=name, perf_name="经常性专项业务经费", unit=u, subject=subject, category="recurring_special",
                     perf_kind="recurring", funding={source: cents})
            )
        stems = list(dept["stems"])
        rng.shuffle(stems)
        self.continuing: dict[str, int] = {}
        if self.previous is not None:
            # most of last year's special projects continue: list them first
            self.continuing = {p.name: int(p.amount * 100) for p in self.previous.projects if p.perf_kind == "special"}
            stems.sort(key=lambda stem: stem not in self.continuing or rng.random() < 0.15)
        funded_units = [u for u in units[1:] if u.nature != "自收自支"]
        special_flags = ["gf"] * self.has_gf + ["other"] * self.has_other + ["superior"] * self.has_superior
        special_flags += ["carryover"] * self.has_carryover
        if vehicle_purchase:
            special_flags.append("vehicle")
        special_flags += ["gb"] * (n_special - len(special_flags))
        rng.shuffle(special_flags)
        for i, flag in enumerate(special_flags):
            stem = stems[i % len(stems)] + ("" if i < len(stems) else f"（{'二三四五六'[(i // len(stems)) - 1]}期）")
            unit = units[0] if rng.random() < 0.65 or not funded_units else rng.choice(funded_units)
            category = rng.choices(list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values()))[0]
            subject = rng.choice(dept["projects"]) if rng.random() < 0.75 else unit.operation_subject
            cents = self.amount(3, 3000)
            if self.previous is not None and stem in self.continuing and rng.random() < 0.8:
                # a continuing project: last year's amount ±20%, in whole 万元 when it was
                before, factor = self.continuing[stem], rng.uniform(0.8, 1.2)
                if before % 100 == 0:
                    cents = max(100, round(before * factor / 100) * 100)
                else:
                    cents = max(1, round(before * factor))
            funding = {"general_budget": cents}
            if flag == "gf":
                subject = rng.choice(dept["gov_fund"])
                funding = {"gov_fund": cents}
            elif flag in ("other", "superior", "carryover"):
                source = {"other": "other_income", "superior": "superior_subsidy", "carryover": "carryover"}[flag]
                if rng.random() < 0.5 or cents < 200:
                    funding = {source: cents}
                else:
                    part = cents * rng.randint(20, 80) // 100
                    funding = {"general_budget": cents - part, source: part}
            elif flag == "vehicle":
                stem, category, subject = "公务用车购置经费", "construction_purchase", dept["general"]
                unit, funding = units[0], {"general_budget": vehicle_purchase}
            if category in SPECIAL_FUND_CATEGORIES and set(funding) - set(FISCAL_SOURCES):
                category = "other_project"  # 部门专项资金 are fiscal funds: table 10 lists every one
            projects.append(
                dict(name=stem, perf_name=stem, unit=unit, subject=subject, category=category, perf_kind="special",
                     funding=funding, vehicle=flag == "vehicle")
            )
        return projects

    def project_econ(self, p: dict) -> dict[str, int]:
        rng = self.rng
        gb = p["funding"].get("general_budget", 0)
        if not gb:
            return {}
        category = p["category"]
        if p.get("vehicle"):
            return {"31013": gb}
        if category == "enterprise_subsidy":
            return {"31299": gb}
        if category == "transfer":
            return {rng.choice(["30399", "30305"]): gb}
        if category == "debt_service":
            return {"30701": gb}
        if category == "remit_superior":
            return {"39999": gb}
        if category == "construction_purchase":
            if rng.random() < 0.4:
                return {"30905": gb}
            chosen = pick_weighted(rng, CAPITAL_KUAN, rng.randint(1, 2))
        else:
            chosen = pick_weighted(rng, PROJECT_KUAN, rng.randint(1, 4))
            if rng.random() < 0.2:
                chosen += pick_weighted(rng, CAPITAL_KUAN, 1)
        if gb < len(chosen) * 10:
            chosen = chosen[:1]
        parts = split(rng, gb, [w for _, w in chosen])
        out: dict[str, int] = defaultdict(int)
        for (code, _), cents in zip(chosen, parts):
            out[code] += cents
        return {k: v for k, v in out.items() if v}

    def indicators(self, p: dict, cents: int, factor: int = 1, period_months: int = 12) -> list[IndicatorRow]:
        """Indicator rows; the 实施期 targets agree with the table's period and 实施期 资金总额."""
        rng = self.rng
        special = p["perf_kind"] == "special"
        amount = cents / 100

        def values(full: str, impl: str, standard: str, half: str) -> dict[str, str]:
            if special:
                return {"实施期目标值": impl, "绩效标准": standard, "半年目标值": half, "全年目标值": full}
            return {"绩效标准": standard, "全年目标值": full}

        def num(x: float) -> str:
            return f"{x:.2f}".rstrip("0").rstrip(".")

        months = min(rng.choice([6, 8, 10, 12, 12, 12]), period_months)
        impl = period_months if special else months
        bare = rng.random() < 0.35
        rows: list[tuple[str, str, str, dict[str, str]]] = []
        if bare:
            rows.append(("投入", "时效目标", "完成时限（个月）", values(str(months), str(impl), str(months - 1), str(months // 2))))
        else:
            rows.append(("投入", "时效目标", rng.choice(["完成时限", "支出进度", "完成时间"]),
                         values(f"{months}个月", f"{impl}个月", f"{months - 1}个月", f"{months // 2}个月")))
        quantities = [("组织企业数", "家"), ("征集作品数", "件"), ("培训人次", "人次"), ("举办活动场次", "场"), ("服务对象人数", "人"),
                      ("检测样品数", "批次"), ("维护设备数", "台"), ("覆盖村（社区）数", "个"), ("发放宣传资料", "份"), ("检查企业数", "家")]
        q = rng.sample(quantities, 2)

        def cost():
            if bare:
                return ("投入", "成本目标", "项目经费（万元）",
                        values(num(amount), num(amount * factor), num(amount * 1.1), num(round(amount / 2))))
            return ("投入", "成本目标", rng.choice(["项目经费", "年度投资额", "业务费总量"]),
                    values(f"{num(amount)}万", f"{num(amount * factor)}万", f"{num(round(amount * 1.1))}万", f"{num(round(amount / 2))}万"))

        def quantity(i):
            def build():
                content, unit = q[i]
                n = rng.choice([rng.randint(3, 99), rng.randint(100, 999), rng.randint(1000, 9000)])
                if bare:
                    return ("产出", "数量目标", f"{content}（{unit}）", values(str(n), str(n), str(int(n * 0.9)), str(n // 2)))
                return ("产出", "数量目标", content, values(f"{n}{unit}", f"{n}{unit}", f"{int(n * 0.9)}{unit}", f"{n // 2}{unit}"))
            return build

        def quality(content):
            def build():
                full = rng.choice(["100%", "98%", "95%", "90%"])
                return ("产出", "质量目标", content, values(full, full, rng.choice(["95%", "90%", "85%"]), rng.choice(["50%", "60%", full])))
            return build

        topics = self.dept["topics"]

        def benefit(level2):
            def build():
                def effect() -> str:
                    return rng.choice(EFFECTS[level2]).format(topic=rng.choice(topics))
                return ("效益", level2, rng.choice(["实施成效", "项目效益", "带动作用", "影响范围"]), values(effect(), effect(), effect(), effect()))
            return build

        rows.append(quantity(0)())
        extra = [cost, quantity(1)] + [quality(c) for c in rng.sample(["资金使用合规率", "任务完成率", "验收合格率", "设备完好率", "数据准确率"], 2)]
        extra += [benefit(level2) for level2 in ("经济效益目标", "社会效益目标", "生态效益目标", "可持续影响目标")]
        if rng.random() < 0.7:
            sat = rng.choice(["95%", "90%", "85%"])
            rows.append(("效益", "服务对象满意度目标", rng.choice(["服务对象满意度", "群众满意率", "参与企业满意率"]),
                         values(sat, sat, rng.choice(["90%", "85%", "80%"]), sat)))
        else:
            rows.append(("效益", "服务对象满意度目标", "服务对象满意度情况", values("满意", "满意", "基本满意", "满意")))
        total = rng.randint(3, 10)
        rows += [build() for build in rng.sample(extra, min(len(extra), total - len(rows)))]
        order1 = {"投入": 0, "产出": 1, "效益": 2}
        order2 = ["时效目标", "成本目标", "数量目标", "质量目标", "经济效益目标", "社会效益目标", "生态效益目标", "可持续影响目标", "服务对象满意度目标"]
        rows.sort(key=lambda r: (order1[r[0]], order2.index(r[1])))
        out, counter = [], defaultdict(int)
        for level1, level2, content, vals in rows:
            counter[level2] += 1
            out.append(IndicatorRow(level1, level2, f"目标{counter[level2]}", content, vals))
        return out

    # ------------------------------------------------------------ economic classification

    def econ_basic(self, units: list[Unit], three: dict[str, int]) -> dict[str, int]:
        rng = self.rng
        econ: dict[str, int] = defaultdict(int)
        wage_pool = welfare_other = retiree = public = subsidy = 0
        for (unit, subject), parts in self.rows.items():
            for (kind, source), cents in parts.items():
                if source != "general_budget":
                    continue
                if kind == "personnel":
                    if subject in PERSONNEL_SUBJECTS:
                        econ[PERSONNEL_SUBJECTS[subject][1]] += cents
                    else:
                        wage_pool += cents
                elif kind == "welfare":
                    if subject in ("2080501", "2080502"):
                        retiree += cents
                    else:
                        welfare_other += cents
                elif kind == "public":
                    public += cents
                elif kind == "institution_subsidy":
                    subsidy += cents
        wage_kuan = [k for k in WAGE_KUAN if k[0] in ("30101", "30102", "30107") or rng.random() < 0.5]
        for (code, _), cents in zip(wage_kuan, split(rng, wage_pool, [w for _, w in wage_kuan])):
            econ[code] += cents
        if retiree:
            if rng.random() < 0.3 and retiree > 100:
                part = retiree * rng.randint(5, 30) // 100
                econ["30301"] += part
                econ["30302"] += retiree - part
            else:
                econ["30302"] += retiree
        if welfare_other:
            chosen = pick_weighted(rng, WELFARE_KUAN, rng.randint(1, 2))
            for (code, _), cents in zip(chosen, split(rng, welfare_other, [w for _, w in chosen])):
                econ[code] += cents
        fixed = {"30212": three["overseas"], "30217": three["reception"], "30231": three["vehicle_operation"]}
        for code, cents in fixed.items():
            econ[code] += cents
        rest = public - sum(fixed.values())
        if rest > 0 and rng.random() < 0.35:
            capital = rest * rng.randint(5, 20) // 100
            econ[rng.choice(["30902", "31002"])] += capital
            rest -= capital
        chosen = pick_weighted(rng, PUBLIC_KUAN, rng.randint(5, 12))
        for (code, _), cents in zip(chosen, split(rng, rest, [w for _, w in chosen])):
            econ[code] += cents
        if subsidy:
            econ["39999"] += subsidy
        return {k: v for k, v in sorted(econ.items()) if v}

    # ------------------------------------------------------------ build

    def build(self) -> DocumentTruth:
        rng, dept = self.rng, self.dept
        units = self.make_units()
        self.make_basic(units)
        vehicle_purchase = int(rng.uniform(12, 30) * 10) * 10 if rng.random() < 0.08 else 0
        raw_projects = self.make_projects(units, vehicle_purchase)
        # recurring projects first, as documents list them
        raw_projects.sort(key=lambda p: p["perf_kind"] != "recurring")
        projects: list[Project] = []
        for seq, p in enumerate(raw_projects, start=1):
            for source, cents in p["funding"].items():
                self.add(p["unit"].code, p["subject"], "project", source, cents)
            cents = sum(p["funding"].values())
            multi = p["perf_kind"] == "special" and rng.random() < 0.2
            factor = rng.randint(2, 4) if multi else 1
            start_month = rng.choice([1, 1, 1, 3, 4, 5])
            period = (
                f"{self.year - 1}年-{self.year + factor - 2}年" if multi else f"{self.year}年{start_month}月-{self.year}年12月"
            )
            projects.append(
                Project(
                    seq=seq,
                    perf_id=f"p{seq:02d}",
                    name=p["name"],
                    perf_name=p["perf_name"],
                    unit_code=p["unit"].code,
                    subject_code=p["subject"],
                    category=p["category"],
                    perf_kind=p["perf_kind"],
                    funding={s: C(c) for s, c in p["funding"].items()},
                    implementation={s: C(c * factor) for s, c in p["funding"].items()},
                    econ={k: C(v) for k, v in self.project_econ(p).items()},
                    owner=self.person(),
                    phone=self.phone(),
                    period=period,
                    continuing=rng.random() < 0.6,
                    classification=rng.randint(0, 2),
                    goal=f"{rng.choice(['扎实推进', '有序开展', '高质量完成'])}{p['perf_name']}相关工作，"
                    f"{rng.choice(['确保资金使用安全高效', '实现预期绩效目标', '提升服务保障水平'])}。",
                    indicators=self.indicators(p, cents, factor, 12 * factor if multi else 13 - start_month),
                )
            )

        # 三公 (basic general-budget public expenditure pays overseas, reception, vehicle operation)
        public_gb = sum(
            c for parts in self.rows.values() for (k, s), c in parts.items() if k == "public" and s == "general_budget"
        )
        three = {
            "overseas": int(rng.uniform(1, 15) * 10) * 10 if rng.random() < 0.35 else 0,
            "reception": int(rng.uniform(0.3, 6) * 100) if rng.random() < 0.85 else 0,
            "vehicle_operation": int(rng.uniform(2, 12) * 10) * 10 if rng.random() < 0.45 else 0,
        }
        cap = public_gb * 45 // 100
        if sum(three.values()) > cap:
            scale = cap / sum(three.values())
            three = {k: int(v * scale) for k, v in three.items()}
        three["vehicle_purchase"] = vehicle_purchase
        prior_three = {}
        for key, cents in three.items():
            r = rng.random()
            if r < 0.15:
                prior_three[key] = cents
            elif cents and r < 0.25:
                prior_three[key] = 0
            elif cents:
                prior_three[key] = int(cents * rng.uniform(0.4, 1.8))
            else:
                prior_three[key] = int(rng.uniform(0.5, 10) * 100) if rng.random() < 0.3 else 0

        econ_basic = self.econ_basic(units, three)

        rows = []
        for (unit, subject), parts in self.rows.items():
            nested: dict[str, dict[str, Decimal]] = {}
            for (kind, source), cents in parts.items():
                if cents:
                    nested.setdefault(kind, {})[source] = C(cents)
            if nested:
                rows.append(ExpenditureRow(unit, subject, nested))

        used_sources = {s for parts in self.rows.values() for (_, s) in parts}
        base = STANDARD_REVENUE_ITEMS if rng.random() < 0.75 else SHORT_REVENUE_ITEMS
        revenue_items = [s for s in SOURCE_ORDER if s in base or s in used_sources]
        template = Template(
            revenue_items=revenue_items,
            summary_project_split=rng.random() < 0.35,
            t3_basic_column=rng.random() < 0.2,
            econ7_kuan=rng.random() < 0.3,
            econ7_split=rng.random() < 0.3,
            three_public_prior=rng.random() < 0.35,
            special_funds_listed=rng.random() < 0.4,
        )
        codes = {r.subject_code for r in rows} | {p.subject_code for p in projects}
        econ_codes = set(econ_basic) | {k for p in projects for k in p.econ}
        econ_codes |= {c[:3] for c in econ_codes}

        total = sum(sum(parts.values()) for parts in self.rows.values())
        gb_total = sum(c for parts in self.rows.values() for (k, s), c in parts.items() if s == "general_budget")
        operating = sum(
            c
            for (unit, _), parts in self.rows.items()
            for (k, s), c in parts.items()
            if k == "public" and s == "general_budget" and next(u for u in units if u.code == unit).admin
        )

        def prior_of(cents: int) -> int:
            return cents if rng.random() < 0.06 else int(cents * rng.uniform(0.75, 1.3))

        procurement = int(total * rng.uniform(0.01, 0.15) / 10) * 10
        truth = DocumentTruth(
            seed=self.seed,
            text_seed=rng.randint(0, 2**31),
            region=self.region,
            parent_city=self.parent,
            department=dept["name"],
            dept_short=dept["short"],
            dept_key=dept["key"],
            year=self.year,
            phase="预算",
            units=units,
            rows=rows,
            projects=projects,
            econ_basic={k: C(v) for k, v in econ_basic.items()},
            three_public={k: C(v) for k, v in three.items()},
            three_public_prior={k: C(v) for k, v in prior_three.items()},
            prior={
                "total_revenue": C(prior_of(total)),
                "general_budget_expenditure": C(prior_of(gb_total)),
                "operating_funds": C(prior_of(operating)),
            },
            operating_funds=C(operating),
            procurement_total=C(procurement),
            procurement_services=C(int(procurement * rng.uniform(0.2, 0.9))),
            assets={
                "vehicles": rng.randint(1, 6) if three["vehicle_operation"] else 0,
                "equipment_50": rng.choice([0, 0, 0, 1, 2]),
                "equipment_100": rng.choice([0, 0, 0, 0, 1]),
            },
            subject_names={c: SUBJECT_NAMES[c] for c in sorted(codes)},
            section_names={c[:5]: SECTION_NAMES[c[:5]] for c in sorted(codes) if c[:5] in SECTION_NAMES},
            class_names={c[:3]: (CLASS_NAMES_2018.get(c[:3]) if self.year == 2018 else None) or CLASS_NAMES[c[:3]] for c in sorted(codes)},
            econ_names={c: ECON_NAMES[c] for c in sorted(econ_codes)},
            template=template,
        )
        if self.previous is not None:
            # every year-on-year statement measured against last year's document
            truth.prior = self.previous.prior_basis()
            truth.three_public_prior = dict(self.previous.three_public)
        truth.claims = build_claims(truth, rng)
        return truth


def _yoy(current: Decimal, prior: Decimal) -> tuple[Decimal, str | None]:
    if current == prior:
        return ZERO, None
    return abs(current - prior), "increase" if current > prior else "decrease"


def build_claims(truth: DocumentTruth, rng: random.Random) -> list[Claim]:
    """The prose claims, in document order; each amount restates the facts in its refs."""
    facts = truth.expected_facts()
    claims: list[Claim] = []

    def add(kind, measure, code, value, unit="万元", direction=None, refs=()):
        claims.append(Claim(f"c{len(claims) + 1:03d}", kind, measure, code, value, unit, direction, list(refs)))

    def restate(kind, measure, code, refs):
        add(kind, measure, code, dsum(facts[name].get(key, ZERO) for name, key in refs), refs=refs)

    def yoy(measure, current, prior, style="amount"):
        change, direction = _yoy(current, prior)
        if direction is None:
            return
        if style in ("amount", "both") or not prior:
            add("yoy_change_amount", measure, None, change, direction=direction)
        if style in ("percent", "both") and prior:
            add("yoy_change_percent", measure, None, (change / prior * 100).quantize(CENT), "%", direction)

    summary = lambda table, side, key: ("fct_budget_summary", (table, side, key))  # noqa: E731
    t = truth.template
    # 第一部分: the units
    add("unit_count", "subordinate_units", None, Decimal(len(truth.units) - 1), "个")
    # 一、预算收支总体情况
    restate("total_revenue", "total", None, [summary("summary", "revenue", "total")])
    yoy("total_revenue", facts["fct_budget_summary"][("summary", "revenue", "total")], truth.prior["total_revenue"])
    for source in t.revenue_items:
        restate("revenue_source", source, None, [summary("summary", "revenue", source)])
    restate("total_expenditure", "total", None, [summary("summary", "expenditure", "total")])
    yoy("total_expenditure", facts["fct_budget_summary"][("summary", "expenditure", "total")], truth.prior["total_revenue"])
    kinds = ["personnel", "welfare", "public"]
    if facts["fct_expenditure"].get((None, None, "kind", "institution_subsidy")):
        kinds.append("institution_subsidy")
    for kind in kinds + ["project"]:
        restate("expenditure_kind", kind, None, [("fct_expenditure", (None, None, "kind", kind))])
    # 二、一般公共预算拨款支出情况
    gb_key = ("general_budget_by_subject", None, "total")
    restate("general_budget_expenditure", "total", None, [("fct_subject_budget", gb_key)])
    yoy("general_budget_expenditure", facts["fct_subject_budget"][gb_key], truth.prior["general_budget_expenditure"])
    for code in truth.subject_budget("general_budget"):
        restate("subject_amount", "general_budget", code, [("fct_subject_budget", ("general_budget_by_subject", code, "total"))])
    # 三、政府性基金预算拨款支出情况
    gf = truth.subject_budget("gov_fund")
    if gf:
        restate("gov_fund_expenditure", "total", None, [("fct_subject_budget", ("gov_fund_by_subject", None, "total"))])
        for code in gf:
            restate("subject_amount", "gov_fund", code, [("fct_subject_budget", ("gov_fund_by_subject", code, "total"))])
    # 四、财政拨款预算基本支出情况
    restate("fiscal_basic_expenditure", "basic", None, [summary("fiscal_summary", "expenditure", "basic")])
    restate("personnel_funds", "personnel", None,
            [summary("fiscal_summary", "expenditure", "personnel"), summary("fiscal_summary", "expenditure", "welfare")])
    restate("public_funds", "public", None,
            [summary("fiscal_summary", "expenditure", "public"), summary("fiscal_summary", "expenditure", "institution_subsidy")])
    # 五、“三公”经费
    tp = ("fct_three_public",)
    restate("three_public_total", "total", None, [tp + (("total", "amount"),)])
    current = {k: a for k, _, _, a in truth.three_public_lines()}
    prior = {k: a for k, _, _, a in truth.three_public_lines(prior=True)}
    yoy("three_public_total", current["total"], prior["total"])
    for item in ("overseas", "reception"):
        restate("three_public", item, None, [tp + ((item, "amount"),)])
        yoy(item, current[item], prior[item], rng.choice(["percent", "percent", "both", "amount"]))
    restate("three_public", "vehicle", None, [tp + (("vehicle", "amount"),)])
    restate("three_public", "vehicle_operation", None, [tp + (("vehicle_operation", "amount"),)])
    restate("three_public", "vehicle_purchase", None, [tp + (("vehicle_purchase", "amount"),)])
    yoy("vehicle", current["vehicle"], prior["vehicle"], rng.choice(["percent", "both", "amount"]))
    # 六、预算绩效目标情况
    add("project_count", "projects", None, Decimal(len(truth.projects)), "个")
    restate("project_total", "project", None, [("fct_expenditure", (None, None, "kind", "project"))])
    # 七、其他重要事项说明
    add("operating_funds", "total", None, truth.operating_funds)
    yoy("operating_funds", truth.operating_funds, truth.prior["operating_funds"])
    add("procurement_total", "total", None, truth.procurement_total)
    add("procurement_services", "services", None, truth.procurement_services)
    add("asset_count", "vehicles", None, Decimal(truth.assets["vehicles"]), "辆")
    add("asset_count", "equipment_50", None, Decimal(truth.assets["equipment_50"]), "台（套）")
    add("asset_count", "equipment_100", None, Decimal(truth.assets["equipment_100"]), "台（套）")
    return claims


def generate(seed) -> DocumentTruth:
    """The truth of one document, deterministic in ``seed`` (int or str)."""
    return _Generator(seed).build()


_DRAWS = 20  # fresh seeds tried for a document before a free combination is taken outright


def generate_many(n: int, seed: int = 0) -> list[DocumentTruth]:
    """``n`` documents with distinct document ids (region × department × year), drawn from their seeds.
    When draws keep meeting ids already taken (REGIONS × DEPARTMENTS × years holds ~6,700), that
    document and every later one take a free combination over REGIONS + MORE_REGIONS (~13,300);
    raises ValueError when none is left."""
    out, seen = [], set()
    free: list | None = None
    for i in range(n):
        for k in range(_DRAWS if free is None else 0):  # once draws fail, every later document takes a free one
            truth = generate(f"{seed}:{i}" + (f":{k}" if k else ""))
            if truth.document_id not in seen:
                break
        else:
            if free is None:
                free = [(dept, region, year) for region in REGIONS + MORE_REGIONS for dept in DEPARTMENTS
                        for year in range(2019 if dept["key"] == "emergency" else FIRST_YEAR, LAST_YEAR + 1)]
            rng = random.Random(f"free:{seed}:{i}")
            while True:
                if not free:
                    raise ValueError(f"generate_many: only {len(out)} distinct documents can be generated")
                dept, region, year = free.pop(rng.randrange(len(free)))
                if f"{region[0]}-{dept['name']}-{year}-预算" not in seen:
                    break
            truth = _Generator(f"{seed}:{i}:free", dept=dept, region=region, year=year).build()
        seen.add(truth.document_id)
        out.append(truth)
    return out


# ---------------------------------------------------------------- series: one department over the years

FIRST_YEAR = 2018
LAST_YEAR = 2025


def _department(key: str) -> dict:
    return next(d for d in DEPARTMENTS if d["key"] == key)


def _parent_city(region: str) -> str:
    return next(parent for name, parent in REGIONS if name == region)


def next_year(previous: DocumentTruth, seed) -> DocumentTruth:
    """The same region + department's document of the year after ``previous``.

    Same units (codes, names, funding nature; headcounts drift), most special
    projects continuing with amounts within ±20%, and every year-on-year
    statement of the prose ("比上年增加 X 万元", "减少 Y%": totals, general
    budget, 三公 and its items, 机关运行经费) measured against ``previous``,
    as is table 9's 上年预算数 column: ``truth.yoy_breaks(previous) == {}``.
    Deterministic in (``previous``, ``seed``).
    """
    return _Generator(
        f"{seed}",
        dept=_department(previous.dept_key),
        region=(previous.region, previous.parent_city),
        year=previous.year + 1,
        previous=previous,
    ).build()


def _years_of(years, rng: random.Random, dept_key: str) -> list[int]:
    first = 2019 if dept_key == "emergency" else FIRST_YEAR
    if isinstance(years, int):
        if years < 1:
            raise ValueError("years must be >= 1")
        start = rng.randint(first, max(first, LAST_YEAR - years + 1))
        return list(range(start, start + years))
    out = [int(y) for y in years]
    if not out or out != list(range(out[0], out[0] + len(out))):
        raise ValueError(f"years must be consecutive and ascending, got {out}")
    return out


def generate_series(n_departments: int, years=3, seed=0) -> list[list[DocumentTruth]]:
    """``n_departments`` departments (distinct region + department), each over consecutive years.

    ``years``: how many consecutive years per department (an int: each department
    gets its own start year, the series ending by 2025 when they fit), or the years
    themselves (e.g. ``range(2020, 2024)``, the same for every department).
    Returns one list per department, in year order; each document after the first
    is ``next_year`` of the one before, so a warehouse holding them all has no
    year-over-year break. The first year's statements compare with a previous
    year that is not in the series (as ``generate`` does). Deterministic in the
    arguments. Flatten with ``[t for s in series for t in s]``.
    """
    out: list[list[DocumentTruth]] = []
    taken: set[tuple[str, str]] = set()
    fixed = None if isinstance(years, int) else list(years)
    for i in range(n_departments):
        rng = random.Random(f"budget-series:{seed}:{i}")
        while True:
            dept = rng.choice(DEPARTMENTS)
            region = rng.choice(REGIONS)
            if (region[0], dept["key"]) in taken:
                continue
            if fixed and min(fixed) < 2019 and dept["key"] == "emergency":
                continue
            break
        taken.add((region[0], dept["key"]))
        span = _years_of(years if fixed is None else fixed, rng, dept["key"])
        first = _Generator(f"series:{seed}:{i}:{span[0]}", dept=dept, region=region, year=span[0], series=True).build()
        series = [first]
        for year in span[1:]:
            series.append(next_year(series[-1], f"series:{seed}:{i}:{year}"))
        out.append(series)
    return out
