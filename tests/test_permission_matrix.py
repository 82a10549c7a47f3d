"""The permission matrix: every person (the ten roles of `ROLES`, each role twice where it owns
something, so that one of them can try the other's ids) asks for every URL of the site and the
admin (`tests.permission_urls`: the URL resolver walked through every include, and every page type
and route of Wagtail's page serving), GET only, and gets the answer written in `TABLE`.

* A URL added later without a row fails `test_every_url_has_an_expected_answer`: "no expected
  answer for …". A row left behind by a removed URL fails it too.
* The world (`tests.permission_world`) holds each person's own objects beside another person's
  of the same kind; a URL about an object is asked once per object ("key @ target"), so the
  table says at once that applicant A reads A's nomination and gets 404 for B's (IDOR).
* Every body (the XML inside .docx and .xlsx files too) is searched for the distinctive strings of
  `SECRETS`: no response to someone outside a string's audience may contain it, whatever the
  status — a listing, a chooser, a confirmation page or a 404 page.
* Nothing changes: row counts and the states of nominations, rounds, sheets, pages, workflows,
  feeds and accounts are the same after the whole matrix as before it, and the page cache was not
  emptied (a state-changing view must refuse GET or only show a confirmation).

One test per person, all ten on one world built once for the module (`world`). Set
LIANHE_PERMISSION_MATRIX_DUMP=/some/file to write the answers observed when changing the
table."""

import contextlib
import io
import json
import logging
import os
import re
import sys
import zipfile
from urllib.parse import urlsplit

import pytest
from django.core.cache import caches
from django.db import transaction
from django.template.base import Template
from django.test import Client
from django.test.utils import _TestState
from django.urls import resolve

from tests.permission_snapshot import snapshot
from tests.permission_urls import SERVE, all_keys, concrete, patterns
from tests.permission_world import COLUMNS, SECRETS, build

pytestmark = pytest.mark.matrix

