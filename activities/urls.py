"""The activities' addresses outside the page tree and the admin, included at the site root by
`cms/urls.py` like every app's. None yet: the calendars and feeds are routes of the activity pages
(`cms.syndication.serve_page_file` serves their dotted addresses), the feeds' admin a viewset."""

urlpatterns = []
