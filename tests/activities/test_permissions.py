"""The society permission matrix, through the admin's own views: a society drafts and submits
under its own page only, the secretariat approves or rejects, and nothing of another society's
drafts (or of the rest of the admin) is within a society's reach."""

import json

import pytest
from django.urls import reverse
from wagtail.models import Page, WorkflowState

from activities.models import ActivityPage
from cms.roles import Role, users_with_role
from tests.activities.factories import ActivityPageFactory
from tests.activities.helpers import (
    activity_form,
    add_url,
    approve_url,
    denied,
    make_society_user,
    messages_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cis_user(society_pages):
    return make_society_user("cis", society_pages["CIS"].society)


@pytest.fixture
def cmes_draft(society_pages):
    """Another society's draft (never published)."""
    page = ActivityPageFactory(
        parent=society_pages["CMES"], title="机械学会未发布的秘密草稿", live=False
    )
    page.save_revision()
    return page


def text_of(response):
    """What the user would read: JSON answers (choosers, the admin API) decoded."""
    if response.get("Content-Type", "").startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


@pytest.fixture
def submitted(client, cis_user, society_pages):
    client.force_login(cis_user)
    response = client.post(add_url(society_pages["CIS"]), activity_form(**{"action-submit": "1"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return ActivityPage.objects.get(title="仪器仪表学会智能制造论坛")


# --- own area: draft and submit ---------------------------------------------------------------


def test_explorer_starts_at_the_societys_own_page(client, cis_user, society_pages):
    client.force_login(cis_user)
    response = client.get(reverse("wagtailadmin_explore_root"))
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_explore", args=(society_pages["CIS"].pk,))


def test_society_drafts_and_submits_under_its_own_page(client, cis_user, society_pages):
    client.force_login(cis_user)
    page = client.get(add_url(society_pages["CIS"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="action-submit"' in html
    assert 'name="action-publish"' not in html

    response = client.post(add_url(society_pages["CIS"]), activity_form(**{"action-submit": "1"}))
    assert response.status_code == 302
    activity = ActivityPage.objects.get(title="仪器仪表学会智能制造论坛")
    assert activity.get_parent().pk == society_pages["CIS"].pk
    assert activity.society.abbreviation == "CIS"
    assert not activity.live
    state = WorkflowState.objects.get(object_id=str(activity.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == "秘书处审核"


def test_a_forged_publish_only_saves_a_draft(client, cis_user, society_pages):
    client.force_login(cis_user)
    response = client.post(add_url(society_pages["CIS"]), activity_form(**{"action-publish": "1"}))
    assert response.status_code == 302
    activity = ActivityPage.objects.get(title="仪器仪表学会智能制造论坛")
    assert not activity.live
    # Editing later with a forged publish does not publish either.
    data = activity_form(title="改过的标题", slug=activity.slug, **{"action-publish": "1"})
    client.post(reverse("wagtailadmin_pages:edit", args=(activity.pk,)), data)
    activity.refresh_from_db()
    assert not activity.live
    assert activity.get_latest_revision_as_object().title == "改过的标题"


# --- another society's area -------------------------------------------------------------------


def test_society_cannot_add_under_another_societys_page(client, cis_user, society_pages):
    client.force_login(cis_user)
    before = ActivityPage.objects.count()
    assert denied(client.get(add_url(society_pages["CMES"])))
    response = client.post(add_url(society_pages["CMES"]), activity_form(**{"action-submit": "1"}))
    assert denied(response)
    assert ActivityPage.objects.count() == before


@pytest.mark.parametrize(
    "view",
    [
        "wagtailadmin_pages:edit",
        "wagtailadmin_pages:history",
        "wagtailadmin_pages:delete",
        "wagtailadmin_pages:move",
        "wagtailadmin_pages:copy",
        "wagtailadmin_pages:workflow_history",
    ],
)
def test_society_cannot_open_another_societys_draft(client, cis_user, cmes_draft, view):
    client.force_login(cis_user)
    response = client.get(reverse(view, args=(cmes_draft.pk,)))
    assert denied(response) or response.status_code == 404
    assert "秘密草稿" not in text_of(response)


def test_society_cannot_view_another_societys_revisions(client, cis_user, cmes_draft):
    client.force_login(cis_user)
    revision = cmes_draft.latest_revision
    for url in (
        reverse("wagtailadmin_pages:revisions_view", args=(cmes_draft.pk, revision.pk)),
        reverse("wagtailadmin_pages:revisions_revert", args=(cmes_draft.pk, revision.pk)),
        reverse("wagtailadmin_pages:revisions_index", args=(cmes_draft.pk,)),
    ):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home"), url
        assert "秘密草稿" not in text_of(response), url


def test_move_confirmation_does_not_show_another_societys_draft(
    client, cis_user, cmes_draft, society_pages
):
    client.force_login(cis_user)
    url = reverse("wagtailadmin_pages:move_confirm", args=(cmes_draft.pk, society_pages["CIS"].pk))
    response = client.get(url)
    assert denied(response)
    assert "秘密草稿" not in text_of(response)


def test_society_cannot_preview_or_post_to_another_societys_draft(client, cis_user, cmes_draft):
    client.force_login(cis_user)
    preview = reverse("wagtailadmin_pages:preview_on_edit", args=(cmes_draft.pk,))
    response = client.post(preview, activity_form(title="偷看"))
    assert denied(response) or response.status_code == 404
    response = client.get(preview)
    assert "秘密草稿" not in response.content.decode()
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(cmes_draft.pk,)),
        activity_form(title="被改掉了", slug=cmes_draft.slug),
    )
    assert denied(response)
    draft = ActivityPage.objects.get(pk=cmes_draft.pk).get_latest_revision_as_object()
    assert draft.title == "机械学会未发布的秘密草稿"


def test_other_societys_drafts_are_not_listed_or_found(client, cis_user, cmes_draft, society_pages):
    client.force_login(cis_user)
    # The other society's page redirects to the user's own area.
    response = client.get(reverse("wagtailadmin_explore", args=(society_pages["CMES"].pk,)))
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_explore", args=(society_pages["CIS"].pk,))
    # Searched for by one word of the title, so that the echoed query does not count as found.
    for url in (
        reverse("wagtailadmin_pages:search") + "?q=秘密",
        reverse("wagtailadmin_pages:search_results") + "?q=秘密",
        reverse("wagtailadmin_explore", args=(society_pages["CIS"].pk,)) + "?q=秘密&search_all=1",
        reverse("wagtailadmin_choose_page") + "?q=秘密",
        reverse("wagtailadmin_choose_page_search") + "?q=秘密",
        reverse("wagtailadmin_choose_page_child", args=(society_pages["CMES"].pk,)),
        f"/admin/api/main/pages/?child_of={society_pages['CMES'].pk}",
        f"/admin/api/main/pages/{cmes_draft.pk}/",
    ):
        response = client.get(url)
        assert "秘密草稿" not in text_of(response), url


def test_live_pages_of_other_societies_may_still_be_chosen_as_links(
    client, cis_user, society_pages
):
    published = ActivityPageFactory(parent=society_pages["CMES"], title="已发布的机械学会年会")
    client.force_login(cis_user)
    response = client.get(
        reverse("wagtailadmin_choose_page_child", args=(society_pages["CMES"].pk,))
    )
    assert response.status_code == 200
    assert published.title in text_of(response)


def test_society_cannot_move_its_activity_to_another_society(
    client, cis_user, submitted, society_pages
):
    client.force_login(cis_user)
    url = reverse("wagtailadmin_pages:move_confirm", args=(submitted.pk, society_pages["CMES"].pk))
    assert denied(client.get(url))
    assert denied(client.post(url))
    submitted.refresh_from_db()
    assert submitted.get_parent().pk == society_pages["CIS"].pk
    assert submitted.society.abbreviation == "CIS"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/snippets/cms/membersociety/",
        "/admin/snippets/cms/workstream/",
        "/admin/users/",
        "/admin/groups/",
        "/admin/workflows/list/",
        "/admin/documents/",
        "/admin/sites/",
        "/admin/collections/",
    ],
)
def test_society_cannot_reach_what_it_was_not_given(client, cis_user, url):
    client.force_login(cis_user)
    assert denied(client.get(url))


def test_site_settings_are_out_of_reach(client, cis_user):
    from wagtail.contrib.settings.registry import registry

    client.force_login(cis_user)
    for model in registry:
        url = reverse("wagtailsettings:edit", args=(model._meta.app_label, model._meta.model_name))
        assert denied(client.get(url)), url


def test_society_sees_only_images_of_its_own_collection(client, cis_user, society_pages):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection

    cmes_image = Image.objects.create(
        title="机械学会内部图片",
        file=get_test_image_file(),
        collection=Collection.objects.get(name="成员学会·CMES"),
    )
    client.force_login(cis_user)
    response = client.get(reverse("wagtailimages:index"))
    assert response.status_code == 200
    assert "机械学会内部图片" not in response.content.decode()
    assert denied(client.get(reverse("wagtailimages:edit", args=(cmes_image.pk,))))


def test_every_menu_item_of_a_society_user_leads_somewhere_it_may_go(client, cis_user):
    """The menu offers only what the society may use: each top-level link opens."""
    from django.test import RequestFactory
    from wagtail.admin.menu import admin_menu

    request = RequestFactory().get("/admin/")
    request.user = cis_user
    items = admin_menu.menu_items_for_request(request)
    urls = []
    for item in items:
        if getattr(item, "url", None):
            urls.append(item.url)
        for sub in getattr(getattr(item, "menu", None), "menu_items_for_request", lambda r: [])(
            request
        ):
            if getattr(sub, "url", None):
                urls.append(sub.url)
    client.force_login(cis_user)
    assert reverse("activities_feed:index") in urls
    for url in urls:
        if url.startswith("/admin/"):
            response = client.get(url, follow=False)
            assert not denied(response), url
    assert "/admin/reports/page-types-usage/" not in urls


def test_the_site_wide_page_types_report_is_refused_to_a_society(
    client, cis_user, cmes_draft, users
):
    """It names the last edited page of each type, another society's draft included."""
    client.force_login(cis_user)
    for url in ("/admin/reports/page-types-usage/", "/admin/reports/page-types-usage/results/"):
        assert denied(client.get(url)), url
    client.force_login(users["editor"])
    assert client.get("/admin/reports/page-types-usage/").status_code == 200


# --- the secretariat ---------------------------------------------------------------------------


def test_secretariat_sees_the_submission_and_approves_it(client, users, submitted):
    editor = users_with_role(Role.EDITOR).first()
    client.force_login(editor)
    dashboard = client.get(reverse("wagtailadmin_home"))
    assert "仪器仪表学会智能制造论坛" in dashboard.content.decode()
    response = client.post(approve_url(submitted), {"comment": "同意"})
    assert response.status_code in (200, 302), messages_of(response)
    submitted.refresh_from_db()
    assert submitted.live
    assert WorkflowState.objects.get(object_id=str(submitted.pk)).status == "approved"


def test_secretariat_rejects_and_the_draft_stays_unpublished(client, users, submitted):
    client.force_login(users["editor"])
    response = client.post(approve_url(submitted, "reject"), {"comment": "请补充照片"})
    assert response.status_code in (200, 302)
    submitted.refresh_from_db()
    assert not submitted.live
    assert WorkflowState.objects.get(object_id=str(submitted.pk)).status == "needs_changes"


def test_society_cannot_approve_its_own_submission(client, cis_user, submitted):
    client.force_login(cis_user)
    response = client.post(approve_url(submitted), {"comment": "自己批准"})
    assert response.status_code in (302, 403)
    submitted.refresh_from_db()
    assert not submitted.live


@pytest.mark.parametrize("username", ["editor", "secretary"])
def test_secretariat_edits_any_societys_activity(client, users, cmes_draft, username):
    client.force_login(users[username])
    url = reverse("wagtailadmin_pages:edit", args=(cmes_draft.pk,))
    assert client.get(url).status_code == 200
    response = client.post(url, activity_form(title="秘书处修改后的标题", slug=cmes_draft.slug))
    assert response.status_code == 302
    draft = ActivityPage.objects.get(pk=cmes_draft.pk).get_latest_revision_as_object()
    assert draft.title == "秘书处修改后的标题"


def test_activity_created_or_moved_under_another_society_follows_its_parent(
    client, users, society_pages
):
    client.force_login(users["secretary"])
    response = client.post(
        add_url(society_pages["CMES"]), activity_form(title="机械学会培训", slug="training")
    )
    assert response.status_code == 302
    activity = ActivityPage.objects.get(title="机械学会培训")
    assert activity.society.abbreviation == "CMES"

    response = client.post(
        reverse("wagtailadmin_pages:move_confirm", args=(activity.pk, society_pages["CAA"].pk))
    )
    assert response.status_code == 302
    activity = ActivityPage.objects.get(pk=activity.pk)
    assert activity.get_parent().pk == society_pages["CAA"].pk
    assert activity.society.abbreviation == "CAA"
    assert Page.objects.get(pk=activity.pk).get_parent().pk == society_pages["CAA"].pk
