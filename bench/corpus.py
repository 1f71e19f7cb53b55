"""A deterministic synthetic corpus of entries in the real entry format, for benchmarks.

    python -m bench.corpus --n 10000 --out bench/cache/corpus-10000

writes N entries (``<year>/<slug>.md``) and copies of entries/taxonomy.yaml (and of
entries/synonyms.yaml when there is one). Entry i depends only on (seed, i), so a 1,000-entry
corpus is the first 1,000 entries of a 10,000-entry one. The folder holds a marker file; when
it already records the same n, seed, generator version and vocabulary files, the command does
nothing (the corpus is a cache). Every generated corpus passes `kb check`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import re
import shutil
import sys
import textwrap
from pathlib import Path

import yaml

from bench.vocabulary import (
    APPROACHES,
    BENEFITS,
    COMMISSIONERS,
    DOCUMENTS,
    METHODS,
    OUTCOME_MEASURES,
    PARTNERS,
    RISKS,
    SERVICES,
)

GENERATOR_VERSION = 1
DEFAULT_SEED = 20081202
MARKER = ".bench-corpus.json"
ROOT = Path(__file__).resolve().parent.parent
TAXONOMY = ROOT / "entries" / "taxonomy.yaml"
# Vocabulary files kb reads from the entries folder; each one present is copied into the corpus.
SHARED_FILES = ("taxonomy.yaml", "synonyms.yaml")
FIRST_DAY = dt.date(2005, 1, 3)
LAST_DAY = dt.date(2026, 10, 30)
MAX_SUMMARY = 300

# --- sentences ------------------------------------------------------------------------------
# Slots: {org} {Org} {short} {Short} {partner} {Partner} {service} {approach} {a_approach}
# {method} {method2} {measure} {benefit} {benefit2} {risk} {document} {year}, and numbers drawn
# afresh for every sentence: {weeks} {years} {count} {amount} {hours} {percent}

INTRO = [
    "{Org} set up {a_approach} for {service} after {method} showed that local "
    "providers were held back by {risk}.",
    "In {year}, {org} began work with {partner} on {a_approach} for {service}.",
    "{Org} wanted to change the way it funded {service}, and agreed with {partner} to develop "
    "{a_approach}.",
    "Faced with {risk}, {org} asked {partner} to help it design {a_approach} for {service}.",
]

DID = [
    "The work began with {method}, led jointly by {short} and {partner}.",
    "{Short} agreed with {partner} that the sector would be involved before any specification "
    "for {service} was written.",
    "Officers drafted the {approach} with {count} voluntary and community organisations over "
    "{weeks} weeks.",
    "A written consultation ran for {weeks} weeks, in line with the Compact, and {short} "
    "published a summary of the responses and of what changed as a result.",
    "Funding of £{amount} a year was agreed for {years} years, so that providers could keep "
    "experienced staff and plan ahead.",
    "Bids were priced on a full cost recovery basis, with a fair share of overheads such as "
    "management, premises and training included in each contract.",
    "{Short} replaced {count} separate grant agreements with one {approach}, cutting the "
    "paperwork that small organisations had to complete.",
    "Commissioners held {method} to explain the timetable, the evaluation criteria and how "
    "risks would be shared.",
    "The tender was split into lots so that small charities and community groups could bid "
    "alone or as part of a consortium.",
    "Monitoring requirements were agreed at the start and kept in proportion to the value of "
    "each grant, with one shared return instead of several.",
    "Where funding for {service} was to end, {short} gave at least three months' notice in "
    "writing, with reasons, and offered help to find other income.",
    "The {approach} set out how disagreements would be resolved, starting with an informal "
    "meeting and ending, if needed, with independent mediation.",
    "{Partner} recruited and trained {count} volunteers, with expenses paid and a named "
    "volunteer coordinator for each project.",
    "An equality impact assessment looked at how the changes would affect BME communities, "
    "disabled people and older people who use {service}.",
    "The local compact was refreshed to include a commissioning code, agreed by the "
    "partnership board and signed by {count} organisations.",
    "Service users helped to design the specification for {service}, through {method2}.",
    "{Short} made clear in every funding agreement that organisations remained free to "
    "campaign and to comment on its policies.",
    "Small grants of up to £{amount} were offered to community groups, with a two-page "
    "application form and decisions within six weeks.",
    "A joint strategic needs assessment brought together data from health, social care and "
    "the voluntary sector on demand for {service}.",
    "The contract for {service} was awarded to a lead provider, which subcontracted to "
    "{count} smaller organisations on the same terms.",
    "A pre-tender market event gave providers the chance to shape the model before the "
    "invitation to tender was issued.",
    "Payments were linked to outcomes for a small share of the contract value, with the rest "
    "paid quarterly in advance.",
    "{Partner} acted as the accountable body for a consortium bid, sharing back-office "
    "costs across its members.",
    "{Short} published a commissioning prospectus for {service} setting out its intentions "
    "for the next {years} years.",
    "Officers and sector representatives met every quarter to review progress on the "
    "{approach} and to deal with problems early.",
    "The review of {service} compared the costs of in-house and voluntary sector provision, "
    "including the value of volunteer time.",
    "Social value was given a weighting of {percent} per cent in the evaluation of bids for "
    "{service}.",
]

OUTCOMES = [
    "The {approach} reduced {measure} by {percent} per cent in its first year.",
    "Providers reported {benefit} and {benefit2}.",
    "In all, {count} organisations took part, {percent} per cent of them small groups with no paid "
    "staff.",
    "An evaluation found that {service} reached more people from BME communities than before.",
    "The number of disputes referred to mediation fell to none in the second year.",
    "Funding was renewed for a further {years} years on the same terms.",
    "Monitoring returns fell from {count} pages to four, with no loss of useful information.",
    "The {document} for {year} recorded {benefit}.",
    "Waiting lists for {service} shortened, and {measure} fell for the first time in "
    "several years.",
    "Providers were able to keep trained staff because funding was confirmed well before the "
    "end of each year.",
    "The sector's response to the consultation changed the final design in {count} places, "
    "and {short} explained each change.",
    "Volunteers gave around {hours} hours a year to {service}.",
    "The approach has since been adopted by neighbouring authorities for {service}.",
    "Not every target was met: {measure} rose slightly while the new model bedded in.",
    "Staff in {short} said the {approach} gave them {benefit}.",
]

LESSONS = [
    "Involve the sector before the specification is written, not after.",
    "Agree monitoring requirements at the start and keep them in proportion to the funding.",
    "Price contracts on a full cost recovery basis so providers can cover their overheads.",
    "Offer funding for three years or more where the service needs stability.",
    "Give at least three months' notice in writing when funding is to end or change.",
    "Allow twelve weeks for written consultations and report back on what changed.",
    "Split large tenders into lots so small organisations can compete.",
    "Agree a dispute resolution process before problems arise.",
    "Respect the independence of funded organisations, including their right to campaign.",
    "Pay volunteers' expenses and budget for volunteer management.",
    "Use one shared monitoring return when several funders support the same project.",
    "Check the effect of changes on BME organisations and the communities they serve.",
    "Treat {method} as part of the commissioning cycle, not an extra.",
    "Keep the local compact visible: refer to it in every funding agreement.",
    "Build in time for consortium members to agree how they will share risk.",
    "Tell unsuccessful bidders why, and offer feedback they can use next time.",
    "Measure outcomes that matter to service users, not only activity.",
    "Look at {risk} early: it is easier to prevent than to fix.",
    "Name a senior officer who is accountable for the {approach}.",
    "Share the learning with other commissioners of {service}.",
]

CONTACT = [
    "Contact the commissioning team at {org} through its website.",
    "The {document} gives contact details for the lead officer.",
    "Enquiries to the local compact group, care of {partner}.",
    "The entry does not give contact details; see the sources below.",
    "Ask the voluntary sector liaison officer at {org} for copies of the {approach}.",
]

SUMMARY_LEADS = [
    "{Org} worked with {partner} to create {a_approach} for {service}.",
    "{Org} introduced {a_approach} for {service}, developed with {partner}.",
    "How {org} used {a_approach} to improve {service} with {partner}.",
    "{Org} and {partner} agreed {a_approach} for {service}.",
]

SUMMARY_TAILS = [
    " It reduced {measure} and gave providers {benefit}.",
    " Funding was agreed for {years} years with proportionate monitoring.",
    " The sector was consulted for {weeks} weeks before any decision.",
    " Small groups could bid on equal terms with larger charities.",
    " The approach addressed {risk}.",
    "",
]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _article(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeio" else "a ") + noun


def _possessive(name: str) -> str:
    return name + ("'" if name.endswith("s") else "'s")


def slugify(text: str) -> str:
    text = text.lower().replace("'", "").replace("\u2019", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


_PLAIN = re.compile(r"^[A-Za-z0-9£(][^:#\[\]{},\"\n]*$")


def yaml_scalar(text: str) -> str:
    """Write text as a plain YAML scalar when that is safe, else double-quoted."""
    if _PLAIN.match(text) and not text.endswith(" ") and ": " not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def yaml_list(items) -> str:
    return "[" + ", ".join(yaml_scalar(i) for i in items) + "]"


def _wrap(text: str) -> str:
    return textwrap.fill(text, width=98, break_long_words=False, break_on_hyphens=False)


def _words(text: str) -> int:
    return len(text.split())


def load_terms(taxonomy_path: Path) -> dict[str, list[str]]:
    """facet plural -> term slugs, in taxonomy order."""
    data = yaml.safe_load(Path(taxonomy_path).read_text(encoding="utf-8-sig"))
    return {facet: list(data[facet]["terms"]) for facet in
            ("principles", "sectors", "stages", "regions")}


def check_vocabulary(terms: dict[str, list[str]]) -> None:
    """Stop with a clear message when the vocabulary names a slug the taxonomy lacks."""
    missing = []
    for principles, stages in APPROACHES.values():
        missing += [("principles", p) for p in principles if p not in terms["principles"]]
        missing += [("stages", s) for s in stages if s not in terms["stages"]]
    for sectors in SERVICES.values():
        missing += [("sectors", s) for s in sectors if s not in terms["sectors"]]
    if missing:
        names = ", ".join(sorted({f"{f}:{s}" for f, s in missing}))
        raise SystemExit(f"bench/vocabulary.py uses terms missing from taxonomy.yaml: {names}")


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def make_entry(i: int, seed: int, terms: dict[str, list[str]]) -> tuple[str, str]:
    """(relative path, file text) of entry number i; depends only on (seed, i)."""
    rng = random.Random(f"{seed}:{i}")
    org, short = rng.choice(COMMISSIONERS)
    partner = rng.choice(PARTNERS)
    approach = rng.choice(list(APPROACHES))
    service = rng.choice(list(SERVICES))
    published = _date_between(rng, FIRST_DAY, LAST_DAY)
    slots = {
        "org": org, "Org": _cap(org), "short": short, "Short": _cap(short),
        "partner": partner, "Partner": _cap(partner), "service": service,
        "approach": approach, "a_approach": _article(approach),
        "method": rng.choice(METHODS), "method2": rng.choice(METHODS),
        "measure": rng.choice(OUTCOME_MEASURES),
        "benefit": rng.choice(BENEFITS), "benefit2": rng.choice(BENEFITS),
        "risk": rng.choice(RISKS), "document": rng.choice(DOCUMENTS),
        "year": published.year,
    }

    def fill(template: str) -> str:
        return template.format(
            **slots,
            weeks=rng.choice([6, 8, 10, 12, 12, 12, 14, 16]),
            years=rng.choice([2, 3, 3, 3, 4, 5]),
            count=rng.randint(3, 60),
            amount=f"{rng.randint(5, 400) * 1000:,}",
            hours=f"{rng.randint(2, 300) * 100:,}",
            percent=rng.randint(5, 45),
        )

    shape = rng.random()
    if shape < 0.7:
        title = f"{_cap(_possessive(org))} {approach} for {service}"
    elif shape < 0.85:
        title = f"{_cap(approach)} for {service}: how {org} worked with {partner}"
    else:
        title = f"Working with {partner} on {service}: {_possessive(org)} {approach}"

    summary = fill(rng.choice(SUMMARY_LEADS)) + fill(rng.choice(SUMMARY_TAILS))
    if len(summary) > MAX_SUMMARY:
        summary = summary[:MAX_SUMMARY - 1].rsplit(" ", 1)[0].rstrip(",;") + "…"

    principles = list(APPROACHES[approach][0])
    for extra in rng.sample(terms["principles"], rng.choice([0, 0, 1, 1, 2])):
        if extra not in principles:
            principles.append(extra)
    principles = principles[:3]
    sectors = list(SERVICES[service])[: rng.choice([1, 2, 2])]
    if rng.random() < 0.08 and "cross-sector" in terms["sectors"]:
        sectors.append("cross-sector")
    sectors = list(dict.fromkeys(sectors))
    stages = [s for s in APPROACHES[approach][1] if rng.random() < 0.85]
    if rng.random() < 0.2:
        stages.append(rng.choice(terms["stages"]))
    stages = [s for s in terms["stages"] if s in stages]  # cycle order, no repeats
    regions = [rng.choice([r for r in terms["regions"] if r != "national"]
                          if "national" in terms["regions"] else terms["regions"])]
    if "government department" in org or rng.random() < 0.05:
        regions = ["national"] if "national" in terms["regions"] else regions

    target = rng.randint(290, 740)
    did, outcomes, lessons = [fill(rng.choice(INTRO))], [], []
    words = _words(did[0])
    for template in rng.sample(DID, len(DID)):
        if words >= target * 0.5:
            break
        did.append(fill(template))
        words += _words(did[-1])
    for template in rng.sample(OUTCOMES, len(OUTCOMES)):
        if words >= target * 0.75:
            break
        outcomes.append(fill(template))
        words += _words(outcomes[-1])
    for template in rng.sample(LESSONS, len(LESSONS)):
        if words >= target - 15 and len(lessons) >= 3:
            break
        lessons.append(fill(template))
        words += _words(lessons[-1])
    while words < target - 15:  # short templates: top up the story
        did.append(fill(rng.choice(DID)))
        words += _words(did[-1])

    def paragraphs(sentences: list[str]) -> str:
        out, k = [], 0
        while k < len(sentences):
            n = rng.randint(2, 4)
            out.append(_wrap(" ".join(sentences[k:k + n])))
            k += n
        return "\n\n".join(out)

    if rng.random() < 0.3:
        did.insert(1, f"The approach is described in the *{_cap(slots['document'])}* for "
                      f"{published.year}.")
    body = (
        "## What they did\n\n" + paragraphs(did) + "\n\n"
        "## Outcomes\n\n" + paragraphs(outcomes) + "\n\n"
        "## Learning points\n\n" + "\n".join(
            textwrap.fill(f"- {lesson}", width=98, subsequent_indent="  ") for lesson in lessons)
        + "\n\n## Contact\n\n" + _wrap(fill(rng.choice(CONTACT))) + "\n"
    )

    slug_base = slugify(title)
    if len(slug_base) > 60:
        slug_base = slug_base[:60].rsplit("-", 1)[0]
    slug = f"{slug_base}-{i:06d}"
    lines = [
        "---",
        f"title: {yaml_scalar(title)}",
        f"summary: {yaml_scalar(summary)}",
        f"principles: {yaml_list(principles)}",
        f"sectors: {yaml_list(sectors)}",
    ]
    if stages:
        lines.append(f"stages: {yaml_list(stages)}")
    lines.append(f"regions: {yaml_list(regions)}")
    orgs = [_cap(org)] + ([_cap(partner)] if rng.random() < 0.6 else [])
    lines.append(f"organisations: {yaml_list(orgs)}")
    lines.append(f"published: {published.isoformat()}")
    if rng.random() < 0.3:
        lines.append(f"updated: {_date_between(rng, published, LAST_DAY).isoformat()}")
    if rng.random() < 0.4:
        review = published + dt.timedelta(days=rng.choice([365, 730, 1095]))
        lines.append(f"review_by: {review.isoformat()}")
    if rng.random() < 0.03:
        lines.append(f"aliases: [{slug}-v1]")
    if rng.random() < 0.5:
        lines.append("sources:")
        for _ in range(rng.choice([1, 1, 2])):
            doc = rng.choice(DOCUMENTS)
            source = f"{_cap(_possessive(org))} {doc}, {published.year}"
            lines.append(f"  - title: {yaml_scalar(source)}")
            if rng.random() < 0.6:
                lines.append(f"    url: https://example.org/reports/{slug}-{slugify(doc)}.pdf")
    lines.append("---")
    return f"{published.year}/{slug}.md", "\n".join(lines) + "\n" + body


def _shared_files(taxonomy: Path) -> list[Path]:
    return [taxonomy] + [taxonomy.parent / name for name in SHARED_FILES[1:]
                         if (taxonomy.parent / name).is_file()]


def _marker(n: int, seed: int, shared: list[Path]) -> dict:
    return {"n": n, "seed": seed, "generator_version": GENERATOR_VERSION,
            "files_sha256": {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                             for p in shared}}


def generate(n: int, out: Path, seed: int = DEFAULT_SEED, taxonomy: Path = TAXONOMY,
             log=None) -> bool:
    """Write the corpus to `out`; returns False when the cached folder was already right."""
    log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    out = Path(out)
    shared = _shared_files(Path(taxonomy))
    want = _marker(n, seed, shared)
    if out.exists():
        try:
            have = json.loads((out / MARKER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise SystemExit(f"{out} exists but is not a benchmark corpus (no {MARKER}); "
                             "choose another --out or remove it") from None
        if have == want:
            log(f"corpus: {out} is up to date ({n} entries)")
            return False
        log(f"corpus: {out} was made with {have}; regenerating")
    terms = load_terms(taxonomy)
    check_vocabulary(terms)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        for path in shared:
            shutil.copyfile(path, tmp / ("taxonomy.yaml" if path == shared[0] else path.name))
        folders: set[str] = set()
        step = max(1, n // 10)
        for i in range(n):
            rel, text = make_entry(i, seed, terms)
            folder = rel.split("/", 1)[0]
            if folder not in folders:
                (tmp / folder).mkdir(exist_ok=True)
                folders.add(folder)
            (tmp / rel).write_text(text, encoding="utf-8")
            if (i + 1) % step == 0:
                log(f"corpus: {i + 1}/{n} entries")
        (tmp / MARKER).write_text(json.dumps(want, indent=2), encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return True


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, required=True, help="number of entries")
    parser.add_argument("--out", type=Path, help="folder (default bench/cache/corpus-N)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    out = args.out or ROOT / "bench" / "cache" / f"corpus-{args.n}"
    generate(args.n, out, args.seed)
    print(out)


if __name__ == "__main__":
    main()
