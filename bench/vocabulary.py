"""The commissioning vocabulary shared by the synthetic corpus and the benchmark queries.

Everything here is generic: kinds of public bodies and voluntary organisations, never real
names. Sector and principle slugs must exist in entries/taxonomy.yaml; the corpus generator
checks them against the taxonomy it copies and stops with a clear message if one is missing.
"""

from __future__ import annotations

# (name in running text, how later sentences refer to it)
COMMISSIONERS = [
    ("a county council", "the council"),
    ("a district council", "the council"),
    ("a metropolitan borough council", "the council"),
    ("a London borough council", "the council"),
    ("a unitary authority", "the authority"),
    ("a city council", "the council"),
    ("a primary care trust", "the trust"),
    ("a clinical commissioning group", "the group"),
    ("a strategic health authority", "the authority"),
    ("a mental health trust", "the trust"),
    ("an NHS foundation trust", "the trust"),
    ("a government department", "the department"),
    ("a regional development agency", "the agency"),
    ("a police authority", "the authority"),
    ("a probation trust", "the trust"),
    ("a fire and rescue service", "the service"),
    ("a local strategic partnership", "the partnership"),
    ("a children's trust", "the trust"),
    ("a youth offending team", "the team"),
    ("a drug and alcohol action team", "the team"),
    ("a joint commissioning unit", "the unit"),
    ("a parish council", "the council"),
    ("a national park authority", "the authority"),
    ("a housing authority", "the authority"),
]

PARTNERS = [
    "local voluntary organisations",
    "a council for voluntary service",
    "a carers' centre",
    "a hospice",
    "a housing association",
    "a community transport scheme",
    "a volunteer centre",
    "a BME women's network",
    "a youth charity",
    "a mental health charity",
    "a consortium of small charities",
    "a rural community council",
    "a disability rights group",
    "a faith-based homelessness charity",
    "a credit union",
    "a social enterprise",
    "a community anchor organisation",
    "a refugee community organisation",
    "an older people's forum",
    "a tenants' federation",
    "a community arts trust",
    "a domestic abuse charity",
    "an environmental charity",
    "a local sports trust",
    "an advice centre",
    "a parents' forum",
    "a learning disability advocacy group",
    "a substance misuse charity",
]

# approach: (principles it shows, stages it belongs to)
APPROACHES = {
    "joint commissioning framework": (["partnership-working", "funding-and-procurement"],
                                      ["plan", "source"]),
    "three-year grant programme": (["multi-year-funding", "funding-and-procurement"],
                                   ["source"]),
    "full cost recovery toolkit": (["full-cost-recovery"], ["source"]),
    "compact-proofing checklist": (["partnership-working", "consultation-and-policy-appraisal"],
                                   ["plan", "review"]),
    "twelve-week consultation protocol": (["consultation-and-policy-appraisal"],
                                          ["analyse", "plan"]),
    "market development plan": (["funding-and-procurement", "partnership-working"],
                                ["analyse", "plan"]),
    "co-production panel": (["partnership-working", "equality-and-bme"], ["analyse", "plan"]),
    "proportionate monitoring framework": (["proportionate-monitoring"], ["review"]),
    "dispute resolution procedure": (["dispute-resolution"], ["review"]),
    "small grants scheme": (["community-groups", "funding-and-procurement"], ["source"]),
    "lead provider model": (["funding-and-procurement", "partnership-working"], ["source"]),
    "consortium contract": (["funding-and-procurement", "full-cost-recovery"], ["source"]),
    "outcomes framework": (["proportionate-monitoring", "partnership-working"],
                           ["plan", "review"]),
    "joint strategic needs assessment": (["partnership-working",
                                          "consultation-and-policy-appraisal"], ["analyse"]),
    "decommissioning protocol": (["three-months-notice", "dispute-resolution"], ["review"]),
    "pre-tender market event": (["funding-and-procurement", "partnership-working"], ["source"]),
    "volunteer brokerage scheme": (["volunteering"], ["source"]),
    "community chest": (["community-groups"], ["source"]),
    "infrastructure support contract": (["partnership-working", "multi-year-funding"],
                                        ["source"]),
    "equality impact assessment": (["equality-and-bme", "consultation-and-policy-appraisal"],
                                   ["analyse"]),
    "service user panel": (["partnership-working", "consultation-and-policy-appraisal"],
                           ["analyse", "review"]),
    "payment by results pilot": (["funding-and-procurement", "proportionate-monitoring"],
                                 ["source", "review"]),
    "social value policy": (["funding-and-procurement", "community-groups"], ["plan"]),
    "commissioning prospectus": (["funding-and-procurement", "partnership-working"], ["plan"]),
    "funding transition plan": (["three-months-notice", "multi-year-funding"], ["review"]),
    "campaigning and independence statement": (["independence-and-campaigning"], ["plan"]),
    "grant-to-contract review": (["funding-and-procurement", "proportionate-monitoring"],
                                 ["review"]),
    "BME organisations capacity fund": (["equality-and-bme", "community-groups"], ["source"]),
    "volunteering strategy": (["volunteering", "partnership-working"], ["plan"]),
    "shared monitoring return": (["proportionate-monitoring"], ["review"]),
    "local compact refresh": (["partnership-working", "dispute-resolution"], ["plan", "review"]),
    "notice of funding changes policy": (["three-months-notice"], ["review"]),
}

