"""The themes of the thematic reports (1.1f, 5.3e): for each, the scorecard measures, the audit questions
and the words that say what children told us about it. Data, so a new theme is an entry here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    code: str
    title: str
    action: str  # the action plan's action that asks for the report
    question: str  # what the report answers
    measures: tuple[str, ...]  # scorecard measure codes
    audit_questions: tuple[str, ...]  # question codes of the audit programme's tools (audits/tools/)
    words: tuple[str, ...] = ()  # children's words that mention one of these are quoted; () quotes all


THEMES = {
    t.code: t
    for t in [
        Theme(
            "voice",
            "The voice of the child",
            "1.1f",
            "Are children's voices heard and recorded, and do they shape what we do?",
            ("voice_3_months", "rhi_offered_72h", "rhi_completed", "rhi_declined"),
            ("seen_alone",),
        ),
        Theme(
            "supervision",
            "Supervision and management oversight",
            "5.3e",
            "Is practice supervised and overseen, and what difference does it make to children?",
            ("supervision_on_time", "plans_reviewed", "plans_contingency", "fd_decided_same_day"),
            ("clear_planning", "discharge_safe"),
            ("worker", "social worker", "listen", "help", "plan"),
        ),
        Theme(
            "education",
            "Education",
            "4.1",
            "Are children at risk of exploitation in education, and is it helping?",
            ("education_full_time", "education_below_10", "education_none", "impact_education_more"),
            (),
            ("school", "college", "lesson", "teacher", "class", "education", "timetable"),
        ),
        Theme(
            "training",
            "Training on exploitation",
            "5.1e",
            "Are staff trained, and has the training changed practice?",
            ("training_compliance", "training_practice_changed", "screenings"),
            ("risk_assessment", "cpis_checked"),
        ),
    ]
}
