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
