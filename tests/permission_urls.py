"""Every URL of the site and the admin, from the URL resolver, each made concrete with the ids of
the permission world (tests/permission_world.py).

`patterns()` walks `get_resolver()` through every include (Wagtail's admin, its API, the
viewsets registered by the apps); Wagtail's page serving (`wagtail_serve`) stands for every page
type and every route of a routable page, so those are listed from the page models. Each pattern
gets a key — its name (namespaced), or its route when it has none or shares its name — and
`concrete(world)` gives each key its URLs, one per target: `{key: {target: url}}`, the target
naming whose object the URL is about ("-" when it is about nobody's)."""

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, PageViewRestriction, Site, UploadedFile, get_page_models

from campaigns.models import ScoreSheet
from tests.permission_world import World

SERVE = "wagtail_serve"


@dataclass(frozen=True)
class Pattern:
    key: str
    name: str | None
    route: str
    pattern: URLPattern


def _walk(resolver, prefix="", namespace=None):
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            inner = namespace
            if item.namespace:
                inner = f"{namespace}:{item.namespace}" if namespace else item.namespace
            yield from _walk(item, prefix + str(item.pattern), inner)
        else:
            name = f"{namespace}:{item.name}" if namespace and item.name else item.name
            yield name, prefix + str(item.pattern), item


def params(route):
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def patterns():
    """Every URL pattern of the project, keyed: {key: Pattern}. The key is the pattern's name, with
    its parameters when two patterns share the name ("wagtailsettings:edit[app_name,model_name]"),
    or its route when it has none."""
    found = list(_walk(get_resolver()))
    names = [name for name, _route, _item in found if name]
    result = {}
    for name, route, item in found:
        if not name:
            key = route
        elif names.count(name) == 1:
            key = name
        else:
            key = f"{name}[{','.join(params(route))}]"
        result[key] = Pattern(key, name, route, item)
    return result


def page_keys():
    """The keys Wagtail's page serving stands for: `page <app.Model>` for each page type and
    `page <app.Model>:<route>` for each route of a routable page (its index route is the page)."""
    keys = []
    for model in get_page_models():
        if model is Page:
            continue
        keys.append(f"page {model._meta.label}")
        if issubclass(model, RoutablePageMixin):
            for item in model.get_subpage_urls():
                if item.name != "index_route":
                    keys.append(f"page {model._meta.label}:{item.name}")
    return keys


def all_keys():
    """Every key the matrix must have an answer for."""
    keys = [key for key in patterns() if key != SERVE]
    return [*keys, f"{SERVE} (no page)", *page_keys()]


# --- concrete URLs ----------------------------------------------------------------------------


def _url(name, *args, query=None, **kwargs):
    url = reverse(name, args=args or None, kwargs=kwargs or None)
    return f"{url}?{urlencode(query)}" if query else url


def _route(page, name, *args):
    return page.url + page.reverse_subpage(name, args=args or None)


