"""Missing episodes from report to return, the 48-hour strategy meeting, and return home interviews.

Every function validates, writes the chronology and the access log, and does its work in one
transaction. Due times come only from `core.clocks`; the standards are the front door's.
"""

from __future__ import annotations

from mace.core.conflict import Conflict as Conflict  # the views catch services.Conflict

from ._common import (
    MAX_TEXT,
    MORNING_LIST_HOUR,
    PULL_FACTORS,
    PUSH_FACTORS,
    _actor,
    _label,
    _require,
    place_key,
)
from .episodes import (
    EpisodeIn,
    _attach,
    _aware,
    _csc_recipients,
    _involve,
    _notify,
    _overlap_error,
    _overlapping,
    _send_notice,
    _share_after_identifying,
    episode_create_person,
    episode_link,
    episode_report,
    episode_update,
    validate_episode,
)
from .interviews import (
    INTERVIEW_ACTIONS,
    InterviewIn,
    interview_record,
    validate_interview,
)
from .morning_list import (
    share_morning_list,
    tick,
)
from .returns import (
    ReturnIn,
    _duration_text,
    episode_return,
    rhi_team,
    validate_return,
)
from .strategy import (
    _allocated_team_users,
    _police_users,
    _require_strategy,
    require_strategy_meetings,
    strategy_held,
    strategy_requirement_meet,
)
from .trigger_plans import (
    TRIGGER_FIELDS,
    TriggerPlanIn,
    trigger_plan_end,
    trigger_plan_save,
    trigger_review_due,
    validate_trigger_plan,
)

__all__ = [
    "INTERVIEW_ACTIONS",
    "MAX_TEXT",
    "MORNING_LIST_HOUR",
    "PULL_FACTORS",
    "PUSH_FACTORS",
    "TRIGGER_FIELDS",
    "Conflict",
    "EpisodeIn",
    "InterviewIn",
    "ReturnIn",
    "TriggerPlanIn",
    "_actor",
    "_allocated_team_users",
    "_attach",
    "_aware",
    "_csc_recipients",
    "_duration_text",
    "_involve",
    "_label",
    "_notify",
    "_overlap_error",
    "_overlapping",
    "_police_users",
    "_require",
    "_require_strategy",
    "_send_notice",
    "_share_after_identifying",
    "episode_create_person",
    "episode_link",
    "episode_report",
    "episode_return",
    "episode_update",
    "interview_record",
    "place_key",
    "require_strategy_meetings",
    "rhi_team",
    "share_morning_list",
    "strategy_held",
    "strategy_requirement_meet",
    "tick",
    "trigger_plan_end",
    "trigger_plan_save",
    "trigger_review_due",
    "validate_episode",
    "validate_interview",
    "validate_return",
    "validate_trigger_plan",
]
