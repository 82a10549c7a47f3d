from .base import *  # noqa: F403
from .base import MIDDLEWARE, env_bool

# The demo (`make run`) is what a newcomer sees first: a mistyped address must answer the
# federation's Chinese 404 page, not Django's English debug page listing every URL pattern.
# So DEBUG is off unless asked for (`DEBUG=true make run` while developing); errors still reach
# the console through the root logger (base.LOGGING).
DEBUG = env_bool("DEBUG", False)

# runserver serves no static files without DEBUG: WhiteNoise (as in production) serves them
# straight from the apps' and the project's static folders, without collectstatic.
MIDDLEWARE = [*MIDDLEWARE[:1], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Uploaded pictures and files of the demo are served by Django itself (cms/urls.py), as nginx
# serves them in production.
SERVE_MEDIA = True
