"""The search page and /search.json say how the words matched, on the test entries."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode

import pytest

from tests.htmlcheck import Page


def page_and_json(client, query: str) -> tuple[Page, dict]:
    html, data = client.get(f"/search?{query}"), client.get(f"/search.json?{query}")
    assert html.status == data.status == 200
    return Page(html.body), data.json()


def test_results_found_through_a_tag_say_so_on_the_page_and_in_json(client):
    page, data = page_and_json(client, "q=reporting+burden")
    assert data["concepts"] == [{
        "facet": "principle", "value": "proportionate-monitoring",
        "label": "Proportionate monitoring", "matched": "reporting burden",
        "url": "/principles/proportionate-monitoring"}]
    tagged = [r for r in data["results"] if not r["matched"]["words"]]
    assert [r["slug"] for r in tagged] == ["light-touch-monitoring"]
    assert tagged[0]["matched"]["tags"][0]["value"] == "proportionate-monitoring"
    assert "Includes examples tagged Proportionate monitoring (for ‘reporting burden’)." \
        in page.text
    assert "Found through its tag Proportionate monitoring (for ‘reporting burden’)" in \
        " ".join(page.text.split())
    assert all(n in page.text for n in data["notes"])


def test_a_misspelt_word_is_searched_as_its_correction_and_offered_as_one(client):
    page, data = page_and_json(client, "q=hospcies")
    assert data["total"] >= 1 and data["suggestion"] == "hospices"
    assert data["corrections"] == [{"word": "hospcies", "searched": "hospices"}]
    assert "Did you mean" in page.text and "so the search includes ‘hospices’" in page.text


def test_a_misspelt_small_word_is_named_and_left_out_not_searched_as_another_word(client):
    page, data = page_and_json(client, "q=hospices+wich+grants")
    assert data["suggestion"] == "hospices which grants"
    assert data["total"] == page_and_json(client, "q=hospices+grants")[1]["total"] > 0
    assert "‘wich’ is read as ‘which’, a word too common to search for" in page.text


@pytest.mark.parametrize("q", ["qxzvjk+wplmnt", "highways+resurfacing+potholes"])
def test_nonsense_and_out_of_scope_searches_get_nothing_and_advice(client, q):
    page, data = page_and_json(client, f"q={q}")
    words = q.split("+")
    assert data["total"] == 0 and data["results"] == [] and data["suggestion"] is None
    assert data["unmatched"] == words and data["corrections"] == []
    assert "No examples found" in page.text and "Check the spelling" in page.text
    said = ", ".join(f"‘{w}’" for w in words[:-1]) + f" or ‘{words[-1]}’"
    assert f"No example mentions {said}." in page.text and f"No example mentions {said}." in \
        data["notes"]


def test_the_result_sentence_stays_honest_about_partial_matches(client):
    page, data = page_and_json(client, "q=grant+cut+mediation")
    assert data["total"] > data["matched_all"] >= 1
    note = f"{data['matched_all']} of {data['total']} match all your words"
    said = [n for n in data["notes"] if n.startswith(note)]
    assert said and note in page.text
    # best matches first: no claim that those with every word lead
    assert said[0].endswith("Best matches first, which need not be those with all your words.")


def test_term_pages_show_the_words_that_find_them(client):
    page = Page(client.get("/principles/full-cost-recovery").body)
    data = client.get("/principles/full-cost-recovery.json").json()
    assert "core costs" in data["words"]
    assert "Searches for these words also find its examples" in page.text
    assert "core costs" in page.text


def test_a_result_tagged_with_two_named_terms_lists_them_cleanly(client):
    page = client.get("/search?q=BME+consultation")
    why = re.search(r'<p class="hit-why">(.*?)</p>', page.body, re.S).group(1)
    text = " ".join(re.sub(r"<[^>]+>", "", why).split())
    assert re.fullmatch(r"Tagged [^;]+ \(for ‘[^’]+’\); [^;]+ \(for ‘[^’]+’\)", text), text


def test_no_results_offers_only_relaxations_that_find_something(client):
    data = client.get("/search.json?q=qxzvjk&sector=health").json()
    assert data["total"] == 0 and data["relaxations"] == []  # JSON offers what HTML does
    assert "Remove the filter" not in client.get("/search?q=qxzvjk&sector=health").body
    data = client.get("/search.json?q=hospices&sector=housing").json()
    assert data["total"] == 0 and data["relaxations"][0]["total"] > 0
    assert "Remove the filter Housing" in client.get("/search?q=hospices&sector=housing").body


@pytest.mark.parametrize("text", ["how to", "OR", "(a", "AND OR NOT", "NOT"])
def test_a_search_of_common_words_or_operators_alone_says_so(client, text):
    data = client.get("/search.json?" + urlencode({"q": text})).json()
    assert data["total"] == 0
    assert data["notes"] == [f"‘{text}’ has no words to search for, only very common words or "
                             "search operators: use words that say what the example is about."]


@pytest.mark.parametrize("text,words", [("funding OR hospices", "funding hospices"),
                                        ("(funding OR hospices) AND grants",
                                         "funding hospices grants")])
def test_a_search_with_or_never_says_results_match_only_some_words(client, text, words):
    data = client.get("/search.json?" + urlencode({"q": text})).json()
    assert data["total"] > 0
    assert not any("all your words" in note for note in data["notes"]), data["notes"]
    assert data["matched_all"] == data["total"]
    # 'with every word itself': those that have every word, whatever the operators
    plain = client.get("/search.json?" + urlencode({"q": words})).json()
    assert data["matched_all_words"] == plain["matched_all_words"] < data["total"]


def test_the_note_tells_words_used_apart_from_topics_named(client):
    """A broad topic a word names can tag most examples: the note says how many of those that
    match every word (or its topic) use every word themselves."""
    data = client.get("/search.json?q=full+cost+recovery+volunteers").json()
    whole, words = data["matched_all"], data["matched_all_words"]
    assert 0 == words < whole < data["total"]
    assert f"{whole} of {data['total']} match all your words or the " \
           "topics they name, none of them with every word itself (not a synonym)" in \
        " ".join(data["notes"])
    data = client.get("/search.json?q=core+costs").json()
    assert data["matched_all_words"] < data["matched_all"] == data["total"]
    assert f"All {data['total']} match your words or the topics they name, " \
           f"{data['matched_all_words']} of them with every word itself (not a synonym)." \
        in data["notes"]


def test_a_word_matched_only_through_its_synonym_is_not_the_word_itself(client):
    """An entry that says BME matches 'BAME workshops', but does not use the word BAME."""
    data = client.get("/search.json?q=BAME+workshops").json()
    assert not any("bame" in (r["title"] + r["summary"]).lower() for r in data["results"])
    assert data["matched_all"] == data["total"] >= 1 and data["matched_all_words"] == 0


def test_results_sorted_by_date_are_not_said_to_be_best_matches_first(client):
    data = client.get("/search.json?q=grant+cut+mediation&sort=newest").json()
    assert data["total"] > data["matched_all"] >= 1
    assert not any("Best matches first" in note for note in data["notes"]), data["notes"]
    assert any(n.startswith(f"{data['matched_all']} of {data['total']} match all your words")
               for n in data["notes"]), data["notes"]


def test_dates_are_a_filter_that_can_be_removed_and_a_way_out_of_no_results(client):
    page, data = page_and_json(client, "q=hospices&from=2000")
    assert data["total"] >= 1
    assert {"facet": "published", "value": "2000-01-01..", "label":
            "published since 1 January 2000"}.items() <= data["filters"][-1].items()
    assert "Remove filter: published since 1 January 2000" in page.text
    page, data = page_and_json(client, "q=hospices&from=2099")
    assert data["total"] == 0
    [undated] = data["relaxations"]
    assert undated["total"] == page_and_json(client, "q=hospices")[1]["total"] > 0
    assert undated["url"] == "/search?q=hospices"
    assert "Remove the filter published since 1 January 2099" in page.text
    assert "Check the spelling" not in page.text  # every word was found


def test_a_search_of_filters_alone_is_not_told_to_check_its_spelling(client):
    page, data = page_and_json(client, "sector=health&from=2099")
    assert data["total"] == 0 and "No examples found" in page.text
    assert "Check the spelling" not in page.text
    page, data = page_and_json(client, "q=qxzvjk&sector=health")
    assert "Check the spelling" in page.text


@pytest.mark.parametrize("params,field", [("from=Spring+2010", "from"),
                                          ("from=2010-02-30", "from")])
def test_a_date_that_cannot_be_read_is_shown_beside_its_field_with_the_search_kept(
        client, params, field):
    """The page keeps the words, the filters and what was typed, says what is wrong beside
    the field, and shows the results without that date; JSON stays a plain 400."""
    resp = client.get(f"/search?q=hospices&sector=health&{params}")
    assert resp.status == 400
    page = Page(resp.body)
    assert "There is a problem" in page.text and "<title>Error: " in resp.body
    assert not page.errors
    typed = dict(p.split("=") for p in params.split("&"))[field].replace("+", " ")
    assert f'id="{field}" name="{field}" value="{typed}" aria-invalid="true"' in resp.body
    assert 'value="hospices"' in resp.body and 'value="health" checked' in resp.body
    kept = "&".join(p for p in params.split("&") if not p.startswith(field + "="))
    without = client.get(f"/search.json?q=hospices&sector=health&{kept}").json()
    assert f"{without['total']} result" in page.text
    assert client.get(f"/search.json?q=hospices&{params}").status == 400
    reuse = [a["href"] for a in page.find("a") if a.get("href", "").startswith("/search.")
             and "?" in a["href"]]
    assert len(reuse) == 3 and all(client.get(href).status == 200 for href in reuse)
    assert all(f"{field}=" not in href for href in reuse)  # the date it could not read


def test_from_after_to_shows_the_range_the_other_way_round(client):
    """'from 2012 to 2010' is a 400 that says so, and the page's results, its feed and its
    download are for 2010 to 2012, not for everything since 2012."""
    resp = client.get("/search?q=hospices&from=2012&to=2010")
    assert resp.status == 400
    page = Page(resp.body)
    assert "The From date is after the To date; swap them. The results are for the dates " \
           "the other way round." in page.text
    swapped = client.get("/search.json?q=hospices&from=2010&to=2012").json()
    since = client.get("/search.json?q=hospices&from=2012").json()
    assert swapped["total"] != since["total"]
    assert f"{swapped['total']} result" in page.text
    reuse = [a["href"] for a in page.find("a") if a.get("href", "").startswith("/search.")
             and "?" in a["href"]]
    assert reuse and all("from=2010" in href and "to=2012" in href for href in reuse), reuse
    assert client.get("/search.json?q=hospices&from=2012&to=2010").status == 400
    assert "for the search without it" not in page.text  # the dates were swapped, not dropped
    fields = {i["name"]: i["value"] for i in page.find("input") if i.get("name") in ("from", "to")}
    assert fields["from"].startswith("2010") and fields["to"].startswith("2012"), fields


def test_an_impossible_date_is_called_so_not_misformatted(client):
    error = client.get("/search.json?from=2010-02-30").json()["error"]["message"]
    assert error == "The From date 2010-02-30 is not a real date: February 2010 has 28 days."
    for typed, why in (("2010-13-01", "there is no month 13"), ("0000", "there is no year 0")):
        error = client.get(f"/search.json?from={typed}").json()["error"]["message"]
        assert error == f"The From date {typed} is not a real date: {why}."


def test_a_repeated_date_counts_once(client):
    resp = client.get("/search?q=grant&from=2010&from=2010")
    assert resp.status == 301
    assert resp.headers["location"].endswith("/search?q=grant&from=2010-01-01")


@pytest.mark.parametrize("given,canonical", [
    ("q=grant&sort=newest&sort=title", "q=grant&sort=title"),
    ("q=grant&page=2&page=3", "q=grant&page=3"),
    ("q=grant&from=2019/20&from=2020", "q=grant&from=2020-01-01")])
def test_an_order_page_or_date_given_twice_redirects_to_the_last(client, given, canonical):
    """As a date does, so a shared link has one address: the last value counts."""
    resp = client.get("/search?" + given)
    assert resp.status == 301 and resp.headers["location"].endswith("/search?" + canonical)


def test_the_page_title_says_how_many_results_a_search_found(client):
    """A screen reader reads the title when the page loads, as ticking a filter reloads it."""
    data = client.get("/search.json?q=hospices&sector=health").json()
    body = client.get("/search?q=hospices&sector=health").body
    assert f"<title>hospices, Health: {data['total']} result" in body


def test_a_page_past_the_end_says_so_and_links_to_the_last(client):
    data = client.get("/search.json?q=grants&page=1").json()
    assert data["total"] > 0
    page = Page(client.get("/search?q=grants&page=99").body)
    fill = f"{data['pages']} pages" if data["pages"] > 1 else "one page"
    assert f"Page 99 is past the end: these results fill {fill}" in page.text
    assert "Page 99 of" not in page.text
    assert ("a", {"href": data["last_url"]}) in page.elements


def test_a_value_repeated_many_times_counts_once(client):
    resp = client.get("/search?q=grants&" + "&".join(["sector=health"] * 21))
    assert resp.status == 301 and resp.headers["location"].endswith(
        "/search?q=grants&sector=health")


def test_characters_that_show_as_nothing_are_not_searched(client):
    """A zero-width space alone is no search; pasted inside a word, it does not split it."""
    alone = client.get("/search?q=%E2%80%8B")
    assert alone.status == 301 and alone.headers["location"].endswith("/search")
    pasted = client.get("/search?q=hos%E2%80%8Bpices")
    assert pasted.status == 301 and pasted.headers["location"].endswith("/search?q=hospices")


@pytest.mark.parametrize("bad,field,anchor", [("sector=helth", "sector", "sector"),
                                              ("sort=best", "sort", "sort"),
                                              ("page=501", "page", "result-count")])
def test_a_filter_order_or_page_that_cannot_be_read_keeps_the_search(client, bad, field,
                                                                    anchor):
    """An old link with a misspelt filter value, order or page keeps its words: the problem
    is named over the results of the search without it. JSON stays a plain 400."""
    resp = client.get(f"/search?q=hospices&{bad}")
    assert resp.status == 400
    page = Page(resp.body)
    assert "There is a problem" in page.text and 'value="hospices"' in resp.body
    assert f'<a href="#{anchor}">' in resp.body and f'id="{anchor}"' in resp.body
    assert f"{client.get('/search.json?q=hospices').json()['total']} result" in page.text
    assert client.get(f"/search.json?q=hospices&{bad}").status == 400
    assert not page.problems()


def test_a_misspelt_filter_value_offers_the_search_with_the_value_it_meant(client):
    """'helth' beside 'housing': the results keep Housing, and a link offers the same search
    with Health and Housing, from its first page. Two misspelt values are each named, each
    with a link to a search that works."""
    resp = client.get("/search?q=hospices&sector=helth&sector=housing&page=2")
    page = Page(resp.body)
    assert "Search with ‘Health’ instead" in page.text and "in Housing" in page.text
    assert 'href="/search?q=hospices&amp;sector=housing&amp;sector=health"' in resp.body
    assert "instead" not in Page(client.get("/search?q=hospices&sector=qqqqqq").body).text
    both = client.get("/search?q=hospices&sector=helth&sector=housng")
    links = re.findall(r'href="(/search\?[^"]*)">Search with', both.body)
    assert len(links) == 2 and "No sector is called ‘housng’" in Page(both.body).text
    for link in links:
        assert client.get(unescape(link)).status == 200


def test_a_word_no_example_uses_says_its_results_come_through_the_tag_it_names(client):
    """'red tape' names Proportionate monitoring and no example says it: the page does not
    imply that the examples mention it."""
    page, data = page_and_json(client, "q=red+tape")
    assert data["total"] >= 1 and not any(r["matched"]["words"] for r in data["results"])
    note = ("No example mentions ‘red tape’; examples tagged Proportionate monitoring are "
            "included instead.")
    assert note in data["notes"] and note in page.text
    assert not any(n.startswith("Includes examples tagged") for n in data["notes"])


def test_a_pasted_text_over_the_limit_is_searched_by_its_words(client):
    """A paragraph pasted from a report: the page says it is too long and shows the results
    for its words, each once and without the small words, so that what it says after its
    opening lines is searched too; JSON stays a plain 400."""
    text = "the council said that the council would review " * 15 + "hospices"  # 728 characters
    resp = client.get(f"/search?q={text.replace(' ', '+')}")
    page = Page(resp.body)
    assert resp.status == 400 and "the limit is 500" in page.text
    assert "results below are for 4 of its words" in page.text  # council said review hospices
    assert client.get("/search.json?q=hospices").json()["results"][0]["title"] in page.text
    assert client.get(f"/search.json?q={text.replace(' ', '+')}").status == 400
    assert not page.problems()
    # its JSON, Atom and CSV are of the search shown, not of every example
    json_link = unescape(re.search(r'href="(/search\.json\?[^"]*)"', resp.body).group(1))
    assert json_link.startswith("/search.json?q=council+said+review+hospices")
    data = client.get(json_link).json()
    assert data["total"] >= 1


def test_a_long_text_is_searched_without_its_quote_marks_or_small_words():
    """Dropping a small word that carries an opening quote must not leave a closing one to
    make a phrase of what follows; contractions and 'e.g.' are small words too."""
    from kb.query import condensed

    kept = condensed('The report says "at least three months notice of any change" and '
                     'we\'d like e.g. "the full cost of the service being met". ' * 4)
    assert '"' not in kept and "we'd" not in kept.lower() and "e.g." not in kept
    assert kept.split() == ["report", "says", "least", "three", "months", "notice", "change",
                            "like", "full", "cost", "service", "met"]


def test_a_long_text_of_distinct_words_is_cut_between_words_at_the_limit():
    from kb.query import MAX_QUERY_CHARS, condensed

    text = " ".join(f"word{n}" for n in range(200))
    kept = condensed(text)
    assert len(kept) <= MAX_QUERY_CHARS and text.startswith(kept + " ")


def test_a_quoted_phrase_no_example_has_offers_its_words_without_the_quotes(client):
    """'"hospices grant"' finds nothing as a phrase: the page offers the words without the
    quotation marks, with their count."""
    words = client.get("/search.json?q=hospices+grant").json()["total"]
    assert words >= 1
    page, data = page_and_json(client, "q=%22hospices+grant%22")
    assert data["total"] == 0
    [offer] = [r for r in data["relaxations"] if r["facet"] == "quotes"]
    assert offer["total"] >= words and offer["url"].startswith("/search?q=")
    assert "Search for the words without quotation marks" in page.text


def test_a_misspelt_quoted_phrase_gets_did_you_mean_with_its_quotes(tmp_path):
    """'"youth servises"' finds nothing as typed: the page offers '"youth services"', quotes
    kept, because that finds the example; a phrase of nonsense is offered nothing."""
    from kb.query import Query
    from tests.test_text import library_of

    library = library_of(tmp_path, {"youth": "The council cut its youth services budget.",
                                    "other": "Services for youth clubs."})
    results = library.search(Query(text='"Youth Servises" budget'))
    assert results.total == 0 and results.suggestion == '"Youth Services" budget'
    assert [h.slug for h in library.search(Query(text=results.suggestion)).hits] == ["youth"]
    assert library.search(Query(text='"qxzvjk wplmnt"')).suggestion is None


def test_a_quote_left_open_searches_the_words(client):
    """A quote mark pasted without its pair makes no phrase of the rest of the text."""
    words = client.get("/search.json?q=hospices+grant").json()["total"]
    assert words >= 1
    for typed in ("%22hospices+grant", "hospices+grant%22"):
        assert client.get(f"/search.json?q={typed}").json()["total"] == words


def test_notes_quote_the_words_as_they_were_typed(client):
    """'Red Tape' is quoted as typed, not as the search reads it ('red tape')."""
    page, data = page_and_json(client, "q=Red+Tape")
    assert any("No example mentions ‘Red Tape’" in n for n in data["notes"])


def test_a_search_that_finds_nothing_says_which_words_no_example_uses(client):
    """In the page and in the JSON alike, quoted as typed."""
    page, data = page_and_json(client, "q=Qzvxkly")
    assert data["total"] == 0
    assert "No example mentions ‘Qzvxkly’." in data["notes"]
    assert unescape(page.text).count("No example mentions ‘Qzvxkly’") == 1


def test_a_place_no_example_names_is_said_once(client):
    """'North Tyneside' names North East, and no example says it: one note says so, with no
    count of results that match its words 'north' and 'tyneside' beside it."""
    data = client.get("/search.json?q=North+Tyneside").json()
    assert data["total"] >= 1
    assert data["notes"] == ["No example mentions ‘North Tyneside’; examples tagged North East "
                             "are included instead."]


def test_a_word_cut_short_or_a_small_word_alone_offers_no_search_instead(client):
    cut = client.get("/search.json?q=hospi").json()
    assert cut["suggestion"] is None and cut["total"] >= 1
    assert "No example uses ‘hospi’, so the search includes the words that start with it." in \
        cut["notes"]
    small = client.get("/search.json?q=durring").json()
    assert small["suggestion"] is None and small["total"] == 0
    assert small["notes"] == ["‘durring’ is read as ‘during’, a word too common to search for."]


def test_one_result_is_not_all_one_and_an_or_asks_for_one_of_the_words():
    from kb.library import Results
    from kb.query import Query
    from kb.wording import result_notes

    one = Results(Query(text="kent grants"), 1, [], {}, words=["kent", "grants"], complete=1)
    assert result_notes(one)[0] == ("The one result matches your words or the topics they "
                                    "name, though not every word itself (not a synonym).")
    either = Results(Query(text="kent OR grants"), 5, [], {}, words=["kent", "grants"],
                     complete=5, complete_words=2, either=True)
    # one word is all an OR asks for: how many have every word is beside the point
    assert result_notes(either)[0] == ("All 5 match your search or the topics its words name; "
                                       "with OR, either side is enough.")
    either.total, either.complete, either.complete_words = 1, 1, 0
    assert result_notes(either)[0] == ("The one result matches your search or the topics its "
                                       "words name; with OR, either side is enough.")


def test_two_results_there_for_a_tag_alone_are_both():
    from kb.library import Results
    from kb.query import Query
    from kb.vocabulary import Concept
    from kb.wording import result_notes

    named = Concept("principle", "full-cost-recovery", "Full cost recovery", "core costs", (0, 1))
    results = Results(Query(text="core costs"), 2, [], {}, words=["core", "costs"], complete=2,
                      concepts=[named], tag_only=2)
    assert "Both are here for that tag alone, using none of your words." in \
        " ".join(result_notes(results))


def test_the_words_a_topic_is_typical_of_are_named_as_corrected(tmp_path):
    """'warnng before ending a grant' is searched with 'warning': the note on the topic its
    words are typical of names 'warning', not the misspelling."""
    from kb.query import Query
    from kb.text import parse_query
    from kb.topics import _query_words
    from tests.test_text import library_of

    library = library_of(tmp_path, {"notice": "Three months' warning before ending a grant.",
                                    "other": "A grant for a hall."})
    snap = library.snapshot()
    query = parse_query("warnng before ending", snap.vocabulary, lexicon=snap)
    assert [text for text, _ in _query_words(snap, query)] == ["warning", "ending"]
    assert library.search(Query(text="warnng")).corrections == [("warnng", "warning")]


def test_a_quoted_label_left_out_leaves_out_its_examples_and_says_how_to_undo_it(client):
    """'-"full cost recovery"' excludes the examples tagged Full cost recovery, as
    '-full-cost-recovery' does; a search it empties offers the search without it."""
    for typed in ('overheads+-%22full+cost+recovery%22', "overheads+-full-cost-recovery",
                  'overheads+NOT+%22full+cost+recovery%22'):
        page, data = page_and_json(client, f"q={typed}")
        assert data["total"] == 0
        [offer] = [r for r in data["relaxations"] if r["facet"] == "exclusions"]
        assert offer["url"] == "/search?q=overheads" and offer["total"] >= 1
        assert "Search without the words you left out" in page.text
    grants = client.get("/search.json?q=grants+-%22full+cost+recovery%22").json()
    assert grants["total"] >= 1
    assert not any("full-cost-recovery" in r["principles"] for r in grants["results"])


@pytest.mark.parametrize("region,label", [("north+somerset", "South West"),
                                          ("southwark", "London")])
def test_a_filter_value_spelt_like_another_term_offers_the_term_it_is_a_word_of(
        client, region, label):
    """'southwark' looks like South West's slug but is one of London's words."""
    page = Page(client.get(f"/search?q=grants&region={region}").body)
    assert f"Search with ‘{label}’ instead" in page.text


def test_a_filter_value_that_is_one_of_a_terms_words_offers_the_term(client):
    """'region=tyneside' is no region, but one of North East's words."""
    resp = client.get("/search?q=grants&region=north+tyneside")
    page = Page(resp.body)
    assert resp.status == 400 and "Search with ‘North East’ instead" in page.text
    error = client.get("/search.json?q=grants&region=north+tyneside").json()["error"]
    assert "one of the words for 'north-east'" in error["message"]


