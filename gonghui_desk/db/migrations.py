"""Schema history. ``PRAGMA user_version`` holds the number of the last migration applied.

A migration is a function of a connection that runs inside one transaction. Never edit a
released migration: add a new one at the end of ``MIGRATIONS``. Later modules (visits,
hardship, events, proposals…) append theirs here.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Callable

from gonghui_desk.db import changelog


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[sqlite3.Connection], None]


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run several statements inside the current transaction.

    ``Connection.executescript`` would COMMIT first, which breaks an atomic migration.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            if statement.strip().strip(";").strip():
                conn.execute(statement)
            statement = ""
    if statement.strip():
        conn.execute(statement)


def _v1_foundation(conn: sqlite3.Connection) -> None:
    run_script(conn, 
        """
        CREATE TABLE audited_tables (table_name TEXT PRIMARY KEY);

        CREATE TABLE change_log (
            id INTEGER PRIMARY KEY,
            changed_at TEXT NOT NULL,
            table_name TEXT NOT NULL,
            record_id TEXT NOT NULL,
            action TEXT NOT NULL,          -- insert / update / status / void / restore / delete
            old_values TEXT,               -- JSON of the whole row before
            new_values TEXT                -- JSON of the whole row after
        );
        CREATE INDEX change_log_record ON change_log(table_name, record_id);

        CREATE TABLE app_settings (key TEXT PRIMARY KEY, value TEXT);

        CREATE TABLE union_profile (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL DEFAULT '企业' CHECK (kind IN ('企业','学校','医院','机关','其他')),
            upstream_union TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            chair TEXT NOT NULL DEFAULT '',
            term_number INTEGER,
            term_elected_on TEXT,
            term_expires_on TEXT
        );

        CREATE TABLE staff_counts (
            year INTEGER PRIMARY KEY,
            staff_count INTEGER NOT NULL CHECK (staff_count >= 0)
        );

        CREATE TABLE sub_units (
            id INTEGER PRIMARY KEY,
            parent_id INTEGER REFERENCES sub_units(id),
            name TEXT NOT NULL CHECK (name <> ''),
            kind TEXT NOT NULL DEFAULT '部门' CHECK (kind IN ('分工会','工会小组','部门')),
            sort_order INTEGER NOT NULL DEFAULT 0,
            voided_at TEXT
        );
        CREATE UNIQUE INDEX sub_units_name_in_parent ON sub_units(COALESCE(parent_id, 0), name)
            WHERE voided_at IS NULL;

        CREATE TABLE members (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL CHECK (name <> ''),
            sex TEXT CHECK (sex IN ('男','女')),
            ethnicity TEXT NOT NULL DEFAULT '',
            id_number TEXT,
            birth_date TEXT,
            political_status TEXT NOT NULL DEFAULT '',
            education TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            sub_unit_id INTEGER REFERENCES sub_units(id),
            position TEXT NOT NULL DEFAULT '',
            professional_title TEXT NOT NULL DEFAULT '',
            employment_type TEXT NOT NULL DEFAULT '',
            household_type TEXT NOT NULL DEFAULT '',
            is_migrant_worker INTEGER NOT NULL DEFAULT 0 CHECK (is_migrant_worker IN (0,1)),
            join_date TEXT,
            card_number TEXT NOT NULL DEFAULT '',
            work_start_date TEXT,
            marital_status TEXT NOT NULL DEFAULT '',
            model_worker_type TEXT NOT NULL DEFAULT '',
            female_retirement_age INTEGER CHECK (female_retirement_age IN (50, 55)),
            notes TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT '在册' CHECK (status IN ('在册','退休','转出','退会','去世')),
            status_date TEXT,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S','now','localtime')),
            updated_at TEXT,
            voided_at TEXT,
            void_reason TEXT,
            name_sort TEXT NOT NULL DEFAULT '',
            search_text TEXT NOT NULL DEFAULT ''
        );
        CREATE UNIQUE INDEX members_id_number ON members(id_number)
            WHERE id_number IS NOT NULL AND voided_at IS NULL;
        -- The member list scans this covering index in name order: every filter of the list and
        -- the search text are in it, so a keystroke never touches the table itself.
        CREATE INDEX members_list ON members(name_sort, id, status, sub_unit_id, sex, birth_date, join_date,
                                             is_migrant_worker, model_worker_type, search_text)
            WHERE voided_at IS NULL;
        CREATE INDEX members_sub_unit ON members(sub_unit_id, status) WHERE voided_at IS NULL;
        CREATE INDEX members_birth_date ON members(birth_date);
        CREATE INDEX members_join_date ON members(join_date);

        CREATE TABLE member_status_changes (
            id INTEGER PRIMARY KEY,
            member_id INTEGER NOT NULL REFERENCES members(id),
            old_status TEXT,
            new_status TEXT NOT NULL,
            effective_date TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S','now','localtime'))
        );
        CREATE INDEX member_status_changes_member ON member_status_changes(member_id, effective_date);

        CREATE TABLE committee_members (
            id INTEGER PRIMARY KEY,
            committee TEXT NOT NULL CHECK (committee IN ('工会委员会','经审委员会','女职工委员会')),
            member_id INTEGER REFERENCES members(id),
            person_name TEXT NOT NULL CHECK (person_name <> ''),
            role TEXT NOT NULL DEFAULT '委员',
            sort_order INTEGER NOT NULL DEFAULT 0,
            voided_at TEXT
        );
        """
    )
    for table in ("union_profile", "staff_counts", "sub_units", "members",
                  "member_status_changes", "committee_members"):
        changelog.install_triggers(conn, table)


def _v2_care(conn: sqlite3.Connection) -> None:
    """Care visits (慰问走访), their occasions and money rules, and campaigns (送温暖…)."""
    run_script(conn, """
        CREATE TABLE care_cap_groups (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL CHECK (name <> ''),
            yearly_cap_fen INTEGER NOT NULL CHECK (yearly_cap_fen >= 0),  -- per member per calendar year
            voided_at TEXT
        );
        CREATE UNIQUE INDEX care_cap_groups_name ON care_cap_groups(name) WHERE voided_at IS NULL;

        CREATE TABLE care_occasions (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL CHECK (name <> ''),
            is_must_visit INTEGER NOT NULL DEFAULT 0 CHECK (is_must_visit IN (0,1)),   -- one of the union's 必访
            standard_fen INTEGER CHECK (standard_fen >= 0),                            -- the usual amount
            cap_fen INTEGER CHECK (cap_fen >= 0),                                      -- most per payment
            cap_group_id INTEGER REFERENCES care_cap_groups(id),                       -- shared yearly cap
            once_per_year_same_illness INTEGER NOT NULL DEFAULT 0 CHECK (once_per_year_same_illness IN (0,1)),
            needs_illness INTEGER NOT NULL DEFAULT 0 CHECK (needs_illness IN (0,1)),
            allowed_forms TEXT NOT NULL DEFAULT '现金,实物,提货券,蛋糕券',               -- comma-separated
            sort_order INTEGER NOT NULL DEFAULT 0,
            voided_at TEXT
        );
        CREATE UNIQUE INDEX care_occasions_name ON care_occasions(name) WHERE voided_at IS NULL;

        CREATE TABLE campaigns (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL CHECK (name <> ''),
            campaign_date TEXT NOT NULL,
            occasion_id INTEGER NOT NULL REFERENCES care_occasions(id),
            fund_source TEXT NOT NULL DEFAULT '',
            payment_form TEXT NOT NULL DEFAULT '现金',
            default_cash_fen INTEGER NOT NULL DEFAULT 0 CHECK (default_cash_fen >= 0),
            default_goods TEXT NOT NULL DEFAULT '',
            default_goods_value_fen INTEGER NOT NULL DEFAULT 0 CHECK (default_goods_value_fen >= 0),
            criteria TEXT NOT NULL DEFAULT '',          -- JSON of how the recipients were chosen
            notes TEXT NOT NULL DEFAULT '',
            recorded_at TEXT,                           -- when the visits were created
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S','now','localtime')),
            voided_at TEXT,
            void_reason TEXT
        );

        CREATE TABLE campaign_recipients (
            id INTEGER PRIMARY KEY,
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
            member_id INTEGER NOT NULL REFERENCES members(id),
            cash_fen INTEGER NOT NULL DEFAULT 0 CHECK (cash_fen >= 0),
            goods_desc TEXT NOT NULL DEFAULT '',
            goods_value_fen INTEGER NOT NULL DEFAULT 0 CHECK (goods_value_fen >= 0),
            sort_order INTEGER NOT NULL DEFAULT 0,
            UNIQUE (campaign_id, member_id)
        );

        CREATE TABLE visits (
            id INTEGER PRIMARY KEY,
            member_id INTEGER NOT NULL REFERENCES members(id),
            recipient_relation TEXT NOT NULL DEFAULT '本人',   -- 本人, or the relative's relation
            recipient_name TEXT NOT NULL DEFAULT '',           -- the relative's name
            occasion_id INTEGER NOT NULL REFERENCES care_occasions(id),
            event_date TEXT,                                   -- when it happened (admission, wedding…)
            visit_date TEXT,                                   -- NULL: recorded, visit still to make
            visitors TEXT NOT NULL DEFAULT '',
            leader_went INTEGER NOT NULL DEFAULT 0 CHECK (leader_went IN (0,1)),
            cash_fen INTEGER NOT NULL DEFAULT 0 CHECK (cash_fen >= 0),
            goods_desc TEXT NOT NULL DEFAULT '',
            goods_value_fen INTEGER NOT NULL DEFAULT 0 CHECK (goods_value_fen >= 0),
            payment_form TEXT NOT NULL DEFAULT '',
            fund_source TEXT NOT NULL DEFAULT '',
            illness TEXT NOT NULL DEFAULT '',
            follow_up TEXT NOT NULL DEFAULT '',                -- 随访情况 after a hospital visit
            signed INTEGER NOT NULL DEFAULT 0 CHECK (signed IN (0,1)),
            notes TEXT NOT NULL DEFAULT '',
            campaign_id INTEGER REFERENCES campaigns(id),
            rule_warnings TEXT NOT NULL DEFAULT '',            -- the warnings the officer went past
            override_reason TEXT NOT NULL DEFAULT '',          -- and why
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S','now','localtime')),
            updated_at TEXT,
            voided_at TEXT,
            void_reason TEXT
        );
        CREATE INDEX visits_date ON visits(visit_date, occasion_id, member_id) WHERE voided_at IS NULL;
        CREATE INDEX visits_member ON visits(member_id, visit_date) WHERE voided_at IS NULL;
        CREATE INDEX visits_occasion ON visits(occasion_id, visit_date) WHERE voided_at IS NULL;
        CREATE INDEX visits_campaign ON visits(campaign_id) WHERE campaign_id IS NOT NULL;
        CREATE INDEX campaign_recipients_member ON campaign_recipients(member_id);
    """)
    for table in ("care_cap_groups", "care_occasions", "campaigns", "campaign_recipients", "visits"):
        changelog.install_triggers(conn, table)
    from gonghui_desk.care.occasions import apply_rule_set, load_rule_set

    apply_rule_set(conn, load_rule_set("default"))


def _v3_hardship(conn: sqlite3.Connection) -> None:
    """Hardship files (困难职工档案, one per household and period) and aid payments (帮扶)."""
    run_script(conn, """
        -- Editable value lists (困难类别, 致困原因, 健康状况…), seeded with the national aid system's words.
        CREATE TABLE value_lists (
            id INTEGER PRIMARY KEY,
            list_key TEXT NOT NULL,          -- e.g. hardship.category
            value TEXT NOT NULL CHECK (value <> ''),
            sort_order INTEGER NOT NULL DEFAULT 0,
            voided_at TEXT
        );
        CREATE UNIQUE INDEX value_lists_value ON value_lists(list_key, value) WHERE voided_at IS NULL;

        CREATE TABLE hardship_files (
            id INTEGER PRIMARY KEY,
            member_id INTEGER NOT NULL REFERENCES members(id),      -- the household head, a member
            previous_file_id INTEGER REFERENCES hardship_files(id), -- a reopened file: the closed period before
            status TEXT NOT NULL DEFAULT '在档' CHECK (status IN ('申请中','在档','脱困','注销')),
            category TEXT NOT NULL DEFAULT '',          -- 困难类别
            level TEXT NOT NULL DEFAULT '',             -- 建档标准 (全国级/省级/市级/县级/基层)
            main_cause TEXT NOT NULL DEFAULT '',        -- 主要致困原因
            secondary_cause TEXT NOT NULL DEFAULT '',   -- 次要致困原因
            health TEXT NOT NULL DEFAULT '',
            disability TEXT NOT NULL DEFAULT '',
            housing_type TEXT NOT NULL DEFAULT '',
            housing_area TEXT NOT NULL DEFAULT '',      -- square metres as typed
            medical_insurance TEXT NOT NULL DEFAULT '',
            marital_status TEXT NOT NULL DEFAULT '',
            single_parent INTEGER NOT NULL DEFAULT 0 CHECK (single_parent IN (0,1)),
            zero_employment INTEGER NOT NULL DEFAULT 0 CHECK (zero_employment IN (0,1)),
            monthly_income_fen INTEGER NOT NULL DEFAULT 0 CHECK (monthly_income_fen >= 0),          -- 本人月收入
            other_annual_income_fen INTEGER NOT NULL DEFAULT 0 CHECK (other_annual_income_fen >= 0), -- 家庭其他年收入
            household_size INTEGER NOT NULL DEFAULT 1 CHECK (household_size >= 1),                   -- 家庭人口
            bank_name TEXT NOT NULL DEFAULT '',
            bank_account TEXT NOT NULL DEFAULT '',
            opened_on TEXT NOT NULL,                    -- 建档日期
            opened_by TEXT NOT NULL DEFAULT '',         -- 建档人
            checked_by TEXT NOT NULL DEFAULT '',        -- 审核人
            closed_on TEXT,
            close_reason TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S','now','localtime')),
            updated_at TEXT,
            voided_at TEXT,
            void_reason TEXT
        );
        CREATE INDEX hardship_files_member ON hardship_files(member_id) WHERE voided_at IS NULL;
        CREATE INDEX hardship_files_status ON hardship_files(status, opened_on) WHERE voided_at IS NULL;

        CREATE TABLE hardship_family_members (
            id INTEGER PRIMARY KEY,
            file_id INTEGER NOT NULL REFERENCES hardship_files(id),
            name TEXT NOT NULL CHECK (name <> ''),
            relation TEXT NOT NULL DEFAULT '',
            id_number TEXT,
            birth_date TEXT,
            health TEXT NOT NULL DEFAULT '',
            monthly_income_fen INTEGER NOT NULL DEFAULT 0 CHECK (monthly_income_fen >= 0),
            identity TEXT NOT NULL DEFAULT '',          -- 在岗/下岗/失业/退休/学生/…
            unit_or_school TEXT NOT NULL DEFAULT '',
            sort_order INTEGER NOT NULL DEFAULT 0,
            voided_at TEXT
        );
        CREATE INDEX hardship_family_file ON hardship_family_members(file_id);

        CREATE TABLE hardship_reviews (
            id INTEGER PRIMARY KEY,
            file_id INTEGER NOT NULL REFERENCES hardship_files(id),
            review_date TEXT NOT NULL,                  -- 年度复核
            result TEXT NOT NULL CHECK (result <> ''),  -- 继续帮扶 / 调整类别 / 建议脱困 …
            reviewer TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            voided_at TEXT
        );
        CREATE INDEX hardship_reviews_file ON hardship_reviews(file_id, review_date);

        CREATE TABLE aid_payments (
            id INTEGER PRIMARY KEY,
            file_id INTEGER NOT NULL REFERENCES hardship_files(id),
            member_id INTEGER NOT NULL REFERENCES members(id),
            aid_type TEXT NOT NULL CHECK (aid_type <> ''),   -- 生活救助/医疗救助/大病救助/金秋助学/节日送温暖/临时救助/其他
            cash_fen INTEGER NOT NULL DEFAULT 0 CHECK (cash_fen >= 0),
            goods_desc TEXT NOT NULL DEFAULT '',
            goods_value_fen INTEGER NOT NULL DEFAULT 0 CHECK (goods_value_fen >= 0),
            fund_source TEXT NOT NULL DEFAULT '',             -- 上级帮扶资金/本级经费/行政/社会捐助
            stage TEXT NOT NULL DEFAULT '申请' CHECK (stage IN ('申请','审核','发放')),
            applied_on TEXT NOT NULL,
            applied_by TEXT NOT NULL DEFAULT '',
            approved_on TEXT,
            approved_by TEXT NOT NULL DEFAULT '',
            paid_on TEXT,                                     -- the payment date once 发放
            paid_by TEXT NOT NULL DEFAULT '',
            publicized_on TEXT,                               -- 公示
            signed INTEGER NOT NULL DEFAULT 0 CHECK (signed IN (0,1)),
            student_family_member_id INTEGER REFERENCES hardship_family_members(id),  -- 金秋助学: the student
            school TEXT NOT NULL DEFAULT '',
            admission_year INTEGER,
            schooling_years INTEGER,
            rule_warnings TEXT NOT NULL DEFAULT '',
            override_reason TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S','now','localtime')),
            updated_at TEXT,
            voided_at TEXT,
            void_reason TEXT
        );
        CREATE INDEX aid_payments_date ON aid_payments(paid_on, aid_type) WHERE voided_at IS NULL;
        CREATE INDEX aid_payments_file ON aid_payments(file_id, paid_on) WHERE voided_at IS NULL;
        CREATE INDEX aid_payments_member ON aid_payments(member_id) WHERE voided_at IS NULL;
        CREATE INDEX aid_payments_student ON aid_payments(student_family_member_id)
            WHERE student_family_member_id IS NOT NULL;
    """)
    for table in ("value_lists", "hardship_files", "hardship_family_members", "hardship_reviews", "aid_payments"):
        changelog.install_triggers(conn, table)
    from gonghui_desk.value_lists import seed_defaults

    seed_defaults(conn, ("hardship.", "aid."))


def _v4_events(conn: sqlite3.Connection) -> None:
    """Events (劳动竞赛, 技能比武, 文体活动, 讲座/培训, 疗休养…) with their items, teams, participants and
    results, and the register of honours (荣誉)."""
    run_script(conn, """
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL CHECK (name <> ''),
            kind TEXT NOT NULL DEFAULT '',             -- value list event.kind
            edition INTEGER,                           -- 第N届
            organiser_kind TEXT NOT NULL DEFAULT '本会' CHECK (organiser_kind IN ('本会','上级','外单位')),
            organiser TEXT NOT NULL DEFAULT '',        -- the upstream or outside organiser's name
            holiday TEXT NOT NULL DEFAULT '',          -- value list event.holiday
            start_date TEXT NOT NULL,
            end_date TEXT,
            venue TEXT NOT NULL DEFAULT '',
            cost_fen INTEGER NOT NULL DEFAULT 0 CHECK (cost_fen >= 0),
            status TEXT NOT NULL DEFAULT '计划' CHECK (status IN ('计划','已举办','已取消')),
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S','now','localtime')),
            updated_at TEXT,
            voided_at TEXT,
            void_reason TEXT
        );
        CREATE INDEX events_date ON events(start_date, kind) WHERE voided_at IS NULL;

        -- 项目/工种 within an event (a contest's events, a sports day's games)
        CREATE TABLE event_items (
            id INTEGER PRIMARY KEY,
            event_id INTEGER NOT NULL REFERENCES events(id),
            name TEXT NOT NULL CHECK (name <> ''),
            team_item INTEGER NOT NULL DEFAULT 0 CHECK (team_item IN (0,1)),  -- 团体项目
            sort_order INTEGER NOT NULL DEFAULT 0,
            voided_at TEXT
        );
        CREATE INDEX event_items_event ON event_items(event_id) WHERE voided_at IS NULL;

        CREATE TABLE event_teams (
            id INTEGER PRIMARY KEY,
            event_id INTEGER NOT NULL REFERENCES events(id),
            name TEXT NOT NULL CHECK (name <> ''),
            sub_unit_id INTEGER REFERENCES sub_units(id),     -- the 分工会/部门 the team stands for, if any
            captain_member_id INTEGER REFERENCES members(id),
            voided_at TEXT
        );
        CREATE INDEX event_teams_event ON event_teams(event_id) WHERE voided_at IS NULL;

        CREATE TABLE event_team_members (
            id INTEGER PRIMARY KEY,
            team_id INTEGER NOT NULL REFERENCES event_teams(id),
            member_id INTEGER NOT NULL REFERENCES members(id),
            voided_at TEXT
        );
        CREATE UNIQUE INDEX event_team_members_unique ON event_team_members(team_id, member_id)
            WHERE voided_at IS NULL;
        CREATE INDEX event_team_members_member ON event_team_members(member_id) WHERE voided_at IS NULL;

        -- One entry of a member, or of a team, in an event (and in one of its items when it has them).
        -- 人次 counts entries (a team's entry counts each of its members); 人 counts distinct members.
        CREATE TABLE event_participants (
            id INTEGER PRIMARY KEY,
            event_id INTEGER NOT NULL REFERENCES events(id),
            item_id INTEGER REFERENCES event_items(id),
            member_id INTEGER REFERENCES members(id),
            team_id INTEGER REFERENCES event_teams(id),
            source TEXT NOT NULL DEFAULT '',           -- how the entry was made: '' by hand, or the criteria ("全体女会员")
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S','now','localtime')),
            voided_at TEXT,
            void_reason TEXT,
            CHECK ((member_id IS NULL) <> (team_id IS NULL))
        );
        CREATE INDEX event_participants_event ON event_participants(event_id, item_id) WHERE voided_at IS NULL;
        CREATE INDEX event_participants_member ON event_participants(member_id) WHERE voided_at IS NULL;
        CREATE INDEX event_participants_team ON event_participants(team_id) WHERE voided_at IS NULL;
        CREATE UNIQUE INDEX event_participants_unique ON event_participants(
            event_id, coalesce(item_id, 0), coalesce(member_id, 0), coalesce(team_id, 0)) WHERE voided_at IS NULL;

        -- A result of an entry at a stage (初赛/复赛/决赛, '' for a one-round event); an award to the
        -- union or a sub-unit (组织奖) has no entry and names the awardee instead.
        CREATE TABLE event_results (
            id INTEGER PRIMARY KEY,
            event_id INTEGER NOT NULL REFERENCES events(id),
            participant_id INTEGER REFERENCES event_participants(id),
            awardee TEXT NOT NULL DEFAULT '',          -- when there is no entry: "本会", a sub-unit's name…
            stage TEXT NOT NULL DEFAULT '',            -- value list event.stage
            rank INTEGER CHECK (rank IS NULL OR rank >= 1),
            grade TEXT NOT NULL DEFAULT '',            -- value list event.grade
            prize_fen INTEGER NOT NULL DEFAULT 0 CHECK (prize_fen >= 0),
            promoted INTEGER NOT NULL DEFAULT 0 CHECK (promoted IN (0,1)),   -- sent on to the upstream round
            upstream_round TEXT NOT NULL DEFAULT '',   -- e.g. 市级决赛
            upstream_result TEXT NOT NULL DEFAULT '',  -- e.g. 一等奖
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S','now','localtime')),
            updated_at TEXT,
            voided_at TEXT,
            void_reason TEXT,
            CHECK (participant_id IS NOT NULL OR awardee <> '')
        );
        CREATE INDEX event_results_event ON event_results(event_id) WHERE voided_at IS NULL;
        CREATE INDEX event_results_participant ON event_results(participant_id) WHERE voided_at IS NULL;

        CREATE TABLE honours (
            id INTEGER PRIMARY KEY,
            recipient_kind TEXT NOT NULL CHECK (recipient_kind IN ('个人','集体','本会')),
            member_id INTEGER REFERENCES members(id),         -- 个人
            sub_unit_id INTEGER REFERENCES sub_units(id),     -- 集体 that is one of the union's sub-units
            group_name TEXT NOT NULL DEFAULT '',              -- 集体 by name (班组、科室…)
            title TEXT NOT NULL CHECK (title <> ''),
            level TEXT NOT NULL CHECK (level IN ('全国','省部级','市级','县区级','系统/行业','本单位')),
            conferred_by TEXT NOT NULL DEFAULT '',
            year INTEGER NOT NULL,
            conferred_on TEXT,
            stage TEXT NOT NULL DEFAULT '获评' CHECK (stage IN ('推荐','申报','获评')),
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S','now','localtime')),
            updated_at TEXT,
            voided_at TEXT,
            void_reason TEXT,
            CHECK ((recipient_kind = '个人') = (member_id IS NOT NULL))
        );
        CREATE INDEX honours_year ON honours(year, level) WHERE voided_at IS NULL;
        CREATE INDEX honours_member ON honours(member_id) WHERE voided_at IS NULL;
    """)
    for table in ("events", "event_items", "event_teams", "event_team_members", "event_participants",
                  "event_results", "honours"):
        changelog.install_triggers(conn, table)
    from gonghui_desk.value_lists import seed_defaults

    seed_defaults(conn, ("event.", "honour."))


def _v5_congress(conn: sqlite3.Connection) -> None:
    """Congress (职代会/教代会) terms, sessions, delegations and delegates, and proposals (提案) with their
    co-signers, review and rounds of handling."""
    run_script(conn, """
        -- 第N届: a term of the congress; its delegates serve the whole term unless their dates say otherwise
        CREATE TABLE congress_terms (
            id INTEGER PRIMARY KEY,
            number INTEGER NOT NULL CHECK (number >= 1),          -- 第N届
            started_on TEXT,
            ended_on TEXT,
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S','now','localtime')),
            updated_at TEXT,
            voided_at TEXT,
            void_reason TEXT
        );
        CREATE UNIQUE INDEX congress_terms_number ON congress_terms(number) WHERE voided_at IS NULL;

        -- 第N届第M次会议
        CREATE TABLE congress_sessions (
            id INTEGER PRIMARY KEY,
            term_id INTEGER NOT NULL REFERENCES congress_terms(id),
            number INTEGER NOT NULL CHECK (number >= 1),          -- 第M次
            kind TEXT NOT NULL DEFAULT '职代会',                  -- 职代会 / 教代会 (the union's kind when created)
            held_on TEXT,
            venue TEXT NOT NULL DEFAULT '',
            number_format TEXT NOT NULL DEFAULT '',               -- proposal numbers; '' = the default format
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S','now','localtime')),
            updated_at TEXT,
            voided_at TEXT,
            void_reason TEXT
        );
        CREATE UNIQUE INDEX congress_sessions_number ON congress_sessions(term_id, number) WHERE voided_at IS NULL;

        -- 代表团/代表组 of a term
        CREATE TABLE congress_delegations (
            id INTEGER PRIMARY KEY,
            term_id INTEGER NOT NULL REFERENCES congress_terms(id),
            name TEXT NOT NULL CHECK (name <> ''),
            leader TEXT NOT NULL DEFAULT '',                      -- 团长/组长
            sort_order INTEGER NOT NULL DEFAULT 0,
            voided_at TEXT
        );
        CREATE UNIQUE INDEX congress_delegations_name ON congress_delegations(term_id, name) WHERE voided_at IS NULL;

        CREATE TABLE congress_delegates (
            id INTEGER PRIMARY KEY,
            term_id INTEGER NOT NULL REFERENCES congress_terms(id),
            member_id INTEGER NOT NULL REFERENCES members(id),
            role TEXT NOT NULL DEFAULT '正式代表' CHECK (role IN ('正式代表','列席代表')),
            delegation_id INTEGER REFERENCES congress_delegations(id),
            from_date TEXT,                                       -- NULL: from the start of the term (补选: the day elected)
            to_date TEXT,                                         -- NULL: to its end; else the last day served (inclusive)
            end_reason TEXT NOT NULL DEFAULT '',                  -- why the delegate left before the term's end
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S','now','localtime')),
            updated_at TEXT,
            voided_at TEXT,
            void_reason TEXT
        );
        CREATE UNIQUE INDEX congress_delegates_unique ON congress_delegates(term_id, member_id) WHERE voided_at IS NULL;
        CREATE INDEX congress_delegates_member ON congress_delegates(member_id) WHERE voided_at IS NULL;

        -- 提案 (一事一案). review: '' (待审查), 立案, 不立案, 转意见建议, 并案 (merged into merged_into_id).
        -- split_from_id: a proposal split off another at review (拆分); both stay and are linked.
        CREATE TABLE proposals (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES congress_sessions(id),
            seq INTEGER NOT NULL CHECK (seq >= 1),                -- the running number within the session
            number TEXT NOT NULL CHECK (number <> ''),            -- 第3届第2次-007 (generated, editable)
            title TEXT NOT NULL CHECK (title <> ''),              -- 案由
            reason TEXT NOT NULL DEFAULT '',                      -- 理由
            measures TEXT NOT NULL DEFAULT '',                    -- 办法和措施
            proposer_member_id INTEGER REFERENCES members(id),
            proposer_text TEXT NOT NULL DEFAULT '',               -- a proposer that is not one member (代表团…)
            category TEXT NOT NULL DEFAULT '',                    -- value list proposal.category
            submitted_on TEXT NOT NULL,
            review TEXT NOT NULL DEFAULT '' CHECK (review IN ('','立案','不立案','转意见建议','并案')),
            review_reason TEXT NOT NULL DEFAULT '',
            merged_into_id INTEGER REFERENCES proposals(id),
            split_from_id INTEGER REFERENCES proposals(id),       -- 拆分: the proposal this one was split off
            reviewer TEXT NOT NULL DEFAULT '',
            reviewed_on TEXT,
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S','now','localtime')),
            updated_at TEXT,
            voided_at TEXT,
            void_reason TEXT,
            CHECK (proposer_member_id IS NOT NULL OR proposer_text <> ''),
            CHECK ((review = '并案') = (merged_into_id IS NOT NULL))
        );
        CREATE UNIQUE INDEX proposals_number ON proposals(session_id, number) WHERE voided_at IS NULL;
        CREATE INDEX proposals_session ON proposals(session_id, review) WHERE voided_at IS NULL;
        CREATE INDEX proposals_proposer ON proposals(proposer_member_id) WHERE voided_at IS NULL;
        CREATE INDEX proposals_merged ON proposals(merged_into_id) WHERE merged_into_id IS NOT NULL;
        CREATE INDEX proposals_split ON proposals(split_from_id) WHERE split_from_id IS NOT NULL;

        -- 附议人
        CREATE TABLE proposal_cosigners (
            id INTEGER PRIMARY KEY,
            proposal_id INTEGER NOT NULL REFERENCES proposals(id),
            member_id INTEGER NOT NULL REFERENCES members(id),
            voided_at TEXT
        );
        CREATE UNIQUE INDEX proposal_cosigners_unique ON proposal_cosigners(proposal_id, member_id)
            WHERE voided_at IS NULL;
        CREATE INDEX proposal_cosigners_member ON proposal_cosigners(member_id) WHERE voided_at IS NULL;

        -- 交办与答复: one round of handling; a second round after the proposer rated the answer 不满意
        CREATE TABLE proposal_handlings (
            id INTEGER PRIMARY KEY,
            proposal_id INTEGER NOT NULL REFERENCES proposals(id),
            round INTEGER NOT NULL DEFAULT 1 CHECK (round >= 1),
            lead_department TEXT NOT NULL CHECK (lead_department <> ''),   -- 主办 (value list proposal.department)
            co_departments TEXT NOT NULL DEFAULT '[]',            -- 协办: a JSON list of department names
            leader TEXT NOT NULL DEFAULT '',                      -- 分管/责任领导
            assigned_on TEXT,
            deadline TEXT,
            reply TEXT NOT NULL DEFAULT '',                       -- 答复
            replied_on TEXT,
            result TEXT NOT NULL DEFAULT '' CHECK (result IN ('','已解决','正在解决','列入计划','暂不能解决')),
            result_reason TEXT NOT NULL DEFAULT '',               -- why 暂不能解决
            rating TEXT NOT NULL DEFAULT '' CHECK (rating IN ('','满意','基本满意','不满意')),
            rated_on TEXT,
            rating_notes TEXT NOT NULL DEFAULT '',                -- 提案人意见
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S','now','localtime')),
            updated_at TEXT,
            voided_at TEXT,
            void_reason TEXT
        );
        CREATE UNIQUE INDEX proposal_handlings_round ON proposal_handlings(proposal_id, round) WHERE voided_at IS NULL;
        CREATE INDEX proposal_handlings_department ON proposal_handlings(lead_department) WHERE voided_at IS NULL;
        CREATE INDEX proposal_handlings_open ON proposal_handlings(deadline)
            WHERE voided_at IS NULL AND replied_on IS NULL;
    """)
    for table in ("congress_terms", "congress_sessions", "congress_delegations", "congress_delegates", "proposals",
                  "proposal_cosigners", "proposal_handlings"):
        changelog.install_triggers(conn, table)
    from gonghui_desk.value_lists import seed_defaults

    seed_defaults(conn, ("proposal.",))


def _v6_report_drafts(conn: sqlite3.Connection) -> None:
    """Saved drafts of the summary reports (工作总结/工作报告): what was asked and the document as edited."""
    run_script(conn, """
        -- A draft of a summary report. request_json: the kind, period, sections and options it was built with;
        -- document_json: the document as last saved (blocks with their figure marks); stats_json: the figures
        -- by key as computed when it was built (what the marks point to). Drafts are voided, never deleted.
        CREATE TABLE report_drafts (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL CHECK (kind <> ''),               -- annual / half / semester / term / care
            date_from TEXT NOT NULL,
            date_to TEXT NOT NULL,
            request_json TEXT NOT NULL DEFAULT '{}',
            document_json TEXT NOT NULL DEFAULT '{}',
            stats_json TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S','now','localtime')),
            updated_at TEXT,
            voided_at TEXT,
            void_reason TEXT,
            CHECK (date_from <= date_to)
        );
        CREATE INDEX report_drafts_list ON report_drafts(coalesce(updated_at, created_at)) WHERE voided_at IS NULL;
    """)
    changelog.install_triggers(conn, "report_drafts")


def _v7_form_mappings(conn: sqlite3.Connection) -> None:
    """Saved column mappings of the upstream union's own forms (填写上级表格), reused with next year's copy."""
    run_script(conn, """
        -- A named mapping: which record source fills the form (roster, campaign, hardship…) with which parameters
        -- (params_json), and which field fills each column. headers_json: [[column, header], …] as read when it was
        -- saved (to report a changed form column by column); columns_json: [[column, field key], …]. header_row is
        -- the form's first header row. Mappings are voided, never deleted.
        CREATE TABLE form_mappings (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE CHECK (name <> ''),
            source TEXT NOT NULL CHECK (source <> ''),
            params_json TEXT NOT NULL DEFAULT '{}',
            sheet_name TEXT NOT NULL DEFAULT '',
            header_row INTEGER NOT NULL DEFAULT 1 CHECK (header_row >= 1),
            headers_json TEXT NOT NULL DEFAULT '[]',
            columns_json TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S','now','localtime')),
            updated_at TEXT,
            voided_at TEXT
        );
    """)
    changelog.install_triggers(conn, "form_mappings")


def _v8_draft_log_without_figures(conn: sqlite3.Connection) -> None:
    """The change log of report drafts leaves out their figures (``stats_json``, recounted from the records and
    possibly megabytes of ids): the triggers are made again without that column."""
    changelog.install_triggers(conn, "report_drafts")


# Indexes measured on 100,000 members and a million activity rows (bench/run.py, bench/bench_lists.py): each
# long list (会员, 慰问台账, 帮扶台账, 修改记录, 回收站) reads one page in the order shown by walking an index
# instead of sorting the whole table (gonghui_desk/db/windows.py); the lists check for them by name.
LARGE_UNION_INDEXES = (
    # 会员名册: the order of each column (name order: members_list), ties by name; the status-bar count
    "CREATE INDEX members_order_sex ON members(sex, name_sort) WHERE voided_at IS NULL",
    "CREATE INDEX members_order_birth ON members(birth_date, name_sort) WHERE voided_at IS NULL",
    "CREATE INDEX members_order_id_number ON members(id_number, name_sort) WHERE voided_at IS NULL",
    "CREATE INDEX members_order_phone ON members(phone, name_sort) WHERE voided_at IS NULL",
    "CREATE INDEX members_order_political ON members(political_status, name_sort) WHERE voided_at IS NULL",
    "CREATE INDEX members_order_employment ON members(employment_type, name_sort) WHERE voided_at IS NULL",
    "CREATE INDEX members_order_join ON members(join_date, name_sort) WHERE voided_at IS NULL",
    "CREATE INDEX members_order_status ON members(status, name_sort) WHERE voided_at IS NULL",
    # every member (voided ones too): the ledgers sorted by the member's name or department
    "CREATE INDEX members_name ON members(name_sort)",
    "CREATE INDEX members_sub_unit_name ON members(sub_unit_id, name_sort)",
    # 慰问台账: the visit day (the default order; a period as one range), the amount, the occasion; a covering
    # index of every filter column for counting
    "CREATE INDEX visits_day ON visits(coalesce(visit_date, event_date)) WHERE voided_at IS NULL",
    "CREATE INDEX visits_money ON visits(cash_fen + goods_value_fen, coalesce(visit_date, event_date)) "
    "WHERE voided_at IS NULL",
    "CREATE INDEX visits_occasion_day ON visits(occasion_id, coalesce(visit_date, event_date)) "
    "WHERE voided_at IS NULL",
    "CREATE INDEX visits_filter ON visits(coalesce(visit_date, event_date), occasion_id, fund_source, signed, "
    "member_id, campaign_id, visit_date, event_date, voided_at) WHERE voided_at IS NULL",
    "CREATE INDEX care_occasions_order ON care_occasions(sort_order, id)",
    # 帮扶台账: the payment day, the amount, the type; every filter column for counting
    "CREATE INDEX aid_payments_day ON aid_payments(coalesce(paid_on, applied_on)) WHERE voided_at IS NULL",
    "CREATE INDEX aid_payments_money ON aid_payments(cash_fen + goods_value_fen, coalesce(paid_on, applied_on)) "
    "WHERE voided_at IS NULL",
    "CREATE INDEX aid_payments_type_day ON aid_payments(aid_type, coalesce(paid_on, applied_on)) "
    "WHERE voided_at IS NULL",
    "CREATE INDEX aid_payments_filter ON aid_payments(paid_on, aid_type, fund_source, stage, signed, member_id, "
    "student_family_member_id, file_id, voided_at) WHERE voided_at IS NULL",
    # the annual report: a period's participation read per event without visiting the table (events/register.py)
    "CREATE INDEX event_participants_event_member ON event_participants(event_id, member_id) "
    "WHERE voided_at IS NULL",
    # 修改记录: one kind of record, newest first (an index ends with the row id)
    "CREATE INDEX change_log_table ON change_log(table_name)",
    # 回收站: the few voided rows of the large tables, found without reading the tables
    *(f"CREATE INDEX {table}_voided ON {table}(voided_at) WHERE voided_at IS NOT NULL"
      for table in ("members", "visits", "aid_payments", "hardship_reviews", "event_participants", "event_results",
                    "congress_delegates", "proposals", "proposal_handlings")),
)


def _v9_indexes_for_large_unions(conn: sqlite3.Connection) -> None:
    """:data:`LARGE_UNION_INDEXES`, and fresh statistics for the planner."""
    for ddl in LARGE_UNION_INDEXES:
        conn.execute(ddl)
    conn.execute("ANALYZE")


MIGRATIONS: list[Migration] = [
    Migration(1, "基础结构：工会信息、组织机构、会员、变更日志", _v1_foundation),
    Migration(2, "慰问走访：慰问类别与标准、慰问记录、批量慰问", _v2_care),
    Migration(3, "困难帮扶：困难职工档案、家庭成员、年度复核、帮扶记录", _v3_hardship),
    Migration(4, "活动竞赛与荣誉：活动、项目、队伍、参加人员、成绩、荣誉", _v4_events),
    Migration(5, "职代会与提案：届次、会议、代表团、代表、提案、附议人、审查、交办与答复", _v5_congress),
    Migration(6, "工作总结：保存的总结草稿", _v6_report_drafts),
    Migration(7, "填写上级表格：保存的列对应关系", _v7_form_mappings),
    Migration(8, "工作总结草稿的变更日志不再记录统计数字", _v8_draft_log_without_figures),
    Migration(9, "大数据量下的查询索引", _v9_indexes_for_large_unions),
]

LATEST_VERSION = MIGRATIONS[-1].version
