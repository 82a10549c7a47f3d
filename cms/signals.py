"""Signals between the apps, defined in `cms` because it is the one app they all know.

A source app sends; whoever listens (the monthly reports) acts. The sender never names the
listener, so data still flows one way (DESIGN.md)."""

from django.dispatch import Signal

# A change of the sender's model may have changed its linked entries (`cms.linked_entries`) on
# some days: a milestone moved, a nomination submitted, an activity published or moved. The
# sender says which days, read before and after the change (it stashes the old values itself):
#   dates: days (dates, or aware datetimes read in the site's time zone);
#   spans: (first day, last day or None) of sources that last several days, such as an activity
#          from July into September, which concerns every month it touches.
# The monthly reports listen and sync the reports of those days (`reports.signal_handlers`).
linked_entries_changed = Signal()


def send_linked_entries_changed(sender, dates=(), spans=()):
    """Send `linked_entries_changed` for the known days among `dates` and `spans`; nothing when
    none is known (a change that concerns no day)."""
    dates = [day for day in dates if day is not None]
    spans = [(start, end) for start, end in spans if start is not None]
    if dates or spans:
        linked_entries_changed.send(sender=sender, dates=dates, spans=spans)