@pytest.mark.parametrize("q,note", [
    ("PCT+hospices", "Includes examples tagged Health (for ‘PCT’ and ‘hospices’)."),
    ("Hopsices", "No example uses ‘Hopsices’, so the search includes ‘Hospices’."),
    ("KPIs", "No example mentions ‘KPIs’; examples tagged Review are included instead."),
    ("(full+cost)+recovery",
     "Includes examples tagged Full cost recovery (for ‘full cost recovery’).")])
def test_notes_quote_each_word_as_typed(client, q, note):
    """Two words that name one term are two quotes, not one phrase; a correction keeps the
    capitals typed; an acronym's plural is quoted with its 's'; brackets typed inside a
    phrase are left out of its quote. (A note on tags goes on to
    count the results there for the tag alone.)"""
    assert any(n == note or n.startswith(note + " ")
               for n in client.get(f"/search.json?q={q}").json()["notes"])


def test_a_term_named_by_a_phrase_and_its_own_word_is_said_once():
    from kb.vocabulary import Concept, merge_concepts

    youth = Concept("sector", "children", "Children", "youth", (0,))
    services = Concept("sector", "children", "Children", "youth servces", (0, 1))
    assert merge_concepts([youth, services], set())[0].phrase == "youth servces"
    assert merge_concepts([services, youth], set())[0].phrase == "youth servces"