def _pages_family(world: World):
    """Wagtail's page views, each about society A's activity draft, society B's, and the office's
    news draft (all three waiting in moderation)."""
    urls = {}
    targets = ("activity_a", "activity_b", "news_draft")
    parents = {"activity_a": "area_a", "activity_b": "area_b", "news_draft": "news_index"}
    other_parent = {"activity_a": "area_b", "activity_b": "area_a", "news_draft": "area_a"}
    by_page_id = [
        "usage",
        "edit",
        "preview_on_edit",
        "view_draft",
        "delete",
        "unpublish",
        "convert_alias",
        "copy",
        "set_privacy",
        "lock",
        "unlock",
        "revisions_index",
        "workflow_history",
        "history",
        "history_results",
        "confirm_workflow_cancellation",
    ]
    for view in by_page_id:
        urls[f"wagtailadmin_pages:{view}"] = {
            t: _url(f"wagtailadmin_pages:{view}", world[t].pk) for t in targets
        }
    for view in ("move", "set_page_position"):
        urls[f"wagtailadmin_pages:{view}"] = {
            t: _url(f"wagtailadmin_pages:{view}", world[t].pk) for t in targets
        }
    urls["wagtailadmin_pages:move_confirm"] = {
        t: _url("wagtailadmin_pages:move_confirm", world[t].pk, world[other_parent[t]].pk)
        for t in targets
    }
    for view in ("revisions_view", "revisions_revert", "revisions_unschedule"):
        urls[f"wagtailadmin_pages:{view}"] = {
            t: _url(f"wagtailadmin_pages:{view}", world[t].pk, world[t].latest_revision_id)
            for t in targets
        }
    urls["wagtailadmin_pages:revisions_compare"] = {
        t: _url("wagtailadmin_pages:revisions_compare", world[t].pk, "earliest", "latest")
        for t in targets
    }
    for view in ("workflow_action", "collect_workflow_action_data"):
        urls[f"wagtailadmin_pages:{view}"] = {
            t: _url(
                f"wagtailadmin_pages:{view}", world[t].pk, "approve", world[f"{t}:task_state"].pk
            )
            for t in targets
        }
    urls["wagtailadmin_pages:workflow_preview"] = {
        t: _url(
            "wagtailadmin_pages:workflow_preview", world[t].pk, world[f"{t}:task_state"].task_id
        )
        for t in targets
    }
    urls["wagtailadmin_pages:workflow_history_detail"] = {
        t: _url(
            "wagtailadmin_pages:workflow_history_detail",
            world[t].pk,
            world[f"{t}:workflow_state"].pk,
        )
        for t in targets
    }
    parent_targets = {"area_a": "activities", "area_b": "activities", "news_index": "cms"}
    kinds = {"activities": "activitypage", "cms": "newspage"}
    for view in ("add", "preview_on_add"):
        urls[f"wagtailadmin_pages:{view}"] = {
            t: _url(f"wagtailadmin_pages:{view}", app, kinds[app], world[t].pk)
            for t, app in parent_targets.items()
        }
    urls["wagtailadmin_pages:add_subpage"] = {
        t: _url("wagtailadmin_pages:add_subpage", world[t].pk) for t in parent_targets
    }
    for name in (
        "wagtailadmin_explore",
        "wagtailadmin_explore_results",
        "wagtailadmin_choose_page_child",
    ):
        urls[name] = {t: _url(name, world[t].pk) for t in parent_targets}
    for view in ("type_use", "type_use_results"):
        urls[f"wagtailadmin_pages:{view}"] = {
            "-": _url(f"wagtailadmin_pages:{view}", "activities", "activitypage")
        }
    urls["wagtailadmin_pages:choose_parent"] = {
        "-": _url("wagtailadmin_pages:choose_parent", "activities", "activitypage")
    }
    for name in (
        "wagtailadmin_pages:search",
        "wagtailadmin_pages:search_results",
        "wagtailadmin_pages_search_cn",
        "wagtailadmin_pages_search_results_cn",
    ):
        urls[name] = {"-": _url(name, query={"q": "矩阵"})}
    del parents
    return urls


