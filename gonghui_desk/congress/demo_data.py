"""Demo congress (职代会/教代会) and proposals (提案).

Registered as a demo extension when imported (see :func:`gonghui_desk.demo.register_extension`).
The demo union gets one term (第N届, N the union committee's term when known) elected a few days before
its first session; the first session was held about a year before the second, which was held two to five
months before ``today``.

* Delegates: about 10% of the working members (at least 24, or all of them in a very small union) as
  正式代表, and about one in eight more as 列席代表, in 4–6 delegations (代表团, or 代表组 in a school) made
  of the top-level sub-units. One delegate left between the sessions (a member who retired or moved, ended
  the day before) and one was elected in a 补选 after the first session.
* Proposals: 15–22 at each session (one or two more filed again by another delegate and merged, and a late
  one at the second session still 待审查), 30–60 in all, written by 正式代表 with two to four co-signers,
  now and then by a delegation. Most are 立案; about one in ten is 不立案 with its reason, one or two are
  转为意见建议, and one or two are merged (并案) into a proposal on the same matter.
* Handling: the first session's proposals are all assigned, replied (已解决, 正在解决, 列入计划, 暂不能解决
  with its reason) and nearly all rated; one rated 不满意 went through a second round. At the second
  session, one 立案 proposal waits to be assigned, a few are still being handled — two or three past their
  deadline (逾期) — one answer was rated 不满意 and waits for its second round, and the others are answered.

A school's departments (校长办公室, 教务处…) and its 教育教学 category are added to the value lists.
Every record goes through the stores (in the demo's transaction), so it passes the app's own checks.
"""

from __future__ import annotations

import datetime as dt
import random

import sqlite_utils

from gonghui_desk import value_lists
from gonghui_desk.congress.proposals import HandlingInput, ProposalInput, ProposalStore, ReplyInput, ReviewInput
from gonghui_desk.congress.store import ATTENDING, FORMAL, CongressStore, SessionInput, TermInput
from gonghui_desk.dates import add_years
from gonghui_desk.demo import RETIREES_UNIT, chinese_number, register_extension
from gonghui_desk.union import load_profile

DEPARTMENTS = {
    "company": {"office": "办公室", "hr": "人力资源部", "finance": "财务部", "logistics": "后勤保障部",
                "safety": "安全生产部", "business": "业务管理部", "union": "工会"},
    "school": {"office": "校长办公室", "hr": "人事处", "finance": "财务室", "logistics": "总务处",
               "safety": "安全保卫处", "business": "教务处", "union": "工会"},
}
SCHOOL_CATEGORY = "教育教学"