@pytest.mark.parametrize("text, left", [("grants -hospice", "hospice"),
                                        ("grants NOT hospices", "hospices"),
                                        ('grants -"full cost recovery"', "full cost recovery"),
                                        ("grants NOT (hospice OR volunteers)",
                                         "hospice OR volunteers")])
def test_a_search_says_how_many_examples_its_exclusions_left_out(client, text, left):
    everything = client.get("/search.json?q=grants").json()["total"]
    page, data = page_and_json(client, urlencode({"q": text}))
    n = everything - data["total"]
    assert n > 0
    note = f"{n} example{'s' if n != 1 else ''} matching ‘{left}’ {'are' if n != 1 else 'is'} " \
           "left out."
    assert note in data["notes"] and note in page.text


def test_an_exclusion_that_leaves_out_nothing_is_not_mentioned(client):
    data = client.get("/search.json?" + urlencode({"q": "grants -qxzvjk"})).json()
    assert data["total"] == client.get("/search.json?q=grants").json()["total"]
    assert not any("left out" in note for note in data["notes"])


def test_results_found_only_through_a_tag_are_counted_and_set_apart(client):
    """'reporting burden' names Proportionate monitoring: the note says how many results are
    there for the tag alone, and the page lists them after a heading of their own, numbered
    on from the others."""
    page, data = page_and_json(client, "q=reporting+burden")
    alone = [n for n, r in enumerate(data["results"], 1) if not r["matched"]["words"]]
    assert data["tag_only"] == len(alone) == 1 < data["total"]
    assert (f"1 of the {data['total']} results is here for that tag alone, using none of your "
            "words.") in " ".join(data["notes"])
    html = client.get("/search?q=reporting+burden").body
    heading = html.index("Found through their tags alone")
    assert html.index(data["results"][alone[0] - 1]["title"]) > heading
    assert all(html.index(r["title"]) < heading for r in data["results"][:alone[0] - 1])
    assert f'<ol class="hits" start="{alone[0]}">' in html


