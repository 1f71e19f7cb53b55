"""The `kb` command: check, build, search and serve the Compact Practice knowledge base."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from kb.entry import Problem, slugify, suggest
from kb.index import BuildError, build
from kb.publishing import check_against, entry_schema, stale_entries
from kb.taxonomy import FACETS, PARAM, TaxonomyError, load_taxonomy
from kb.validate import load_entries

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

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
@click.option("--against", "ref", metavar="GIT-REF",
              help="Also fail when an entry address or vocabulary term published at this git "
                   "revision (e.g. origin/main) no longer resolves.")
def check(entries_dir: Path, strict: bool, fmt: str, ref: str | None) -> None:
    """Validate every entry; print `path:line: error|warning: message` for each problem.

    Exits 1 when there is an error (or, with --strict, a warning), 0 otherwise. Prints nothing
    when all is well.
    """
    if not entries_dir.is_dir():
        raise click.ClickException(f"{entries_dir}: no such folder; pass --entries DIR")
    taxonomy = _taxonomy(entries_dir)
    entries, problems = load_entries(entries_dir, taxonomy)
    if ref:
        problems = sorted(problems + check_against(entries_dir, ref, entries, taxonomy))
    if fmt == "json":
        click.echo(json.dumps([{"path": (entries_dir / p.path).as_posix(), "line": p.line,
                                "severity": p.severity, "message": p.message}
                               for p in problems], indent=2))
    else:
        _echo_problems(entries_dir, problems)
    failing = [p for p in problems if p.severity == "error" or strict]
    sys.exit(1 if failing else 0)


def _echo_problems(entries_dir: Path, problems: list[Problem], err: bool = False) -> None:
    for p in problems:
        click.echo(f"{(entries_dir / p.path).as_posix()}:{p.line}: {p.severity}: {p.message}",
                   err=err)


@main.command("build")
@ENTRIES
@INDEX
@click.option("--full", is_flag=True, help="Re-read and re-index every entry, not only the "
                                           "files changed since the last build.")
def build_cmd(entries_dir: Path, index_dir: Path, full: bool) -> None:
    """Validate the entries, build a new index generation and swap it in atomically.

    Only files changed since the last build are re-read and re-indexed. On any error the
    previous index is left in place and serving, and the command exits 1.
    """
    try:
        result = build(entries_dir, index_dir, full=full)
    except TaxonomyError as exc:
        raise click.ClickException(str(exc)) from None
    except BuildError as exc:
        _echo_problems(entries_dir, exc.problems, err=True)
        raise click.ClickException(str(exc)) from None
    _echo_problems(entries_dir, result.warnings, err=True)
    how = "changed" if result.incremental else "all"
    click.echo(f"indexed {result.entries} entries into {index_dir} ({result.reindexed} read: "
               f"{how}) in {result.seconds:.2f}s", err=True)


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
@ENTRIES
@INDEX
@click.option("--host", default="127.0.0.1", show_default=True, envvar="HOST")
@click.option("--port", default=8080, show_default=True, type=int, envvar="PORT")
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads.")
@click.option("--reload", is_flag=True,
              help="Watch the entries folder and rebuild on every save (live preview); a "
                   "broken edit keeps the last good index and shows its errors on every page.")
def serve(entries_dir: Path, index_dir: Path, host: str, port: int, threads: int,
          reload: bool) -> None:
    """Serve the web site and its JSON with waitress (run `kb build` first)."""
    import signal
    import threading

    import waitress

    from kb.index import watch
    from kb.search import IndexMissing
    from kb.web import create_app, request_log

    stop = threading.Event()
    problems: list = []
    if reload:
        def on_build(found):
            problems[:] = [f"{(entries_dir / p.path).as_posix()}:{p.line}: {p.severity}: "
                           f"{p.message}" for p in found]
            click.echo("\n".join(problems) or "rebuilt the index", err=True)

        threading.Thread(target=watch, args=(entries_dir, index_dir, on_build, stop),
                         daemon=True).start()
        for _ in range(100):  # the first build, so that the app has an index to open
            if (index_dir / "current").exists() or problems:
                break
            stop.wait(0.1)
    try:
        app = create_app(index_dir)
    except IndexMissing as exc:
        raise click.ClickException(str(exc)) from None
    app.config["kb.build_problems"] = problems
    server = waitress.create_server(request_log(app), host=host, port=port, threads=threads,
                                    ident="compact-practice")

    def stop_serving(signum, _frame):
        raise SystemExit(0)  # waitress finishes the requests in flight, then returns

    signal.signal(signal.SIGTERM, stop_serving)
    click.echo(f"Serving Compact Practice on http://{host}:{server.effective_port}/", err=True)
    try:
        server.run()
    finally:
        stop.set()
        server.close()
        click.echo("stopped", err=True)


@main.command()
@click.argument("title")
@ENTRIES
@click.option("--principle", "principles", multiple=True, help="A Compact principle slug.")
@click.option("--sector", "sectors", multiple=True, help="A sector slug.")
@click.option("--slug", default="", help="File name to use instead of one made from the title.")
def new(title: str, entries_dir: Path, principles: tuple, sectors: tuple, slug: str) -> None:
    """Start a new entry: writes entries/<slug>.md with today's date and the usual sections.

    Refuses to overwrite an existing file. Fill in the summary and tags, then run kb check.
    """
    import frontmatter

    taxonomy = _taxonomy(entries_dir)
    for facet, values in (("principles", principles), ("sectors", sectors)):
        for value in values:
            if taxonomy[facet].resolve(value) is None:
                raise click.BadParameter(
                    f"unknown {PARAM[facet]} '{value}'{suggest(value, taxonomy[facet].terms)}; "
                    f"allowed: {', '.join(taxonomy[facet].terms)}", param_hint=f"--{PARAM[facet]}")
    slug = slug or slugify(title)
    path = entries_dir / f"{slug}.md"
    if path.exists():
        raise click.ClickException(f"{path} already exists; choose another title or --slug")
    post = frontmatter.Post(
        (TEMPLATES / "new-entry.md").read_text(encoding="utf-8"),
        title=title,
        summary="One or two sentences for the results list (at most 300 characters).",
        principles=[taxonomy["principles"].resolve(p) for p in principles] or
        ["partnership-working"],
        sectors=[taxonomy["sectors"].resolve(s) for s in sectors] or ["cross-sector"],
        published=dt.date.today(),
    )
    path.write_text(frontmatter.dumps(post, sort_keys=False, default_flow_style=None) + "\n",
                    encoding="utf-8")
    click.echo(path.as_posix())


@main.command()
@ENTRIES
def schema(entries_dir: Path) -> None:
    """Print the JSON Schema of entry front matter, generated from taxonomy.yaml.

    The committed copy is entries/entry.schema.json: kb schema > entries/entry.schema.json
    """
    click.echo(json.dumps(entry_schema(_taxonomy(entries_dir)), indent=2, ensure_ascii=False))


@main.command()
@INDEX
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json",
              show_default=True)
@click.option("--base-url", default="", envvar="KB_BASE_URL",
              help="Prefix for entry URLs (env KB_BASE_URL).")
def export(index_dir: Path, fmt: str, base_url: str) -> None:
    """Print every published entry's metadata, newest first, as JSON or CSV."""
    from kb.search import IndexMissing, Library
    from kb.web import entry_url, results_csv

    try:
        records = Library(index_dir).records()
    except IndexMissing as exc:
        raise click.ClickException(str(exc)) from None
    rows = [{**r, "url": base_url.rstrip("/") + entry_url(r["slug"])} for r in records]
    if fmt == "csv":
        click.echo(results_csv(rows), nl=False)
    else:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))


@main.group()
def report() -> None:
    """Reports for editors."""


@report.command()
@ENTRIES
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Pretend today is this date (YYYY-MM-DD).")
def stale(entries_dir: Path, today) -> None:
    """List entries past their review_by date, or over two years old with none."""
    entries, _ = load_entries(entries_dir, _taxonomy(entries_dir))
    day = today.date() if today else dt.date.today()
    for entry, reason in stale_entries(entries, day):
        click.echo(f"{(entries_dir / entry.path).as_posix()}: {reason}")


if __name__ == "__main__":
    main()