# Answers (a cell may also list several, separated by "|"):
#   OK     200 (206 for a range)               LOGIN  a redirect to a sign-in page
#   DENY   403, or the admin's "no permission" redirect to the dashboard
#   404    not found — the answer for other people's objects, so that ids are not confirmed
#   405    method not allowed (a view that changes something refuses GET)
#   MOVED  any other redirect                  BAD    400
#   NO     refused in any of these ways: LOGIN, DENY or 404 (where the form of the refusal is
#          not the point and is being settled elsewhere)
#   ERROR  500 — only Wagtail's own error test page (admin/failwhale/) raises on purpose
#   SHADOW the URL is answered by another row's view (a project view in front of Wagtail's)
# Rows: "key" (every target) or "key @ target"; Wagtail's own families may use a wildcard key
# ("wagtailsites:*"), more specific rows win. Columns: `tests.permission_world.ROLES`.
TABLE = """
# URL @ target                                             anon   appA   appB   expA   expB   socA   socB   editor secgen super

# --- the admin: the project's own views in front of Wagtail's
lianhe_report_locked                                       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   OK     OK
lianhe_report_locked_results                               LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   OK     OK
lianhe_report_workflow                                     LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
lianhe_report_workflow_results                             LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
lianhe_report_workflow_tasks                               LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
lianhe_report_workflow_tasks_results                       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
lianhe_report_site_history                                 LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
lianhe_report_site_history_results                         LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
lianhe_report_aging_pages                                  LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
lianhe_report_aging_pages_results                          LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
lianhe_report_page_types_usage                             LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
lianhe_report_page_types_usage_results                     LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
lianhe_cache_index                                         LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
lianhe_cache_clear                                         LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  405    405    405    405    405
wagtailadmin_pages_search_cn                               LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_pages_search_results_cn                       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailimages_select_format_permitted @ image_a            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   DENY   DENY   OK
wagtailimages_select_format_permitted @ image_b            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     DENY   DENY   OK
wagtailadmin_logout_post_only                              405    405    405    405    405    405    405    405    405    405

# --- the admin: Wagtail's views
wagtailadmin_home                                          LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
admin/test404/                                             LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_api:pages:listing                             LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_api:pages:detail @ news_live                  LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    404    OK     OK     OK
wagtailadmin_api:pages:detail @ news_draft                 LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    404    OK     OK     OK
wagtailadmin_api:pages:detail @ report_private             LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    404    OK     OK     OK
wagtailadmin_api:pages:detail @ activity_b                 LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    OK     OK     OK     OK
wagtailadmin_api:pages:find                                LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    404    404    404    404
wagtailadmin_api:pages:action                              LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  405    405    405    405    405
wagtailadmin_api:documents:listing                         LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_api:documents:detail                          LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    404    404    404    OK
wagtailadmin_api:documents:find                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    404    404    404    404
wagtailadmin_api:images:listing                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_api:images:detail @ image_a                   LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     404    404    404    OK
wagtailadmin_api:images:detail @ image_b                   LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    OK     404    404    OK
wagtailadmin_api:images:find                               LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    404    404    404    404
wagtailadmin_error_test                                    LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  ERROR  ERROR  ERROR  ERROR  ERROR

# pages: society A's draft, society B's, the office's news draft (all three in moderation);
# their parents: society A's area, society B's, the news index
wagtailadmin_explore_root                                  LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  MOVED  MOVED  MOVED  MOVED  OK
wagtailadmin_explore @ area_a                              LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     MOVED  OK     OK     OK
wagtailadmin_explore @ area_b                              LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  MOVED  OK     OK     OK     OK
wagtailadmin_explore @ news_index                          LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  MOVED  MOVED  OK     OK     OK
wagtailadmin_explore_results @ area_a                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     MOVED  OK     OK     OK
wagtailadmin_explore_results @ area_b                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  MOVED  OK     OK     OK     OK
wagtailadmin_explore_results @ news_index                  LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  MOVED  MOVED  OK     OK     OK
wagtail_bulk_action @ page:activity_a                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtail_bulk_action @ page:activity_b                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtail_bulk_action @ page:news_draft                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtail_bulk_action @ image:image_a                        LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtail_bulk_action @ image:image_b                        LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtail_bulk_action @ document                             LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtail_bulk_action @ user:appB                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   OK
wagtail_bulk_action @ snippet:society_b                    LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_pages:add @ area_a                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
wagtailadmin_pages:add @ area_b                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
wagtailadmin_pages:add @ news_index                        LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:preview_on_add @ area_a                 LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
wagtailadmin_pages:preview_on_add @ area_b                 LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
wagtailadmin_pages:preview_on_add @ news_index             LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:type_use                                LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_pages:choose_parent                           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  MOVED  MOVED  OK     OK     OK
wagtailadmin_pages:type_use_results                        LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_pages:usage @ activity_a                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
wagtailadmin_pages:usage @ activity_b                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
wagtailadmin_pages:usage @ news_draft                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:edit @ activity_a                       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
wagtailadmin_pages:edit @ activity_b                       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
wagtailadmin_pages:edit @ news_draft                       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:preview_on_edit @ activity_a            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
wagtailadmin_pages:preview_on_edit @ activity_b            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
wagtailadmin_pages:preview_on_edit @ news_draft            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:view_draft @ activity_a                 LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
wagtailadmin_pages:view_draft @ activity_b                 LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
wagtailadmin_pages:view_draft @ news_draft                 LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:add_subpage @ area_a                    LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  MOVED  DENY   MOVED  MOVED  MOVED
wagtailadmin_pages:add_subpage @ area_b                    LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   MOVED  MOVED  MOVED  MOVED
wagtailadmin_pages:add_subpage @ news_index                LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   MOVED  MOVED  MOVED
wagtailadmin_pages:delete @ activity_a                     LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
wagtailadmin_pages:delete @ activity_b                     LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
wagtailadmin_pages:delete @ news_draft                     LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:unpublish                               LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   DENY
wagtailadmin_pages:convert_alias                           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    404    404    404    404
wagtailadmin_pages:search                                  SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW
wagtailadmin_pages:search_results                          SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW
wagtailadmin_pages:move @ activity_a                       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
wagtailadmin_pages:move @ activity_b                       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
wagtailadmin_pages:move @ news_draft                       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:move_confirm @ activity_a               LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:move_confirm @ activity_b               LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:move_confirm @ news_draft               LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   DENY
wagtailadmin_pages:set_page_position @ activity_a          LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:set_page_position @ activity_b          LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:set_page_position @ news_draft          LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   OK     OK
wagtailadmin_pages:copy @ activity_a                       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
wagtailadmin_pages:copy @ activity_b                       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
wagtailadmin_pages:copy @ news_draft                       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:workflow_action @ activity_a            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     DENY   OK
wagtailadmin_pages:workflow_action @ activity_b            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     DENY   OK
wagtailadmin_pages:workflow_action @ news_draft            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   OK     OK
wagtailadmin_pages:collect_workflow_action_data @ activity_a LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     DENY   OK
wagtailadmin_pages:collect_workflow_action_data @ activity_b LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     DENY   OK
wagtailadmin_pages:collect_workflow_action_data @ news_draft LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   OK     OK
wagtailadmin_pages:confirm_workflow_cancellation           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_pages:workflow_preview @ activity_a           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     DENY   OK
wagtailadmin_pages:workflow_preview @ activity_b           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     DENY   OK
wagtailadmin_pages:workflow_preview @ news_draft           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   OK     OK
wagtailadmin_pages:set_privacy @ activity_a                LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:set_privacy @ activity_b                LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:set_privacy @ news_draft                LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   OK     OK
wagtailadmin_pages:lock                                    LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  405    405    405    405    405
wagtailadmin_pages:unlock                                  LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  405    405    405    405    405
wagtailadmin_pages:revisions_index                         LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  MOVED  MOVED  MOVED  MOVED  MOVED
wagtailadmin_pages:revisions_view @ activity_a             LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
wagtailadmin_pages:revisions_view @ activity_b             LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
wagtailadmin_pages:revisions_view @ news_draft             LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:revisions_revert @ activity_a           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
wagtailadmin_pages:revisions_revert @ activity_b           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
wagtailadmin_pages:revisions_revert @ news_draft           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:revisions_unschedule @ activity_a       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:revisions_unschedule @ activity_b       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:revisions_unschedule @ news_draft       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   OK     OK
wagtailadmin_pages:revisions_compare @ activity_a          LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
wagtailadmin_pages:revisions_compare @ activity_b          LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
wagtailadmin_pages:revisions_compare @ news_draft          LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:workflow_history @ activity_a           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
wagtailadmin_pages:workflow_history @ activity_b           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
wagtailadmin_pages:workflow_history @ news_draft           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:workflow_history_detail @ activity_a    LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
wagtailadmin_pages:workflow_history_detail @ activity_b    LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
wagtailadmin_pages:workflow_history_detail @ news_draft    LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:history @ activity_a                    LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
wagtailadmin_pages:history @ activity_b                    LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
wagtailadmin_pages:history @ news_draft                    LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_pages:history_results @ activity_a            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
wagtailadmin_pages:history_results @ activity_b            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
wagtailadmin_pages:history_results @ news_draft            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailadmin_choose_page                                   LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_choose_page_child                             LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_choose_page_search                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_choose_page_chosen_multiple                   LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_choose_page_external_link                     LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_choose_page_email_link                        LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_choose_page_phone_link                        LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_choose_page_anchor_link                       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_tag_autocomplete                              LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_tag_model_autocomplete                        LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    404    404    404    404

# Wagtail's other families
wagtailadmin_collections:*                                 LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   OK
wagtailadmin_collections:delete                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    404    404    404    OK
wagtailadmin_workflows:*                                   LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   OK
wagtailadmin_workflows:enable                              LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  405    405    405    405    405
wagtailadmin_workflows:remove[page_pk]                     LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  405    405    405    405    405
wagtailadmin_workflows:remove[page_pk,workflow_pk]         LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  405    405    405    405    405
wagtailadmin_workflows:select_task_type                    LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   MOVED
wagtailadmin_workflows:enable_task                         LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  405    405    405    405    405
wagtailadmin_workflows:task_chooser                        LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_workflows:task_chooser_results                LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_workflows:task_chooser_create                 LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_workflows:task_chosen                         LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_reports:locked_pages                          SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW
wagtailadmin_reports:locked_pages_results                  SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW
wagtailadmin_reports:workflow                              SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW
wagtailadmin_reports:workflow_results                      SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW
wagtailadmin_reports:workflow_tasks                        SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW
wagtailadmin_reports:workflow_tasks_results                SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW
wagtailadmin_reports:site_history                          SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW
wagtailadmin_reports:site_history_results                  SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW
wagtailadmin_reports:aging_pages                           SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW
wagtailadmin_reports:aging_pages_results                   SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW
wagtailadmin_reports:page_types_usage                      SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW
wagtailadmin_reports:page_types_usage_results              SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW
wagtailadmin_account                                       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_logout                                        SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW
wagtailadmin_dismissibles                                  LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailadmin_editing_sessions:ping                         LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  405    405    405    405    405
wagtailadmin_editing_sessions:release                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  405    405    405    405    405
wagtailadmin_block_preview                                 LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    404    404    404    404

# the apps' admin views
reports_discard_source_changes                             LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
reports_word_draft                                         LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
campaign_ranking:index                                     LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
cms_admin_notifications                                    LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
outbox:index                                               LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
outbox:index_results                                       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
outbox:inspect                                             LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   NO     NO     NO
campaign_ranking:ranking @ open_round                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
campaign_ranking:ranking @ closed_round                    LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
campaign_ranking:ranking @ final_confirmed                 LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK  # its chair's account deleted: was a 500
# amending a score: the office, a submitted sheet only (expert A's is still a draft)
campaign_ranking:amend @ submitted_b                       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
campaign_ranking:amend @ draft_a                           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   DENY
campaign_ranking:close                                     LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  405    405    405    405    405
campaign_ranking:xlsx                                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
campaign_ranking:csv                                       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
campaign_ranking:docx                                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
campaigns_publish_showcase                                 LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK

# Wagtail's forms, redirects, settings, snippets, documents, images, cache
wagtailforms:index                                         LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailforms:index_results                                 LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailforms:list_submissions                              LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    404    404    404    404
wagtailforms:list_submissions_results                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    404    404    404    404
wagtailforms:delete_submissions                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   DENY
wagtailredirects:*                                         LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   OK
wagtailredirects:process_import                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   405
wagtailsettings:edit[app_name,model_name]                  LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   MOVED  MOVED  MOVED
wagtailsettings:edit[app_name,model_name,pk]               LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailsettings:preview_on_edit                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   404    404    404
wagtailembeds:chooser                                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailembeds:chooser_upload                               LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailsnippets:index                                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   DENY
wagtaildocs:*                                              LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   OK
wagtaildocs:edit_multiple                                  LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  405    405    405    405    405
wagtaildocs:create_multiple_from_uploaded_document         LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  405    405    405    405    405
wagtaildocs:delete_multiple                                LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  405    405    405    405    405
wagtaildocs:delete_upload_multiple                         LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  405    405    405    405    405
wagtailimages:*                                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     DENY   DENY   OK
wagtailimages:edit @ image_a                               LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   DENY   DENY   OK
wagtailimages:edit @ image_b                               LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     DENY   DENY   OK
wagtailimages:delete @ image_a                             LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   DENY   DENY   OK
wagtailimages:delete @ image_b                             LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     DENY   DENY   OK
wagtailimages:url_generator                                LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    404    404    404    404
wagtailimages:url_generator_output                         LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    404    404    404    404
wagtailimages:preview @ image_a                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   DENY   DENY   OK
wagtailimages:preview @ image_b                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     DENY   DENY   OK
wagtailimages:image_usage @ image_a                        LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   DENY   DENY   OK
wagtailimages:image_usage @ image_b                        LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     DENY   DENY   OK
wagtailimages:edit_multiple                                LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  405    405    405    405    405
wagtailimages:create_multiple_from_uploaded_image          LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  405    405    405    405    405
wagtailimages:delete_multiple                              LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  405    405    405    405    405
wagtailimages:delete_upload_multiple                       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  405    405    405    405    405
wagtailcache_admin:index                                   SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW
wagtailcache_admin:clearcache                              SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW
wagtailsnippets_cms_membersociety:*                        LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailsnippets_cms_membersociety:delete                   LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   OK
wagtailsnippetchoosers_cms_membersociety:*                 LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailsnippetchoosers_cms_membersociety:create            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailsnippets_cms_workstream:*                           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
wagtailsnippets_cms_workstream:delete                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   OK
wagtailsnippetchoosers_cms_workstream:*                    LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailsnippetchoosers_cms_workstream:create               LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK

# the apps' viewsets
publicnotice:index                                         LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
publicnotice:index_results                                 LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
publicnotice:add                                           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
objection:index                                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
objection:index_results                                    LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
objection:inspect                                          LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    404    OK     OK     OK
milestone:index                                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
milestone:index_results                                    LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
milestone:add                                              LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
milestone:edit                                             LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
milestone:delete                                           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
milestone:history                                          LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
milestone:history_results                                  LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
milestone:usage                                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
nomination:index                                           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
nomination:index_results                                   LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
nomination:inspect @ nomination_a                          LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     404    OK     OK     OK
nomination:inspect @ nomination_b                          LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    OK     OK     OK     OK
nomination:inspect @ draft_a                               LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    404    OK     OK     OK
nomination:inspect @ review_one                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    404    OK     OK     OK
reviewround:index                                          LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
reviewround:index_results                                  LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
reviewround:add                                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
reviewround:edit                                           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
reviewround:delete @ draft_round                           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
reviewround:delete @ open_round                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   DENY
reviewround:delete @ closed_round                          LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   DENY
reviewround:delete @ final_confirmed                       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   DENY
reviewround:history                                        LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
reviewround:history_results                                LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
reviewround:usage                                          LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
reviewround:inspect                                        LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
reviewround:open                                           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
panelmember:index                                          LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
panelmember:index_results                                  LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
panelmember:add                                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
panelmember:edit                                           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
panelmember:delete @ draft_round                           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
panelmember:delete @ open_round                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   DENY
panelmember:history                                        LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
panelmember:history_results                                LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
panelmember:usage                                          LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
justificationrule:index                                    LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
justificationrule:index_results                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
justificationrule:add                                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
justificationrule:edit                                     LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
justificationrule:delete @ draft_round                     LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
justificationrule:delete @ open_round                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   DENY
justificationrule:history                                  LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
justificationrule:history_results                          LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
justificationrule:usage                                    LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   OK     OK     OK
activities_feed:index                                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
activities_feed:index_results                              LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
activities_feed:add                                        LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
activities_feed:edit @ feed_a                              LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
activities_feed:edit @ feed_b                              LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
activities_feed:delete @ feed_a                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
activities_feed:delete @ feed_b                            LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
activities_feed:history @ feed_a                           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
activities_feed:history @ feed_b                           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
activities_feed:history_results @ feed_a                   LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
activities_feed:history_results @ feed_b                   LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
activities_feed:usage @ feed_a                             LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
activities_feed:usage @ feed_b                             LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
activities_feed:inspect @ feed_a                           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   OK     OK     OK
activities_feed:inspect @ feed_b                           LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     OK     OK     OK
activities_feed:fetch                                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  405    405    405    405    405
activities_feed:import_opml                                LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK

# Wagtail's settings, people and choosers
wagtailsites:*                                             LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   OK
wagtailusers_users:*                                       LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   OK
wagtailusers_groups:*                                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   OK
wagtaildocs_chooser:*                                      LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtaildocs_chooser:chosen                                 LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   OK
wagtaildocs_chooser:create                                 LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   DENY   DENY   DENY   OK
wagtailimages_chooser:*                                    LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     OK     OK     OK
wagtailimages_chooser:chosen @ image_a                     LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     DENY   DENY   DENY   OK
wagtailimages_chooser:chosen @ image_b                     LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  DENY   OK     DENY   DENY   OK
wagtailimages_chooser:create                               LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  OK     OK     DENY   DENY   OK
wagtailimages_chooser:select_format                        SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW SHADOW

# the admin's sign-in and its assets
wagtailadmin_sprite                                        OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
wagtailadmin_login                                         OK     OK     OK     OK     OK     MOVED  MOVED  MOVED  MOVED  MOVED
wagtailadmin_password_reset                                OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
wagtailadmin_password_reset_done                           OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
wagtailadmin_password_reset_confirm                        OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
wagtailadmin_password_reset_complete                       OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
wagtailadmin_javascript_catalog                            OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
admin/^.*/$                                                LOGIN  LOGIN  LOGIN  LOGIN  LOGIN  404    404    404    404    404

# --- the site
wagtailapi:pages:listing                                   OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
wagtailapi:pages:detail @ news_live                        OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
wagtailapi:pages:detail @ news_draft                       404    404    404    404    404    404    404    404    404    404
wagtailapi:pages:detail @ report_private                   404    404    404    404    404    404    404    404    404    404
wagtailapi:pages:find @ news_live                          MOVED  MOVED  MOVED  MOVED  MOVED  MOVED  MOVED  MOVED  MOVED  MOVED
wagtailapi:pages:find @ report_private                     404    404    404    404    404    404    404    404    404    404
wagtailapi:images:listing                                  OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
wagtailapi:images:detail                                   404    404    404    404    404    404    404    404    404    404
wagtailapi:images:find                                     404    404    404    404    404    404    404    404    404    404
search                                                     OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
wagtaildocs_serve                                          OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
wagtaildocs_authenticate_with_password                     404    404    404    404    404    404    404    404    404    404
login                                                      OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
logout                                                     405    405    405    405    405    405    405    405    405    405
register                                                   OK     MOVED  MOVED  MOVED  MOVED  MOVED  MOVED  MOVED  MOVED  MOVED
verify_email_sent                                          LOGIN  OK     OK     OK     OK     OK     OK     OK     OK     OK
resend_verification                                        LOGIN  405    405    405    405    405    405    405    405    405
verify_email                                               BAD    BAD    BAD    BAD    BAD    BAD    BAD    BAD    BAD    BAD
my_nominations                                             LOGIN  OK     OK     OK     OK     OK     OK     OK     OK     OK
# a submitted nomination's receipt: whoever may see the nomination; a draft has none yet
nomination_receipt @ nomination_a                          LOGIN  OK     404    404    404    OK     404    OK     OK     OK
nomination_receipt @ nomination_b                          LOGIN  404    OK     404    404    404    OK     OK     OK     OK
nomination_receipt @ draft_a                               LOGIN  404    404    404    404    404    404    404    404    404
notifications:inbox                                        LOGIN  OK     OK     OK     OK     OK     OK     OK     OK     OK
notifications:read                                         LOGIN  405    405    405    405    405    405    405    405    405
notifications:read_all                                     LOGIN  405    405    405    405    405    405    405    405    405
notifications:preferences                                  LOGIN  OK     OK     OK     OK     OK     OK     OK     OK     OK
notifications:unsubscribe                                  BAD    BAD    BAD    BAD    BAD    BAD    BAD    BAD    BAD    BAD

# the experts' pages: the open round (both experts; expert A chairs it and is excluded from review_two),
# the closed round (waiting for its chair, expert A), the confirmed final round (its chair's account deleted)
review:home                                                LOGIN  DENY   DENY   OK     OK     DENY   DENY   DENY   DENY   DENY
review:sheet @ review_one                                  LOGIN  DENY   DENY   OK     OK     DENY   DENY   DENY   DENY   DENY
review:sheet @ review_two                                  LOGIN  DENY   DENY   404    OK     DENY   DENY   DENY   DENY   DENY
review:sheet @ review_three                                LOGIN  DENY   DENY   OK     OK     DENY   DENY   DENY   DENY   DENY
review:sheet @ nomination_a                                LOGIN  DENY   DENY   404    404    DENY   DENY   DENY   DENY   DENY
review:conflict                                            LOGIN  405    405    405    405    405    405    405    405    405
round_confirm @ open_round                                 LOGIN  NO     NO     404    NO     NO     NO     OK     OK     OK  # the chair's page exists once the office has closed the round
round_confirm @ closed_round                               LOGIN  NO     NO     OK     NO     NO     NO     OK     OK     OK
round_confirm @ final_confirmed                            LOGIN  NO     NO     NO     NO     NO     NO     OK     OK     OK  # its chair's account deleted: was a 500
round_result_docx @ open_round                             LOGIN  DENY   DENY   NO     DENY   DENY   DENY   OK     OK     OK  # not the chair's before the office closes
round_result_docx @ closed_round                           LOGIN  DENY   DENY   OK     DENY   DENY   DENY   OK     OK     OK
round_result_docx @ final_confirmed                        LOGIN  DENY   DENY   DENY   DENY   DENY   DENY   OK     OK     OK
report_docx @ report_public                                OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
report_docx @ report_private                               LOGIN  NO     NO     NO     NO     OK     OK     OK     OK     OK
report_docx @ report_draft                                 404    404    404    404    404    404    404    OK     OK     OK
page_file                                                  OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
wagtailcore_authenticate_with_password                     OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
wagtailcore_login                                          OK     OK     OK     OK     OK     OK     OK     OK     OK     OK

# --- Wagtail's page serving: a page of every type, every route of the routable ones
wagtail_serve (no page)                                    404    404    404    404    404    404    404    404    404    404
page cms.HomePage                                          OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page cms.StandardPage                                      OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page cms.NewsIndexPage                                     OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page cms.NewsIndexPage:rss                                 OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page cms.NewsIndexPage:atom                                OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page cms.NewsPage @ news_live                              OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page cms.NewsPage @ news_draft                             404    404    404    404    404    404    404    404    404    404
page reports.ReportIndexPage                               OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page reports.MonthlyReportPage @ report_public             OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page reports.MonthlyReportPage @ report_private            LOGIN  NO     NO     NO     NO     OK     OK     OK     OK     OK
page reports.MonthlyReportPage @ report_draft              404    404    404    404    404    404    404    404    404    404
page campaigns.CampaignIndexPage                           OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page campaigns.CampaignIndexPage:milestones_ical           OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page campaigns.CampaignPage                                OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page campaigns.CampaignPage:form_template                  OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page campaigns.CampaignPage:apply                          LOGIN  OK     OK     DENY   DENY   DENY   DENY   DENY   DENY   DENY
page campaigns.CampaignPage:apply_upload                   DENY   405    405    405    405    405    405    405    405    405
page campaigns.CampaignPage:nomination_upload              DENY   405    405    405    405    405    405    405    405    405
page campaigns.CampaignPage:delete_nomination @ nomination_a LOGIN  DENY   404    404    404    404    404    404    404    404
page campaigns.CampaignPage:delete_nomination @ nomination_b LOGIN  404    DENY   404    404    404    404    404    404    404
page campaigns.CampaignPage:delete_nomination @ draft_a    LOGIN  OK     404    404    404    404    404    404    404    404
page campaigns.CampaignPage:nomination @ nomination_a      LOGIN  OK     404    404    404    404    404    404    404    404
page campaigns.CampaignPage:nomination @ nomination_b      LOGIN  404    OK     404    404    404    404    404    404    404
page campaigns.CampaignPage:nomination @ draft_a           LOGIN  OK     404    404    404    404    404    404    404    404
page campaigns.CampaignPage:withdraw_nomination @ nomination_a LOGIN  MOVED  404    404    404    404    404    404    404    404
page campaigns.CampaignPage:withdraw_nomination @ nomination_b LOGIN  404    MOVED  404    404    404    404    404    404    404
page campaigns.CampaignPage:withdraw_nomination @ draft_a  LOGIN  MOVED  404    404    404    404    404    404    404    404
page campaigns.CampaignPage:nomination_file @ nomination_a LOGIN  OK     404    404    404    OK     404    OK     OK     OK
page campaigns.CampaignPage:nomination_file @ nomination_b LOGIN  404    OK     404    404    404    OK     OK     OK     OK
page campaigns.CampaignPage:nomination_file @ draft_a      LOGIN  OK     404    404    404    404    404    OK     OK     OK
page campaigns.CampaignPage:nomination_file @ review_one   LOGIN  404    404    OK     OK     404    404    OK     OK     OK
page campaigns.CampaignPage:nomination_file @ review_two   LOGIN  404    404    404    OK     404    404    OK     OK     OK
page campaigns.CampaignPage:notice                         OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page campaigns.CampaignPage:objection                      LOGIN  OK     OK     DENY   DENY   OK     OK     DENY   DENY   DENY
page campaigns.CampaignPage:objection_attachment           LOGIN  OK     404    404    404    404    404    OK     OK     OK
page campaigns.ShowcaseIndexPage                           OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page campaigns.ShowcaseYearPage                            OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page campaigns.AchievementPage                             OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page activities.ActivitiesIndexPage                        OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page activities.ActivitiesIndexPage:calendar               OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page activities.ActivitiesIndexPage:calendar_month         OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page activities.ActivitiesIndexPage:rss                    OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page activities.ActivitiesIndexPage:atom                   OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page activities.ActivitiesIndexPage:ical                   OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page activities.SocietyActivitiesPage                      OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page activities.ActivityPage @ activity_live               OK     OK     OK     OK     OK     OK     OK     OK     OK     OK
page activities.ActivityPage @ activity_a                  404    404    404    404    404    404    404    404    404    404
"""