def test_each_result_is_a_heading_inside_the_section_that_lists_it(client):
    """A screen reader's list of headings reads: the results, each result, the results found
    through their tags alone, each of those; no result's title is at its section's level."""
    levels = Page(client.get("/search?q=reporting+burden").body).heading_levels()
    sections = [n for n, (level, cls) in enumerate(levels) if level == 2]
    hits = [n for n, (level, cls) in enumerate(levels) if cls == "hit-title"]
    tagged = next(n for n, (_, cls) in enumerate(levels) if cls == "hits-tagged")
    assert hits and all(levels[n][0] == 3 for n in hits)
    assert any(n < hits[0] for n in sections) and hits[0] < tagged < hits[-1]


@pytest.mark.parametrize("sort", ["newest", "oldest", "title", "added"])
def test_in_any_order_the_results_that_use_the_words_come_first(client, sort):
    """Sorted by date or title, the results that use the words come first, in that order,
    then those found through a tag alone, in that order too, under their own heading: a
    narrow word that names a broad term never buries the one example that uses it."""
    data = client.get(f"/search.json?q=reporting+burden&sort={sort}&page_size=100").json()
    alone = [not r["matched"]["words"] for r in data["results"]]
    assert 0 < alone.count(True) < len(alone) and alone == sorted(alone)
    for part in (False, True):
        keys = [(r["published"] if sort in ("newest", "oldest") else r["added"]
                 if sort == "added" else r["title"].lower())
                for r, a in zip(data["results"], alone, strict=True) if a is part]
        assert keys == sorted(keys, reverse=sort in ("newest", "added")), (sort, part)
    html = client.get(f"/search?q=reporting+burden&sort={sort}").body
    assert "Found through their tags alone" in html


