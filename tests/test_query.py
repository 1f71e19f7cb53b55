"""A search as URL parameters: read with clear errors, old term slugs noticed."""

import pytest

from kb.query import QueryError, query_from_params
from kb.taxonomy import load_taxonomy
from tests.conftest import FIXTURES


def test_params_parse_alias_and_errors():
    taxonomy = load_taxonomy(FIXTURES / "taxonomy.yaml")

    def parse(**params):
        return query_from_params(lambda n: params.get(n, []), taxonomy)

    query, canonical = parse(q=["funding"], sector=["health", "health"], page=["2"])
    assert query.filters == {"sector": ("health",)} and query.page == 2 and not canonical
    for bad in ({"sector": ["helth"]}, {"page": ["0"]}, {"page": ["x"]}, {"page": ["\u00b2"]},
                {"page": ["\u0663"]}, {"sort": ["best"]},
                {"from": ["2009-02-30"]}, {"from": ["2010"], "to": ["2009"]},
                {"q": ["x" * 501]}):
        with pytest.raises(QueryError):
            parse(**bad)
    with pytest.raises(QueryError, match="did you mean 'health'"):
        parse(sector=["helth"])


@pytest.mark.parametrize("params,canonical", [
    ({"q": ["funding"], "from": [""], "to": [""], "sort": ["relevance"]}, False),  # the form's
    ({"q": ["funding"], "sort": ["relevance"]}, False),
    ({"q": [""], "sector": ["health"]}, False),
    ({"q": ["funding"], "sort": ["newest"], "page": ["1"]}, True),
    ({"q": ["funding"], "sector": ["health"], "from": ["2010"]}, True),
])
def test_a_submitted_forms_leftovers_are_not_canonical(params, canonical):
    """Empty fields and the default order written out redirect to the address without them,
    so the address a commissioner shares is as short as the search allows."""
    taxonomy = load_taxonomy(FIXTURES / "taxonomy.yaml")
    assert query_from_params(lambda n: params.get(n, []), taxonomy)[1] is canonical


@pytest.mark.parametrize("typed,start,end", [
    ("2010", "2010-01-01", "2010-12-31"), ("2010-02", "2010-02-01", "2010-02-28"),
    ("2010-04-01", "2010-04-01", "2010-04-01"), ("01/04/2010", "2010-04-01", "2010-04-01"),
    ("1.4.2010", "2010-04-01", "2010-04-01"), ("April 2010", "2010-04-01", "2010-04-30"),
    ("sept 2011", "2011-09-01", "2011-09-30"), ("1st April 2010", "2010-04-01", "2010-04-01"),
    ("29 Feb. 2012", "2012-02-29", "2012-02-29"), ("1ST APRIL 2010", "2010-04-01", "2010-04-01"),
    ("April 2010.", "2010-04-01", "2010-04-30"), ("Apr 1, 2010", "2010-04-01", "2010-04-01"),
    ("1-Apr-2010", "2010-04-01", "2010-04-01"), ("04/2010", "2010-04-01", "2010-04-30"),
    ("2019/20", "2019-04-01", "2020-03-31"), ("2019/2020", "2019-04-01", "2020-03-31"),
    ("1999/00", "1999-04-01", "2000-03-31"), ("2011-12", "2011-12-01", "2011-12-31"),
    ("2019-2020", "2019-04-01", "2020-03-31"), ("FY2019/20", "2019-04-01", "2020-03-31")])
def test_dates_are_read_as_written_in_britain(typed, start, end):
    """A year or a month means its first day as From and its last as To; a day may be written
    day first, as in Britain (1/4/2010 is 1 April), and a month by its name; a financial year
    (2019/20) runs from 1 April to 31 March, while 2011-12 is a month, December 2011."""
    taxonomy = load_taxonomy(FIXTURES / "taxonomy.yaml")
    params = {"from": [typed], "to": [typed]}
    query, _ = query_from_params(lambda n: params.get(n, []), taxonomy)
    assert (query.date_from.isoformat(), query.date_to.isoformat()) == (start, end)


@pytest.mark.parametrize("typed, said", [
    ("Foo 2010", "must be a year, like 2010, a month, like 2010-04 or April 2010"),
    ("31 April 2010", "is not a real date: April 2010 has 30 days"),
    ("0 April 2010", "is not a real date: there is no day 0"),
    ("2019-20", "there is no month 20; for the financial year write 2019/20"),
    ("2019/21", "must be a year"), ("2019/20/21", "must be a year")])
def test_a_date_with_a_name_that_is_not_a_month_or_day_says_so(typed, said):
    taxonomy = load_taxonomy(FIXTURES / "taxonomy.yaml")
    with pytest.raises(QueryError) as error:
        query_from_params(lambda n: {"from": [typed]}.get(n, []), taxonomy)
    assert said in str(error.value)
