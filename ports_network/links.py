"""Absolute links for mail and notifications, built from SITE_URL so they work in jobs and the CLI too."""

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for an endpoint on the canonical site (SITE_URL), with or without a request."""
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(site.netloc, script_name=site.path or "/", url_scheme=site.scheme)
    return adapter.build(endpoint, values, force_external=True)


def site_path(endpoint: str, **values) -> str:
    """A site-relative path for an endpoint, for links stored in the database."""
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(site.netloc, script_name=site.path or "/")
    return adapter.build(endpoint, values)