def _admin_records(world: World):
    """The apps' viewsets and views in the admin, each about the objects of both sides."""
    urls = {}
    pk_targets = {
        "milestone": {"-": world["milestone"].pk},
        "reviewround": {
            "draft_round": world["draft_round"].pk,
            "open_round": world["open_round"].pk,
            "closed_round": world["closed_round"].pk,
            "final_confirmed": world["final_confirmed"].pk,
        },
        "panelmember": {
            "draft_round": world["draft_panel_member"].pk,
            "open_round": world["panel_member"].pk,
        },
        "justificationrule": {
            "draft_round": world["draft_rule"].pk,
            "open_round": world["rule"].pk,
        },
        "activities_feed": {"feed_a": world["feed_a"].pk, "feed_b": world["feed_b"].pk},
        "objection": {"-": world["objection"].pk},
        "nomination": {
            "nomination_a": world["nomination_a"].pk,
            "nomination_b": world["nomination_b"].pk,
            "draft_a": world["draft_a"].pk,
            "review_one": world["review_one"].pk,
        },
        "campaign_ranking": {
            "open_round": world["open_round"].pk,
            "closed_round": world["closed_round"].pk,
            "final_confirmed": world["final_confirmed"].pk,
        },
        "wagtailsites": {"-": Site.objects.get(is_default_site=True).pk},
        "wagtailusers_users": {"appB": world.users["appB"].pk},
        "wagtailusers_groups": {"socB": world["society_b"].group_id},
        "wagtailsnippets_cms_membersociety": {"-": world["society_a"].pk},
        "wagtailsnippets_cms_workstream": {"-": world["workstream"].pk},
        "wagtailsnippetchoosers_cms_membersociety": {"-": world["society_a"].pk},
        "wagtailsnippetchoosers_cms_workstream": {"-": world["workstream"].pk},
        "wagtaildocs_chooser": {"-": world["document"].pk},
        "wagtailimages_chooser": {"image_a": world["image_a"].pk, "image_b": world["image_b"].pk},
        "wagtailadmin_collections": {
            "collection_a": world["image_a"].collection_id,
            "collection_b": world["image_b"].collection_id,
        },
        "wagtailadmin_workflows": {"-": world["task"].workflows.first().pk},
    }
    for key, item in patterns().items():
        namespace, _sep, _view = (item.name or "").rpartition(":")
        if (
            params(item.route) == ["pk"]
            and namespace in pk_targets
            and namespace != "wagtailadmin_workflows"
        ):
            urls[key] = {t: _url(item.name, pk=pk) for t, pk in pk_targets[namespace].items()}
    for name in ("round_confirm", "round_result_docx"):
        urls[name] = {t: _url(name, pk=pk) for t, pk in pk_targets["campaign_ranking"].items()}
    sheets = {
        "review_one": ("open_round", "review_one"),
        "review_two": ("open_round", "review_two"),
        "review_three": ("closed_round", "review_three"),
        "nomination_a": ("open_round", "nomination_a"),
    }
    for name in ("review:sheet", "review:conflict"):
        urls[name] = {t: _url(name, world[r].pk, world[n].pk) for t, (r, n) in sheets.items()}
    open_sheets = ScoreSheet.objects.filter(round=world["open_round"])
    urls["campaign_ranking:amend"] = {
        t: _url("campaign_ranking:amend", world["open_round"].pk, open_sheets.get(expert=e).pk)
        for t, e in (("submitted_b", world.users["expB"]), ("draft_a", world.users["expA"]))
    }
    urls["campaigns_publish_showcase"] = {
        t: _url("campaigns_publish_showcase", world[t].pk) for t in ("notice_call", "open_call")
    }
    urls["reports_discard_source_changes"] = {
        t: _url("reports_discard_source_changes", world[t].pk)
        for t in ("report_public", "report_private")
    }
    urls["reports_word_draft"] = {
        "report_draft": _url("reports_word_draft", world["report_draft"].pk, "latest"),
        "report_private": _url("reports_word_draft", world["report_private"].pk, "live"),
    }
    return urls