@pytest.mark.parametrize("sort", ["newest", "oldest", "title"])
def test_in_any_order_the_results_with_all_the_words_come_before_those_with_some(
        tmp_path, sort):
    """Sorted by date or title, 'respite care grants' lists the examples with all three words
    first, each part in the order asked for: a newer example that only says 'grants' does not
    bury the older one that has them all, on the page or in the embed's first five."""
    from kb.query import Query
    from tests.conftest import VALID
    from tests.test_text import library_of_fronts

    fronts = {slug: (VALID.replace("A valid entry", title).replace("2009-01-05", day), text)
              for slug, title, day, text in (
                  ("all-old", "Zeta", "2001-05-05", "Respite care grants for carers."),
                  ("all-new", "Alpha", "2012-05-05", "Grants for respite care at home."),
                  ("some-new", "Beta", "2020-05-05", "Small grants for clubs."),
                  ("some-old", "Gamma", "2003-05-05", "Care homes inspected."))}
    library = library_of_fronts(tmp_path, fronts)
    ranked = [h.slug for h in library.search(Query(text="respite care grants", sort=sort)).hits]
    assert set(ranked[:2]) == {"all-old", "all-new"} and set(ranked[2:]) == {"some-new",
                                                                             "some-old"}
    assert ranked[0] == {"newest": "all-new", "oldest": "all-old", "title": "all-new"}[sort]


