"""The demo partnership's organisation: four neighbouring partnerships sharing one police force.

All names are fictional. Demo accounts (one per role) share one password and skip two-factor
authentication only because the demo runs with MACE_DEMO_MODE=1.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password

from mace.accounts.models import Agency, Partnership, Role, RoleAssignment, Team, User

from .registry import DemoContext, step

DEMO_PASSWORD = "mace-demo-password"  # noqa: S105 - synthetic demo accounts only

PARTNERSHIPS = [
    ("eastshire", "Eastshire Safeguarding Children Partnership"),
    ("westshire", "Westshire Safeguarding Children Partnership"),
    ("halbury", "Halbury Safeguarding Children Partnership"),
    ("warrenford", "Warrenford Safeguarding Children Partnership"),
]
MAIN = "eastshire"

# (agency code, name, kind, partnerships served, [(team code, team name, partnership or None, staff, roles)])
AGENCIES: list[tuple[str, str, str, list[str], list[tuple[str, str, str | None, int, list[str]]]]] = [
    (
        "shire-police",
        "Shire Constabulary",
        Agency.Kind.POLICE,
        [p for p, _ in PARTNERSHIPS],
        [
            ("police-vh", "Vulnerability Hub", None, 8, [Role.POLICE_OFFICER]),
            ("police-ce-east", "Child Exploitation Team (Eastshire)", "eastshire", 6, [Role.POLICE_OFFICER]),
            ("police-mfh-east", "Missing from Home Team (Eastshire)", "eastshire", 4, [Role.POLICE_OFFICER]),
        ],
    ),
    (
        "mid-shire-hospitals",
        "Mid Shire Hospitals NHS Foundation Trust",
        Agency.Kind.HEALTH,
        ["eastshire", "westshire"],
        [
            ("mshft-ed", "Emergency Department (Leighton)", "eastshire", 10, [Role.ED_CLINICIAN]),
            (
                "mshft-safeguarding",
                "Safeguarding Children Team (MSHFT)",
                "eastshire",
                3,
                [Role.HEALTH_SAFEGUARDING_LEAD],
            ),
        ],
    ),
    (
        "east-shire-trust",
        "East Shire NHS Trust",
        Agency.Kind.HEALTH,
        ["eastshire"],
        [
            ("est-ed", "Emergency Department (Macclesfield)", "eastshire", 8, [Role.ED_CLINICIAN]),
            (
                "est-safeguarding",
                "Safeguarding Children Team (EST)",
                "eastshire",
                2,
                [Role.HEALTH_SAFEGUARDING_LEAD],
            ),
            ("est-school-nursing", "School Nursing", "eastshire", 6, [Role.ED_CLINICIAN]),
        ],
    ),
]
for code, name in PARTNERSHIPS:
    short = name.split(" Safeguarding")[0]
    big = code == MAIN
    AGENCIES += [
        (
            f"{code}-csc",
            f"{short} Council Children's Social Care",
            Agency.Kind.CHILDRENS_SOCIAL_CARE,
            [code],
            [
                (
                    f"{code}-ifd",
                    f"{short} Integrated Front Door",
                    code,
                    10 if big else 3,
                    [Role.FRONT_DOOR_WORKER],
                ),
                (
                    f"{code}-cin-1",
                    f"{short} Child in Need Team 1",
                    code,
                    12 if big else 4,
                    [Role.SOCIAL_WORKER],
                ),
                (
                    f"{code}-cin-2",
                    f"{short} Child in Need Team 2",
                    code,
                    12 if big else 0,
                    [Role.SOCIAL_WORKER],
                ),
                (
                    f"{code}-cp",
                    f"{short} Child Protection Team",
                    code,
                    10 if big else 3,
                    [Role.SOCIAL_WORKER],
                ),
                (
                    f"{code}-cared-for",
                    f"{short} Cared for Children Team",
                    code,
                    10 if big else 3,
                    [Role.SOCIAL_WORKER],
                ),
                (
                    f"{code}-ce",
                    f"{short} Exploitation and Missing Team",
                    code,
                    6 if big else 2,
                    [Role.SOCIAL_WORKER],
                ),
            ],
        ),
        (
            f"{code}-early-help",
            f"{short} Early Help",
            Agency.Kind.EARLY_HELP,
            [code],
            [
                (
                    f"{code}-eh",
                    f"{short} Early Help Locality Team",
                    code,
                    10 if big else 3,
                    [Role.EARLY_HELP_PRACTITIONER],
                ),
            ],
        ),
        (
            f"{code}-education",
            f"{short} Education Service",
            Agency.Kind.EDUCATION,
            [code],
            [
                (
                    f"{code}-inclusion",
                    f"{short} Inclusion and Attendance",
                    code,
                    6 if big else 2,
                    [Role.EDUCATION_OFFICER],
                ),
            ],
        ),
        (
            f"{code}-lscp",
            name,
            Agency.Kind.PARTNERSHIP,
            [code],
            [
                (f"{code}-business", f"{short} Partnership Business Unit", code, 0, []),
            ],
        ),
    ]
AGENCIES.append(
    (
        "compass-rhi",
        "Compass Return Home Service",
        Agency.Kind.COMMISSIONED,
        [p for p, _ in PARTNERSHIPS],
        [
            ("compass-rhi-east", "Return Home Interviews (Eastshire)", "eastshire", 5, [Role.RHI_WORKER]),
        ],
    )
)

# One named account per role, printed by `make demo`: (role, username, team code, full name, job title).
DEMO_ACCOUNTS = [
    (Role.FRONT_DOOR_WORKER, "frontdoor", "eastshire-ifd", "Priya Shah", "Front door social worker"),
    (Role.FRONT_DOOR_MANAGER, "frontdoor.manager", "eastshire-ifd", "Gareth Owen", "Front door team manager"),
    (Role.SOCIAL_WORKER, "socialworker", "eastshire-ce", "Hannah Walsh", "Social worker"),
    (Role.TEAM_MANAGER, "teammanager", "eastshire-ce", "Daniel Okafor", "Team manager"),
    (Role.EARLY_HELP_PRACTITIONER, "earlyhelp", "eastshire-eh", "Chloe Bennett", "Early help practitioner"),
    (Role.POLICE_OFFICER, "police", "police-vh", "Sgt Tom Ridley", "Vulnerability hub officer"),
    (Role.ED_CLINICIAN, "ednurse", "mshft-ed", "Aisha Rahman", "ED nurse"),
    (Role.HEALTH_SAFEGUARDING_LEAD, "healthlead", "mshft-safeguarding", "Fiona Grant", "Named nurse"),
    (Role.EDUCATION_OFFICER, "education", "eastshire-inclusion", "Marek Nowak", "Education welfare officer"),
    (Role.RHI_WORKER, "rhi", "compass-rhi-east", "Jade Thompson", "Return home interview worker"),
    (Role.PARTNERSHIP_ANALYST, "analyst", "eastshire-business", "Sam Patel", "Partnership analyst"),
    # Runs the partnership's improvement plans and minutes the improvement board (issue 12).
    (Role.BUSINESS_MANAGER, "business", "eastshire-business", "Helen Marsh", "Partnership business manager"),
    (Role.EXECUTIVE, "executive", "eastshire-business", "Margaret Hughes", "Director of children's services"),
    # Reads every partnership's figures, changes nothing (issue 11, disclosure control).
    (Role.SCRUTINEER, "scrutineer", "eastshire-business", "Ruth Adeyemi", "Independent scrutineer"),
    (Role.ADMINISTRATOR, "admin", "eastshire-business", "Oliver King", "Systems administrator"),
]


def demo_accounts() -> list[tuple[str, str, str]]:
    teams = dict(Team.objects.values_list("code", "name"))
    return [
        (Role(role).label, username, teams.get(team, team)) for role, username, team, _, _ in DEMO_ACCOUNTS
    ]


@step(10, "organisation")
def build_organisation(ctx: DemoContext) -> dict[str, int]:
    """Partnerships, agencies, teams and staff. Idempotent: re-running reuses what exists."""
    rng = ctx.rng
    from .names import pick_person

    password = make_password(DEMO_PASSWORD)
    advance = ctx.task("Partnerships, agencies, teams and staff", len(AGENCIES) + 1)
    partnerships = {
        code: Partnership.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in PARTNERSHIPS
    }
    teams: dict[str, Team] = {}
    staff: dict[str, list[User]] = {}
    created_users = 0
    for a_code, a_name, kind, served, team_specs in AGENCIES:
        agency, _ = Agency.objects.get_or_create(code=a_code, defaults={"name": a_name, "kind": kind})
        agency.partnerships.add(*[partnerships[p] for p in served])
        for t_code, t_name, t_partnership, size, roles in team_specs:
            team, _ = Team.objects.get_or_create(
                code=t_code,
                defaults={
                    "name": t_name,
                    "agency": agency,
                    "partnership": partnerships[t_partnership] if t_partnership else None,
                    "front_door": t_code.endswith("-ifd"),
                },
            )
            teams[t_code] = team
            existing = list(
                User.objects.filter(team=team, username__startswith=f"{t_code}.").order_by("username")
            )
            new_users = []
            for i in range(len(existing), size):
                person = pick_person(rng)
                new_users.append(
                    User(
                        username=f"{t_code}.{i + 1:02d}",
                        first_name=person.first_name,
                        last_name=person.family_name,
                        password=password,
                        agency=agency,
                        team=team,
                        job_title=Role(roles[0]).label if roles else "",
                    )
                )
            User.objects.bulk_create(new_users)
            RoleAssignment.objects.bulk_create(
                [RoleAssignment(user=u, role=r) for u in new_users for r in roles], ignore_conflicts=True
            )
            created_users += len(new_users)
            staff[t_code] = existing + new_users
        advance(1)
    for role, username, team_code, full_name, title in DEMO_ACCOUNTS:
        team = teams[team_code]
        first, _, last = full_name.rpartition(" ")
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "password": password,
                "agency": team.agency,
                "team": team,
                "job_title": title,
            },
        )
        RoleAssignment.objects.get_or_create(user=user, role=role)
        created_users += int(created)
        if role in (
            Role.SOCIAL_WORKER,
            Role.EARLY_HELP_PRACTITIONER,
            Role.EDUCATION_OFFICER,
            Role.RHI_WORKER,
            Role.POLICE_OFFICER,
            Role.FRONT_DOOR_WORKER,
        ):
            staff.setdefault(team_code, []).insert(0, user)
    advance(1)
    ctx.org.update({"partnerships": partnerships, "teams": teams, "staff": staff})
    return {"Partnerships": len(partnerships), "Teams": len(teams), "Staff accounts created": created_users}


def main_partnership(ctx: DemoContext) -> Any:
    return ctx.org["partnerships"][MAIN]