CODES = {"OK", "LOGIN", "DENY", "404", "405", "MOVED", "BAD", "NO", "ERROR", "SHADOW"}
REFUSED = {"LOGIN", "DENY", "404"}
SIGN_IN = ("/accounts/login/", "/admin/login/", "/_util/login/")


def parse(table):
    """{row: [code per column]} from the table's text."""
    rows = {}
    for line in table.splitlines():
        line = line.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        row, *codes = line.rsplit(None, len(COLUMNS))
        row = row.strip()
        assert len(codes) == len(COLUMNS), f"{row}: {len(codes)} answers for {len(COLUMNS)}"
        for code in codes:
            assert set(code.split("|")) <= CODES, f"{row}: unknown answer {code}"
        assert row not in rows, f"{row}: two rows"
        rows[row] = codes
    return rows


EXPECTED = parse(TABLE)


def is_family(row):
    return row.endswith(":*")


def expected_for(key, target):
    """The row that gives the answers for `key` about `target`, or None: "key @ target", else
    "key", else the family "namespace:*" the key is in."""
    for row in (f"{key} @ {target}", key):
        if row in EXPECTED:
            return row
    family = f"{key.rsplit(':', 1)[0]}:*"
    return family if ":" in key and family in EXPECTED else None


def classify(response):
    code = response.status_code
    if code in (200, 206):
        return "OK"
    if code in (301, 302, 303, 307, 308):
        location = urlsplit(response["Location"]).path
        if location.endswith(SIGN_IN):
            return "LOGIN"
        storage = getattr(response.wsgi_request, "_messages", None)
        queued = getattr(storage, "_queued_messages", [])
        if location == "/admin/" and any(message.level >= 40 for message in queued):
            return "DENY"  # Wagtail's permission_denied(): an error message and the dashboard
        return "MOVED"
    return {400: "BAD", 403: "DENY", 404: "404", 405: "405", 500: "ERROR"}.get(code, str(code))