def test_filtered_to_tag_only_results_no_heading_sets_them_apart(client):
    """Filtered to leave only results found through a tag, the note says all are there for
    the tag alone, and no heading sets them apart from nothing."""
    page, data = page_and_json(client, "q=reporting+burden&sector=community-development")
    assert data["total"] == data["tag_only"] == 1
    assert "The one result is here for that tag alone, using none of your words." in \
        " ".join(data["notes"])
    assert "Found through their tags alone" not in page.text


def test_a_tag_note_names_the_word_searched_for_not_the_typo(client):
    """'Hopsices' is searched as 'Hospices': the count of results there for the tag alone
    says they are without ‘Hospices’, not without the misspelling."""
    data = client.get("/search.json?q=Hopsices").json()
    note = " ".join(data["notes"])
    assert data["tag_only"] > 0
    assert "without ‘Hospices’" in note and "without ‘Hopsices’" not in note
    assert data["corrections"] == [{"word": "hopsices", "searched": "hospices"}]


def test_a_tag_brought_in_by_a_word_no_example_uses_is_counted_too(client):
    """'KPIs costs': no example says KPIs, so its tag's examples come in instead; the note
    also counts the results there for the tag alone, as it does for a word examples use."""
    data = client.get("/search.json?q=KPIs+costs").json()
    note = " ".join(data["notes"])
    assert "No example mentions ‘KPIs’; examples tagged Review are included instead." in note
    n = data["tag_only"]
    assert 0 < n < data["total"]
    assert f"{n} of the {data['total']} results" in note


def test_an_excluded_group_is_quoted_without_its_quote_marks(client):
    data = client.get("/search.json?" + urlencode(
        {"q": 'grants NOT (hospice OR "full cost recovery")'})).json()
    assert any("matching ‘hospice OR full cost recovery’" in n for n in data["notes"])


@pytest.mark.parametrize("text", ["grants -hospice OR volunteers", "-hospice OR volunteers",
                                  "grants OR -hospice"])
def test_the_count_is_what_the_pages_list_with_a_negation_inside_or(client, text):
    """'-hospice OR volunteers' is not every entry without 'hospice': a result is one that
    some word of the search finds, so the pages list exactly the count they give."""
    first = client.get("/search.json?" + urlencode({"q": text})).json()
    listed = []
    for page in range(1, first["pages"] + 1):
        data = client.get("/search.json?" + urlencode({"q": text, "page": page})).json()
        listed += [r["slug"] for r in data["results"]]
    assert len(listed) == len(set(listed)) == first["total"]



def test_one_word_over_the_limit_finds_nothing_rather_than_everything(client):
    """600 letters in one word leave no word under the limit: the search is for the word's
    start, which no example uses, not an empty search that lists every example."""
    page = Page(client.get("/search?q=" + "a" * 600).body)
    assert "results below are for 1 of its words" in page.text
    assert "How to search 0 results for" in page.text