# (category, 案由, lead department, 理由, 办法和措施)
COMPANY_PROPOSALS = (
    ("生活福利", "关于增设夜班职工热食供应的建议", "logistics", "三班倒岗位的职工夜班期间只能自带干粮或点外卖，冬季尤其不便。",
     "建议食堂在22时至次日2时增设夜宵窗口，供应面食、粥品等热食，按成本价收费。"),
    ("工作环境", "关于改善一号厂房夏季通风降温条件的建议", "safety", "一号厂房夏季室温常在35℃以上，焊接、装配岗位职工容易中暑。",
     "建议加装负压风机和移动冷风机，高温时段调整作业时间，足量发放防暑降温用品。"),
    ("薪酬待遇", "关于提高夜班津贴标准的建议", "hr", "夜班津贴标准多年未调整，与周边同行业企业相比偏低。",
     "建议结合公司效益分步提高夜班津贴标准，并建立定期调整机制。"),
    ("安全生产", "关于及时更新劳动防护用品的建议", "safety", "部分岗位的防护手套、护目镜磨损严重，发放周期偏长。",
     "建议按岗位风险重新核定劳保用品的发放标准和周期，实行以旧换新。"),
    ("教育培训", "关于开展青年职工技能提升培训的建议", "hr", "近三年新入职的青年职工较多，技能水平参差不齐。",
     "建议推行师带徒制度，每年组织技能培训和岗位练兵，考核合格的给予奖励。"),
    ("生活福利", "关于延长职工宿舍热水供应时间的建议", "logistics", "宿舍热水只在晚间供应两小时，倒班职工下班后无法洗浴。",
     "建议延长热水供应时间，并检修更换老化的热水器。"),
    ("民主管理", "关于定期公开职工食堂收支情况的建议", "office", "职工对食堂饭菜的价格和质量意见较多，希望了解收支情况。",
     "建议每季度在厂务公开栏公布食堂收支，成立职工伙食管理小组参与监督。"),
    ("经营管理", "关于建立合理化建议奖励制度的建议", "business", "一线职工在生产中有不少改进的想法，但缺少反映渠道和激励。",
     "建议设立合理化建议信箱和线上平台，对采纳后产生效益的建议给予奖励。"),
    ("工作环境", "关于在车间设置职工休息室的建议", "logistics", "车间职工工间休息只能在设备旁或楼道里，饮水也不方便。",
     "建议利用各车间的闲置空间设置休息室，配备饮水机、座椅和储物柜。"),
    ("安全生产", "关于加强厂区道路交通安全管理的建议", "safety", "上下班高峰时厂区内叉车、货车与行人混行，存在安全隐患。",
     "建议划分人车分流通道，增设减速带和警示标识，高峰时段限制叉车通行。"),
    ("生活福利", "关于职工健康体检增加职业健康项目的建议", "hr", "现有体检项目较少，与岗位有关的职业健康项目未列入。",
     "建议按岗位特点增加职业健康检查项目，40岁以上职工增加心脑血管检查。"),
    ("薪酬待遇", "关于完善技术工人技能等级晋升通道的建议", "hr", "技术工人晋升渠道单一，技能等级与收入挂钩不紧。",
     "建议建立技能等级与岗位工资对应的晋升办法，对取得技师、高级技师资格的职工发放津贴。"),
    ("生活福利", "关于开通职工通勤班车的建议", "office", "公司地处工业园区，公交线路少，部分职工单程通勤超过一小时。",
     "建议开通连接主要居住区的通勤班车，或与公交公司协商增设站点。"),
    ("民主管理", "关于规范加班审批和调休管理的建议", "hr", "个别班组加班未按规定审批，调休难以落实。",
     "建议严格执行加班审批，建立加班台账，确保职工按时调休或领取加班费。"),
    ("工作环境", "关于降低冲压车间噪声的建议", "safety", "冲压车间噪声大，长期作业影响职工听力。",
     "建议为设备加装隔音罩和减振垫，为职工配发降噪耳塞，定期检测噪声。"),
    ("教育培训", "关于支持职工参加学历提升教育的建议", "hr", "不少职工希望提升学历，但学费和时间安排有困难。",
     "建议对取得学历证书的职工按比例补贴学费，并在排班上给予照顾。"),
    ("经营管理", "关于减少生产物料浪费的建议", "business", "部分工序的边角料利用率不高，包装材料很少重复使用。",
     "建议开展节能降耗劳动竞赛，建立边角料回收利用制度，奖励节约成效显著的班组。"),
    ("生活福利", "关于开办职工子女暑期托管班的建议", "union", "暑假期间双职工家庭的孩子无人照看，职工工作分心。",
     "建议由工会牵头，利用职工活动中心开办暑期托管班，聘请专业人员看护。"),
    ("安全生产", "关于增配车间应急救援器材的建议", "safety", "个别车间急救箱内药品过期，应急器材配备不足。",
     "建议定期检查更新急救箱，在人员集中的场所配备除颤仪，组织职工参加急救培训。"),
    ("民主管理", "关于完善班组民主管理制度的建议", "union", "班组排班、评先等事项职工参与较少。",
     "建议推行班组民主会，重要事项在班组内讨论，结果上墙公示。"),
    ("其他", "关于改善厂区停车条件的建议", "logistics", "职工的汽车和电动车增多，车位紧张，电动车充电不便。",
     "建议增设停车位和电动车集中充电棚，并加强消防安全管理。"),
    ("经营管理", "关于优化设备报修流程的建议", "business", "设备报修环节多，维修响应慢，影响生产进度。",
     "建议建立线上报修系统，明确维修响应时限，维修后进行回访。"),
)
SCHOOL_PROPOSALS = (
    (SCHOOL_CATEGORY, "关于减轻教师非教学性工作负担的建议", "office", "各类检查、填表和材料报送较多，占用教师备课和辅导学生的时间。",
     "建议统筹各部门的材料报送，合并同类事项，减少不必要的检查和台账。"),
    ("生活福利", "关于改善教职工午餐质量的建议", "logistics", "教工食堂菜品少，口味单一。",
     "建议增加菜品，定期征求教职工意见，公开食材采购价格。"),
    ("教育培训", "关于加大青年教师培养力度的建议", "business", "近年新进青年教师较多，课堂教学经验不足。",
     "建议完善青蓝结对制度，组织青年教师基本功比赛和外出学习。"),
    ("工作环境", "关于改善教师办公室办公条件的建议", "logistics", "部分办公室面积小、人员多，电脑老化，夏季闷热。",
     "建议调整办公室布局，更新老旧电脑，为办公室加装空调。"),
    ("薪酬待遇", "关于提高班主任津贴标准的建议", "hr", "班主任工作量大、责任重，现行津贴标准偏低。",
     "建议提高班主任津贴标准，绩效考核向班主任倾斜。"),
    ("民主管理", "关于完善绩效工资分配方案的建议", "hr", "现行绩效方案的部分指标不够合理，教职工意见较多。",
     "建议广泛征求意见修订方案，提交教代会审议通过后实施，分配结果公示。"),
    ("生活福利", "关于为教职工提供午休场所的建议", "logistics", "学校午间休息时间短，教师没有合适的午休地方。",
     "建议利用闲置教室设置教工午休室，配备简易折叠床。"),
    ("安全生产", "关于加强上下学时段校门口安全管理的建议", "safety", "上下学时段校门口车辆拥堵，学生安全隐患较大。",
     "建议与交警部门协调设置护学岗，划定家长接送区域，分年级错峰放学。"),
    (SCHOOL_CATEGORY, "关于更新教室多媒体教学设备的建议", "business", "部分教室投影仪亮度不足，电子白板经常出故障。",
     "建议分批更新多媒体设备，建立报修和定期维护制度。"),
    ("生活福利", "关于教职工体检增加检查项目的建议", "union", "教职工颈椎病、咽喉炎等职业病多发。",
     "建议每年组织一次体检，增加颈椎、甲状腺等检查项目，建立健康档案。"),
    ("民主管理", "关于进一步推进校务公开的建议", "office", "学校部分重大事项的决策过程教职工了解不够。",
     "建议通过校务公开栏和校园网及时公开重大事项、经费使用和评优评先结果。"),
    ("教育培训", "关于增加教师外出培训机会的建议", "business", "教师外出学习机会少，培训经费不足。",
     "建议每年安排专项培训经费，分批选派教师参加高水平培训，回校后开展二次培训。"),
    ("工作环境", "关于改造教学楼卫生间的建议", "logistics", "教学楼卫生间设施陈旧，异味较大。",
     "建议改造卫生间，增设教工专用卫生间，加强日常保洁。"),
    ("薪酬待遇", "关于及时发放超课时补贴的建议", "finance", "部分学科教师超课时工作，补贴发放不及时。",
     "建议按学期核定超课时工作量，及时足额发放补贴。"),
    ("生活福利", "关于帮助解决教职工子女入托入学的建议", "office", "年轻教师子女入托入学难，影响安心工作。",
     "建议学校与周边幼儿园、学校协调，为教职工子女入托入学提供便利。"),
    ("其他", "关于增加校内停车位的建议", "logistics", "校内停车位不足，教职工车辆停放混乱。",
     "建议合理规划停车区域，增设停车位和电动车充电设施。"),
    (SCHOOL_CATEGORY, "关于合理安排晚自习值班的建议", "business", "毕业年级教师晚自习值班多，身体疲劳。",
     "建议合理安排值班轮次，适当提高值班补贴，连续值班的教师安排调休。"),
    ("民主管理", "关于完善职称评审推荐办法的建议", "hr", "职称推荐名额有限，评审标准教师了解不够。",
     "建议细化量化评审标准并提前公布，评审过程和结果公开。"),
    ("工作环境", "关于在各楼层配备教师饮水设施的建议", "logistics", "教师课间饮水不便。",
     "建议在每层楼的教师休息区配备饮水机，定期清洗消毒。"),
    ("安全生产", "关于加强学校食堂食品安全管理的建议", "logistics", "食堂食品安全关系师生健康，需要进一步加强监管。",
     "建议完善食材采购验收制度，实行明厨亮灶，邀请教职工代表参与检查。"),
    ("生活福利", "关于丰富教职工文体活动的建议", "union", "教职工工作压力大，业余文体活动较少。",
     "建议成立教职工兴趣小组，定期开展球类、健身、书画等活动，课余开放学校体育场馆。"),
    ("教育培训", "关于开展教职工心理健康辅导的建议", "union", "部分教师工作压力大，有焦虑情绪。",
     "建议聘请专业心理咨询师开设讲座和个别辅导，设立教师心理减压室。"),
)
NOT_REGISTERED_REASONS = ("属于个人具体诉求，不符合提案立案条件，已转有关部门答复提案人",
                          "所提事项不属于本单位职权范围，已向提案人说明",
                          "所提事项已在上次会议的提案中办结，不再重复立案")