def matches(observed, expected):
    allowed = set(expected.split("|"))
    if "NO" in allowed:
        allowed |= REFUSED
    return observed in allowed


def text_of(response):
    """Everything a response tells: its body, the XML inside a .docx or .xlsx, JSON decoded."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
    text = data.decode("utf-8", "replace")
    if "\\u" in text:
        with contextlib.suppress(ValueError):
            text += json.dumps(json.loads(text), ensure_ascii=False)
    return text


def shadowed(key, url):
    """Whether `url` (made from the pattern `key`) is answered by another pattern."""
    item = patterns()[key]
    match = resolve(urlsplit(url).path)
    if item.name:
        return match.view_name != item.name
    return match.route != item.route


# --- the table's own checks (no database) -----------------------------------------------------


def test_every_url_has_an_expected_answer():
    keys = all_keys()
    missing = [
        key
        for key in keys
        if expected_for(key, "-") is None
        and not any(row.startswith(f"{key} @ ") for row in EXPECTED)
    ]
    assert not missing, "no expected answer for " + ", ".join(missing)
    families = {f"{key.rsplit(':', 1)[0]}:*" for key in keys if ":" in key}
    stale = [
        row
        for row in EXPECTED
        if row.split(" @ ")[0] not in keys and not (is_family(row) and row in families)
    ]
    assert not stale, "rows for URLs that no longer exist: " + ", ".join(stale)
    for row in EXPECTED:
        if is_family(row):
            # Families only for Wagtail's own views: a URL of the project always has its row.
            assert row.startswith("wagtail") and not row.startswith(SERVE), row


# --- the matrix ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once for the ten tests of this module (per pytest-xdist worker): inside
    a transaction of its own that each test's transaction nests in and that is rolled back after
    the last one, so nothing of it outlives the module."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build()
            urls = concrete(built)
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
    yield built, urls
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def quiet(monkeypatch):
    """Hundreds of requests: no logged 403/404 tracebacks, and no template contexts kept for
    `response.context` (the test client copies each one), which the matrix never reads."""
    for name in ("django.request", "django.security"):
        monkeypatch.setattr(logging.getLogger(name), "disabled", True)
    monkeypatch.setattr(Template, "_render", _TestState.saved_data.template_render)


SECRET = re.compile("|".join(map(re.escape, sorted(SECRETS, key=len, reverse=True))))


def walk(column, user, urls):
    """Ask every URL as `column`; (observed rows, wrong answers, leaks, unknown rows)."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    index = COLUMNS.index(column)
    observed, wrong, leaks, unknown = {}, [], [], []
    for key in all_keys():
        for target, url in urls.get(key, {}).items():
            name = f"{key} @ {target}"
            row = expected_for(key, target)
            if row is None:
                unknown.append(name)
            expected = EXPECTED[row][index] if row else "?"
            if expected == "SHADOW":
                if not shadowed(key, url):
                    wrong.append(f"{name}: {url} is answered by its own view, not shadowed")
                observed[name] = expected
                continue
            response = client.get(url)
            client.cookies.pop("messages", None)  # each answer stands on its own
            answer = observed[name] = classify(response)
            if row and not matches(answer, expected):
                wrong.append(f"{name}: {url} answered {answer}, expected {expected}")
            for secret in set(SECRET.findall(text_of(response))):
                if column not in SECRETS[secret]:
                    leaks.append(f"{name}: {url} shows {secret}")
            if user is not None and "_auth_user_id" not in client.session:
                wrong.append(f"{name}: {url} signed {column} out by a GET")
                client.force_login(user)
    return observed, wrong, leaks, unknown