def test_words_typed_on_a_browsing_page_are_searched_by_relevance(client):
    """Browsing a sector lists its examples newest first, but the form keeps Relevance chosen:
    words typed there are ranked by how well they match, not by date."""
    page = client.get("/search?sector=health").body
    form = page[page.index('<select id="sort"'):page.index("</select>")]
    assert re.search(r'<option value="relevance" selected>Relevance \(newest first', form), form
    assert 'value="newest" selected' not in form


@pytest.mark.parametrize("words,said", [("ICB", "without ‘ICB’ or a synonym of it."),
                                        ("hospice", "without ‘hospice’."),
                                        ("(hospice", "without ‘hospice’."),  # a stray bracket
                                        ("hospice)", "without ‘hospice’.")])
def test_the_tag_note_says_when_the_other_results_have_only_a_synonym(client, words, said):
    """The examples there for more than the tag say CCG or PCT, not ICB: the note does not
    let the reader think they all say ICB."""
    data = client.get(f"/search.json?q={words}").json()
    assert data["tag_only"] >= 1
    assert any(note.endswith(said) for note in data["notes"]), data["notes"]
    assert (data["matched_all_words"] < data["total"] - data["tag_only"]) == ("synonym" in said)


@pytest.mark.parametrize("texts, said", [
    ({"apart": "Payment came late and the results were poor.", "other": "Grants for groups."},
     True),
    ({"together": "Contracts paid by payment by results.", "apart": "Results and payment."},
     False),
    ({"one": "Payment came late.", "other": "The results were poor."}, None),
])
def test_a_terms_phrase_no_example_uses_is_said_to_be_found_only_apart(tmp_path, texts, said):
    """'payment by results' names a term; when entries have its words but none the phrase,
    the page says so, so 'every word itself' is not read as the phrase."""
    from kb.query import Query
    from kb.wording import result_notes
    from tests.test_text import library_of

    results = library_of(tmp_path, texts).search(Query(text="payment by results"))
    note = "No example uses the phrase ‘payment by results’"
    notes = [n for n in result_notes(results) if n.startswith(note)]
    assert results.total and notes == {True: [note + ", only its words apart."], False: [],
                                       None: [note + "."]}[said]


def test_a_terms_phrase_misspelt_is_judged_and_named_as_corrected(tmp_path):
    """'paymnet by results' is searched as 'payment by results': an entry that uses the
    phrase means no note that none does, and the tag says it is for the corrected phrase."""
    from kb.query import Query
    from kb.text import parse_query
    from kb.wording import result_notes
    from tests.test_text import library_of

    library = library_of(tmp_path, {"together": "Contracts paid by payment by results.",
                                    "other": "Results and payment of grants."})
    results = library.search(Query(text="paymnet by results"))
    assert results.corrections == [("paymnet", "payment")]
    assert not any("No example uses the phrase" in n for n in result_notes(results))
    snap = library.snapshot()
    parsed = parse_query("Paymnet by results", snap.vocabulary, lexicon=snap)
    assert [c.phrase for c in parsed.concepts] == ["Payment by results"]


def test_words_that_each_name_a_term_are_no_phrase_and_or_is_said_plainly(tmp_path):
    """'youth clubs OR early years grants': each side names Children and young people on its
    own, so no note says no example uses a phrase of them; every result has 'grants' and one
    side, and the note says so, not that one word is enough. 'CCG OR ICB' each name Health:
    the tag is for ‘CCG’ and ‘ICB’, not for the words with OR between."""
    from kb.query import Query
    from kb.wording import result_notes
    from tests.test_text import library_of

    library = library_of(tmp_path, {
        "clubs": "Grants for youth clubs.", "years": "Grants for early years settings.",
        "apart": "Youth grants and clubs in the early years.", "other": "Grants for parks.",
        "ccg": "The CCG funded it.", "icb": "The ICB funded it."}, synonyms=True)
    results = library.search(Query(text="youth clubs OR early years grants"))
    notes = result_notes(results)
    assert {h.slug for h in library.search(Query(text="youth clubs OR early years grants"))
            .hits} >= {"clubs", "years"}
    assert not any("phrase" in n for n in notes), notes
    assert notes[0].endswith("with OR, either side is enough."), notes
    notes = " ".join(result_notes(library.search(Query(text="CCG OR ICB"))))
    assert "(for ‘CCG’ and ‘ICB’)" in notes, notes


def test_a_group_with_a_ticked_value_says_how_its_counts_and_ticks_combine(client):
    """A commissioner with Health ticked sees 'Social care (8)': the page says that is Social
    care alone, and that ticking it too shows examples with either."""
    body = client.get("/search?q=funding&sector=health").body
    groups = dict(re.findall(r'<fieldset class="facet" id="(\w+)"(.*?)</fieldset>', body, re.S))
    assert "with several ticked, the results have any of them" in groups["sector"]
    assert all("any of them" not in groups[g] for g in ("principle", "stage", "region"))


def test_words_beside_an_or_a_phrase_or_a_plus_word_are_said_to_only_rank(tmp_path):
    from kb.query import Query
    from kb.wording import result_notes
    from tests.test_text import library_of

    library = library_of(tmp_path, {
        "both": "Youth clubs got grants.", "youth": "Youth clubs closed.",
        "kids": "Children's centres got grants.", "parks": "Grants for parks."})
    results = library.search(Query(text="youth OR children grants"))
    # grants needs no result: the park grant is not found, the youth closure is
    assert {h.slug for h in results.hits} == {"both", "youth", "kids"}
    assert results.ranking_only == ["grants"]
    assert ("‘grants’ is not needed, only preferred: results with it rank higher. Put + "
            "before a word to need it (+grants).") in result_notes(results)
    results = library.search(Query(text='"youth clubs" Grants parks'))
    assert results.ranking_only == ["grants", "parks"]  # the note writes them as typed
    assert any(n.startswith("‘Grants’ and ‘parks’ are not needed") for n in
               result_notes(results))
    for plain in ("youth grants", "grants -parks", "youth AND grants"):
        results = library.search(Query(text=plain))
        assert not results.ranking_only, plain
        assert not any("not needed" in n for n in result_notes(results)), plain
    # a word no result needs brings no tagged example in, so the page names no topic for it
    results = library.search(Query(text="+youth co-production"))
    assert {h.slug for h in results.hits} == {"both", "youth"}
    assert not results.concepts
    assert not any("Includes examples tagged" in n for n in result_notes(results))
    assert library.search(Query(text="youth co-production")).concepts
    # a term named both by a word results need and one that only ranks is said to be for the
    # first alone; a misspelt ranking word is named, and offered with +, as it is searched
    results = library.search(Query(text="youth OR hospice nhs"))
    assert [(c.slug, c.phrase) for c in results.concepts] == [("health", "hospice")]
    notes = result_notes(library.search(Query(text='"youth clubs" parcks')))
    assert "‘parks’ is not needed, only preferred: results with it rank higher. Put + before a " \
           "word to need it (+parks)." in notes, notes


