"""A minimal Ofsted Annex A workbook in the layout liiatools' Annex A cleaner reads: one sheet per list
("List 1" .. "List 11"), the column names in row 1 (liiatools matches a sheet to a list by these names,
from its spec/annex_a/annex-a-merge.yml), one child per row from row 2, coded values as Annex A writes them
("b) Female", "q) 6: Police"), dates as dates.

    python tests/exports/annex_a_workbook.py tests/exports/fixtures/annex_a_minimal.xlsx

Lists 9 (care leavers), 10 (adoption) and 11 (adopters) are not MACE's: they have their header row only.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from mace.exports import annex_a

CHILD = "MACE0000001"
EPO = "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)"
SECOND_PERIOD = (
    "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)"
)
PERSON = {
    "Child Unique ID": CHILD,
    "Gender": "b) Female",
    "Ethnicity": "a) WBRI",
    "Date of Birth": date(2011, 5, 14),
    "Age of Child (Years)": 14,
}
DISABILITY = {"Does the Child have a Disability": "b) No"}
ALLOCATED = {"Allocated Team": "Exploitation Team", "Allocated Worker": "A Worker"}

LISTS: dict[str, dict[str, Any]] = {
    "List 1": {**PERSON, "Date of Contact": date(2025, 6, 1), "Contact Source": "q) 6: Police"},
    "List 2": {
        **PERSON,
        "Assessment start date": date(2025, 6, 3),
        "Assessment completion date": date(2025, 6, 20),
        "Organisation completing assessment": "Early Help Locality 1",
    },
    "List 3": {
        **PERSON,
        "Date of referral": date(2025, 6, 2),
        "Referral Source": "q) 6: Police",
        "Referral NFA?": "b) No",
        "Number of Referrals in Last 12 Months": 1,
        **ALLOCATED,
    },
    "List 4": {
        **PERSON,
        **DISABILITY,
        "Continuous Assessment Start Date": date(2025, 6, 3),
        "Child Seen During Continuous Assessment": "a) Yes",
        "Continuous Assessment Date of Authorisation": date(2025, 6, 20),
        "Was the child assessed as requiring LA children's social care support?": "a) Yes",
        **ALLOCATED,
    },
    "List 5": {
        **PERSON,
        **DISABILITY,
        "Strategy discussion initiating Section 47 Enquiry Start Date": date(2025, 6, 4),
        "Was an Initial Child Protection Conference deemed unnecessary?": "b) No",
        "Date of Initial Child Protection Conference": date(2025, 6, 25),
        "Did the Initial Child Protection Conference Result in a Child Protection Plan": "a) Yes",
        "Number of Section 47 Enquiries in the last 12 months": 1,
        "Number of ICPCs in the last 12 months": 1,
        **ALLOCATED,
    },
    "List 6": {
        **PERSON,
        **DISABILITY,
        "CIN Start Date": date(2025, 6, 2),
        "Primary Need Code": "N1 - Abuse or neglect",
        "Date Child Was Last Seen": date(2026, 3, 20),
        "CIN Closure Date": None,
        "Reason for Closure": None,
        "Case Status": "b) Child Protection plan",
        **ALLOCATED,
    },
    "List 7": {
        **PERSON,
        **DISABILITY,
        "Child Protection Plan Start Date": date(2025, 6, 25),
        "Initial Category of Abuse": "a) Neglect",
        "Latest Category of Abuse": "a) Neglect",
        "Date of the Last Statutory Visit": date(2026, 3, 20),
        "Was the Child Seen Alone?": "a) Yes",
        "Date of latest review conference": date(2025, 9, 24),
        "Child Protection Plan End Date": None,
        EPO: "b) No",
        "Number of Previous Child Protection Plans": 0,
        **ALLOCATED,
    },
    "List 8": {
        **PERSON,
        "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)": "b) No",
        **DISABILITY,
        "Date Started to be Looked After": date(2025, 9, 1),
        "Child's Category of Need": "N1 - Abuse or neglect",
        SECOND_PERIOD: "b) No",
        "Start date of current legal status": date(2025, 9, 1),
        "Child's Legal Status": "C2: FCO",
        "Date of Latest Statutory Review": date(2026, 2, 1),
        "Date of Last Social Work Visit": date(2026, 3, 1),
        "What is the permanence plan for this child?": "f) Long-term fostering",
        "Date of Last IRO Visit / Contact to the Child": date(2026, 2, 1),
        "Date of Last Health Assessment": date(2025, 10, 1),
        "Date of Last Dental Check": date(2025, 11, 1),
        "Number of Placements in the Last 12 months": 1,
        "Date Ceased to be Looked After": None,
        "Reason Ceased to be Looked After": None,
        "Start Date of Most Recent Placement": date(2025, 9, 1),
        "Placement Type": "a) U1: Foster placement - relatives - long term",
        "Placement Provider": "b) PR1: Own provision",
        "Placement postcode": "CF10 1EP",
        "URN of Placement": None,
        "Placement Location": "b) Out",
        # liiatools knows only these five codes for LA of Placement (NIR, WAL, SCO, NUK, CON): any English
        # council's name or code is blanked by its cleaner.
        "LA of Placement": "WAL - Child placed in Wales",
        "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months": 2,
        "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months": 1,
        "Was the child offered a Return Interview after their last missing episode (Y/N)?": "a) Yes",
        "Did the child accept a Return Interview after their last missing episode (Y/N)?": "a) Yes",
        **ALLOCATED,
    },
}


# The lists MACE does not fill are written with their header row only: liiatools' cleaner writes its cleaned
# workbook only when all eleven lists are present.
EMPTY_LISTS: dict[str, list[str]] = {
    name: annex_a.LISTS[name] for name in annex_a.NOT_HELD if name != "List 2"
}


def write_workbook(path: Path, *, changes: dict[str, dict[str, Any]] | None = None) -> Path:
    """Write the minimal workbook; `changes` overrides cells, e.g. {"List 1": {"Gender": "X"}}."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, row in LISTS.items():
        row = {**row, **(changes or {}).get(title, {})}
        sheet = workbook.create_sheet(title)
        sheet.append(list(row))
        sheet.append(list(row.values()))
        for cell in sheet[2]:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
    for title, headers in EMPTY_LISTS.items():
        workbook.create_sheet(title).append(headers)
    workbook.save(path)
    return path


if __name__ == "__main__":
    print(write_workbook(Path(sys.argv[1] if len(sys.argv) > 1 else "annex_a_minimal.xlsx")))