def _wagtail_admin(world: World):
    """Wagtail's own admin views that need an id of something."""
    workflow = world["task"].workflows.first()
    task = world["task"]
    document = world["document"]
    uploaded = UploadedFile.objects.get()
    urls = {}
    for view in ("enable", "disable", "edit", "usage", "usage_results"):
        urls[f"wagtailadmin_workflows:{view}"] = {
            "-": _url(f"wagtailadmin_workflows:{view}", pk=workflow.pk)
        }
    for view in ("edit_task", "disable_task", "enable_task"):
        urls[f"wagtailadmin_workflows:{view}"] = {
            "-": _url(f"wagtailadmin_workflows:{view}", pk=task.pk)
        }
    urls["wagtailadmin_workflows:task_chosen"] = {
        "-": _url("wagtailadmin_workflows:task_chosen", task_id=task.pk)
    }
    urls["wagtailadmin_workflows:add_task"] = {
        "-": _url("wagtailadmin_workflows:add_task", "wagtailcore", "groupapprovaltask")
    }
    urls["wagtailadmin_workflows:remove[page_pk]"] = {
        "-": f"/admin/workflows/remove/{world['area_b'].pk}/"
    }
    urls["wagtailadmin_workflows:remove[page_pk,workflow_pk]"] = {
        "-": f"/admin/workflows/remove/{world['area_b'].pk}/{workflow.pk}/"
    }
    urls["wagtailadmin_collections:set_privacy"] = {
        t: _url(
            "wagtailadmin_collections:set_privacy",
            world[t.replace("collection", "image")].collection_id,
        )
        for t in ("collection_a", "collection_b")
    }
    site = Site.objects.get(is_default_site=True)
    urls["wagtailsettings:edit[app_name,model_name]"] = {
        "-": "/admin/settings/cms/federationsettings/"
    }
    urls["wagtailsettings:edit[app_name,model_name,pk]"] = {
        "-": f"/admin/settings/cms/federationsettings/{site.pk}/"
    }
    urls["wagtailsettings:preview_on_edit"] = {
        "-": _url(
            "wagtailsettings:preview_on_edit",
            "cms",
            "federationsettings",
            Site.objects.get(is_default_site=True).pk,
        )
    }
    for view in ("edit", "delete", "document_usage"):
        urls[f"wagtaildocs:{view}"] = {"-": _url(f"wagtaildocs:{view}", document.pk)}
    for view in ("edit_multiple", "delete_multiple"):
        urls[f"wagtaildocs:{view}"] = {"-": _url(f"wagtaildocs:{view}", document.pk)}
    for view in ("create_multiple_from_uploaded_document", "delete_upload_multiple"):
        urls[f"wagtaildocs:{view}"] = {"-": _url(f"wagtaildocs:{view}", uploaded.pk)}
    for view in ("create_multiple_from_uploaded_image", "delete_upload_multiple"):
        urls[f"wagtailimages:{view}"] = {"-": _url(f"wagtailimages:{view}", uploaded.pk)}
    for view in (
        "edit",
        "delete",
        "url_generator",
        "url_generator_output",
        "image_usage",
        "edit_multiple",
        "delete_multiple",
    ):
        urls[f"wagtailimages:{view}"] = {
            t: _url(f"wagtailimages:{view}", world[t].pk) for t in ("image_a", "image_b")
        }
    urls["wagtailimages:preview"] = {
        t: _url("wagtailimages:preview", world[t].pk, "fill-10x10") for t in ("image_a", "image_b")
    }
    for name in ("wagtailimages_chooser:select_format", "wagtailimages_select_format_permitted"):
        urls[name] = {t: _url(name, world[t].pk) for t in ("image_a", "image_b")}
    redirect = world["redirect"]
    for view in ("edit", "delete"):
        urls[f"wagtailredirects:{view}"] = {"-": _url(f"wagtailredirects:{view}", redirect.pk)}
    for view in ("list_submissions", "list_submissions_results", "delete_submissions"):
        urls[f"wagtailforms:{view}"] = {"-": _url(f"wagtailforms:{view}", world["home"].pk)}
    bulk = {
        "page:activity_a": ("wagtailcore", "page", world["activity_a"]),
        "page:activity_b": ("wagtailcore", "page", world["activity_b"]),
        "page:news_draft": ("wagtailcore", "page", world["news_draft"]),
        "image:image_a": ("wagtailimages", "image", world["image_a"]),
        "image:image_b": ("wagtailimages", "image", world["image_b"]),
        "document": ("wagtaildocs", "document", world["document"]),
        "user:appB": ("auth", "user", world.users["appB"]),
        "snippet:society_b": ("cms", "membersociety", world["society_b"]),
    }
    urls["wagtail_bulk_action"] = {
        t: _url("wagtail_bulk_action", app, model, "delete", query={"id": obj.pk})
        for t, (app, model, obj) in bulk.items()
    }
    urls["wagtailadmin_tag_model_autocomplete"] = {
        "-": _url("wagtailadmin_tag_model_autocomplete", "cms", "newspage", query={"term": "矩"})
    }
    urls["wagtailadmin_editing_sessions:ping"] = {
        t: _url("wagtailadmin_editing_sessions:ping", "wagtailcore", "page", str(world[t].pk), 1)
        for t in ("activity_a", "activity_b")
    }
    urls["wagtailadmin_editing_sessions:release"] = {
        "-": _url("wagtailadmin_editing_sessions:release", 1)
    }
    for resource, targets in (
        ("pages", ("news_live", "news_draft", "report_private", "activity_b")),
        ("documents", ("document",)),
        ("images", ("image_a", "image_b")),
    ):
        urls[f"wagtailadmin_api:{resource}:detail"] = {
            t: _url(f"wagtailadmin_api:{resource}:detail", pk=world[t].pk) for t in targets
        }
    urls["wagtailadmin_api:pages:action"] = {
        t: _url("wagtailadmin_api:pages:action", pk=world[t].pk, action_name="copy")
        for t in ("activity_a", "activity_b")
    }
    urls["wagtailadmin_api:pages:find"] = {
        "-": _url("wagtailadmin_api:pages:find", query={"html_path": world["activity_b"].url_path})
    }
    urls["wagtailadmin_password_reset_confirm"] = {
        "-": _url("wagtailadmin_password_reset_confirm", "MQ", "bad-token")
    }
    urls["wagtailadmin_choose_page_search"] = {
        "-": _url("wagtailadmin_choose_page_search", query={"q": "矩阵"})
    }
    urls["admin/^.*/$"] = {"-": "/admin/matrix-no-such-page/"}
    return urls


