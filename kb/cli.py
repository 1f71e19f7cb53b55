"""The `kb` command: check, build, search and serve the Compact Practice knowledge base."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import click

from kb.build import BuildError, build
from kb.entry import Problem, github_annotation, near_miss
from kb.entry_links import entry_link_problems, link_problems_in
from kb.history import last_commits
from kb.publishing import (
    PLACEHOLDER,
    check_against,
    entry_schema,
    schema_problems,
    stale_entries,
    write_new_entry,
)
from kb.taxonomy import FACETS, FIELD, TaxonomyError, load_taxonomy, unread_taxonomy
from kb.validate import check_files, load_entries


def _find(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    """The entries folder or index as given; by default, found from any folder of the
    repository: the nearest folder up from here that has entries/taxonomy.yaml (or, inside the
    entries folder, that folder itself)."""
    if ctx.get_parameter_source(param.name) is not click.core.ParameterSource.DEFAULT:
        return value
    here = Path.cwd()
    for folder in (here, *here.parents):
        root = folder if (folder / "entries" / "taxonomy.yaml").exists() else \
            folder.parent if folder.name == "entries" and (folder / "taxonomy.yaml").exists() \
            else None
        if root is not None:  # relative, so messages and annotations name repository paths
            return Path(os.path.relpath(root / value))
    return value


ENTRIES = click.option("--entries", "entries_dir", type=click.Path(path_type=Path),
                       default="entries", envvar="KB_ENTRIES", show_default=True, callback=_find,
                       help="Folder of entry Markdown files and taxonomy.yaml (env KB_ENTRIES; "
                            "by default the repository's, found from any folder in it).")
INDEX = click.option("--index", "index_dir", type=click.Path(file_okay=False, path_type=Path),
                     default=".kb-index", envvar="KB_INDEX", show_default=True, callback=_find,
                     help="Folder of the search index (env KB_INDEX; by default at the "
                          "repository's root).")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="compact-practice", prog_name="kb")
def main() -> None:
    """Compact Practice: commissioning best practice between public bodies and the voluntary
    and community sector, searchable."""


def _taxonomy(entries_dir: Path, fmt: str = "text", unread_ok: bool = False):
    """The vocabularies; when taxonomy.yaml cannot be used, a stand-in taking any tag with
    `unread_ok`, else its problems, each at its line (in `fmt`), and exit 1."""
    if not (entries_dir / "taxonomy.yaml").exists():
        raise click.ClickException(
            f"{entries_dir.as_posix()}/taxonomy.yaml not found: run kb from the repository "
            "(any folder in it), or pass --entries DIR")
    try:
        return load_taxonomy(entries_dir / "taxonomy.yaml")
    except TaxonomyError as exc:
        if not exc.problems:
            raise click.ClickException(str(exc)) from None
        if unread_ok:
            return unread_taxonomy()
        _report(entries_dir, sorted(exc.problems), fmt)
        sys.exit(1)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@ENTRIES
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="Lines, a JSON list, or GitHub workflow annotations "
                                      "(::error file=PATH,line=N::message).")
@click.option("--against", "ref", metavar="GIT-REF",
              help="Also fail when an entry address or vocabulary term published at this git "
                   "revision (e.g. origin/main) no longer resolves.")
def check(files: tuple[Path, ...], entries_dir: Path, strict: bool, fmt: str,
          ref: str | None) -> None:
    """Validate the entries; print `path:line: error|warning: message` for each problem.

    With FILES, only those entries are validated (the rules across files still see every
    entry): what a pre-commit hook needs. With --against, warnings only on the files changed
    since. Exits 1 on an error (or, with --strict, a warning), else 0: warnings never stop
    publication. Prints nothing when all is well."""
    if not entries_dir.is_dir():
        raise click.ClickException(f"{entries_dir}: " + (
            "a file, not the entries folder: pass the folder as --entries DIR and the file "
            "after it" if entries_dir.is_file() else "no such folder; pass --entries DIR"))
    taxonomy = _taxonomy(entries_dir, fmt, unread_ok=True)  # if unreadable, tags wait for it
    unread = taxonomy.unread
    if files:
        problems = check_files(entries_dir, files, taxonomy, check_links=link_problems_in)
    else:  # every entry: the links between them too
        drafts, problems = load_entries(entries_dir, taxonomy, drafts=True)
        problems += entry_link_problems(entries_dir, drafts, taxonomy)
    problems += [] if unread else schema_problems(entries_dir, taxonomy)
    try:
        problems = check_against(entries_dir, ref, taxonomy, problems) if ref and not unread \
            else problems
    except ValueError as exc:  # the revision cannot be read (publishing.UnknownRef)
        raise click.ClickException(str(exc)) from None
    # errors before warnings, not buried; the vocabularies' first (an entry's unknown value
    problems.sort(key=lambda p: (p.severity != "error",  # may follow from them)
                                 p.path not in ("taxonomy.yaml", "synonyms.yaml"), p))
    _report(entries_dir, problems, fmt)
    errors = sum(p.severity == "error" for p in problems)
    rule = "--strict fails on warnings too" if strict else "only errors stop publication"
    if problems and fmt == "text":  # the tally last, where a terminal leaves it in view
        said = f"{errors} error(s), listed first, and" if errors else "no errors and"
        click.echo(f"kb check: {said} {len(problems) - errors} warning(s); {rule}", err=True)
    sys.exit(1 if errors or (problems and strict) else 0)


def _report(entries_dir: Path, problems: list[Problem], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps([{"path": (entries_dir / p.path).as_posix(), "line": p.line,
                                "severity": p.severity, "message": p.message}
                               for p in problems], indent=2))
    elif fmt == "github":
        for p in problems:
            click.echo(github_annotation((entries_dir / p.path).as_posix(), p))
    else:
        _echo_problems(entries_dir, problems)


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
    previous index is left in place and serving, and the command exits 1."""
    try:
        result = build(entries_dir, index_dir, full=full, check_links=link_problems_in)
    except BuildError as exc:
        _echo_problems(entries_dir, exc.problems, err=True)
        raise click.ClickException(str(exc)) from None
    except (TaxonomyError, OSError) as exc:  # or a folder it cannot read or write: which, why
        raise click.ClickException(str(exc)) from None
    # a warning about the whole folder (a shallow clone) last, in view, not among the files'
    _echo_problems(entries_dir, sorted(result.warnings, key=lambda p: not p.path), err=True)
    click.echo(f"indexed {result.entries} entries into {index_dir} ({result.reindexed} read: "
               f"{'changed' if result.incremental else 'all'}) in {result.seconds:.2f}s", err=True)


