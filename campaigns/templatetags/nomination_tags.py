from django import template

from campaigns.nomination_files import facts_summary

register = template.Library()


@register.filter
def file_facts(facts):
    """What the checks measured, as one line (`nomination_files.facts_summary`)."""
    return facts_summary(facts)