def _public(world: World):
    """The site's own URLs outside Wagtail's page serving."""
    restriction = PageViewRestriction.objects.get(page=world["report_private"])
    urls = {
        "api/v2/^pages/<int:pk>/": None,
        "wagtailapi:pages:detail": {
            t: _url("wagtailapi:pages:detail", pk=world[t].pk)
            for t in ("news_live", "news_draft", "report_private")
        },
        "wagtailapi:pages:find": {
            t: _url("wagtailapi:pages:find", query={"html_path": world[t].url_path[len("/home") :]})
            for t in ("news_live", "report_private")
        },
        "wagtailapi:images:detail": {
            t: _url("wagtailapi:images:detail", pk=world[t].pk) for t in ("image_a", "image_b")
        },
        "wagtailapi:images:find": {"-": _url("wagtailapi:images:find", query={"id": 1})},
        "search": {"-": _url("search", query={"q": "矩阵"})},
        "wagtaildocs_serve": {"-": world["document"].url},
        "wagtaildocs_authenticate_with_password": {
            "-": _url("wagtaildocs_authenticate_with_password", 999999)
        },
        "verify_email": {"-": _url("verify_email", "bad-token")},
        "nomination_receipt": {
            t: _url("nomination_receipt", world[t].pk)
            for t in ("nomination_a", "nomination_b", "draft_a")
        },
        "wagtailcore_authenticate_with_password": {
            "report_private": _url(
                "wagtailcore_authenticate_with_password", restriction.pk, world["report_private"].pk
            )
        },
        "report_docx": {
            t: (world[t].url or world["report_index"].url + world[t].slug + "/") + "report.docx"
            for t in ("report_public", "report_private", "report_draft")
        },
        "page_file": {
            "activities": "/activities/calendar.ics",
            "campaigns": "/campaigns/milestones.ics",
        },
        f"{SERVE} (no page)": {"-": "/matrix-no-such-page/"},
    }
    del urls["api/v2/^pages/<int:pk>/"]
    return urls


