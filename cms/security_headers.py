"""Headers that Django's SecurityMiddleware does not send: a Permissions-Policy on every response,
and the Wagtail admin's own Content-Security-Policy.

The public site's policy (settings.CONTENT_SECURITY_POLICY, sent by django-csp) allows scripts
from this site only: its templates hold no inline script and no on* handler (the scripts are in
static/js). Wagtail's admin pages are not written for that (inline configuration scripts and
styles), so the admin gets a policy of its own, scoped to /admin/: same-origin sources, inline
allowed, nothing from other sites, no plugins, not framable by other sites. The Wagtail userbar on
a public page loads its scripts and styles from this site's static files, within the public
policy."""

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), browsing-topics=()"
)

ADMIN_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self'",
        "media-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)


class SecurityHeadersMiddleware:
    """Inside django-csp's middleware: a response that already has a policy keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.path_info.startswith(self.admin_prefix):
            response.setdefault("Content-Security-Policy", ADMIN_POLICY)
        return response
