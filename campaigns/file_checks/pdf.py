"""The checks of a PDF: opened with pypdf for the page count, and refused when it holds active
content (`cms.upload_pdf`: scripts, launch actions, embedded files)."""

from django.utils.translation import gettext as _

from campaigns.file_checks.rules import problem
from cms.upload_checks import DocumentRejected
from cms.upload_pdf import check_pdf


def check_pdf_file(rules, file, facts):
    try:
        pages = check_pdf(file).pages
    except DocumentRejected as exc:
        return [problem(rules, exc)]
    facts["pages"] = pages
    if not pages:
        return [_("%(file)s 是没有任何页面的 PDF 文件") % {"file": rules.code}]
    return []
