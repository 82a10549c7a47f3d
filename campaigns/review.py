"""Expert review: who is an expert, and who may do what with a round, an assignment and a score
sheet. The permission functions return `(allowed, reason)`, the reason in Chinese for the person
refused; the life cycles call them before every change:

* `campaigns.rounds`: opening a round, assigning by hand, declaring a conflict of interest, closing
  the round and confirming its result, each an entry of the round's transition table;
* `campaigns.sheets`: saving, submitting and amending score sheets (versioned scores, the round's
  justification rules);
* `campaigns.scoring`: the figures (frozen criteria, current scores, totals, aggregation);
* `campaigns.conflicts`: the automatic conflicts of interest.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import Assignment, PanelMember, ReviewRound, ScoreSheet
from campaigns.models.review import RoundKind, RoundStatus, SheetStatus
from campaigns.nomination_errors import ActionRefused
from cms.locks import locked
from cms.roles import is_office

# Rounds in which assigned experts see their nominations and files.
VISIBLE_STATUSES = (RoundStatus.OPEN, RoundStatus.CLOSED)


class ReviewRefused(ActionRefused):
    """The user may not do this now (permission, status, window); `reason` says why."""


class InvalidSheet(ValidationError):
    """Scores or reasons refused for their content; each message names the criterion and the
    limit."""


# --- who is who -------------------------------------------------------------------------------


def is_panel_member(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return PanelMember.objects.filter(expert=user).exists()


# --- permission functions: (allowed, reason) --------------------------------------------------


def can_manage(user, review_round=None):
    if not is_office(user):
        return False, _("只有联合体评选办公室（秘书处）可以管理评审轮次。")
    return True, ""


def can_open_round(user, review_round):
    allowed, reason = can_manage(user, review_round)
    if not allowed:
        return allowed, reason
    if review_round.status != RoundStatus.DRAFT:
        return False, _("评审轮次当前状态为“%(status)s”，不能再次开启。") % {
            "status": review_round.get_status_display()
        }
    if not review_round.panel.exists():
        return False, _("评审专家：请先为本轮添加评审专家，再开启评审。")
    if not review_round.campaign.criteria.exists():
        return False, _("评选标准：征集活动“%(campaign)s”尚未设置评选标准，不能开启评审。") % {
            "campaign": review_round.campaign.title
        }
    if review_round.opens_on > review_round.closes_on:
        return False, _("评分截止日期不能早于评分开始日期。")
    if review_round.kind == RoundKind.FINAL:
        first = ReviewRound.objects.filter(
            campaign_id=review_round.campaign_id, kind=RoundKind.FIRST
        ).first()
        if first is None or first.status != RoundStatus.CONFIRMED:
            return False, _("第一轮遴选（初评）的结果尚未经评审组长确认，不能开启终评。")
    return True, ""


def can_assign(user, review_round):
    allowed, reason = can_manage(user, review_round)
    if not allowed:
        return allowed, reason
    if review_round.status != RoundStatus.OPEN:
        return False, _("只能在评分期间（评审轮次已开启）手动分配评审专家。")
    return True, ""


def _window_error(review_round, today):
    from cms.cn_dates import cn_date

    if review_round.status != RoundStatus.OPEN:
        return _("评审轮次当前状态为“%(status)s”，不能评分。") % {
            "status": review_round.get_status_display()
        }
    if today < review_round.opens_on:
        return _("评分将于 %(date)s 开始，届时才能评分。") % {
            "date": cn_date(review_round.opens_on)
        }
    if today > review_round.closes_on:
        return _("评分已于 %(date)s 截止，不能再评分。") % {"date": cn_date(review_round.closes_on)}
    return None


def can_score(user, sheet_or_assignment, today=None):
    """Whether `user` may save or submit this score sheet now: their own, not excluded, the round
    open and today (Asia/Shanghai) within its window, the sheet not yet submitted."""
    today = today or timezone.localdate()
    if not getattr(user, "is_authenticated", False):
        return False, _("请先登录。")
    item = sheet_or_assignment
    if item.expert_id != user.pk:
        return False, _("只能填写分配给您本人的评分表。")
    if isinstance(item, ScoreSheet):
        sheet = item
        assignment = Assignment.objects.filter(
            round_id=item.round_id, nomination_id=item.nomination_id, expert_id=item.expert_id
        ).first()
        if assignment is None:
            return False, _("该项目未分配给您评审。")
    else:
        assignment = item
        sheet = ScoreSheet.objects.filter(
            round_id=item.round_id, nomination_id=item.nomination_id, expert_id=item.expert_id
        ).first()
    if assignment.excluded:
        return False, _("您已回避该项目（%(reason)s），不能评分。") % {
            "reason": assignment.exclusion_reason
        }
    if error := _window_error(assignment.round, today):
        return False, error
    if sheet is not None and sheet.status == SheetStatus.SUBMITTED:
        return False, _("评分表已于 %(time)s 提交并锁定，不能再修改。") % {
            "time": timezone.localtime(sheet.submitted_at).strftime("%Y-%m-%d %H:%M")
        }
    return True, ""


def can_see(user, review_round, nomination):
    """Whether `user` (an expert) sees this nomination in this round: assigned, not excluded (in
    this or any round of the campaign), the round open or closed."""
    if not getattr(user, "is_authenticated", False):
        return False, _("请先登录。")
    if review_round.status not in VISIBLE_STATUSES:
        return False, _("评审轮次尚未开启。")
    assignments = list(Assignment.objects.filter(nomination=nomination, expert=user))
    if not any(a.round_id == review_round.pk for a in assignments):
        return False, _("该项目未分配给您评审。")
    if any(a.excluded for a in assignments):
        return False, _("您已回避该项目。")
    return True, ""


def can_see_files(user, nomination):
    """Experts of an open or closed round may read the files of a nomination assigned to them,
    unless they are excluded from it in any round."""
    if not getattr(user, "is_authenticated", False):
        return False
    assignments = list(
        Assignment.objects.filter(nomination=nomination, expert=user).values_list(
            "excluded", "round__status"
        )
    )
    if any(excluded for excluded, _status in assignments):
        return False
    return any(status in VISIBLE_STATUSES for _excluded, status in assignments)


def can_declare_conflict(user, assignment):
    if assignment.expert_id != getattr(user, "pk", None):
        return False, _("只能为本人声明回避。")
    if assignment.excluded:
        return False, _("您已回避该项目（%(reason)s）。") % {"reason": assignment.exclusion_reason}
    if assignment.round.status != RoundStatus.OPEN:
        return False, _("评审轮次当前状态为“%(status)s”，不能声明回避。") % {
            "status": assignment.round.get_status_display()
        }
    sheet = ScoreSheet.objects.filter(
        round_id=assignment.round_id,
        nomination_id=assignment.nomination_id,
        expert_id=assignment.expert_id,
        status=SheetStatus.SUBMITTED,
    ).exists()
    if sheet:
        return False, _("评分表已提交，不能再声明回避；如有利益冲突，请联系评选办公室。")
    return True, ""


def can_amend(user, sheet):
    if not is_office(user):
        return False, _("只有联合体评选办公室（秘书处）可以修改已提交的评分。")
    if sheet.status != SheetStatus.SUBMITTED:
        return False, _("评分表尚未提交，只能由专家本人填写。")
    if sheet.round.status == RoundStatus.CONFIRMED:
        return False, _("本轮结果已经评审组长确认，评分不能再修改。")
    return True, ""


# --- locks ------------------------------------------------------------------------------------


def _lock(model, pk):
    return locked(model.objects.filter(pk=pk)).get()