def _page_rows(world: World):
    """Wagtail's page serving: a page of every type, and every route of the routable ones."""
    open_call, notice_call = world["open_call"], world["notice_call"]
    a, b, draft = world["nomination_a"], world["nomination_b"], world["draft_a"]
    nominations = {"nomination_a": a, "nomination_b": b, "draft_a": draft}
    slot = world["slot_word"]
    urls = {
        "page cms.HomePage": {"-": world["home"].url},
        "page cms.StandardPage": {"-": world["about"].url},
        "page cms.NewsIndexPage": {"-": world["news_index"].url},
        "page cms.NewsIndexPage:rss": {"-": _route(world["news_index"], "rss")},
        "page cms.NewsIndexPage:atom": {"-": _route(world["news_index"], "atom")},
        "page cms.NewsPage": {
            "news_live": world["news_live"].url,
            "news_draft": world["news_index"].url + "matrix-news-draft/",
        },
        "page reports.ReportIndexPage": {"-": world["report_index"].url},
        "page reports.MonthlyReportPage": {
            t: world[t].url if world[t].live else world["report_index"].url + world[t].slug + "/"
            for t in ("report_public", "report_private", "report_draft")
        },
        "page campaigns.CampaignIndexPage": {"-": world["campaign_index"].url},
        "page campaigns.CampaignIndexPage:milestones_ical": {
            "-": _route(world["campaign_index"], "milestones_ical")
        },
        "page campaigns.CampaignPage": {
            "open_call": open_call.url,
            "review_call": world["review_call"].url,
        },
        "page campaigns.CampaignPage:form_template": {
            "-": _route(open_call, "form_template", "文件1")
        },
        "page campaigns.CampaignPage:apply": {"-": _route(open_call, "apply")},
        "page campaigns.CampaignPage:apply_upload": {
            "-": _route(open_call, "apply_upload", slot.pk)
        },
        "page campaigns.CampaignPage:notice": {"-": _route(notice_call, "notice")},
        "page campaigns.CampaignPage:objection": {
            "-": _route(notice_call, "objection", world["notice_entry"].pk)
        },
        "page campaigns.CampaignPage:objection_attachment": {
            "objection": _route(notice_call, "objection_attachment", world["objection"].pk)
        },
        "page campaigns.ShowcaseIndexPage": {"-": world["showcase"].url},
        "page campaigns.ShowcaseYearPage": {"-": world["showcase_year"].url},
        "page campaigns.AchievementPage": {"-": world["achievement"].url},
        "page activities.ActivitiesIndexPage": {"-": "/activities/"},
        "page activities.SocietyActivitiesPage": {"-": world["area_a"].url},
        "page activities.ActivityPage": {
            "activity_live": world["activity_live"].url,
            "activity_a": world["area_a"].url + "matrix-draft-a/",
        },
    }
    for route in ("calendar", "rss", "atom", "ical"):
        urls[f"page activities.ActivitiesIndexPage:{route}"] = {"-": f"/activities/{route}/"}
    urls["page activities.ActivitiesIndexPage:calendar_month"] = {
        "-": "/activities/calendar/2021/07/"
    }
    for route in ("nomination", "delete_nomination", "withdraw_nomination"):
        urls[f"page campaigns.CampaignPage:{route}"] = {
            t: _route(open_call, route, n.pk) for t, n in nominations.items()
        }
    urls["page campaigns.CampaignPage:nomination_upload"] = {
        t: _route(open_call, "nomination_upload", n.pk, slot.pk) for t, n in nominations.items()
    }
    files = {
        "nomination_a": (open_call, a, "文件1"),
        "nomination_b": (open_call, b, "文件1"),
        "draft_a": (open_call, draft, "文件2"),
        "review_one": (world["review_call"], world["review_one"], "文件1"),
        "review_two": (world["review_call"], world["review_two"], "文件1"),
    }
    urls["page campaigns.CampaignPage:nomination_file"] = {
        t: _route(campaign, "nomination_file", n.pk, code)
        for t, (campaign, n, code) in files.items()
    }
    return urls


def concrete(world: World):
    """{key: {target: url}} for every key of `all_keys()`."""
    urls = {}
    for key, item in patterns().items():
        if key == SERVE:
            continue
        if not re.search(r"<|\(", item.route):
            urls[key] = {"-": "/" + item.route.replace("^", "").replace("$", "")}
    for part in (_admin_records, _pages_family, _wagtail_admin, _public, _page_rows):
        urls.update(part(world))
    return urls
