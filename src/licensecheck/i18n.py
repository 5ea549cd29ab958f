"""Every phrase the tool says in English and in Chinese: one table, looked up by phrase id.

Reports, plans, the terminal report, the requirement sentences and the change sentences take
their words from here (``phrase("status.fail", "zh")``), so a translation is made, and
checked, in one place. A language without its own phrase (any but ``zh``) gets the English.
Phrases are :meth:`str.format` templates; ``{name}`` marks a value filled in by the caller.
"""

from __future__ import annotations

from typing import NamedTuple


class Phrase(NamedTuple):
    """One phrase in each language the tool speaks."""

    en: str
    zh: str


PHRASES: dict[str, Phrase] = {
    # The state of a finding (terminal and documents alike).
    "status.pass": Phrase("pass", "通过"),
    "status.fail": Phrase("fail", "不符合"),
    "status.unknown": Phrase("unknown", "信息不足"),
    "status.not_applicable": Phrase("not applicable", "不适用"),
    "status.waived": Phrase("waived", "已豁免"),
    "status.error": Phrase("error", "错误"),
    # The terminal report (formats/text.py).
    "text.ready": Phrase("READY", "已具备条件"),
    "text.not_ready": Phrase("NOT READY", "尚未具备条件"),
    "text.score": Phrase("score", "得分"),
    "text.at": Phrase("at", "位置"),
    "text.cite": Phrase("cite", "依据"),
    "text.fix": Phrase("fix", "整改"),
    "text.expected": Phrase("expected", "要求"),
    "text.declared": Phrase("declared", "申报值"),
    "text.not_declared": Phrase("not declared", "未申报"),
    "text.as_of": Phrase("as of", "评估日"),
    "text.hidden": Phrase(
        "{n} passing or not applicable rules not shown (use --verbose)",
        "另有 {n} 条通过或不适用的规则未显示（使用 --verbose 查看）",
    ),
    "text.grace": Phrase("in grace period", "处于宽限期"),
    "text.waiver": Phrase("waiver", "豁免"),
    "text.waivers": Phrase("waivers", "豁免文件"),
    "text.baseline": Phrase("baseline", "基线"),
    "text.evidence": Phrase("evidence", "证明材料"),
    "text.evidenced_score": Phrase("evidenced score", "有证明得分"),
    "text.evidenced": Phrase("evidenced", "有证明"),
    "text.self_declared": Phrase("declared", "仅申报"),
    "text.contradicted": Phrase("contradicted", "相矛盾"),
    "text.drift": Phrase(
        "{id} ({path}) changed since it was hashed; it covered {covers}",
        "{id}（{path}）自记录哈希值后已被修改；原覆盖 {covers}",
    ),
    "text.evidence_request": Phrase("attach evidence covering", "请提供证明材料，覆盖"),
    # The local web app (licensecheck serve): its pages' own words.
    "web.app": Phrase("Licensing readiness", "许可就绪评估"),
    "web.intro": Phrase(
        "Choose the packs and the firm; answer the questions and watch the gaps close.",
        "选择规则包和企业，回答问题，查看差距逐步消除。",
    ),
    "web.skip": Phrase("Skip to the content", "跳到正文"),
    "web.navigation": Phrase("Main", "主导航"),
    "web.portfolio": Phrase("Portfolio", "组合视图"),
    "web.api": Phrase("HTTP API", "HTTP 接口"),
    "web.api_intro": Phrase(
        "The API for integrators; the OpenAPI document is at",
        "供系统集成使用的接口；OpenAPI 文档位于",
    ),
    "web.parameter": Phrase("parameter", "参数"),
    "web.where": Phrase("in", "位置"),
    "web.meaning": Phrase("meaning", "含义"),
    "web.error": Phrase("Error", "错误"),
    "web.back_home": Phrase("Back to the start", "返回首页"),
    "web.back_questions": Phrase("Back to the questions", "返回问卷"),
    "web.choose_packs": Phrase("Packs to assess against", "评估所用规则包"),
    "web.choose_firm": Phrase("The firm", "企业"),
    "web.new_firm": Phrase("A new firm: its legal name", "新企业：法定名称"),
    "web.from_workspace": Phrase(
        "Or a firm of the workspace (its last declaration)", "或工作区中的企业（其最近一次申报）"
    ),
    "web.upload": Phrase("Or a declaration file (YAML or JSON)", "或上传申报文件（YAML 或 JSON）"),
    "web.start": Phrase("Start the questionnaire", "开始问卷"),
    "web.drafts": Phrase("Questionnaires in progress", "进行中的问卷"),
    "web.answers": Phrase("answers", "个回答"),
    "web.history": Phrase("History", "历史"),
    "web.packs": Phrase("packs", "规则包"),
    "web.autosave": Phrase("every answer is saved as you give it", "每个回答都会即时保存"),
    "web.yes": Phrase("yes", "是"),
    "web.no": Phrase("no", "否"),
    "web.not_answered": Phrase("not answered", "未回答"),
    "web.one_per_line": Phrase("one per line", "每行一项"),
    "web.add": Phrase("Add to", "添加"),
    "web.remove_last": Phrase("Remove the last", "删除最后一项"),
    "web.results": Phrase("Results", "评估结果"),
    "web.range": Phrase("range", "区间"),
    "web.ready": Phrase("ready", "已具备条件"),
    "web.not_ready": Phrase("not ready", "尚未具备条件"),
    "web.report": Phrase("Gap report", "差距报告"),
    "web.plan": Phrase("Remediation plan", "整改计划"),
    "web.impact": Phrase("Pack update impact", "规则包更新影响"),
    "web.impact_intro": Phrase(
        "What updating a pack does to every firm's latest recorded declaration. A pack is a"
        " bundled id or id@version (a version recorded in the workspace).",
        "更新规则包对每家公司最近记录的申报有何影响。规则包可填内置编号，或 编号@版本（工作区中记录过的版本）。",
    ),
    "web.old_pack": Phrase("Old pack", "旧版规则包"),
    "web.new_pack": Phrase("New pack", "新版规则包"),
    "web.show_impact": Phrase("Show the impact", "查看影响"),
    "web.unknowns": Phrase("Still unknown", "尚待申报"),
    "web.nothing_unknown": Phrase("Nothing is unknown.", "没有待申报的信息。"),
    "web.gaps": Phrase("gaps", "差距"),
    "web.download_yaml": Phrase("Download the declaration (YAML)", "下载申报文件（YAML）"),
    "web.record": Phrase("Record in the firm's history", "记入企业历史"),
    "web.assume_fixed": Phrase("What if these were fixed?", "假设以下差距已整改"),
    "web.replan": Phrase("Plan again", "重新规划"),
    "web.runs": Phrase("recorded assessments", "已记录的评估"),
    "web.as_of": Phrase("as of", "评估日"),
    "web.version": Phrase("pack version", "规则包版本"),
    "web.score": Phrase("score", "得分"),
    "web.opened": Phrase("gaps opened", "新增差距"),
    "web.closed": Phrase("gaps closed", "已消除差距"),
    "text.new": Phrase("new gap", "新增差距"),
    "text.worsened": Phrase("worsened", "恶化"),
    "text.unchanged": Phrase("known gap", "已知差距"),
    # the plural of the two nouns above, for counts other than one ("84 known gaps")
    "text.new_many": Phrase("new gaps", "新增差距"),
    "text.unchanged_many": Phrase("known gaps", "已知差距"),
    "text.improved": Phrase("improved", "改善"),
    "text.fixed": Phrase("fixed", "已修复"),
    "text.applied": Phrase("applied", "生效"),
    "text.expired": Phrase("expired", "已过期"),
    "text.lapsed": Phrase("lapsed", "已失效"),
    "text.unmatched": Phrase("unmatched", "未匹配"),
    # Gap reports and plans as documents (reports/documents.py; the templates' `labels`).
    "document.report_title": Phrase("Licensing readiness gap report", "许可准备度差距报告"),
    "document.plan_title": Phrase("Remediation plan", "整改计划"),
    "document.pack": Phrase("Pack", "规则包"),
    "document.reviewed_on": Phrase("Legal content reviewed on", "法律内容审阅日"),
    "document.sources": Phrase("Sources", "法律依据"),
    "document.declaration": Phrase("Declaration", "申报文件"),
    "document.as_of": Phrase("Assessed on", "评估日"),
    "document.generated": Phrase("Generated by licensecheck", "由 licensecheck 生成"),
    "document.summary": Phrase("Executive summary", "摘要"),
    "document.ready": Phrase("Licence-ready", "已具备许可申请条件"),
    "document.not_ready": Phrase("Not licence-ready", "尚不具备许可申请条件"),
    "document.score": Phrase("Readiness score", "准备度得分"),
    "document.score_range": Phrase("range", "区间"),
    "document.score_explained": Phrase(
        "The score is the severity-weighted share of applicable rules that pass (critical 8, high 4, medium 2, low 1). The range runs from every unknown failing (worst) to every unknown passing (best).",
        "得分为适用规则中已通过规则按严重程度加权的占比（严重 8、高 4、中 2、低 1）。区间下限为信息不足项全部不符合，上限为信息不足项全部符合。",
    ),
    "document.blocking": Phrase("Blocking gaps", "阻碍性差距"),
    "document.blocking_explained": Phrase(
        "Critical and high rules that fail, cannot be decided or could not be evaluated: each one stands between the firm and readiness.",
        "不符合、信息不足或无法评估的严重及高等级规则：每一项都阻碍企业具备申请条件。",
    ),
    "document.no_blocking": Phrase(
        "None: no critical or high gap.", "无：不存在严重或高等级差距。"
    ),
    "document.counts": Phrase("Rules by severity and status", "按严重程度和状态统计的规则数"),
    "document.total": Phrase("total", "合计"),
    "document.domains": Phrase("Readiness by domain", "各领域准备度"),
    "document.domain": Phrase("Domain", "领域"),
    "document.rule": Phrase("Rule", "规则"),
    "document.title": Phrase("Title", "标题"),
    "document.severity": Phrase("Severity", "严重程度"),
    "document.status": Phrase("Status", "状态"),
    "document.gaps": Phrase("Gaps by domain", "按领域列示的差距"),
    "document.no_gaps": Phrase("No failing rule.", "没有不符合的规则。"),
    "document.declared": Phrase("Declared", "申报内容"),
    "document.requires": Phrase("Requires", "要求"),
    "document.applies_when": Phrase("Applies when", "适用条件"),
    "document.cite": Phrase("Legal basis", "法律依据"),
    "document.remediation": Phrase("Remediation", "整改措施"),
    "document.smallest_change": Phrase(
        "Smallest change to the declaration", "使规则通过的最小申报变更"
    ),
    "document.verified": Phrase(
        "checked: the rule passes with this change", "已验证：按此变更后规则通过"
    ),
    "document.unverified": Phrase(
        "not checked: the rule does not fix exact values", "未验证：规则未确定具体取值"
    ),
    "document.no_change": Phrase(
        "The rule's logic does not determine a declaration change; follow the remediation.",
        "规则逻辑无法确定具体的申报变更，请按整改措施处理。",
    ),
    "document.facts_only": Phrase(
        "Only a change of facts would make this rule pass: it applies to the firm as it is. Follow the remediation.",
        "只有改变客观事实才能使本规则通过：规则适用于企业的实际情况，请按整改措施执行。",
    ),
    "document.facts": Phrase("Facts, not changes", "客观事实（不作为变更）"),
    "document.or": Phrase("or", "或"),
    "document.effort": Phrase("Effort", "工作量"),
    "document.days": Phrase("days", "天"),
    "document.working_days": Phrase("working days", "个工作日"),
    "document.in_grace": Phrase("in grace period", "处于宽限期"),
    "document.not_declared": Phrase("not declared", "未申报"),
    "document.expected": Phrase("expected", "要求"),
    "document.to_declare": Phrase("Information to declare", "需补充申报的信息"),
    "document.to_declare_explained": Phrase(
        "These rules cannot be decided from the declaration. Fill in the fields below — a questionnaire, grouped by section — and run the report again.",
        "以下规则无法根据现有申报作出判断。请按章节填写下列字段（可作为问卷使用），然后重新生成报告。",
    ),
    "document.nothing_to_declare": Phrase(
        "Nothing: every rule could be decided.", "无：所有规则均可作出判断。"
    ),
    # Evidence in a gap report (only when the declaration has evidence or the pack demands it).
    "document.evidence": Phrase("Evidence", "证明材料"),
    "document.evidenced_score": Phrase("evidenced score", "有证明得分"),
    "document.evidence_explained": Phrase(
        "A finding is evidenced when every declared value that decided it is covered by evidence that is there, unchanged and not expired; contradicted when covering evidence is missing, altered or expired; declared when it rests on the declaration alone. The evidenced score counts only evidenced passes.",
        "若决定某项结论的每个申报值都有现存、未被修改且未过期的证明材料覆盖，该结论即为“有证明”；若覆盖它的证明材料缺失、被修改或已过期，即为“相矛盾”；仅凭申报得出的结论为“仅申报”。有证明得分只计入有证明的通过项。",
    ),
    "document.assurance": Phrase("Assurance", "证明程度"),
    "document.evidenced": Phrase("evidenced", "有证明"),
    "document.self_declared": Phrase("declared", "仅申报"),
    "document.contradicted": Phrase("contradicted", "相矛盾"),
    "document.evidence_ids": Phrase("Evidence", "证明材料"),
    "document.evidence_requests": Phrase("Evidence requested", "需提供的证明材料"),
    "document.evidence_request": Phrase(
        "attach evidence covering", "请提供覆盖以下内容的证明材料："
    ),
    "document.evidence_file": Phrase("File or address", "文件或地址"),
    "document.evidence_kinds": Phrase("of these kinds", "类型限于"),
    "document.no_evidence_requests": Phrase(
        "None: no rule demands evidence it lacks.", "无：没有规则缺少其要求的证明材料。"
    ),
    "document.evidence_files": Phrase("Evidence files", "证明文件"),
    "document.evidence_state": Phrase("State", "状态"),
    "document.evidence_covers": Phrase("Covers", "覆盖范围"),
    "document.evidence_drift": Phrase("Evidence drift", "证明材料变动"),
    "document.evidence_drifted": Phrase(
        "changed since it was hashed; it covered", "自记录哈希值后已被修改；原覆盖"
    ),
    "document.evidence_affects": Phrase("findings it decided", "涉及的结论"),
    "evidence.valid": Phrase("valid", "有效"),
    "evidence.missing": Phrase("missing", "缺失"),
    "evidence.altered": Phrase("altered", "已修改"),
    "evidence.expired": Phrase("expired", "已过期"),
    "evidence.unhashed": Phrase("no hash", "无哈希值"),
    "evidence.remote": Phrase("remote, not checked", "远程，未核验"),
    "document.field": Phrase("Field", "字段"),
    "document.entry": Phrase("Entry", "条目"),
    "document.what_to_write": Phrase("What to write", "填写内容"),
    "document.allowed": Phrase("allowed", "可选值"),
    "document.needed": Phrase("To pass", "通过条件"),
    "document.rules": Phrase("Rules", "规则"),
    "document.line": Phrase("Line", "行"),
    "document.unknown_rules": Phrase("Rules waiting for this information", "等待补充信息的规则"),
    "document.decides": Phrase("Missing to decide", "缺少信息以判断"),
    "document.applicability": Phrase("whether the rule applies", "规则是否适用"),
    "document.requirement": Phrase("whether it is met", "是否符合要求"),
    "document.changes": Phrase("What changed since the baseline", "与基线报告相比的变化"),
    "document.baseline": Phrase("Baseline", "基线"),
    "document.baseline_missing": Phrase(
        "The baseline holds no report of this declaration: every gap counts as new.",
        "基线报告中没有本申报文件的评估结果：所有差距均视为新增。",
    ),
    "document.score_change": Phrase("Score", "得分"),
    "document.new": Phrase("New gaps", "新增差距"),
    "document.worsened": Phrase("Worse", "恶化"),
    "document.improved": Phrase("Better", "改善"),
    "document.unchanged": Phrase("Unchanged gaps", "未变化的差距"),
    "document.fixed": Phrase("Fixed", "已解决"),
    "document.before": Phrase("before", "之前"),
    "document.after": Phrase("now", "现在"),
    "document.none": Phrase("none", "无"),
    "document.untranslated": Phrase("no Chinese translation", "无中文译文"),
    "document.na": Phrase("n/a", "不适用"),
    "document.critical": Phrase("critical", "严重"),
    "document.high": Phrase("high", "高"),
    "document.medium": Phrase("medium", "中"),
    "document.low": Phrase("low", "低"),
    "document.gauge": Phrase("Readiness score gauge", "准备度得分仪表"),
    "document.domain_chart": Phrase("Readiness score by domain", "各领域准备度得分"),
    "document.matrix_chart": Phrase("Rules by severity and status", "按严重程度和状态统计的规则数"),
    "document.history": Phrase("History", "历次评估"),
    "document.trend_chart": Phrase(
        "Score of each recorded run and the gaps left open (burn-down)",
        "历次评估的得分与尚未消除的差距（燃尽图）",
    ),
    "document.trend_score": Phrase("Score", "得分"),
    "document.trend_range": Phrase("Score range", "得分区间"),
    "document.trend_gaps": Phrase("Open gaps", "未消除的差距"),
    "document.gantt_chart": Phrase(
        "Schedule (Gantt chart); red bars are on the critical path",
        "进度计划（甘特图）；红色为关键路径上的任务",
    ),
    "document.start": Phrase("Start", "开始日期"),
    "document.capacity": Phrase("Parallel workstreams", "并行工作线"),
    "document.ready_on": Phrase("Projected licence-ready date", "预计具备许可申请条件日期"),
    "document.ready_now": Phrase(
        "Ready now: no critical or high gap is open.",
        "目前已具备条件：不存在未解决的严重或高等级差距。",
    ),
    "document.completes_on": Phrase("All tasks done", "全部任务完成"),
    "document.score_now": Phrase("Score now", "当前得分"),
    "document.score_done": Phrase("expected when done", "全部完成后预计"),
    "document.phases": Phrase("Phases", "阶段"),
    "document.phase": Phrase("Phase", "阶段"),
    "document.tasks": Phrase("Tasks", "任务"),
    "document.task": Phrase("Task", "任务"),
    "document.milestones": Phrase("Milestones", "里程碑"),
    "document.milestone": Phrase("Milestone", "里程碑"),
    "document.date": Phrase("Date", "日期"),
    "document.expected_score": Phrase("Expected score", "预计得分"),
    "document.critical_path": Phrase("Critical path", "关键路径"),
    "document.critical_path_explained": Phrase(
        "A day late on any of these tasks is a day late for the whole plan.",
        "这些任务每推迟一天，整个计划就推迟一天。",
    ),
    "document.depends_on": Phrase("Depends on", "前置任务"),
    "document.end": Phrase("End (exclusive)", "结束（不含）"),
    "document.workstream": Phrase("Stream", "工作线"),
    "document.critical_mark": Phrase("on the critical path", "在关键路径上"),
    "document.calendar": Phrase("Working days", "工作日"),
    "document.calendar_weekends": Phrase("Monday to Friday", "周一至周五"),
    "document.calendar_cn": Phrase(
        "mainland China: public holidays off, make-up working days on",
        "中国大陆：法定节假日休息，调休上班日上班",
    ),
    "document.calendar_none": Phrase("every day", "每天"),
    "document.stop_explained": Phrase(
        "Tasks that stop prohibited conduct do not wait for a free workstream: each starts on the first day (or once its prerequisites are done) on a workstream of its own.",
        "停止违规活动的任务不等待空闲工作线：各自占用一条独立工作线，在第一天（或其前置任务完成后）立即开始。",
    ),
    "document.yes": Phrase("yes", "是"),
    "document.no": Phrase("no", "否"),
    "document.assumptions": Phrase("Assumed fixed", "假定已整改"),
    "document.assumptions_explained": Phrase(
        "Planned as if these rules already passed", "按以下规则已经通过来编制计划"
    ),
    "document.without": Phrase("without the assumption", "不作假定"),
    "document.with": Phrase("with it", "作出假定"),
    "document.what_if": Phrase(
        "What if one blocking gap were already fixed", "假如某项阻碍性差距已经解决"
    ),
    "document.what_if_explained": Phrase(
        "The plan re-run with each blocking gap assumed fixed: the score it would give now and the licence-ready date it would give.",
        "逐项假定某一阻碍性差距已经解决后重新编制计划：当前得分及预计具备条件日期的变化。",
    ),
    "document.days_earlier": Phrase("Days earlier", "提前天数"),
    "document.no_tasks": Phrase(
        "No task: every rule passes or does not apply.", "无任务：所有规则均已通过或不适用。"
    ),
    "document.dates_explained": Phrase(
        "Dates are working days, as counted above; a task's end is the first working day after it.",
        "日期按上方“工作日”所述规则计算；任务的结束日期为其完成后的第一个工作日。",
    ),
    "document.kind_fix": Phrase("fix", "整改"),
    "document.kind_declare": Phrase("declare", "申报"),
    # The phases of a plan (reports/plan.py; `labels.phase_*` in documents).
    "plan.calendar_beyond_data": Phrase(
        "The installed chinese-calendar has no holiday data for {years}: working days there count Monday to Friday.",
        "已安装的 chinese-calendar 没有 {years} 年的节假日数据：这些年份按周一至周五计算工作日。",
    ),
    "phase.stop": Phrase("Stop prohibited activity immediately", "立即停止违规活动"),
    "phase.structural": Phrase("Structural fixes", "结构性整改"),
    "phase.evidence": Phrase("Documentation and evidence", "文档与证据"),
    "phase.application": Phrase("Certification and application", "认证与申请"),
    # The title of a plan's task for a rule that does not fail (reports/plan.py).
    "task.declare": Phrase("Declare: {title}", "补充申报：{title}"),
    "task.investigate": Phrase("Investigate: {title}", "核查：{title}"),
    # What a declared value is (reports/gap.py, the questionnaire).
    "kind.boolean": Phrase("true/false", "true/false"),
    "kind.integer": Phrase("a whole number", "整数"),
    "kind.number": Phrase("a number", "数值"),
    "kind.string": Phrase("text", "文本"),
    "kind.date": Phrase("a date (YYYY-MM-DD)", "日期（YYYY-MM-DD）"),
    "kind.array": Phrase("a list", "列表"),
    "kind.object": Phrase("a section", "一组字段"),
    "kind.any": Phrase("a value", "任意值"),
    "kind.enum": Phrase("one of the allowed values", "下列取值之一"),
    # Declaration edits in words (reports/fix_words.py); `edit.bound.*` also say what a value needs to be in the questionnaire.
    "edit.not_declared": Phrase("not declared", "未申报"),
    "edit.set": Phrase("set `{field}: {value}`", "将 `{field}` 设为 `{value}`"),
    "edit.on": Phrase(" on {collection} {elements}", "（{collection}：{elements}）"),
    "edit.declare": Phrase("declare `{field}`", "申报 `{field}`"),
    "edit.declare_value": Phrase("declare `{field}: {value}`", "申报 `{field}` 为 `{value}`"),
    "edit.remove": Phrase("remove `{field}`", "删除 `{field}`"),
    "edit.add_item": Phrase("add {items} to `{field}`", "在 `{field}` 中加入 {items}"),
    "edit.remove_item": Phrase("remove {items} from `{field}`", "从 `{field}` 中移除 {items}"),
    "edit.raise": Phrase(
        "raise {field} from {current} to {bound}", "将 {field} 从 {current} 提高到{bound}"
    ),
    "edit.lower": Phrase(
        "lower {field} from {current} to {bound}", "将 {field} 从 {current} 降低到{bound}"
    ),
    "edit.move": Phrase(
        "change {field} from {current} to {bound}", "将 {field} 从 {current} 改为{bound}"
    ),
    "edit.change": Phrase(
        "change {field} from {current} to {value}", "将 {field} 从 {current} 改为 {value}"
    ),
    "edit.change_in": Phrase(
        "change {field} from {current} to one of {choices}",
        "将 {field} 从 {current} 改为以下之一：{choices}",
    ),
    "edit.change_ne": Phrase(
        "change {field} from {current} to another value", "将 {field} 从 {current} 改为其他值"
    ),
    "edit.change_not_in": Phrase(
        "change {field} from {current} to a value other than {choices}",
        "将 {field} 从 {current} 改为 {choices} 以外的值",
    ),
    "edit.add_element": Phrase(
        "add an entry to {field} where {condition}", "在 {field} 中新增一项，满足：{condition}"
    ),
    "edit.adjust": Phrase(
        "change {field} (now {current}) so that {condition}",
        "调整 {field}（当前为 {current}），使以下条件成立：{condition}",
    ),
    "edit.fact": Phrase(
        "{field} is {current}: a fact, not something the firm sets, so changing it is not offered as a fix",
        "{field} 为 {current}：这是客观事实，并非企业可以自行设定的事项，不作为整改建议",
    ),
    "edit.join": Phrase(", ", "、"),
    "edit.bound.>=": Phrase("at least {t}", "不少于 {t}"),
    "edit.bound.>": Phrase("more than {t}", "大于 {t}"),
    "edit.bound.<=": Phrase("at most {t}", "不超过 {t}"),
    "edit.bound.<": Phrase("less than {t}", "小于 {t}"),
    "edit.bound.date>=": Phrase("{t} or later", " {t} 或之后"),
    "edit.bound.date>": Phrase("a date after {t}", " {t} 之后的日期"),
    "edit.bound.date<=": Phrase("{t} or earlier", " {t} 或之前"),
    "edit.bound.date<": Phrase("a date before {t}", " {t} 之前的日期"),
    "edit.bounded": Phrase("{sentence} ({bound})", "{sentence}（{bound}）"),
    # A rule's condition in words (reports/requirements.py).
    "requirement.and": Phrase("{left} and {right}", "{left} 且 {right}"),
    "requirement.or": Phrase("{left} or {right}", "{left} 或 {right}"),
    "requirement.group": Phrase("({text})", "（{text}）"),
    "requirement.not": Phrase("not ({text})", "并非（{text}）"),
    "requirement.if": Phrase(
        "if {cond}, then {then}; otherwise {otherwise}", "若{cond}，则{then}；否则{otherwise}"
    ),
    "requirement.declared": Phrase("{value} is declared", "{value} 已申报"),
    "requirement.not_declared": Phrase("{value} is not declared", "{value} 未申报"),
    "requirement.true": Phrase("{value} is true", "{value} 为 true"),
    "requirement.false": Phrase("{value} is false", "{value} 为 false"),
    "requirement.predicate": Phrase("{name}", "“{name}”"),
    "requirement.not_predicate": Phrase("not: {name}", "不满足“{name}”"),
    "requirement.always": Phrase("always", "始终满足"),
    "requirement.never": Phrase("never", "始终不满足"),
    "requirement.it": Phrase("it", "该项"),
    "requirement.today": Phrase("today", "评估日"),
    "requirement.default": Phrase(
        "{value} (or {default} when not declared)", "{value}（未申报时按 {default}）"
    ),
    "requirement.where": Phrase(" where {condition}", "满足“{condition}”的"),
    "requirement.all": Phrase(
        "every element of {collection}{where} has: {body}",
        "{collection} 中{where}每一项均满足：{body}",
    ),
    "requirement.any": Phrase(
        "at least one element of {collection}{where} has: {body}",
        "{collection} 中{where}至少有一项满足：{body}",
    ),
    "requirement.none": Phrase(
        "no element of {collection}{where} has: {body}",
        "{collection} 中{where}没有任何一项满足：{body}",
    ),
    "requirement.count": Phrase("the number of {collection}{where}", "{collection} 中{where}项数"),
    "requirement.sum": Phrase(
        "the total {body} over {collection}{where}", "{collection} 中{where}各项 {body} 的合计"
    ),
    "requirement.min": Phrase(
        "the smallest {body} over {collection}{where}", "{collection} 中{where}各项 {body} 的最小值"
    ),
    "requirement.max": Phrase(
        "the largest {body} over {collection}{where}", "{collection} 中{where}各项 {body} 的最大值"
    ),
    "requirement.compare.==": Phrase("{left} is {right}", "{left} 为 {right}"),
    "requirement.compare.!=": Phrase("{left} is not {right}", "{left} 不为 {right}"),
    "requirement.compare.<": Phrase("{left} is less than {right}", "{left} 小于 {right}"),
    "requirement.compare.<=": Phrase("{left} is at most {right}", "{left} 不超过 {right}"),
    "requirement.compare.>": Phrase("{left} is more than {right}", "{left} 大于 {right}"),
    "requirement.compare.>=": Phrase("{left} is at least {right}", "{left} 不少于 {right}"),
    "requirement.compare.in": Phrase("{left} is one of {right}", "{left} 属于 {right}"),
    "requirement.compare.not in": Phrase("{left} is not one of {right}", "{left} 不属于 {right}"),
    "requirement.compare.contains": Phrase("{left} contains {right}", "{left} 包含 {right}"),
    "requirement.compare.matches": Phrase(
        "{left} matches the pattern {right}", "{left} 匹配模式 {right}"
    ),
    "requirement.date.<": Phrase("{left} is before {right}", "{left} 早于 {right}"),
    "requirement.date.<=": Phrase("{left} is on or before {right}", "{left} 不晚于 {right}"),
    "requirement.date.>": Phrase("{left} is after {right}", "{left} 晚于 {right}"),
    "requirement.date.>=": Phrase("{left} is on or after {right}", "{left} 不早于 {right}"),
}


def phrase(key: str, lang: str, **fields: object) -> str:
    """The phrase ``key`` in ``lang`` (English if ``lang`` has none), ``fields`` filled in."""
    entry = PHRASES[key]
    text = entry.zh if lang == "zh" else entry.en
    return text.format(**fields) if fields else text


def phrases(prefix: str, lang: str) -> dict[str, str]:
    """Every phrase whose id starts with ``prefix``, in ``lang``, keyed by the rest of its id
    (``phrases("status.", "zh")["fail"]``): the labels handed to templates."""
    return {
        key.removeprefix(prefix): phrase(key, lang) for key in PHRASES if key.startswith(prefix)
    }
