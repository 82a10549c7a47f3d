"""The checks of a video: the ISO-BMFF box structure of MP4 / QuickTime files, down to
`moov/mvhd` for the duration (`cms.upload_mp4`: box headers only, never the media data)."""

import math

from django.utils.translation import gettext as _

from campaigns.file_checks.rules import problem
from cms.upload_checks import DocumentRejected
from cms.upload_mp4 import mp4_duration_seconds


def check_video(rules, file, facts):
    try:
        seconds = mp4_duration_seconds(file)
    except DocumentRejected as exc:
        return [problem(rules, exc)]
    facts["duration_seconds"] = round(seconds, 3)
    limit = rules.max_video_minutes
    if limit is not None and seconds > limit * 60:
        return [
            _("%(file)s 时长 %(duration)s，超过 %(limit)s 分钟上限")
            % {"file": rules.code, "duration": _duration_text(seconds), "limit": f"{limit:g}"}
        ]
    return []


def _duration_text(seconds):
    # Rounded up, so that a video a fraction of a second too long never reads "12分0秒".
    minutes, seconds = divmod(math.ceil(seconds), 60)
    return _("%(minutes)d分%(seconds)d秒") % {"minutes": minutes, "seconds": seconds}
