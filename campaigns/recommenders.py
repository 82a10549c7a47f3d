"""What a nomination may name: its category and its recommender (a member society, an expert of the
federation's committee, or one of a government call's recommender types), checked against the
campaign."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from campaigns.nomination_errors import InvalidNomination
from cms.models import MemberSociety
from cms.models.snippets import normalise_name

# Recommender types of the federation campaigns; government calls use the campaign's own
# recommender types (province, city with separate planning status, …).
SOCIETY_RECOMMENDER = "成员学会"


EXPERT_RECOMMENDER = "推荐专家"


def category_error(campaign, name):
    names = [c.name for c in campaign.categories.all()]
    if name in names:
        return None
    return _("类别：“%(name)s”不是本征集活动的征集类别，可选类别为：%(names)s。") % {
        "name": name,
        "names": "、".join(names),
    }


@dataclass(frozen=True)
class Recommender:
    type: str
    society: object = None
    name: str = ""

    def key(self):
        return (self.type, getattr(self.society, "pk", None), self.name)


NO_RECOMMENDER = Recommender("")


def recommender_choices(campaign):
    """(value, label) of every recommender the campaign accepts."""
    choices = [
        (f"society:{r.society_id}", r.society.name)
        for r in campaign.recommending_societies.select_related("society")
    ]
    if campaign.accepts_expert_recommenders:
        choices.append(("expert", _("推荐专家（联合体专家委员会专家）")))
    choices += [(f"type:{t.name}", t.name) for t in campaign.recommender_types.all()]
    return choices


def recommender_choice_of(nomination):
    if not nomination.recommender_type and not nomination.recommender_society_id:
        return ""  # a draft whose recommender is not chosen yet
    if nomination.recommender_society_id:
        return f"society:{nomination.recommender_society_id}"
    if nomination.recommender_type == EXPERT_RECOMMENDER:
        return "expert"
    return f"type:{nomination.recommender_type}"


def resolve_recommender(campaign, choice, name="", draft=False):
    """The recommender chosen on the form, checked against the campaign; raises
    `InvalidNomination` naming the field. For a `draft`, nothing chosen yet is `NO_RECOMMENDER`
    and an expert's or a recommender's name may still be missing (the checklist says so)."""
    choice = (choice or "").strip()
    name = normalise_name(name)
    if draft and not choice:
        return NO_RECOMMENDER
    kind, _sep, value = choice.partition(":")
    if kind == "society" and value.isdigit():
        recommender = campaign.recommending_societies.filter(society_id=int(value)).first()
        if recommender is None:
            society = MemberSociety.objects.filter(pk=int(value)).first()
            raise InvalidNomination(
                {
                    "recommender": _(
                        "推荐单位：“%(name)s”不是本征集活动的推荐学会，请从本活动的 %(count)d "
                        "家推荐学会中选择。"
                    )
                    % {
                        "name": society.name if society else value,
                        "count": campaign.recommending_societies.count(),
                    }
                },
                code="recommender_outside",
            )
        return Recommender(SOCIETY_RECOMMENDER, society=recommender.society)
    if kind == "expert" and campaign.accepts_expert_recommenders:
        if not name and not draft:
            raise InvalidNomination(
                {"recommender_name": _("推荐专家姓名：由专家推荐时必须填写推荐专家的姓名。")},
                code="required",
            )
        return Recommender(EXPERT_RECOMMENDER, name=name)
    if kind == "type" and campaign.recommender_types.filter(name=value).exists():
        if not name and not draft:
            raise InvalidNomination(
                {
                    "recommender_name": _(
                        "推荐单位名称：必须填写推荐单位（%(type)s）的名称，例如“江苏省”。"
                    )
                    % {"type": value}
                },
                code="required",
            )
        return Recommender(value, name=name)
    raise InvalidNomination(
        {
            "recommender": _("推荐单位：“%(value)s”不在本征集活动的推荐单位之内。")
            % {"value": choice}
        },
        code="recommender_outside",
    )


def recommender_of(nomination):
    return Recommender(
        nomination.recommender_type,
        society=nomination.recommender_society,
        name=nomination.recommender_name,
    )