def allowed_values(facet: str) -> str:
    """'one of: a, b, c' from the repository's vocabularies, for --help (or where to look)."""
    for folder in (Path.cwd(), *Path.cwd().parents):
        for path in (folder / "entries" / "taxonomy.yaml", folder / "taxonomy.yaml"):
            try:
                return "one of: " + ", ".join(load_taxonomy(path)[facet].terms)
            except (TaxonomyError, OSError):  # none there, or none that reads: look further
                continue
    return "see entries/taxonomy.yaml"


def _facet_options(fn):
    for facet in reversed(FACETS):
        fn = click.option(f"--{facet}", FIELD[facet], multiple=True,
                          help=f"Only entries with this {facet}; repeat the option for "
                               f"several (any of them), {allowed_values(facet)}.")(fn)
    return fn


@main.command("search", context_settings={"ignore_unknown_options": True})
@click.argument("text", required=False, default="")
@_facet_options
@click.option("--from", "date_from", default="", help="On or after: 2010, April 2010, 1/4/2010.")
@click.option("--to", "date_to", default="", help="On or before (a year or month: to its end).")
@click.option("--sort", default="relevance", help="relevance, newest, oldest, added or title.")
@click.option("--page", default="1", help="Page of results.")
@click.option("--json", "as_json", is_flag=True, help="Print the /search.json document.")
@INDEX
def search_cmd(text: str, date_from: str, date_to: str, sort: str, page: str, as_json: bool,
               index_dir: Path, **facets) -> None:
    """Search from the terminal, e.g. kb search "full cost recovery" --sector health. (Words
    after '--' are never options: kb search -- "-hospices funding".)"""
    from kb.contexts import results_context
    from kb.library import IndexMissing, Library
    from kb.query import QueryError, query_from_params

    params = {"q": [text], "from": [date_from], "to": [date_to], "sort": [sort], "page": [page]}
    params.update({f: list(facets[FIELD[f]]) for f in FACETS})
    try:
        library = Library(index_dir)
        query, _ = query_from_params(lambda name: params.get(name, []), library.taxonomy)
        ctx = results_context(library.search(query), "")
    except (IndexMissing, QueryError) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(ctx, ensure_ascii=False, indent=2))
        return
    suggestion = ctx["suggestion"] and f"Did you mean: {ctx['suggestion']}?"
    click.echo("\n".join(filter(None, [ctx["sentence"], *ctx["notes"], suggestion])))
    for n, hit in enumerate(ctx["results"], (query.page - 1) * query.page_size + 1):
        click.echo(f"\n{n}. {hit['title']}\n   {hit['url']}\n   {hit['summary']}" + (
            "" if hit["matched"]["words"] else "\n   (here for a topic your words name)"))


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

    from kb.build import watch
    from kb.library import IndexMissing
    from kb.web import create_app, request_log

    stop, problems = threading.Event(), []
    if reload:
        def on_build(found):
            problems[:] = [{"where": f"{(entries_dir / p.path).as_posix()}:{p.line}",
                            "severity": p.severity, "message": p.message} for p in found]
            click.echo("\n".join(f"{p['where']}: {p['severity']}: {p['message']}"
                                 for p in problems) or "rebuilt the index", err=True)

        threading.Thread(target=watch, args=(entries_dir, index_dir, on_build, stop),
                         kwargs={"check_links": link_problems_in}, daemon=True).start()
        for _ in range(100):  # the first build, so that the app has an index to open
            if (index_dir / "current").exists() or any(
                    p["severity"] == "error" for p in problems):
                break
            stop.wait(0.1)
    try:
        app = create_app(index_dir)
    except (IndexMissing, ValueError) as exc:  # no index; KB_EMBED_ORIGINS not addresses
        raise click.ClickException(str(exc)) from None
    app.config["kb.build_problems"] = problems
    server = waitress.create_server(request_log(app), host=host, port=port, threads=threads,
                                    ident="compact-practice")

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # in-flight requests finish first
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
@click.option("--principle", "principles", multiple=True,
              help="A Compact principle to tag it with; repeat the option for several, "
                   f"{allowed_values('principle')}.")
