"""What the demo's pilot round funded: the organisations, their projects, and what each of their
quarterly returns said. Only data: ``demo_grants`` and ``demo_returns`` play it through the services.

Every case study is anonymised the way a return must be: an age or a role, never a name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .monitoring.models import Rag
from .organisations.models import LegalForm

COUNTY_DURHAM, DARLINGTON = "E06000047", "E06000005"


@dataclass(frozen=True)
class Member:
    email: str
    name: str


@dataclass(frozen=True)
class PilotOrganisation:
    name: str
    legal_form: LegalForm
    details: dict[str, Any]
    member: Member
    bank: tuple[str, str]  # sort code, account number


@dataclass(frozen=True)
class Line:
    category: str  # applications.sections.BUDGET_CATEGORIES
    description: str
    pounds: int


@dataclass(frozen=True)
class Variance:
    """A budget line whose spend to date strays from its profile, and why."""

    line: int  # index into the project's lines
    factor: float  # spend to date as a share of the line's profile
    explanation: str
    first_explanation: str = ""  # as first submitted, when an officer sent the return back over it


@dataclass(frozen=True)
class Report:
    """One quarterly return."""

    outputs: tuple[int, ...]  # delivered this quarter, one per planned output
    new_participants: int
    outcome: str
    progress: str
    challenges: str
    case_study: str
    incidents: int = 0
    rag: Rag = Rag.GREEN
    spend: float = 0.97  # spend to date as a share of profile on lines without a variance
    variances: tuple[Variance, ...] = ()
    # An officer sent the first submission back: their comment, and the case study it had then.
    sent_back: str = ""
    first_case_study: str = ""
    # Submitted (again, if sent back) by now and waiting for an officer, whatever the date.
    waiting: bool = False
    comment: str = ""  # the officer's, on accepting it


@dataclass(frozen=True)
class Closing:
    """The final return of a grant that has ended, and how the officer closed it."""

    spent: tuple[int, ...]  # pounds per budget line over the whole grant
    explanations: tuple[str, ...]
    outcome: str
    progress: str
    challenges: str
    case_study: str
    clawback_pounds: int
    clawback_reason: str


@dataclass(frozen=True)
class Project:
    organisation: str
    signatory_role: str
    priority: str
    title: str
    summary: str
    areas: tuple[str, ...]
    places: str
    intervention: str  # a YEF Toolkit approach, or "" with ``other``
    age_bands: tuple[str, ...]  # applications.sections.AGE_BANDS
    gender_focus: str
    people_expected: int
    lines: tuple[Line, ...]
    outputs: tuple[tuple[str, str, int], ...]  # measure, unit, target
    outcome: tuple[str, str]  # indicator, target
    reports: tuple[Report, ...] = ()
    other: str = ""
    awarded_pounds: int | None = None  # None: what was asked for
    conditions: str = "Send us your updated safeguarding policy before the second payment."
    starts: int = 0  # months after the pilot's start
    months: int = 12
    offered_now: bool = False  # the offer is made today and waits for the organisation
    paid_before_start: bool = False  # the first instalment went out before delivery began
    verifier: str = "finance@example.org"  # who checked the bank details
    lag: int = 0  # days later than the others this organisation sends its returns
    # After return 2 is accepted: "paid", or "approved" lately (held until a recovery plan was agreed)
    # and waiting for the second finance officer.
    second_payment: str = "paid"
    drafting_now: bool = False  # the current quarter's return has been started
    closing: Closing | None = None
    reach: dict[str, dict[str, int]] = field(default_factory=dict)  # overrides the priority's mix

    @property
    def requested_pounds(self) -> int:
        return sum(line.pounds for line in self.lines)


ORGANISATIONS = [
    PilotOrganisation("Auckland Youth Boxing and Mentoring", LegalForm.CIO, {
        "charity_number": "1191234", "address_line_1": "Unit 3, Tindale Crescent", "town": "Bishop Auckland",
        "postcode": "DL14 9TG", "local_authority_code": COUNTY_DURHAM, "annual_income_pence": 71_200_00,
        "safeguarding_lead_name": "Joanne Pearson", "safeguarding_lead_email": "welfare@example.org"},
        Member("applicant3@example.org", "Kieran Walsh"), ("202678", "51836204")),
    PilotOrganisation("Darlington Safe Haven CIC", LegalForm.CIC, {
        "company_number": "13456789", "address_line_1": "27 Houndgate", "town": "Darlington", "postcode": "DL1 5RH",
        "local_authority_code": DARLINGTON, "annual_income_pence": 58_400_00,
        "safeguarding_lead_name": "Carl Whitfield", "safeguarding_lead_email": "carl.whitfield@example.org"},
        Member("applicant4@example.org", "Sophie Turner"), ("401276", "63019485")),
    PilotOrganisation("Consett Street Angels", LegalForm.COMMUNITY_GROUP, {
        "address_line_1": "Christ Church hall, Front Street", "town": "Consett", "postcode": "DH8 5AB",
        "local_authority_code": COUNTY_DURHAM, "annual_income_pence": 9_800_00,
        "safeguarding_lead_name": "Margaret Lowes", "safeguarding_lead_email": "street.angels@example.org"},
        Member("applicant5@example.org", "Margaret Lowes"), ("309546", "27740193")),
    PilotOrganisation("Northern Pathways", LegalForm.CHARITABLE_COMPANY, {
        "charity_number": "1178901", "company_number": "10987654", "address_line_1": "Aycliffe Business Centre",
        "address_line_2": "Archimedes Court", "town": "Newton Aycliffe", "postcode": "DL5 6XP",
        "local_authority_code": COUNTY_DURHAM, "annual_income_pence": 412_000_00,
        "safeguarding_lead_name": "Ruth Armstrong", "safeguarding_lead_email": "safeguarding.np@example.org"},
        Member("applicant6@example.org", "Daniel Osei"), ("200415", "70345126")),
    PilotOrganisation("Peterlee Second Chance CIC", LegalForm.CIC, {
        "company_number": "14567890", "address_line_1": "5 Yoden Way", "town": "Peterlee", "postcode": "SR8 1AL",
        "local_authority_code": COUNTY_DURHAM, "annual_income_pence": 83_500_00,
        "safeguarding_lead_name": "Lee Robson", "safeguarding_lead_email": "lee.robson@example.org"},
        Member("applicant7@example.org", "Lee Robson"), ("403318", "81256370")),
    PilotOrganisation("Safer Homes Darlington", LegalForm.CIO, {
        "charity_number": "1201234", "address_line_1": "The Dolphin Centre, Horsemarket", "town": "Darlington",
        "postcode": "DL1 5RP", "local_authority_code": DARLINGTON, "annual_income_pence": 266_000_00,
        "safeguarding_lead_name": "Hannah Pritchard", "safeguarding_lead_email": "hannah.pritchard@example.org"},
        Member("applicant8@example.org", "Hannah Pritchard"), ("309012", "44518732")),
    PilotOrganisation("Dales Family Support", LegalForm.REGISTERED_CHARITY, {
        "charity_number": "1165432", "address_line_1": "14 Hope Street", "town": "Crook", "postcode": "DL15 9HU",
        "local_authority_code": COUNTY_DURHAM, "annual_income_pence": 349_000_00,
        "safeguarding_lead_name": "Priya Sharma", "safeguarding_lead_email": "priya.sharma@example.org"},
        Member("applicant9@example.org", "Anna Bell"), ("205544", "36120987")),
]

# Who each priority's projects reach, as shares of their new participants; the area comes from
# where each project works. Rare categories are left at nought rather than a sliver, so that over a
# year only a few counts fall between 1 and 4 for the impact return to suppress (a quarter has more).
REACH_MIX = {
    "P1": {"age_band": {"10_14": 40, "15_17": 52, "not_known": 8},
           "sex": {"male": 60, "female": 33, "another": 2, "not_known": 5},
           "cohort": {"at_risk": 70, "involved": 14, "victim": 10, "family": 6}},
    "P2": {"age_band": {"15_17": 1, "18_24": 48, "25_35": 32, "36_over": 16, "not_known": 3},
           "sex": {"female": 46, "male": 52, "another": 1, "not_known": 1},
           "cohort": {"at_risk": 38, "victim": 34, "involved": 8, "not_known": 20}},
    "P3": {"age_band": {"18_24": 55, "25_35": 45},
           "sex": {"male": 90, "female": 10},
           "cohort": {"involved": 60, "perpetrator": 28, "victim": 12}},
    "P4": {"age_band": {"18_24": 18, "25_35": 42, "36_over": 40},
           "sex": {"female": 80, "male": 20},
           "cohort": {"victim": 66, "perpetrator": 22, "family": 12}},
}
# Town centres at night draw people from outside the two areas; the other priorities' work is local.
FROM_ELSEWHERE = {"P2": 10}


def area_mix(priority: str, areas: tuple[str, ...]) -> dict[str, int]:
    elsewhere = FROM_ELSEWHERE.get(priority, 0)
    if len(areas) > 1:
        return {COUNTY_DURHAM: 58 - elsewhere, DARLINGTON: 38, "elsewhere": elsewhere, "not_known": 4}
    other = DARLINGTON if areas[0] == COUNTY_DURHAM else COUNTY_DURHAM
    return {areas[0]: 90 - elsewhere, other: 5, "elsewhere": elsewhere, "not_known": 5}


DARLINGTON_YOUTH_OUTREACH = Project(
    "Darlington Youth Outreach", "Director", "P1", "Mentoring for young people at risk of exploitation",
    "Trained mentors meet young people at risk of criminal exploitation every week, in school and at the youth "
    "centre, and link them and their families to local services.",
    (DARLINGTON,), "Schools and the youth centre in Darlington", "Mentoring", ("10_13", "14_17"), "all", 80,
    (Line("staff", "Two part-time youth mentors", 19_800), Line("sessional", "Sessional youth workers", 3_600),
     Line("venue", "Room hire at the youth centre", 2_400), Line("equipment", "Activity materials and trips", 2_700),
     Line("travel", "Mentors' travel to schools and homes", 1_500)),
    (("One-to-one mentoring sessions delivered", "sessions", 480),
     ("Young people completing a 12-week mentoring plan", "people", 40)),
    ("% of mentored young people with no new police contact six months on", "70%"),
    (Report((104, 6), 22, "No follow-ups due yet: the first are at six months",
            "Mentors started with 22 young people referred by schools, the youth justice service and children's "
            "social care. Weekly one-to-one sessions run in schools and at the youth centre.",
            "Two schools were slow to agree a room for sessions, so we meet some young people at the youth centre "
            "after school.",
            "A 14-year-old referred by their school after being found with a knife has met their mentor every "
            "week. They joined the centre's music group and their school attendance rose from 60% to 85%."),
     Report((126, 11), 18, "82% (9 of 11 followed up)",
            "Eleven young people completed their 12-week plans. Group evenings started, run by sessional youth "
            "workers.",
            "Over the school holidays sessions moved to the youth centre and attendance dipped for three weeks.",
            "A 16-year-old who had been drawn into selling drugs for an older group finished their plan, started a "
            "college course in motor vehicle maintenance and has had no further contact with the police.",
            spend=1.02,
            variances=(Variance(3, 1.25, "Two extra trips in the school holidays, to an outdoor centre and a "
                                         "football club, to keep young people coming while schools were shut",
                                first_explanation="More trips"),),
            sent_back="Thank you. Please say what the extra spend on activity materials and trips paid for, and "
                      "submit the return again.", waiting=True),
     Report((121, 10), 15, "78% (18 of 23 followed up)",
            "Ten more young people completed their plans. We now take referrals from the exploitation panel and "
            "two GP practices.",
            "Referrals are rising faster than we can take them: six young people are on a short waiting list.",
            "A 15-year-old referred by the exploitation panel after going missing from home twice has not gone "
            "missing since starting mentoring, and is rebuilding their relationship with their family.",
            incidents=1, waiting=True)))

DURHAM_NIGHT_SAFE = Project(
    "Durham Night Safe CIC", "Director", "P2", "Street pastors in Durham city on weekend nights",
    "Trained volunteers patrol Durham city centre on Friday and Saturday nights, helping people who are "
    "vulnerable through drink and calming trouble before it turns violent.",
    (COUNTY_DURHAM,), "Durham city centre", "", ("18_24", "25_plus"), "all", 900,
    (Line("sessional", "Paid patrol leaders, two a night", 9_400), Line("volunteers", "Volunteer expenses", 3_100),
     Line("training", "First aid and conflict training", 2_600),
     Line("equipment", "Radios, first aid kits and high-visibility jackets", 3_400)),
    (("Patrol nights", "nights", 96), ("People helped on patrol", "people", 900)),
    ("% of people helped who say they got home safely", "90%"),
    other="Street pastors and night-time welfare patrols", offered_now=True)

PROJECTS = [
    DARLINGTON_YOUTH_OUTREACH,
    Project(
        "Auckland Youth Boxing and Mentoring", "Head coach and trustee", "P1",
        "Boxing and mentoring after school in Bishop Auckland",
        "Coached boxing three evenings a week, with a youth mentor for every regular member, for young people at "
        "risk of being drawn into violence.",
        (COUNTY_DURHAM,), "The community gym in Bishop Auckland", "Sports programmes", ("10_13", "14_17"), "all", 120,
        (Line("sessional", "Qualified boxing coaches, three evenings a week", 9_600),
         Line("staff", "Part-time youth mentor", 7_800), Line("venue", "Evening hire of the community gym", 2_000),
         Line("equipment", "Gloves, pads and safety kit", 1_600), Line("volunteers", "Volunteer expenses", 1_000)),
        (("Coached sessions delivered", "sessions", 144),
         ("Young people attending eight or more sessions", "people", 60)),
        ("% of regular attenders whose school reports better behaviour", "60%"),
        (Report((36, 14), 41, "55% (6 of 11 school reports)",
                "Coached sessions run on Monday, Wednesday and Friday evenings. 41 young people joined, most "
                "referred by the two secondary schools and the police neighbourhood team.",
                "The gym's heating failed for two weeks, so sessions moved to the school sports hall.",
                "A 13-year-old excluded from school for fighting now comes to every session. Their coach says they "
                "are learning to control their temper, and they are back in school full time.",
                variances=(Variance(2, 0.7, "The school lent us its sports hall free while the gym heating was "
                                            "repaired"),)),
         Report((38, 19), 33, "63% (15 of 24 school reports)",
                "Attendance is steady at around 30 a night. 19 young people have now come to eight or more "
                "sessions, and the mentor meets each of them once a month.",
                "Finding volunteer coaches with DBS checks takes longer than planned.",
                "A 16-year-old who had been in fights in the town centre at weekends became a junior helper at the "
                "club. They passed their first coaching award and help run the Friday session for younger members."),
         Report((35, 17), 26, "66% (27 of 41 school reports)",
                "Two members boxed at their first amateur show. A session for girls started on Wednesdays.",
                "None beyond the usual: kit wears out faster than we planned for.",
                "A 12-year-old referred by the police after being seen with older teenagers linked to knife crime "
                "now trains three nights a week. Their parent says they are home on time and no longer out late "
                "on the estate.", spend=1.01)),
        paid_before_start=True, verifier="finance2@example.org", lag=1, drafting_now=True),
    Project(
        "Darlington Safe Haven CIC", "Director", "P2", "Town-centre safe haven on weekend nights",
        "A safe haven with first-aiders and a welfare team in Darlington town centre every Friday and Saturday "
        "night, for anyone hurt, very drunk, or at risk of harm.",
        (DARLINGTON,), "Darlington town centre", "", ("18_24", "25_plus"), "all", 1_200,
        (Line("staff", "Safe haven coordinator, part time", 11_700),
         Line("sessional", "Paid first-aiders on Friday and Saturday nights", 7_800),
         Line("venue", "Rent and heating of the safe haven", 3_100),
         Line("volunteers", "Volunteer expenses", 1_400), Line("training", "First aid and conflict training", 2_000)),
        (("Nights the safe haven is open", "nights", 104), ("People helped by the welfare team", "people", 1_200)),
        ("% of people helped who say they got home safely", "90%"),
        (Report((26, 288), 262, "94% of those asked",
                "The safe haven opened every Friday and Saturday night from 10pm to 4am. The welfare team helped "
                "288 people, most with drink-related problems, and called an ambulance for 9.",
                "Recruiting enough trained first-aiders to cover both nights.",
                "A woman in her twenties who had lost her friends, with a flat phone battery, was brought in by door "
                "staff after a man had followed her. Volunteers charged her phone until a friend collected her.",
                incidents=1),
         Report((27, 341), 305, "96% of those asked",
                "A busier summer: 341 people helped. Police and door staff now radio the haven directly.",
                "Two nights closed early when volunteers were ill.",
                "A young man with a cut hand after a fight outside a bar was treated by the haven's first-aider, "
                "saving an ambulance call-out. Police took his statement at the haven.", incidents=2,
                variances=(Variance(1, 1.18, "Extra first-aid cover for the summer events, agreed with the grants "
                                             "officer"),)),
         Report((25, 296), 271, "95% of those asked",
                "296 people helped. The haven opened on two extra nights for the town's big events.",
                "Heating the haven costs more than we budgeted for.",
                "Two 17-year-olds found very drunk near the bus station were looked after until a parent arrived. "
                "The team passed on where they had bought the alcohol to the licensing officers.", incidents=1)),
        other="Night-time safe haven and welfare team", lag=3),
    Project(
        "Consett Street Angels", "Coordinator", "P2", "Street Angels patrols in Consett town centre",
        "Volunteers from the town's churches patrol Consett town centre on Friday and Saturday nights, helping "
        "people who are vulnerable through drink and keeping the taxi rank calm.",
        (COUNTY_DURHAM,), "Consett town centre", "", ("18_24", "25_plus"), "all", 400,
        (Line("sessional", "Paid patrol coordinator on Friday and Saturday nights", 2_500),
         Line("volunteers", "Volunteer expenses and refreshments", 2_200),
         Line("training", "Safeguarding and first aid training", 1_400),
         Line("equipment", "Radios, torches, high-visibility jackets and flip-flops", 1_900)),
        (("Patrol nights", "nights", 52), ("People given help on patrol", "people", 400)),
        ("% of licensed premises that say the town centre feels safer", "75%"),
        (Report((26, 187), 171, "71% (10 of 14 premises)",
                "Street Angels patrolled every Friday and Saturday night and helped 187 people, handing out water, "
                "flip-flops and foil blankets and walking people to taxis.",
                "Volunteers covered the paid coordinator's role from the second month, so we spent less than planned.",
                "A man in his thirties who had been assaulted and had a head wound was kept safe and warm by the "
                "patrol until the ambulance arrived.",
                variances=(Variance(0, 0.6, "Volunteers led the patrols from the second month, so fewer paid "
                                            "coordinator nights were needed"),)),
         Report((25, 163), 149, "79% (11 of 14 premises)",
                "The patrols finished as planned. 163 people helped this quarter; licensees say the end-of-night "
                "rush at the taxi rank is calmer.",
                "We spent less than the budget: see the explanations.",
                "A 19-year-old who was very drunk and being pressed to leave with a group of older men was walked to "
                "a taxi home by two volunteers.")),
        other="Street Angels night-time patrols", months=6, paid_before_start=True,
        verifier="finance2@example.org",
        closing=Closing(
            (1_150, 1_980, 1_100, 1_500),
            ("Volunteers led the patrols from the second month, so fewer paid coordinator nights were needed",
             "Fewer volunteer expenses than planned", "The council's community safety team ran the first aid "
             "course free of charge", "The town's Pubwatch lent us radios, so we bought fewer"),
            "79% (11 of 14 premises)",
            "Over six months the Street Angels patrolled 51 nights and helped 350 people. The town's Pubwatch will "
            "keep the patrols going next year.",
            "We spent £5,730 of the £8,000 award. £6,000 was paid, so we will return the £270 we did not spend.",
            "A woman who had lost her friends and her purse was helped to call her family and got home safely. She "
            "has since joined the patrol as a volunteer.",
            270, "Final spend was £5,730 against £6,000 paid: the unspent £270 is to be repaid")),
    Project(
        "Northern Pathways", "Chief Executive", "P3", "Through-the-gate mentoring for young men aged 18 to 35",
        "Mentors with lived experience meet young men at the prison gate and stay with them for a year: housing, "
        "probation, work, and keeping away from the people and places where violence happened.",
        (COUNTY_DURHAM, DARLINGTON), "Across County Durham and Darlington, and HMP Durham and HMP Holme House",
        "Mentoring", ("18_24", "25_plus"), "male", 45,
        (Line("staff", "Two mentors with lived experience", 26_000),
         Line("training", "Mentor supervision and trauma training", 2_500),
         Line("travel", "Travel to prisons and appointments", 3_300),
         Line("overheads", "Management and overheads", 3_800),
         Line("other", "Emergency support: ID, travel passes and work clothes", 2_400)),
        (("Young men matched with a mentor", "people", 45), ("Mentoring sessions delivered", "sessions", 900)),
        ("% of mentees not reconvicted of a violent offence while mentored", "80%"),
        (Report((8, 64), 8, "100% (8 of 8)",
                "Both mentors, each with lived experience of prison, are in post. Eight young men were matched, six "
                "of them met at the gate on release.",
                "Prison visits need long notice, so first meetings took longer to arrange.",
                "A 23-year-old released after a sentence for wounding was met at the gate, helped to register with "
                "a GP and to get to his first probation appointment on time.",
                variances=(Variance(2, 0.5, "Fewer prison visits than planned while the first mentees were "
                                            "matched"),)),
         Report((11, 182), 11, "95% (18 of 19)",
                "Eleven more young men matched and 182 mentoring sessions delivered.",
                "Housing: three men were released with nowhere to live.",
                "A 27-year-old with two convictions for violence has kept every probation appointment for four "
                "months and started a construction skills course.",
                sent_back="The case study names the man's home town and his college course, which together could "
                          "identify him. Please make it more general and submit the return again.",
                first_case_study="A 27-year-old from Shildon with two convictions for violence has kept every "
                                 "probation appointment and started the Level 1 bricklaying course at the college "
                                 "in Shildon."),
         Report((10, 196), 10, "93% (27 of 29)",
                "Ten more young men matched and 196 sessions delivered. Two mentees started work.",
                "Waiting lists for anger management and drug services hold some men back.",
                "A 31-year-old who had been stabbed, and later carried a knife for protection, handed it in at a "
                "police station with his mentor and now works for a local employer.")),
        starts=1, months=15, lag=2, drafting_now=True),
    Project(
        "Peterlee Second Chance CIC", "Director", "P3",
        "Cognitive behavioural therapy groups for young men involved in violence",
        "Twelve-week group courses, led by an accredited CBT practitioner with peer support workers, for young men "
        "referred by probation and the youth justice service after violent offences.",
        (COUNTY_DURHAM,), "Peterlee, Seaham and Horden", "Cognitive behavioural therapy", ("18_24", "25_plus"),
        "male", 64,
        (Line("staff", "Accredited CBT practitioner, three days a week", 16_900),
         Line("sessional", "Peer support workers", 4_200), Line("venue", "Group room hire", 2_600),
         Line("training", "Clinical supervision", 1_300), Line("equipment", "Course workbooks and materials", 1_000)),
        (("CBT group sessions delivered", "sessions", 96), ("Young men completing a course", "people", 64)),
        ("% of men completing a course whose anger and aggression scores fall", "65%"),
        (Report((24, 15), 19, "60% (9 of 15)",
                "Two courses started with 19 young men referred by probation and the youth justice service; 15 "
                "completed.",
                "Some referrals arrived without risk information. Probation now sends it with every referral.",
                "A 19-year-old with a conviction for assault said the course helped him spot the moment he gets "
                "angry. He has walked away from two arguments he says would once have ended in a fight."),
         Report((22, 9), 17, "56% (5 of 9)",
                "Two more courses ran, but only 9 of 17 men completed.",
                "Eight men dropped out, most because of new work shifts. We are moving one course to Saturday "
                "mornings.",
                "A 22-year-old who left a course when he started a job came back to finish it once the Saturday "
                "group was offered.", rag=Rag.AMBER,
                comment="Thank you. Please tell us in the next return how the Saturday course has worked."),
         Report((24, 14), 18, "64% (9 of 14)",
                "The Saturday course started and 14 of 18 men completed. Peer support workers now follow up each man "
                "for three months.",
                "The award was £2,000 less than we asked for, so we moved to a cheaper community centre room.",
                "A 25-year-old referred after a fight outside a pub completed the course, and his probation officer "
                "says he is engaging well for the first time.", waiting=True,
                variances=(Variance(2, 0.75, "We moved the groups to a cheaper community centre room"),))),
        awarded_pounds=24_000, lag=1, verifier="finance2@example.org",
        conditions="The award is £2,000 less than you asked for: the panel funded one group room, not two."),
    Project(
        "Safer Homes Darlington", "Service Manager", "P4",
        "Knife-safety planning and outreach for victims of domestic abuse",
        "An independent domestic violence adviser (IDVA) for victims where a knife has been used or threatened: "
        "safety plans, locks and alarms, and support through court.",
        (DARLINGTON,), "Darlington, with a weekly drop-in at the family hub", "", ("18_24", "25_plus"), "female", 90,
        (Line("staff", "Independent domestic violence adviser, full time", 24_500),
         Line("training", "Specialist training on weapons and risk", 1_200),
         Line("equipment", "Locks, door chains and alarms", 3_800), Line("travel", "Outreach travel", 1_100),
         Line("overheads", "Management and overheads", 1_400)),
        (("Victims given a safety plan", "people", 90), ("Homes made safer with locks and alarms", "homes", 40)),
        ("% of victims who feel safer at home three months on", "80%"),
        (Report((24, 11), 27, "81% (13 of 16 asked)",
                "The IDVA supported 27 victims; 24 now have a safety plan that covers knives in the home. Locks and "
                "alarms were fitted in 11 homes.",
                "Long waits for locksmiths in the first month.",
                "A woman in her forties whose partner had threatened her with a kitchen knife was supported through "
                "a multi-agency risk assessment conference. Her home now has a door alarm and she has a safety plan "
                "agreed with the police.", incidents=2),
         Report((23, 10), 25, "84% (31 of 37 asked)",
                "23 more safety plans and 10 more homes made safer. Knife-safety training for 30 frontline staff.",
                "Two victims' court dates were moved, adding to the IDVA's workload.",
                "A young mother referred by A&E after a knife wound to her arm was supported to give evidence, and "
                "her former partner was given a restraining order.", incidents=1, spend=0.99),
         Report((21, 9), 24, "83% (48 of 58 asked)",
                "21 safety plans and 9 homes made safer. The IDVA now runs a weekly drop-in at the family hub.",
                "Demand is more than one IDVA can meet: lower-risk referrals now wait up to two weeks.",
                "A woman in her sixties whose adult son had threatened her with a knife was helped to get a "
                "non-molestation order, and adult social care now supports them both.", incidents=2)),
        other="Independent domestic violence advocacy with knife-safety planning", drafting_now=True),
    Project(
        "Dales Family Support", "Chief Executive", "P4",
        "Behaviour change programme for men who have used a knife against a partner",
        "A 26-week group programme for men who have used or threatened a knife against a partner, with a support "
        "worker for every partner, referred by probation, police and children's social care.",
        (COUNTY_DURHAM, DARLINGTON), "Crook, Bishop Auckland and Darlington", "", ("25_plus",), "male", 66,
        (Line("staff", "Two programme facilitators, part time", 17_000),
         Line("staff", "Partner support worker", 6_000), Line("venue", "Group room hire", 1_800),
         Line("training", "Facilitator accreditation", 1_700), Line("overheads", "Management and overheads", 1_500)),
        (("Men starting the programme", "people", 36), ("Group sessions delivered", "sessions", 90),
         ("Partners offered support", "people", 30)),
        ("% of partners reporting no further abuse involving a weapon", "85%"),
        (Report((3, 9, 3), 6, "No partner follow-ups due yet",
                "The programme started late: one facilitator post was empty until week seven. Three men started the "
                "first group and their partners were offered support.",
                "Recruiting an accredited facilitator took longer than planned, and referrals slowed while no group "
                "was running. Spend is below profile as a result.",
                "A man in his thirties referred by children's social care after threatening his partner with a knife "
                "has come to every session, and his partner is supported by our partner support worker.",
                incidents=1, rag=Rag.RED,
                comment="Thank you for being open about the delay. We will agree a recovery plan at our next visit, "
                        "and hold the second payment until then.",
                variances=(Variance(0, 0.55, "One facilitator post was empty until week seven"),
                           Variance(2, 0.5, "The group started late, so fewer room bookings"))),
         Report((9, 22, 8), 17, "88% (7 of 8 partners)",
                "Both facilitators in post. Nine men started and 22 group sessions ran. Probation referrals are back "
                "to the expected level.",
                "Catching up on the late start: we added a second weekly group.",
                "A woman whose partner is on the programme told her support worker she feels safe at home for the "
                "first time in years, and that the knives are now locked away.",
                variances=(Variance(0, 0.8, "Still catching up after the empty post in the first quarter: spend will "
                                            "be back on profile by the fourth"),)),
         Report((10, 24, 9), 19, "87% (13 of 15 partners)",
                "Ten more men started and 24 sessions ran. The first men completed the full 26 weeks.",
                "Two men were removed from the group after further incidents, and police and children's social care "
                "were told.",
                "A man in his twenties who completed the programme says he now recognises his controlling "
                "behaviour. His partner reports no further incidents involving a weapon.", incidents=2,
                variances=(Variance(0, 0.88, "Still catching up after the empty post in the first quarter"),))),
        other="Domestic abuse perpetrator programme with partner support", months=15, paid_before_start=True,
        lag=5, second_payment="approved",
        reach={"sex": {"male": 55, "female": 45}, "cohort": {"perpetrator": 55, "victim": 40, "family": 5},
               "age_band": {"18_24": 12, "25_35": 46, "36_over": 42}}),
    DURHAM_NIGHT_SAFE,
]

# Home Office success measures for the Serious Violence Duty, for the whole partnership area.
# Illustrative figures of a plausible size, not the published statistics: each source says so.
CONTEXT_AREA = "County Durham and Darlington"
CONTEXT_SOURCES = {
    "homicides": "Office for National Statistics, Homicide in England and Wales (Home Office Homicide Index), "
                 "Durham police force area (demo figure)",
    "knife_admissions": "NHS Digital Hospital Episode Statistics, admissions for assault by a sharp object, "
                        "County Durham and Darlington residents (demo figure)",
    "knife_crime": "Home Office police recorded crime, knife or sharp instrument offences, Durham Constabulary "
                   "(demo figure)",
}
# The financial year before the pilot, then the four quarters up to the one just ended.
CONTEXT_YEAR = {"homicides": 9, "knife_admissions": 47, "knife_crime": 596}
CONTEXT_QUARTERS = {"homicides": (3, 2, 1, 2), "knife_admissions": (12, 11, 9, 10),
                    "knife_crime": (151, 139, 128, 133)}

# Case studies the officer chose for the impact return: (organisation, return number).
FEATURED = [("Auckland Youth Boxing and Mentoring", 2), ("Safer Homes Darlington", 1), ("Northern Pathways", 2)]