def dump(column, observed):
    """LIANHE_PERMISSION_MATRIX_DUMP: the answers observed, one file per column (merge them
    with `paste` or by hand into the table)."""
    path = os.environ.get("LIANHE_PERMISSION_MATRIX_DUMP")
    if path:
        with open(f"{path}.{column}", "w", encoding="utf-8") as out:
            out.writelines(f"{row}\t{answer}\n" for row, answer in observed.items())


@pytest.mark.django_db
@pytest.mark.parametrize("column", COLUMNS)
def test_permission_matrix(column, world, quiet):
    """One person asks every URL and gets the table's answer; nothing of anyone else's shows and
    nothing changes."""
    built, urls = world
    caches["pages"].set("permission-matrix-sentinel", 1, None)
    before = snapshot()
    observed, wrong, leaks, unknown = walk(column, built.users[column], urls)
    after = snapshot()
    dump(column, observed)
    changes = [
        f"{model}: {before[0][model]} rows, now {after[0][model]}"
        for model in before[0]
        if before[0][model] != after[0][model]
    ]
    changes += [f"{name} changed" for name in before[1] if before[1][name] != after[1][name]]
    if caches["pages"].get("permission-matrix-sentinel") is None:
        changes.append("the page cache was emptied")
    problems = (
        [f"no expected answer for {row}" for row in unknown]
        + [f"wrong answer: {line}" for line in wrong]
        + [f"leak: {line}" for line in leaks]
        + [f"changed by a GET: {line}" for line in changes]
    )
    assert not problems, f"{column}: {len(problems)} problems\n" + "\n".join(problems)
