"""Property tests: no query text or parameter mix makes a page fail."""

from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.entry import BIDI_CONTROLS, ZERO_WIDTH
from kb.query import SPACE_LIKE
from kb.taxonomy import FACETS, load_taxonomy
from tests.conftest import FIXTURES as ENTRIES

TAXONOMY = load_taxonomy(ENTRIES / "taxonomy.yaml")
SLUGS = [s for f in FACETS for s in TAXONOMY[f].terms]
FIXTURES = [HealthCheck.function_scoped_fixture]  # the client is session-wide and stateless
PARAMS = ["q", "sort", "page", "from", "to", *FACETS, "unknown"]

query_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(['"', "(", ")", "AND", "OR", "NOT", "*", "title:", "~", "^2",
                              "funding", "BME", "hospcie", "\\", "'", "-", "+", "?", "\x00"]),
             max_size=12).map(" ".join),
)


@settings(max_examples=200, deadline=None, suppress_health_check=FIXTURES)
@given(text=query_text, json_view=st.booleans())
def test_any_query_text_gives_200_or_400(client, text, json_view):
    path = "/search.json" if json_view else "/search"
    resp = client.get(f"{path}?{urlencode({'q': text})}")
    # an empty search box's ?q= redirects to the address without it; invisible characters
    # pasted with the words (a soft hyphen) to the address without them, and a line or page
    # break to the address with a space
    redirects = not text.strip() or ZERO_WIDTH.search(text) or SPACE_LIKE.search(text) or \
        BIDI_CONTROLS.search(text)
    assert resp.status in (200, 400) or (redirects and resp.status == 301), (text, resp.status)


@settings(max_examples=100, deadline=None, suppress_health_check=FIXTURES)
@given(pairs=st.lists(st.tuples(st.sampled_from(PARAMS),
                                st.one_of(st.sampled_from(SLUGS), st.text(max_size=30))),
                      max_size=8))
def test_any_parameter_mix_gives_200_301_or_400_and_consistent_counts(client, pairs):
    resp = client.get(f"/search.json?{urlencode(pairs)}")
    assert resp.status in (200, 301, 400), (pairs, resp.status)
    if resp.status == 200:
        data = resp.json()
        assert data["total"] >= len(data["results"])
        for values in data["facets"].values():
            selected = [v for v in values if v["selected"]]
            if selected:  # with a filter on, the total is what its selected values cover
                assert sum(v["count"] for v in selected) >= data["total"]
            else:  # every result carries at most all terms; a count never exceeds the total
                assert all(v["count"] <= data["total"] for v in values)


def test_a_direction_override_pasted_with_the_words_is_dropped_not_refused(client):
    """U+202E, pasted with words copied from a right-to-left page, shows what follows it
    reversed: the search is for the words alone, at the address without it."""
    resp = client.get("/search?" + urlencode({"q": "funding \u202ehospice"}))
    assert resp.status == 301 and resp.headers["location"].endswith("q=funding+hospice")
