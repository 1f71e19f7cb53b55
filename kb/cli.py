"""The `kb` command: check, build, search and serve the Compact Practice knowledge base."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kb.entries import load_entries
from kb.index import BuildError, build
from kb.taxonomy import FACETS, PARAM, TaxonomyError, load_taxonomy

ENTRIES = click.option("--entries", "entries_dir", type=click.Path(path_type=Path),
                       default="entries", envvar="KB_ENTRIES", show_default=True,
                       help="Folder of entry Markdown files and taxonomy.yaml (env KB_ENTRIES).")
INDEX = click.option("--index", "index_dir", type=click.Path(path_type=Path),
                     default=".kb-index", envvar="KB_INDEX", show_default=True,
                     help="Folder of the search index (env KB_INDEX).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Compact Practice: commissioning best practice between public bodies and the voluntary
    and community sector, searchable."""


def _taxonomy(entries_dir: Path):
    try:
        return load_taxonomy(entries_dir / "taxonomy.yaml")
    except TaxonomyError as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
@ENTRIES
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output as lines or as a JSON list.")
def check(entries_dir: Path, strict: bool, fmt: str) -> None:
    """Validate every entry; print `path:line: error|warning: message` for each problem.

    Exits 1 when there is an error (or, with --strict, a warning), 0 otherwise. Prints nothing
    when all is well.
    """
    if not entries_dir.is_dir():
        raise click.ClickException(f"{entries_dir}: no such folder; pass --entries DIR")
    _, problems = load_entries(entries_dir, _taxonomy(entries_dir))
    for p in problems:
        p_path = (entries_dir / p.path).as_posix()
        if fmt == "text":
            click.echo(f"{p_path}:{p.line}: {p.severity}: {p.message}")
    if fmt == "json":
        click.echo(json.dumps([{"path": (entries_dir / p.path).as_posix(), "line": p.line,
                                "severity": p.severity, "message": p.message}
                               for p in problems], indent=2))
    failing = [p for p in problems if p.severity == "error" or strict]
    sys.exit(1 if failing else 0)


@main.command("build")
@ENTRIES
@INDEX
def build_cmd(entries_dir: Path, index_dir: Path) -> None:
    """Validate the entries, build a fresh index and swap it in atomically.

    On any error the previous index is left in place and serving, and the command exits 1.
    """
    _taxonomy(entries_dir)
    try:
        result = build(entries_dir, index_dir)
    except BuildError as exc:
        for p in exc.problems:
            click.echo(f"{(entries_dir / p.path).as_posix()}:{p.line}: {p.severity}: "
                       f"{p.message}", err=True)
        raise click.ClickException(str(exc)) from None
    for p in result.warnings:
        click.echo(f"{(entries_dir / p.path).as_posix()}:{p.line}: {p.severity}: {p.message}",
                   err=True)
    click.echo(f"indexed {result.entries} entries into {index_dir} in {result.seconds:.1f}s",
               err=True)


def _facet_options(fn):
    for facet in reversed(FACETS):
        fn = click.option(f"--{PARAM[facet]}", f"{facet}", multiple=True,
                          help=f"Only entries with this {PARAM[facet]} (repeatable).")(fn)
    return fn


@main.command("search")
@click.argument("text", required=False, default="")
@_facet_options
@click.option("--from", "date_from", default="", help="Published on or after YYYY-MM-DD.")
@click.option("--to", "date_to", default="", help="Published on or before YYYY-MM-DD.")
@click.option("--sort", default="relevance", help="relevance, newest, oldest or title.")
@click.option("--page", default="1", help="Page of results.")
@click.option("--json", "as_json", is_flag=True, help="Print the /search.json document.")
@INDEX
def search_cmd(text: str, date_from: str, date_to: str, sort: str, page: str, as_json: bool,
               index_dir: Path, **facets) -> None:
    """Search from the terminal, e.g. kb search "full cost recovery" --sector health."""
    from kb.search import IndexMissing, Library, QueryError, query_from_params
    from kb.web import results_context

    params = {"q": [text], "from": [date_from], "to": [date_to], "sort": [sort], "page": [page]}
    params.update({PARAM[f]: list(v) for f, v in facets.items()})
    try:
        library = Library(index_dir)
        query, _ = query_from_params(lambda name: params.get(name, []), library.taxonomy)
        ctx = results_context(library.search(query), "")
    except (IndexMissing, QueryError) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(ctx, ensure_ascii=False, indent=2))
        return
    click.echo(ctx["sentence"])
    if ctx["suggestion"]:
        click.echo(f"Did you mean: {ctx['suggestion']}")
    for n, hit in enumerate(ctx["results"], (query.page - 1) * query.page_size + 1):
        click.echo(f"\n{n}. {hit['title']}\n   {hit['url']}\n   {hit['summary']}")


@main.command()
@INDEX
@click.option("--host", default="127.0.0.1", show_default=True, envvar="HOST")
@click.option("--port", default=8080, show_default=True, type=int, envvar="PORT")
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads.")
def serve(index_dir: Path, host: str, port: int, threads: int) -> None:
    """Serve the web site and its JSON with waitress (run `kb build` first)."""
    import waitress

    from kb.search import IndexMissing
    from kb.web import create_app

    try:
        app = create_app(index_dir)
    except IndexMissing as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Serving Compact Practice on http://{host}:{port}/", err=True)
    waitress.serve(app, host=host, port=port, threads=threads, ident="compact-practice")


if __name__ == "__main__":
    main()
