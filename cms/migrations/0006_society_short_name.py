from django.db import migrations, models


def short_names(apps, schema_editor):
    """Societies that exist already get the name people use for them: the full name without the
    national prefix (中国自动化学会 → 自动化学会)."""
    MemberSociety = apps.get_model("cms", "MemberSociety")
    for society in MemberSociety.objects.filter(short_name=""):
        name = society.name
        society.short_name = name[2:] if name.startswith("中国") and len(name) > 4 else name
        society.save(update_fields=["short_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0005_search_statistics"),
    ]

    operations = [
        migrations.AddField(
            model_name="membersociety",
            name="short_name",
            field=models.CharField(
                blank=True,
                help_text="例如：自动化学会（空则显示中文名称）",
                max_length=30,
                verbose_name="中文简称",
            ),
        ),
        migrations.RunPython(short_names, migrations.RunPython.noop),
    ]
