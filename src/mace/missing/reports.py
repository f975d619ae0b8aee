"""Partnership figures about missing children: the monthly missing and CSE dataset (2.1d), the patterns
(repeat missing, places, associates, times, children missing together) and the bi-monthly drivers and
trends report (6.3a). Counted from the records every time; no names unless the reader shares the
morning list."""

from __future__ import annotations

import statistics
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from mace.accounts.selectors import figure_partnership_ids
from mace.core import clocks, disclosure
from mace.core.access import capabilities, names_allowed
from mace.frontdoor.selectors import Rate
from mace.people.models import Flag, Person
from mace.people.selectors import openable

from .models import MissingEpisode, MissingNotice, MorningList, ReturnInterview, TriggerPlan
from .selectors import episodes_visible_to
from .services import PULL_FACTORS, PUSH_FACTORS, place_key

NOTICE_WITHIN = timedelta(hours=24)  # a notice later than this is a mismatch in the monthly dataset
MISMATCHES_SHOWN = 1000  # the monthly page lists this many; the CSV has them all
WITHOUT_PLAN_SHOWN = 100  # the workload page lists this many children without a trigger plan


# Periods -------------------------------------------------------------------------------------------


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """A calendar month in London, as UTC instants [start, end)."""
    start = datetime.combine(date(month.year, month.month, 1), time(0), tzinfo=clocks.LONDON)
    nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    end = datetime.combine(nxt, time(0), tzinfo=clocks.LONDON)
    return start.astimezone(UTC), end.astimezone(UTC)


def _partnerships_for_figures(user: Any) -> list[int]:
    """Whose figures: the one answer in accounts (every partnership for the independent scrutineer)."""
    return figure_partnership_ids(user)


# The monthly missing and CSE dataset (2.1d) --------------------------------------------------------


@dataclass
class Mismatch:
    episode_id: int
    police_ref: str
    at: datetime
    problem: str


@dataclass
class MonthlyDataset:
    month: date
    episodes: int
    children: int
    unidentified: int
    repeat_children: int
    by_category: dict[str, int]
    by_setting: dict[str, int]
    by_risk: dict[str, int]
    cse_flagged_children: int
    returned: int
    still_missing: int
    median_hours: float | None
    durations: dict[str, int]
    rhi_offered_72h: Rate
    rhi_completed_72h: Rate
    rhi_completed: Rate
    rhi_declined: int
    over_48h: int
    strategy_held: Rate
    reports_notified: Rate
    returns_notified: Rate
    mornings_shared: Rate
    mismatches: list[Mismatch]
    openable: set[int] = field(default_factory=set)  # the listed episodes this reader may open
    # A reader who may not see names gets figures only: counts of 1 to 4 as "fewer than 5", and the
    # number of mismatches but not the episodes (one per row, with its police reference) behind it.
    suppress: bool = False

    @property
    def rows_shown(self) -> bool:
        return not self.suppress

    def n(self, value: Any) -> str:
        return disclosure.figure(value, suppress=self.suppress)


DURATION_BANDS = (
    ("Under 24 hours", 0, 24),
    ("24 to 48 hours", 24, 48),
    ("48 to 72 hours", 48, 72),
    ("Over 72 hours", 72, None),
)


def _band(hours: float) -> str:
    for label, low, high in DURATION_BANDS:
        if hours >= low and (high is None or hours < high):
            return label
    return DURATION_BANDS[-1][0]