def test_results_that_each_have_only_one_of_three_words_are_said_to_be_far_off(tmp_path):
    """'premier league football': a word each, in examples about other things; the page says
    the examples may not cover it. Two words together in one example are a real match."""
    from kb.query import Query
    from kb.wording import result_notes
    from tests.test_text import library_of

    library = library_of(tmp_path, {"league": "A league of councils met.",
                                    "premier": "The premier event of the year.",
                                    "window": "A window for bids opened.",
                                    "both": "The league opened a bidding window."})
    far = library.search(Query(text="premier league football"))
    assert far.total and far.one_word_each
    assert result_notes(far)[0] == ("Each result has only one of your 3 words (or a topic one "
                                    "names): the examples here may not cover what you are "
                                    "looking for.")
    near = library.search(Query(text="league bidding window"))
    assert not near.one_word_each and not any("only one of your" in n
                                              for n in result_notes(near))
    assert not library.search(Query(text="league window")).one_word_each  # two words: enough
    assert not library.search(Query(text="premier OR league OR window")).one_word_each  # asked


def test_a_prefixed_word_no_example_writes_is_said_to_be_searched_without_its_prefix(tmp_path):
    """'multi-agency' that no example writes is searched as 'agency' (a prefix alone is no
    word): the page says so, rather than listing 'agency' results as if they were it."""
    from kb.query import Query
    from kb.wording import result_notes
    from tests.test_text import library_of

    library = library_of(tmp_path, {"agency": "A lettings agency was funded.",
                                    "coprod": "Designed by co-production."})
    notes = result_notes(library.search(Query(text="multi-agency")))
    assert "No example writes ‘multi-agency’, so the search is for ‘agency’." in notes, notes
    for bound in ("co-production", "co-producton"):  # a prefix kept with its word, corrected
        assert not any("writes" in n for n in result_notes(library.search(Query(text=bound))))
    twice = result_notes(library.search(Query(text="agency year OR lettings year")))
    assert any(n.startswith("‘agency’ and ‘year’ are not needed") for n in twice), twice


@pytest.mark.parametrize("address,named,meant", [
    ("/search.json?q=hospice&sectors=health", "sectors", "sector"),
    ("/search.json?q=hospice&Sector=health", "Sector", "sector"),
    ("/search.json?form=2010", "form", "from"),
])
def test_a_misnamed_parameter_is_said_to_be_unused(client, address, named, meant):
    """A filter's name mistyped filters nothing: the search runs without it, and says so, so
    neither a reader nor a script takes the results for filtered ones."""
    notes = client.get(address).json()["notes"]
    assert f"‘{named}’ is not a search parameter, so this search did not use it: did you mean " \
           f"‘{meant}’?" in notes


def test_other_sites_parameters_are_no_mistake(client):
    """A campaign's or a site's own parameters ('utm_source') are passed along with links:
    they name nothing near a search parameter, and no note is made of them."""
    plain = client.get("/search.json?q=hospice").json()["notes"]
    assert client.get("/search.json?q=hospice&utm_source=guide&ref=x&tag=a&age=3&top=1&state=b"
                      ).json()["notes"] == plain  # near a name, but no slip of one
    page = client.get("/search?q=hospice&sector%3Cb%3E=x")  # no slip: not named, not echoed
    assert "not a search parameter" not in page.body and "sector<b>" not in page.body


def test_a_misnamed_parameter_stops_a_feed_or_download_and_shows_in_an_embed(client):
    """A feed or a CSV has no notes, and an unfiltered one looks like the filtered one: a 400
    names the parameter to write. An embed, pasted by a guidance author, says it."""
    for path in ("/search.atom", "/search.csv"):
        resp = client.get(f"{path}?q=hospice&sectors=health")
        assert resp.status == 400 and "‘sectors’ is not a search parameter: write ‘sector’" \
            in resp.body, path
    embed = client.get("/embed/search?q=hospice&Sector=health")
    assert embed.status == 200 and "‘Sector’ is not a search parameter" in embed.body


def test_a_redirect_to_a_searchs_address_keeps_other_parameters(client):
    """Written another way, a search redirects to its canonical address, keeping the
    parameters that are not the search's: a campaign's tag, and a mistyped name whose note
    then shows."""
    resp = client.get("/search?q=hospice&sector=Health&utm_source=guide&sectors=x")
    assert resp.status == 301 and resp.headers["location"].endswith(
        "/search?q=hospice&sector=health&utm_source=guide&sectors=x")


def test_a_word_found_only_through_its_synonyms_says_so(client):
    """'ICB' is in no test entry, but its older names are: the results are right, and the
    note says none uses the word typed, so the reader does not take it for their word."""
    data = client.get("/search.json?q=ICB").json()
    assert data["total"] and "No example uses ‘ICB’ itself: these use a word of the same " \
                             "meaning." in data["notes"]
    assert not any("itself" in n for n in client.get("/search.json?q=hospices").json()["notes"])