@click.option("--sector", "sectors", multiple=True,
              help="A sector to tag it with; repeat the option for several, "
                   f"{allowed_values('sector')}.")
@click.option("--slug", default="", help="File name to use instead of one made from the title.")
def new(title: str, entries_dir: Path, principles: tuple, sectors: tuple, slug: str) -> None:
    """Start a new entry: writes entries/<slug>.md with the usual sections to fill in.

    Every '[Replace this: ...]' it writes must be replaced before kb check passes, so a draft
    cannot be published by accident. Refuses to overwrite a file or repeat a title."""
    taxonomy = _taxonomy(entries_dir)
    for facet, values in (("principle", principles), ("sector", sectors)):
        for value in values:
            if taxonomy[facet].resolve(value) is None:
                raise click.BadParameter(
                    f"unknown {facet} '{value}'{near_miss(value, taxonomy[facet].terms)}; "
                    f"allowed: {', '.join(taxonomy[facet].terms)}", param_hint=f"--{facet}")
    try:
        path = write_new_entry(entries_dir, title, slug, dt.date.today(), [
            taxonomy["principle"].resolve(p) for p in principles] or ["partnership-working"],
            [taxonomy["sector"].resolve(s) for s in sectors] or ["cross-sector"])
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    rel = Path(os.path.relpath(path)) if path.is_relative_to(Path.cwd()) else path
    where = f" --entries {entries_dir}" if click.get_current_context().get_parameter_source(
        "entries_dir") is click.core.ParameterSource.COMMANDLINE else ""
    click.echo(f"Wrote {rel.as_posix()}. Next:\n  1. Replace every '{PLACEHOLDER} ...]' in it "
               "with what your source says, and set the tags and the source's date.\n"
               f"  2. kb check{where} {rel.as_posix()}\n     lists what is left to do in it, "
               f"each with its line\n  3. kb serve --reload{where}\n     previews it at http://"
               f"127.0.0.1:8080/entries/{path.stem} once step 2 finds no error")