# service: sectors it belongs to
SERVICES = {
    "mental health services": ["health", "social-care"],
    "carers' support": ["social-care", "health"],
    "domestic abuse services": ["criminal-justice", "housing"],
    "youth services": ["children-and-young-people"],
    "older people's day care": ["social-care"],
    "substance misuse services": ["health", "criminal-justice"],
    "homelessness prevention": ["housing"],
    "advice services": ["community-development", "employment-and-skills"],
    "learning disability services": ["social-care", "health"],
    "community transport": ["community-development", "social-care"],
    "end of life care": ["health"],
    "children's centres": ["children-and-young-people"],
    "employment support": ["employment-and-skills"],
    "reducing reoffending": ["criminal-justice"],
    "floating support": ["housing", "social-care"],
    "befriending services": ["social-care", "community-development"],
    "health improvement": ["health"],
    "refugee and asylum support": ["community-development", "housing"],
    "arts and heritage projects": ["arts-culture-and-sport"],
    "environmental volunteering": ["environment", "community-development"],
    "sports development": ["arts-culture-and-sport", "children-and-young-people"],
    "welfare rights advice": ["community-development", "employment-and-skills"],
    "hospital discharge support": ["health", "social-care"],
    "family support": ["children-and-young-people", "social-care"],
    "supported housing": ["housing", "social-care"],
    "adult skills and learning": ["employment-and-skills"],
    "victim support": ["criminal-justice"],
    "parks and green spaces": ["environment"],
    "community cohesion projects": ["community-development", "cross-sector"],
    "voluntary sector infrastructure": ["cross-sector", "community-development"],
    "stroke recovery services": ["health"],
    "dementia support": ["health", "social-care"],
    "play schemes": ["children-and-young-people", "arts-culture-and-sport"],
    "debt advice": ["employment-and-skills", "community-development"],
    "recycling and reuse projects": ["environment", "employment-and-skills"],
}

DOCUMENTS = [
    "annual report", "evaluation report", "progress report", "case study",
    "commissioning strategy", "board paper", "review of grant funding", "consultation report",
    "local compact annual review", "audit report", "scrutiny review", "briefing note",
]

METHODS = [
    "workshops with providers", "an online survey of local groups", "a series of open meetings",
    "one-to-one interviews with chief officers", "focus groups with service users",
    "a review of existing contracts", "mapping of local provision", "a provider forum",
    "a joint working group", "visits to funded projects", "a peer review by another authority",
    "an independent evaluation",
]

OUTCOME_MEASURES = [
    "waiting times", "repeat referrals", "tenancy breakdowns", "hospital admissions",
    "missed appointments", "complaints", "reoffending rates", "evictions",
    "delayed discharges", "school exclusions", "emergency admissions", "rough sleeping",
]

BENEFITS = [
    "more stable staffing", "better information about local need", "fewer disputes",
    "earlier involvement of the sector", "lower bidding costs for small organisations",
    "clearer monitoring requirements", "services designed around users",
    "stronger relationships between officers and providers", "more accurate pricing",
    "a wider range of providers", "better value for money", "more volunteers recruited",
    "a reduction in duplicated paperwork", "improved trust on both sides",
]

RISKS = [
    "short-term funding", "late payment", "disproportionate monitoring",
    "unclear eligibility criteria", "contracts that ignore overheads", "rushed consultations",
    "tenders too large for small organisations", "funding ending without notice",
    "duplicated reporting to several funders", "a lack of trust between partners",
]

# Single words and short phrases people type into the search box.
KEYWORDS = [
    "commissioning", "procurement", "tender", "grant", "grants", "contract", "contracts",
    "monitoring", "consultation", "volunteering", "volunteers", "overheads", "outcomes",
    "consortium", "partnership", "compact", "carers", "hospice", "befriending", "safeguarding",
    "commissioners", "providers", "evaluation", "prospectus", "decommissioning", "notice",
    "independence", "campaigning", "equality", "BME", "dispute", "mediation", "pricing",
    "funding", "budget", "pilot", "framework", "toolkit", "forum", "capacity", "training",
    "infrastructure", "rural", "advocacy", "homelessness", "dementia", "youth", "reoffending",
    "recycling", "heritage", "transport", "disability", "refugees", "advice", "debt",
    "employment", "housing", "health", "payment", "social value", "co-production",
    "service users", "small charities", "full cost recovery", "three months notice",
    "multi-year funding", "market event", "needs assessment", "lead provider",
    "proportionate monitoring", "local compact", "twelve weeks", "written consultation",
    "impact assessment", "end of life", "mental health", "older people", "community groups",
    "social enterprise", "voluntary sector", "value for money",
]
