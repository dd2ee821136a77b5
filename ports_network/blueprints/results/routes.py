"""Public results of the index: the ranking with rank intervals and pillar charts, the methodology page,
and the downloads (CSV, XLSX, data dictionary). Everything here is read from stored runs."""

import hashlib
from collections.abc import Callable

from flask import Response, abort, make_response, render_template, request, url_for
from flask_login import current_user

from ...i18n import current_locale
from ...security import authorize
from ...services import index_downloads, index_public
from ...services.index_downloads import Download
from . import bp

PUBLIC_MAX_AGE = 60


def _etag(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:32]


def _public_page(render: Callable[[], str], *identity: object) -> Response:
    """Render, unless an anonymous visitor already holds this page: a stored run never changes, so its
    id (with the language and the URL) names the page. Signed-in pages carry the person's menu: private."""
    if current_user.is_authenticated:
        response = make_response(render())
        response.cache_control.private = True
        response.cache_control.no_cache = True
        return response
    etag = _etag(request.path, current_locale(), *identity)
    response = Response(status=304) if request.if_none_match.contains(etag) else make_response(render())
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = PUBLIC_MAX_AGE
    response.vary.add("Accept-Language")
    return response


def _edition_page(version: str, period: str, editions: list[index_public.Edition]) -> Response:
    ranking = index_public.ranking(version, period, current_locale()) or abort(404)
    return _public_page(
        lambda: render_template(
            "results/edition.html",
            ranking=ranking,
            charts=index_public.pillar_charts(ranking),
            editions=editions,
        ),
        ranking.edition.run_id,
        tuple((edition.run_id, edition.period) for edition in editions),
        index_public.communities_changed_at(),  # a renamed community changes the page too
    )


@bp.get("/")
def index():
    """The newest published edition, with the list of every other one; a notice while none is published."""
    authorize("results.view")
    editions = index_public.published_editions()
    if not editions:
        return _public_page(lambda: render_template("results/empty.html"), None)
    return _edition_page(editions[0].version, editions[0].period, editions)


@bp.get("/<version>/<period>")
def edition(version: str, period: str):
    """The ranking of one methodology version and period, with rank intervals and a chart per pillar."""
    authorize("results.view")
    return _edition_page(version, period, index_public.published_editions())


@bp.get("/<version>/methodology")
def methodology(version: str):
    """The methodology of a version, generated from its stored document."""
    authorize("results.view")
    page = index_public.methodology_page(version, current_locale()) or abort(404)
    return _public_page(lambda: render_template("results/methodology.html", page=page), page.checksum)


def _send(download: Download | None) -> Response:
    """A download with its provenance in the headers: version, checksum, licence, dictionary."""
    if download is None:
        abort(404)
    response = Response(download.content, mimetype=download.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    response.headers["X-Methodology-Version"] = download.version
    response.headers["X-Methodology-Checksum"] = download.checksum
    response.headers["X-Licence"] = index_downloads.LICENCE
    dictionary = url_for(".download_dictionary", version=download.version)
    response.headers["Link"] = (
        f'<{index_downloads.LICENCE_URL}>; rel="license", <{dictionary}>; rel="describedby"'
    )
    response.set_etag(_etag(download.filename, download.run_id, current_locale()))
    response.cache_control.public = True
    response.cache_control.max_age = PUBLIC_MAX_AGE
    response.vary.add("Accept-Language")
    return response.make_conditional(request)


@bp.get("/<version>/<period>.csv")
def download_csv(version: str, period: str):
    """The ranking of an edition as CSV (licence and version in the file name and headers)."""
    authorize("results.view")
    return _send(index_downloads.results_csv(version, period, current_locale()))


@bp.get("/<version>/<period>.xlsx")
def download_xlsx(version: str, period: str):
    """The edition as a workbook: results, per-indicator scores, data dictionary, provenance and licence."""
    authorize("results.view")
    return _send(index_downloads.results_xlsx(version, period, current_locale()))


@bp.get("/<version>/dictionary.csv")
def download_dictionary(version: str):
    """The data dictionary of a version's downloads as CSV."""
    authorize("results.view")
    return _send(index_downloads.dictionary_csv(version, current_locale()))