SUGGESTION_REASON = "内容较为单一，转为意见和建议，交有关部门研究办理"
UNSOLVABLE_REASONS = ("受场地和资金条件限制，目前暂不具备实施条件", "涉及上级政策规定，本单位无权调整")
REPLIES = {
    "已解决": "经研究，已按提案所提办法组织落实，相关工作已全部完成。",
    "正在解决": "已制定工作方案并组织实施，预计年内完成，完成后向提案人反馈。",
    "列入计划": "该事项已列入下一年度工作计划和预算，届时组织实施。",
    "暂不能解决": "经认真研究，该事项目前暂不能解决，已当面向提案人说明情况。",
}
DISSATISFIED_NOTE = "答复内容较笼统，没有明确的解决时限"
REVIEWER = "提案工作委员会"


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


class _CongressDemo:
    def __init__(self, db: sqlite_utils.Database, rng: random.Random, today: dt.date, kind: str):
        self.db, self.rng, self.today, self.kind = db, rng, today, kind
        self.congress = CongressStore(db, today)
        self.proposals = ProposalStore(db, today)
        self.departments = DEPARTMENTS[kind]
        self.pool = SCHOOL_PROPOSALS if kind == "school" else COMPANY_PROPOSALS

    # --- value lists -----------------------------------------------------------------------------------
    def lists(self) -> None:
        wanted = {"proposal.department": list(self.departments.values())}
        if self.kind == "school":
            wanted["proposal.category"] = [SCHOOL_CATEGORY]
        for key, values in wanted.items():
            present = value_lists.values(self.db, key)
            for value in values:
                if value not in present:
                    value_lists.add_value(self.db, key, value)

    # --- the term, its sessions and delegates ------------------------------------------------------------
    def members(self, term_start: str) -> list[tuple[int, str, int | None]]:
        """(id, name, sub-unit) of the members 在册 today who joined before the term started, by id."""
        return [tuple(r) for r in self.db.execute(
            """SELECT m.id, m.name, m.sub_unit_id FROM members m
               WHERE m.voided_at IS NULL AND m.status = '在册'
                 AND (SELECT min(s.effective_date) FROM member_status_changes s
                      WHERE s.member_id = m.id AND s.new_status = '在册') <= ?
               ORDER BY m.id""", [term_start])]

    def top_units(self) -> dict[int, int]:
        """{sub-unit id: its top-level unit}."""
        units = list(self.db.execute("SELECT id, parent_id FROM sub_units WHERE voided_at IS NULL"))
        parent = {u[0]: u[1] for u in units}
        top_of = {}
        for unit_id in parent:
            top = unit_id
            while parent.get(top) is not None:
                top = parent[top]
            top_of[unit_id] = top
        return top_of

    def delegations(self, term_id: int, people: list[tuple]) -> dict[int | None, int]:
        """4–6 delegations of the top-level units; returns {top unit: delegation id}."""
        top_of = self.top_units()
        retirees = {r[0] for r in self.db.execute("SELECT id FROM sub_units WHERE name = ?", [RETIREES_UNIT])}
        sizes: dict[int | None, int] = {}
        for _id, _name, unit in people:
            top = top_of.get(unit)
            if top not in retirees:
                sizes[top] = sizes.get(top, 0) + 1
        tops = sorted(sizes, key=lambda t: (-sizes[t], t or 0))
        count = min(len(tops), self.rng.randint(4, 6))
        buckets: list[list] = [[] for _ in range(count)]
        loads = [0] * count
        for top in tops:  # the largest units first, each to the smallest delegation so far
            index = loads.index(min(loads))
            buckets[index].append(top)
            loads[index] += sizes[top]
        word = "代表组" if self.kind == "school" else "代表团"
        of_top = {}
        for number, bucket in enumerate(buckets, 1):
            delegation_id = self.congress.add_delegation(term_id, f"第{chinese_number(number)}{word}")
            of_top.update({top: delegation_id for top in bucket})
        return of_top

    def run(self) -> None:
        rng, today = self.rng, self.today
        self.lists()
        second_day = today - dt.timedelta(days=rng.randint(60, 150))
        first_day = add_years(second_day, -1) + dt.timedelta(days=rng.randint(-15, 15))
        term_start = first_day - dt.timedelta(days=rng.randint(5, 12))
        people = self.members(term_start.isoformat())
        if len(people) < 12:
            return
        profile = load_profile(self.db)
        term_number = profile.term_number or rng.randint(2, 6)
        term_id = self.congress.create_term(TermInput(term_number, term_start, add_years(term_start, 5)
                                                      - dt.timedelta(days=1)))
        venue = "学校报告厅" if self.kind == "school" else "公司大礼堂"
        first = self.congress.create_session(SessionInput(term_id, 1, held_on=first_day, venue=venue))
        second = self.congress.create_session(SessionInput(term_id, 2, held_on=second_day, venue=venue))

        of_top = self.delegations(term_id, people)
        top_of = self.top_units()
        formal_count = max(round(len(people) * 0.10), min(len(people) // 2, 24))
        chosen = rng.sample(people, min(len(people), formal_count + max(2, formal_count // 8)))
        formal, attending = chosen[:formal_count], chosen[formal_count:]
        for role, group in ((FORMAL, formal), (ATTENDING, attending)):
            by_delegation: dict[int | None, list[int]] = {}
            for member_id, _name, unit in group:
                by_delegation.setdefault(of_top.get(top_of.get(unit)), []).append(member_id)
            for delegation_id, ids in sorted(by_delegation.items(), key=lambda kv: kv[0] or 0):
                self.congress.add_delegates(term_id, sorted(ids), role=role, delegation_id=delegation_id)
        delegates = self.congress.delegates(term_id)
        for delegation in self.congress.delegations(term_id):
            leader = next((d for d in delegates if d["delegation_id"] == delegation["id"] and d["role"] == FORMAL),
                          None)
            if leader:
                self.congress.update_delegation(delegation["id"], leader=leader["member_name"])

        # one delegate left between the sessions, one was elected in a 补选
        left = self.db.execute(
            """SELECT s.member_id, s.effective_date, s.new_status FROM member_status_changes s
               JOIN members m ON m.id = s.member_id AND m.voided_at IS NULL
               WHERE s.old_status = '在册' AND s.effective_date > ? AND s.effective_date < ?
                 AND (SELECT min(x.effective_date) FROM member_status_changes x
                      WHERE x.member_id = s.member_id AND x.new_status = '在册') <= ?
               ORDER BY s.effective_date, s.id LIMIT 1""",
            [(first_day + dt.timedelta(days=30)).isoformat(), second_day.isoformat(),
             term_start.isoformat()]).fetchone()
        if left:
            member_id, day, status = left
            unit = self.db.execute("SELECT sub_unit_id FROM members WHERE id = ?", [member_id]).fetchone()[0]
            added = self.congress.add_delegates(term_id, [member_id], delegation_id=of_top.get(top_of.get(unit)))
            if added.delegate_ids:
                last_day = dt.date.fromisoformat(day) - dt.timedelta(days=1)
                self.congress.end_delegate(added.delegate_ids[0], last_day, f"{status}，不再担任代表")
        elected = first_day + dt.timedelta(days=rng.randint(90, 200))
        if elected < second_day:
            taken = {p[0] for p in chosen}
            spare = [p for p in people if p[0] not in taken]
            if spare:
                member_id, _name, unit = rng.choice(spare)
                self.congress.add_delegates(term_id, [member_id], delegation_id=of_top.get(top_of.get(unit)),
                                            from_date=elected)

        self.session_proposals(term_id, first, first_day, term_start, closed=True)
        self.session_proposals(term_id, second, second_day, second_day - dt.timedelta(days=30), closed=False)

    # --- proposals ---------------------------------------------------------------------------------------
    def serving(self, term_id: int, day: dt.date) -> list[int]:
        """The member ids of the 正式代表 serving on ``day``, by id."""
        if not hasattr(self, "_formal"):
            self._formal = [(r[0], r[1], r[2]) for r in self.db.execute(
                "SELECT member_id, from_date, to_date FROM congress_delegates WHERE term_id = ? AND role = ? "
                "AND voided_at IS NULL ORDER BY member_id", [term_id, FORMAL])]
        iso = day.isoformat()
        return [m for m, start, end in self._formal if (start is None or start <= iso) and (end is None or end >= iso)]

    def session_proposals(self, term_id: int, session_id: int, held_on: dt.date, collect_from: dt.date, *,
                          closed: bool) -> None:
        rng = self.rng
        count = rng.randint(15, 22)
        entries = rng.sample(self.pool, min(count, len(self.pool)))
        delegations = self.congress.delegations(term_id)
        filed: list[tuple[int, tuple]] = []  # (proposal id, its entry)
        for entry in entries:
            filed.append((self.file(term_id, session_id, entry, collect_from, held_on, delegations), entry))
        # review: about one in ten 不立案, one or two 转意见建议, the rest 立案; then one or two filed again, merged
        order = list(filed)
        rng.shuffle(order)
        refused = max(1, len(order) // 10)
        suggestions = rng.randint(1, 2)
        registered = []
        for index, (proposal_id, entry) in enumerate(order):
            day = self.review_day(held_on)
            if index < refused:
                self.proposals.review(proposal_id, ReviewInput("不立案", rng.choice(NOT_REGISTERED_REASONS),
                                                               reviewer=REVIEWER, reviewed_on=day))
            elif index < refused + suggestions:
                self.proposals.review(proposal_id, ReviewInput("转意见建议", SUGGESTION_REASON, reviewer=REVIEWER,
                                                               reviewed_on=day))
            else:
                self.proposals.review(proposal_id, ReviewInput("立案", reviewer=REVIEWER, reviewed_on=day))
                registered.append((proposal_id, entry, day))
        for target_id, entry, day in rng.sample(registered, min(len(registered), rng.randint(1, 2))):
            again = self.file(term_id, session_id, entry, collect_from, held_on, delegations, person_only=True)
            self.proposals.review(again, ReviewInput("并案", "与另一件提案所提事项相同，合并办理", merged_into_id=target_id,
                                                     reviewer=REVIEWER, reviewed_on=day))
        registered.sort()
        if closed:
            self.handle_closed(registered)
        else:
            self.handle_open(registered)
            late = rng.choice([e for e in self.pool if e not in entries] or list(self.pool))
            self.file(term_id, session_id, late, self.today - dt.timedelta(days=20), self.today, delegations,
                      person_only=True)

    def review_day(self, held_on: dt.date) -> dt.date:
        return min(held_on + dt.timedelta(days=self.rng.randint(3, 10)), self.today)

    def file(self, term_id: int, session_id: int, entry: tuple, collect_from: dt.date, held_on: dt.date,
             delegations: list[dict], *, person_only: bool = False) -> int:
        rng = self.rng
        category, title, department, reason, measures = entry
        span = max(0, (held_on - collect_from).days - 1)
        day = min(collect_from + dt.timedelta(days=1 + rng.randint(0, span)), self.today)
        serving = self.serving(term_id, day)
        if not person_only and delegations and rng.random() < 0.08:
            data = ProposalInput(session_id, title, reason, measures, proposer_text=rng.choice(delegations)["name"],
                                 category=category, submitted_on=day)
        else:
            people = rng.sample(serving, min(len(serving), 1 + rng.randint(2, 4)))
            data = ProposalInput(session_id, title, reason, measures, proposer_member_id=people[0],
                                 cosigner_ids=people[1:], category=category,
                                 submitted_on=day)
        proposal_id, _warnings = self.proposals.file(data)
        return proposal_id

    def handling(self, entry: tuple, assigned_on: dt.date, deadline: dt.date | None) -> HandlingInput:
        lead = self.departments[entry[2]]
        others = [d for d in self.departments.values() if d != lead]
        co = self.rng.sample(others, self.rng.choice((0, 0, 1, 1, 2)))
        return HandlingInput(lead, co, self.leader(lead), assigned_on, deadline)

    def leader(self, department: str) -> str:
        if not hasattr(self, "_leaders"):
            names = [r[0] for r in self.db.execute(
                "SELECT name FROM members WHERE status = '在册' AND voided_at IS NULL ORDER BY id LIMIT 200")]
            self._leaders = {d: self.rng.choice(names) for d in sorted(set(self.departments.values()))}
        return self._leaders[department]

    def reply(self, handling_id: int, assigned_on: dt.date, deadline: dt.date, *, latest: dt.date,
              result: str | None = None) -> dt.date:
        rng = self.rng
        result = result or _pick(rng, (("已解决", 0.6), ("正在解决", 0.15), ("列入计划", 0.15), ("暂不能解决", 0.1)))
        span = max(7, (deadline - assigned_on).days + 10)
        day = min(assigned_on + dt.timedelta(days=rng.randint(7, span)), latest)
        self.proposals.reply(handling_id, ReplyInput(REPLIES[result], day, result,
                                                     rng.choice(UNSOLVABLE_REASONS) if result == "暂不能解决" else ""))
        return day

    def rate(self, handling_id: int, replied_on: dt.date, rating: str | None = None) -> dt.date:
        """The proposer's rating (满意 or 基本满意 unless ``rating`` says otherwise)."""
        rng = self.rng
        rating = rating or _pick(rng, (("满意", 0.65), ("基本满意", 0.35)))
        day = min(replied_on + dt.timedelta(days=rng.randint(2, 15)), self.today)
        self.proposals.rate(handling_id, rating, day, DISSATISFIED_NOTE if rating == "不满意" else "")
        return day

    def assign(self, proposal_id: int, entry: tuple, reviewed_on: dt.date) -> tuple[int, dt.date, dt.date]:
        assigned = min(reviewed_on + dt.timedelta(days=self.rng.randint(2, 7)), self.today)
        deadline = assigned + dt.timedelta(days=self.rng.choice((30, 45, 60, 90)))
        return self.proposals.assign(proposal_id, self.handling(entry, assigned, deadline)), assigned, deadline

    def handle_closed(self, registered: list[tuple]) -> None:
        """Every proposal answered and rated (one not yet); one 不满意 with a second round."""
        rng = self.rng
        unrated = rng.randrange(len(registered)) if len(registered) > 3 else -1
        second = (unrated + 1) % len(registered)
        for index, (proposal_id, entry, reviewed_on) in enumerate(registered):
            handling_id, assigned, deadline = self.assign(proposal_id, entry, reviewed_on)
            result = "正在解决" if index == second else None
            replied = self.reply(handling_id, assigned, deadline, latest=self.today, result=result)
            if index == unrated:
                continue
            if index != second:
                self.rate(handling_id, replied)
                continue
            rated = self.rate(handling_id, replied, "不满意")
            again = min(rated + dt.timedelta(days=rng.randint(3, 10)), self.today)
            round_two = self.proposals.second_round(proposal_id, self.handling(entry, again,
                                                                               again + dt.timedelta(days=30)))
            replied = self.reply(round_two, again, again + dt.timedelta(days=30), latest=self.today, result="已解决")
            self.rate(round_two, replied, "基本满意")

    def handle_open(self, registered: list[tuple]) -> None:
        """One to assign, two or three overdue, a few in hand, one 不满意 waiting, the others answered."""
        rng, today = self.rng, self.today
        roles = ["to_assign", "dissatisfied"] + ["overdue"] * rng.randint(2, 3) + ["in_hand"] * rng.randint(1, 3)
        roles += ["answered"] * max(0, len(registered) - len(roles))
        rng.shuffle(roles)
        for (proposal_id, entry, reviewed_on), role in zip(registered, roles):
            if role == "to_assign":
                continue
            assigned = min(reviewed_on + dt.timedelta(days=rng.randint(2, 7)), today)
            deadline = assigned + dt.timedelta(days=rng.choice((30, 45, 60, 90)))
            if role == "overdue":
                deadline = max(assigned, min(deadline, today - dt.timedelta(days=rng.randint(1, 20))))
            elif role == "in_hand":
                deadline = max(deadline, today + dt.timedelta(days=rng.randint(5, 40)))
            handling_id = self.proposals.assign(proposal_id, self.handling(entry, assigned, deadline))
            if role in ("overdue", "in_hand"):
                continue
            latest = today - dt.timedelta(days=3)
            replied = self.reply(handling_id, assigned, deadline, latest=latest,
                                 result="正在解决" if role == "dissatisfied" else None)
            if role == "dissatisfied":
                self.rate(handling_id, replied, "不满意")
            elif rng.random() < 0.7:
                self.rate(handling_id, replied)


@register_extension
def add_congress(db: sqlite_utils.Database, rng: random.Random, today: dt.date, kind: str) -> None:
    """A congress term with two sessions, delegates and proposals (runs inside the demo's transaction)."""
    _CongressDemo(db, rng, today, kind).run()