@main.command()
@ENTRIES
def schema(entries_dir: Path) -> None:
    """Print the JSON Schema of entry front matter, generated from taxonomy.yaml.

    The committed copy is entries/entry.schema.json: kb schema > entries/entry.schema.json"""
    click.echo(json.dumps(entry_schema(_taxonomy(entries_dir)), indent=2, ensure_ascii=False))


@main.command()
@INDEX
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json",
              show_default=True)
@click.option("--base-url", default="", envvar="KB_BASE_URL",
              help="Prefix for entry URLs (env KB_BASE_URL).")
def export(index_dir: Path, fmt: str, base_url: str) -> None:
    """Print every entry's metadata, newest first, as JSON or CSV (withdrawn: the day, if)."""
    from kb.formats import results_csv
    from kb.library import IndexMissing, Library
    from kb.links import BadBase, parse_base
    from kb.urls import entry_url

    try:
        parse_base(base_url)  # 'x.org' would write x.org/entries/...: no address
        records = Library(index_dir).records()
    except (IndexMissing, BadBase) as exc:
        raise click.ClickException(str(exc)) from None
    rows = [{**r, "url": base_url.rstrip("/") + entry_url(r["slug"])} for r in records]
    if fmt == "csv":
        click.echo(results_csv(rows, ("withdrawn",)), nl=False)
    else:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))


@main.command("links")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--base", default="", envvar="KB_BASE_URL", metavar="URL",
              help="The site's address, e.g. https://practice.example.org (env KB_BASE_URL): "
                   "links to it are checked, as are links starting with /.")
@INDEX
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Lines and a summary, or one JSON document.")
def links_cmd(files: tuple[Path, ...], base: str, index_dir: Path, fmt: str) -> None:
    """Check the links guidance documents make to the site, against the built index.

    Reads Markdown, HTML, plain text, Word (.docx) and PDF files. Prints `file:line: error:
    message` for each link to a missing entry, heading, term page or filter value, a bad date
    or an unknown address (a Word paragraph's number, or `page N` of a PDF, for the line),
    and a warning with the address to use for each old address that now redirects; then a
    summary. Exits 1 when a link is broken, 0 otherwise."""
    from kb.documents import DocumentError, UnsupportedFormat, read_links
    from kb.library import IndexMissing, Library
    from kb.links import BadBase, check_documents, format_findings

    try:
        documents = {path: read_links(path) for path in files}
        findings, summary = check_documents(Library(index_dir), documents, base)
    except (UnsupportedFormat, BadBase) as exc:
        raise click.UsageError(str(exc)) from None
    except (DocumentError, IndexMissing) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(format_findings(findings, summary, fmt))
    sys.exit(1 if summary["broken"] else 0)


@main.group()
def report() -> None:
    """Reports for editors."""


@report.command()
@ENTRIES
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Pretend today is this date (YYYY-MM-DD).")
def stale(entries_dir: Path, today) -> None:
    """List entries past review_by, or with none and not committed for two years."""
    entries, problems = load_entries(entries_dir, _taxonomy(entries_dir))
    for entry, reason in stale_entries(entries, today.date() if today else dt.date.today(),
                                       last_commits(entries_dir, [e.path for e in entries])):
        click.echo(f"{(entries_dir / entry.path).as_posix()}: {reason}")
    if broken := {p.path for p in problems if p.severity == "error"}:  # said, not dropped
        click.echo(f"{len(broken)} file(s) with errors not judged: kb check lists them", err=True)


if __name__ == "__main__":
    main()
