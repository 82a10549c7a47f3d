"""The purge side of the nginx recipe (deploy/nginx/): Wagtail's HTTP backend, sending
`PURGE <path>` with the page's host to nginx's cache_purge module."""

import logging
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

from django.utils.encoding import iri_to_uri
from wagtail.contrib.frontend_cache.backends.http import HTTPBackend, PurgeRequest

logger = logging.getLogger("wagtail.frontendcache")


class NginxPurgeBackend(HTTPBackend):
    """Two differences from HTTPBackend: page paths with Chinese slugs are percent-encoded
    (as browsers send them; nginx keys its cache on the decoded path), and 404 — the page was
    not in the cache — is not an error."""

    def __init__(self, params):
        self.timeout = params.pop("TIMEOUT", 5)
        super().__init__(params)

    def purge(self, url):
        parts = urlsplit(iri_to_uri(url))
        request = PurgeRequest(
            url=urlunsplit([self.cache_scheme, self.cache_netloc, parts.path, parts.query, ""]),
            headers={"Host": parts.netloc, "User-Agent": "Lianhe-frontendcache"},
        )
        try:
            with urlopen(request, timeout=self.timeout):  # noqa: S310 (scheme from settings)
                pass
        except HTTPError as error:
            if error.code != 404:
                logger.error("无法从前端缓存清除 %s：HTTP %d", url, error.code)
        except (URLError, OSError) as error:
            logger.error("无法从前端缓存清除 %s：%s", url, error)