def monthly_dataset(user: Any, month: date, *, now: datetime | None = None) -> MonthlyDataset:
    """Every figure counted from the records, with every notice mismatch listed."""
    now = now or timezone.now()
    partnerships = _partnerships_for_figures(user)
    start, end = month_bounds(month)
    cutoff = min(end, now)
    base = MissingEpisode.objects.filter(partnership_id__in=partnerships)
    rows = list(
        base.filter(reported_at__gte=start, reported_at__lt=end).values_list(
            "pk",
            "police_ref",
            "person_id",
            "category",
            "setting",
            "risk",
            "reported_at",
            "last_seen_at",
            "returned_at",
        )
    )
    ids = [r[0] for r in rows]
    per_child = Counter(r[2] for r in rows if r[2])
    notices: dict[tuple[int, str], datetime] = {}
    for episode_id, kind, sent_at in MissingNotice.objects.filter(
        episode__partnership_id__in=partnerships,
        episode__reported_at__gte=start,
        episode__reported_at__lt=end,
    ).values_list("episode_id", "kind", "sent_at"):
        key = (episode_id, kind)
        notices[key] = min(sent_at, notices.get(key, sent_at))
    cse = (
        set(
            Flag.objects.filter(
                person_id__in=list(per_child), kind=Flag.Kind.CSE, set_at__lt=end, removed_at__isnull=True
            ).values_list("person_id", flat=True)
        )
        if per_child
        else set()
    )

    durations: Counter[str] = Counter()
    hours_list = []
    mismatches: list[Mismatch] = []
    for pk, ref, _person, _cat, _setting, _risk, reported_at, last_seen, returned in rows:
        if returned is not None and returned < cutoff:
            hours = (returned - last_seen).total_seconds() / 3600
            hours_list.append(hours)
            durations[_band(hours)] += 1
        sent = notices.get((pk, MissingNotice.Kind.REPORTED))
        if sent is None:
            mismatches.append(
                Mismatch(pk, ref, reported_at, "No notice of the report sent to children's social care")
            )
        elif sent - reported_at > NOTICE_WITHIN:
            late = int((sent - reported_at).total_seconds() // 3600)
            mismatches.append(
                Mismatch(pk, ref, reported_at, f"Report notice sent {late} hours after the report")
            )

    # Returns in the month: the return notice and the return home interview.
    returns = list(
        base.filter(returned_at__gte=start, returned_at__lt=end).values_list(
            "pk", "police_ref", "returned_at"
        )
    )
    return_ids = [r[0] for r in returns]
    return_notices = set(
        MissingNotice.objects.filter(episode_id__in=return_ids, kind=MissingNotice.Kind.RETURNED).values_list(
            "episode_id", flat=True
        )
    )
    for pk, ref, returned in returns:
        if pk not in return_notices and returned is not None:
            mismatches.append(
                Mismatch(pk, ref, returned, "No notice of the return sent to children's social care")
            )
    interviews = list(
        ReturnInterview.objects.filter(episode_id__in=return_ids).values_list(
            "offered_at", "offer_due_at", "completed_at", "response"
        )
    )
    offered_72 = sum(1 for o, due, _c, _r in interviews if o is not None and o <= due)
    completed_72 = sum(1 for _o, due, c, _r in interviews if c is not None and c <= due)
    completed = sum(1 for _o, _due, c, _r in interviews if c is not None)
    declined = sum(1 for *_x, r in interviews if r == ReturnInterview.Response.DECLINED)

    # Episodes whose 48-hour point fell in the month (still missing at that point).
    over_48 = list(
        base.filter(strategy_due_at__gte=start, strategy_due_at__lt=cutoff)
        .filter(Q(returned_at__isnull=True) | Q(returned_at__gt=F("strategy_due_at")))
        .values_list("pk", "police_ref", "strategy_due_at", "strategy__held_at")
    )
    held = sum(1 for *_x, held_at in over_48 if held_at is not None)
    for pk, ref, due, held_at in over_48:
        if held_at is None:
            mismatches.append(Mismatch(pk, ref, due, "Missing 48 hours: no strategy meeting held"))

    # Mornings: was the list shared, and did it hold every child missing at the time?
    first_day = start.astimezone(clocks.LONDON).date()
    last_day = (end.astimezone(clocks.LONDON) - timedelta(days=1)).date()
    mornings = [
        first_day + timedelta(days=n)
        for n in range((last_day - first_day).days + 1)
        if datetime.combine(first_day + timedelta(days=n), time(8), tzinfo=clocks.LONDON) <= cutoff
    ]
    shares = list(
        MorningList.objects.filter(partnership_id__in=partnerships, shared_at__gte=start, shared_at__lt=end)
    )
    if shares:
        span = list(
            base.filter(reported_at__lt=end)
            .filter(Q(returned_at__isnull=True) | Q(returned_at__gt=start))
            .values_list("pk", "police_ref", "partnership_id", "reported_at", "returned_at")
        )
        for share in shares:
            listed = set(share.episode_ids)
            for pk, ref, partnership_id, reported_at, returned in span:
                if (
                    partnership_id == share.partnership_id
                    and reported_at <= share.shared_at
                    and (returned is None or returned > share.shared_at)
                    and pk not in listed
                ):
                    when = timezone.localtime(share.shared_at).strftime("%d %B")
                    mismatches.append(
                        Mismatch(pk, ref, share.shared_at, f"Missing but not on the morning list of {when}")
                    )
    mornings_expected = len(mornings) * len(partnerships)

    mismatches.sort(key=lambda m: (m.at, m.episode_id))
    link = f"/missing/reports/monthly/?month={month:%Y-%m}"
    return MonthlyDataset(
        month=month,
        episodes=len(rows),
        children=len(per_child),
        unidentified=sum(1 for r in rows if not r[2]),
        repeat_children=sum(1 for n in per_child.values() if n > 1),
        by_category={
            label: sum(1 for r in rows if r[3] == value) for value, label in MissingEpisode.Category.choices
        },
        by_setting={
            label: sum(1 for r in rows if r[4] == value) for value, label in MissingEpisode.Setting.choices
        },
        by_risk={
            label: sum(1 for r in rows if r[5] == value) for value, label in MissingEpisode.Risk.choices
        },
        cse_flagged_children=len(cse),
        returned=len(hours_list),
        still_missing=sum(1 for r in rows if r[8] is None or r[8] >= cutoff),
        median_hours=round(statistics.median(hours_list), 1) if hours_list else None,
        durations={label: durations[label] for label, *_ in DURATION_BANDS},
        rhi_offered_72h=Rate("Interviews offered within 72 hours", offered_72, len(interviews), link),
        rhi_completed_72h=Rate("Interviews completed within 72 hours", completed_72, len(interviews), link),
        rhi_completed=Rate("Interviews completed", completed, len(interviews), link),
        rhi_declined=declined,
        over_48h=len(over_48),
        strategy_held=Rate("Strategy meetings held", held, len(over_48), link),
        reports_notified=Rate(
            "Reports notified to children's social care",
            sum(1 for pk in ids if (pk, MissingNotice.Kind.REPORTED) in notices),
            len(ids),
            link,
        ),
        returns_notified=Rate(
            "Returns notified to children's social care", len(return_notices), len(returns), link
        ),
        mornings_shared=Rate("Mornings the list was shared", len(shares), mornings_expected, link),
        mismatches=mismatches,
        suppress=not names_allowed(user),
        # A figure's reader may not be able to open every episode it counts: only those are links.
        openable=set(
            episodes_visible_to(user)
            .filter(pk__in=[m.episode_id for m in mismatches[:MISMATCHES_SHOWN]])
            .values_list("pk", flat=True)
        ),
    )


# Patterns ------------------------------------------------------------------------------------------


@dataclass
class Ranked:
    label: str
    episodes: int
    children: int


@dataclass
class Group:
    place: str
    children: list[str]
    times: int
    last: datetime


@dataclass
class Patterns:
    since: date
    until: date
    episodes: int
    children: int
    repeat: list[tuple[str, int, int, int]]  # window, children once, 2-3 times, 4 or more
    frequent: list[tuple[str, int, int, int, int]]  # name, person id, in 30, in 90, in 365 days
    places: list[Ranked]
    associates: list[Ranked]
    hours: list[tuple[str, int]]
    weekdays: list[tuple[str, int]]
    groups: list[Group]
    names: bool
    openable: set[int] = field(default_factory=set)  # the frequent children whose history this reader opens
    found_with: int = 0  # episodes whose return records someone the child was found with (free text)
    found_at: int = 0  # episodes whose return records where the child was found (free text)
    suppress: bool = False  # counts of 1 to 4 read "fewer than 5" (a reader who may not see names)

    def n(self, value: Any) -> str:
        return disclosure.figure(value, suppress=self.suppress)

    @property
    def hours_peak(self) -> int:
        return max((n for _, n in self.hours), default=0)

    @property
    def weekdays_peak(self) -> int:
        return max((n for _, n in self.weekdays), default=0)


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
HOUR_BANDS = [("Midnight to 6am", 0), ("6am to noon", 6), ("Noon to 6pm", 12), ("6pm to midnight", 18)]


def ranked_places(pairs: list[tuple[str, str, int | None]], limit: int = 10) -> list[Ranked]:
    """(key, label as typed, person) → the most frequent keys, each shown as its commonest spelling."""
    episodes: Counter[str] = Counter()
    children: dict[str, set[int]] = defaultdict(set)
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for key, label, person in pairs:
        if not key:
            continue
        episodes[key] += 1
        spellings[key][label] += 1
        if person:
            children[key].add(person)
    return [
        Ranked(spellings[key].most_common(1)[0][0], n, len(children[key]))
        for key, n in episodes.most_common(limit)
    ]


def _find(parent: dict[int, int], x: int) -> int:
    while parent.setdefault(x, x) != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def seen_together(
    rows: list[tuple[int, int, str, str, datetime, datetime]],
) -> list[tuple[str, set[int], int, datetime]]:
    """Children missing at the same time and found at the same place, grouped (union-find per place)."""
    by_place: dict[str, list[tuple[int, int, str, datetime, datetime]]] = defaultdict(list)
    for pk, person, key, label, start, end in rows:
        by_place[key].append((pk, person, label, start, end))
    groups = []
    for items in by_place.values():
        items.sort(key=lambda r: r[3])
        parent: dict[int, int] = {}

        shared: Counter[int] = Counter()
        latest: dict[int, datetime] = {}
        for i, (_pk, person, _label, start, end) in enumerate(items):
            for _pk2, other, _l2, start2, end2 in items[i + 1 :]:
                if start2 >= end:
                    break
                if other != person and start < end2:
                    a, b = _find(parent, person), _find(parent, other)
                    if a != b:
                        parent[a] = b
                    shared[person] += 1
                    latest[person] = max(latest.get(person, start2), start2)
        members: dict[int, set[int]] = defaultdict(set)
        for person in list(parent):
            members[_find(parent, person)].add(person)
        label = Counter(r[2] for r in items).most_common(1)[0][0]
        for people in members.values():
            if len(people) > 1:
                times = sum(shared[p] for p in people)
                last = max((latest[p] for p in people if p in latest), default=items[-1][3])
                groups.append((label, people, times, last))
    groups.sort(key=lambda g: (-g[2], g[0]))
    return groups


def patterns(user: Any, *, since: date, until: date, now: datetime | None = None) -> Patterns:
    """Repeat missing, where children are found and who with, times and days, children missing together."""
    now = now or timezone.now()
    partnerships = _partnerships_for_figures(user)
    names = capabilities(user).missing_list
    suppress = not names_allowed(user)
    start = month_bounds(since)[0] if since.day == 1 else _day_start(since)
    end = _day_start(until + timedelta(days=1))
    base = MissingEpisode.objects.filter(partnership_id__in=partnerships)
    rows = list(
        base.filter(last_seen_at__gte=start, last_seen_at__lt=end).values_list(
            "pk", "person_id", "last_seen_at", "returned_at", "found_place_key", "found_place", "found_with"
        )
    )
    repeat = []
    frequent_counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    year = list(
        base.filter(last_seen_at__gte=now - timedelta(days=365), person__isnull=False).values_list(
            "person_id", "last_seen_at"
        )
    )
    for window_index, days in enumerate((30, 90, 365)):
        counts = Counter(p for p, seen in year if seen >= now - timedelta(days=days))
        for person, n in counts.items():
            frequent_counts[person][window_index] = n
        repeat.append(
            (
                f"Last {days} days",
                sum(1 for n in counts.values() if n == 1),
                sum(1 for n in counts.values() if 2 <= n <= 3),
                sum(1 for n in counts.values() if n >= 4),
            )
        )
    frequent_ids = sorted(
        (p for p, c in frequent_counts.items() if c[1] >= 4), key=lambda p: (-frequent_counts[p][1], p)
    )[:50]
    people = Person.objects.in_bulk(frequent_ids) if names else {}
    frequent = [
        (
            people[p].display_name if p in people else "A child",
            p,
            frequent_counts[p][0],
            frequent_counts[p][1],
            frequent_counts[p][2],
        )
        for p in frequent_ids
    ]
    hours: Counter[int] = Counter()
    weekdays: Counter[int] = Counter()
    for _pk, _person, seen, *_rest in rows:
        local = seen.astimezone(clocks.LONDON)
        hours[local.hour // 6] += 1
        weekdays[local.weekday()] += 1
    together_rows = [
        (pk, person, key, place, seen, returned or now)
        for pk, person, seen, returned, key, place, _with in rows
        if person and key
    ]
    group_people = (
        Person.objects.in_bulk({p for g in seen_together(together_rows) for p in g[1]}) if names else {}
    )
    groups = []
    for index, (place, members, times, last) in enumerate(seen_together(together_rows)[:30]):
        labels = (
            sorted(group_people[p].display_name for p in members if p in group_people)
            if names
            else [f"{disclosure.count_str(len(members), suppress=suppress)} children (group {index + 1})"]
        )
        # The place is typed by whoever recorded the return: it can name a child or an address.
        groups.append(Group(place if names else f"The same place (group {index + 1})", labels, times, last))
    names_rows = rows if names else []
    return Patterns(
        since=since,
        until=until,
        episodes=len(rows),
        children=len({r[1] for r in rows if r[1]}),
        repeat=repeat,
        frequent=frequent,
        # Where and with whom are free text, which names children: only for readers who may see names.
        places=ranked_places([(key, place, person) for _pk, person, _s, _r, key, place, _w in names_rows]),
        associates=ranked_places(
            [(place_key(w), w, person) for _pk, person, _s, _r, _k, _p, w in names_rows if w]
        ),
        hours=[(label, hours[i]) for i, (label, _h) in enumerate(HOUR_BANDS)],
        weekdays=[(name, weekdays[i]) for i, name in enumerate(WEEKDAYS)],
        groups=groups,
        names=names,
        openable=openable(user, frequent_ids) if names else set(),
        # Free text is not shown to every reader, but how often it was recorded is a figure.
        found_with=sum(1 for *_x, w in rows if w and w.strip()),
        found_at=sum(1 for *_x, key, _place, _w in rows if key),
        suppress=suppress,
    )


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=clocks.LONDON).astimezone(UTC)


# Drivers and trends (6.3a) -------------------------------------------------------------------------


@dataclass
class Period:
    label: str
    start: datetime
    end: datetime
    episodes: int = 0
    children: int = 0
    repeat_children: int = 0
    high_risk: int = 0
    median_hours: float | None = None
    interviews_completed: int = 0
    found_with: int = 0  # episodes where the child was found with, or said they were with, someone
    push: Counter[str] = field(default_factory=Counter)
    pull: Counter[str] = field(default_factory=Counter)
    places: Counter[str] = field(default_factory=Counter)
    associates: Counter[str] = field(default_factory=Counter)
    hours: Counter[int] = field(default_factory=Counter)

    @property
    def high_risk_rate(self) -> Rate:
        return Rate("High risk", self.high_risk, self.episodes, "")


@dataclass
class DriversReport:
    periods: list[Period]
    push_rows: list[tuple[str, list[int]]]
    pull_rows: list[tuple[str, list[int]]]
    place_rows: list[tuple[str, list[int]]]
    associate_rows: list[tuple[str, list[int]]]
    hour_rows: list[tuple[str, list[int]]]
    findings: list[str]
    # Where children were found and who with are free text, which can name children: the rows are
    # empty for a reader who may not see names.
    free_text: bool = True
    suppress: bool = False  # counts of 1 to 4 read "fewer than 5" (a reader who may not see names)

    def n(self, value: Any) -> str:
        return disclosure.figure(value, suppress=self.suppress)

    @property
    def peak_episodes(self) -> int:
        return max((p.episodes for p in self.periods), default=0)

    @property
    def latest(self) -> Period:
        return self.periods[-1]

    @property
    def reasons_latest(self) -> list[tuple[str, int]]:
        rows = [(label, counts[-1]) for label, counts in self.push_rows + self.pull_rows if counts[-1]]
        return sorted(rows, key=lambda r: -r[1])[:10]

    @property
    def reasons_peak(self) -> int:
        return max((n for _, n in self.reasons_latest), default=0)


def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _rows(
    counters: list[Counter[str]], labels: dict[str, str] | None = None, limit: int = 8
) -> list[tuple[str, list[int]]]:
    total: Counter[str] = Counter()
    for c in counters:
        total.update(c)
    keys = [k for k, _ in total.most_common(limit)] if labels is None else [k for k in labels if total[k]]
    return [((labels or {}).get(k, k), [c[k] for c in counters]) for k in keys]


def drivers_report(user: Any, *, last_month: date, periods: int = 6) -> DriversReport:
    """Two-month periods ending with `last_month`: why children go missing, where, with whom, and when.
    Where and with whom (free text) only for readers who may see names."""
    partnerships = _partnerships_for_figures(user)
    free_text = capabilities(user).missing_list
    out: list[Period] = []
    for i in range(periods - 1, -1, -1):
        first = _add_months(last_month, -(2 * i + 1))
        start = month_bounds(first)[0]
        end = month_bounds(_add_months(first, 1))[1]
        out.append(Period(f"{first:%b} to {_add_months(first, 1):%b %Y}", start, end))
    base = MissingEpisode.objects.filter(partnership_id__in=partnerships)
    rows = list(
        base.filter(last_seen_at__gte=out[0].start, last_seen_at__lt=out[-1].end).values_list(
            "pk",
            "person_id",
            "risk",
            "last_seen_at",
            "returned_at",
            "found_place",
            "found_place_key",
            "found_with",
        )
    )
    interviews = {
        episode_id: (push, pull, who)
        for episode_id, push, pull, who in ReturnInterview.objects.filter(
            episode__partnership_id__in=partnerships,
            episode__last_seen_at__gte=out[0].start,
            episode__last_seen_at__lt=out[-1].end,
            completed_at__isnull=False,
        ).values_list("episode_id", "push_factors", "pull_factors", "who_with")
    }
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for period in out:
        mine = [r for r in rows if period.start <= r[3] < period.end]
        per_child = Counter(r[1] for r in mine if r[1])
        period.episodes = len(mine)
        period.children = len(per_child)
        period.repeat_children = sum(1 for n in per_child.values() if n > 1)
        period.high_risk = sum(1 for r in mine if r[2] == MissingEpisode.Risk.HIGH)
        hours = [(r[4] - r[3]).total_seconds() / 3600 for r in mine if r[4]]
        period.median_hours = round(statistics.median(hours), 1) if hours else None
        for pk, _person, _risk, seen, _ret, place, key, found_with in mine:
            if key:
                period.places[key] += 1
                spellings[key][place] += 1
            who = found_with
            if pk in interviews:
                push, pull, interview_who = interviews[pk]
                period.interviews_completed += 1
                period.push.update(push)
                period.pull.update(pull)
                who = who or interview_who
            if who:
                period.found_with += 1
                k = place_key(who)
                period.associates[k] += 1
                spellings[k][who] += 1
            period.hours[seen.astimezone(clocks.LONDON).hour // 6] += 1
    place_rows = [(spellings[k].most_common(1)[0][0], counts) for k, counts in _rows([p.places for p in out])]
    associate_rows = [
        (spellings[k].most_common(1)[0][0], counts) for k, counts in _rows([p.associates for p in out])
    ]
    if not free_text:
        place_rows, associate_rows = [], []
        for p in out:
            p.places, p.associates = Counter(), Counter()
    hour_rows = [(label, [p.hours[i] for p in out]) for i, (label, _h) in enumerate(HOUR_BANDS)]
    report = DriversReport(
        periods=out,
        push_rows=_rows([p.push for p in out], PUSH_FACTORS),
        pull_rows=_rows([p.pull for p in out], PULL_FACTORS),
        place_rows=place_rows,
        associate_rows=associate_rows,
        hour_rows=hour_rows,
        findings=[],
        free_text=free_text,
        suppress=not names_allowed(user),
    )
    report.findings = _findings(report)
    return report


def _change(now: int, before: int) -> str:
    if before == 0:
        return "new" if now else "none"
    pct = round(100 * (now - before) / before)
    return f"up {pct}%" if pct > 0 else (f"down {-pct}%" if pct < 0 else "unchanged")


def _findings(report: DriversReport) -> list[str]:
    """Plain statements a board can read, each computed from the tables below it."""
    if len(report.periods) < 2:
        return []
    now, before = report.periods[-1], report.periods[-2]
    n = report.n
    # A change from or to a suppressed count would give the small count away.
    hidden = report.suppress and any(
        disclosure.small(v, suppress=True)
        for v in (now.episodes, before.episodes, now.repeat_children, before.repeat_children)
    )
    if hidden:
        lines = [
            f"{n(now.episodes)} episodes in {now.label}; {n(before.episodes)} in {before.label}.",
            f"{n(now.children)} children went missing; {n(now.repeat_children)} of them more than once.",
        ]
    else:
        lines = [
            f"{n(now.episodes)} episodes in {now.label}, {_change(now.episodes, before.episodes)} "
            f"on {before.label} ({n(before.episodes)}).",
            f"{n(now.children)} children went missing; {n(now.repeat_children)} of them more than once "
            f"({_change(now.repeat_children, before.repeat_children)}).",
        ]
    reasons = report.reasons_latest
    if reasons:
        top = ", ".join(f"{label.lower()} ({n(count)})" for label, count in reasons[:3])
        lines.append(f"The reasons children gave most often in return home interviews: {top}.")
    if report.place_rows:
        place, counts = max(report.place_rows, key=lambda r: r[1][-1])
        if counts[-1]:
            lines.append(f"Most often found at {place} ({counts[-1]} episodes this period).")
    return lines


def dataset_rows(d: MonthlyDataset) -> list[tuple[str, int | float | str | Rate]]:
    """The dataset as labelled figures, in the order of the page and the CSV."""
    rows: list[tuple[str, int | float | str | Rate]] = [
        ("Episodes reported", d.episodes),
        ("Children (identified)", d.children),
        ("Episodes not yet identified", d.unidentified),
        ("Children missing more than once this month", d.repeat_children),
        ("Children with a CSE flag", d.cse_flagged_children),
    ]
    rows += [(f"Category: {k}", v) for k, v in d.by_category.items()]
    rows += [(f"Setting: {k.lower()}", v) for k, v in d.by_setting.items()]
    rows += [(f"Risk: {k.lower()}", v) for k, v in d.by_risk.items()]
    rows += [
        ("Returned by the end of the month", d.returned),
        ("Still missing at the end of the month", d.still_missing),
        ("Median hours missing", d.median_hours if d.median_hours is not None else ""),
    ]
    rows += [(f"Duration: {k.lower()}", v) for k, v in d.durations.items()]
    rows += [
        ("Return home interviews offered within 72 hours", d.rhi_offered_72h),
        ("Return home interviews completed within 72 hours", d.rhi_completed_72h),
        ("Return home interviews completed", d.rhi_completed),
        ("Return home interviews declined", d.rhi_declined),
        ("Episodes reaching 48 hours", d.over_48h),
        ("Strategy meetings held for 48-hour episodes", d.strategy_held),
        ("Reports notified to children's social care", d.reports_notified),
        ("Returns notified to children's social care", d.returns_notified),
        ("Mornings the missing list was shared", d.mornings_shared),
        ("Mismatches", len(d.mismatches)),
    ]
    return rows


# Missing from home workload and trigger plans (5.4g) ----------------------------------------------


@dataclass
class WorkloadMonth:
    month: date
    episodes: int
    children: int
    high_risk: int
    over_48_hours: int
    repeat_children: int  # missing MACE_TRIGGER_PLAN_EPISODES times or more in the 90 days to month end
    repeat_with_plan: int  # of those, with a trigger plan live at month end

    @property
    def label(self) -> str:
        return self.month.strftime("%b %Y")

    @property
    def plan_rate(self) -> Rate:
        return Rate(
            "Repeat missing children with a trigger plan", self.repeat_with_plan, self.repeat_children, ""
        )


@dataclass
class Workload:
    months: list[WorkloadMonth]
    live_plans: int
    overdue: list[TriggerPlan]  # live plans past their review date, most overdue first
    without_plan: list[tuple[int, str, int]]  # (person id, name, episodes in 90 days), most first
    names: bool
    threshold: int
    openable: set[int] = field(default_factory=set)  # the listed children whose record this reader opens
    suppress: bool = False  # counts of 1 to 4 read "fewer than 5" (a reader who may not see names)

    def n(self, value: Any) -> str:
        return disclosure.figure(value, suppress=self.suppress)


def workload(user: Any, *, last_month: date, months: int = 12, now: datetime | None = None) -> Workload:
    """The monthly scrutiny of missing from home work (5.4g): episodes, children, high risk, long
    episodes, and whether children who keep going missing have a police trigger plan. Counted from
    the records each time; names only for readers who share the morning list."""
    now = now or timezone.now()
    partnerships = _partnerships_for_figures(user)
    threshold = settings.MACE_TRIGGER_PLAN_EPISODES
    firsts = [_add_months(date(last_month.year, last_month.month, 1), -n) for n in reversed(range(months))]
    start, _ = month_bounds(firsts[0])
    _, end = month_bounds(firsts[-1])
    base = MissingEpisode.objects.filter(partnership_id__in=partnerships)
    episodes = list(
        base.filter(last_seen_at__gte=start - timedelta(days=90), last_seen_at__lt=end).values_list(
            "person_id", "last_seen_at", "returned_at", "risk"
        )
    )
    plans = list(
        TriggerPlan.objects.filter(partnership_id__in=partnerships, created_at__lt=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=start))
        .values_list("person_id", "created_at", "ended_at")
    )
    episodes.sort(key=lambda e: e[1])
    seen_at = [e[1] for e in episodes]
    long = timedelta(hours=48)
    rows = []
    for first in firsts:
        m_start, m_end = month_bounds(first)
        in_month = episodes[bisect_left(seen_at, m_start) : bisect_left(seen_at, m_end)]
        window = episodes[bisect_left(seen_at, m_end - timedelta(days=90)) : bisect_left(seen_at, m_end)]
        counts = Counter(p for p, *_ in window if p)
        repeat = {p for p, n in counts.items() if n >= threshold}
        planned = {p for p, made, ended in plans if made < m_end and (ended is None or ended >= m_end)}
        rows.append(
            WorkloadMonth(
                month=first,
                episodes=len(in_month),
                children=len({p for p, *_ in in_month if p}),
                high_risk=sum(1 for e in in_month if e[3] == MissingEpisode.Risk.HIGH),
                over_48_hours=sum(1 for _, seen, back, _ in in_month if (back or now) - seen > long),
                repeat_children=len(repeat),
                repeat_with_plan=len(repeat & planned),
            )
        )
    live = TriggerPlan.objects.filter(partnership_id__in=partnerships, ended_at__isnull=True)
    today = timezone.localdate(now)
    recent = Counter(
        base.filter(last_seen_at__gte=now - timedelta(days=90), person__isnull=False).values_list(
            "person_id", flat=True
        )
    )
    live_ids = set(live.values_list("person_id", flat=True))
    missing_plans = sorted(
        ((p, n) for p, n in recent.items() if n >= threshold and p not in live_ids),
        key=lambda x: (-x[1], x[0]),
    )
    names = {
        pk: f"{given} {family}".strip()
        for pk, given, family in Person.objects.filter(
            pk__in=[p for p, _ in missing_plans[:500]]
        ).values_list("pk", "given_names", "family_name")
    }
    overdue = list(
        live.filter(review_due_on__lt=today).select_related("person").order_by("review_due_on")[:200]
    )
    listed = [p for p, _ in missing_plans[:WITHOUT_PLAN_SHOWN]] + [plan.person_id for plan in overdue]
    return Workload(
        months=rows,
        live_plans=len(live_ids),
        overdue=overdue,
        without_plan=[(p, names.get(p, ""), n) for p, n in missing_plans],
        names=capabilities(user).missing_list,
        threshold=threshold,
        suppress=not names_allowed(user),
        # Names are for readers who share the morning list; a link only where the reader may open
        # the child's record, which the trigger plan page asks for.
        openable=openable(user, listed),
    )
