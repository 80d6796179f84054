"""One definition of "public": the stored flag ``StrategyElement.is_public`` (published and every
ancestor published, strategy/public.py), and ``DeletedElement.was_public`` (whether the public
could see an element when it was deleted: only then do its links answer 410).

Both are filled here. A tombstone made before this migration did not record the flag; it is
taken from the history's deletion record (``is_published`` at the time) and the parent's state
(a live parent's flag, or a deleted parent's own tombstone). Without a deletion record the
tombstone counts as not public: its links answer 404, the safe side for a deleted draft.

The search read drafts through a partial index; it reads the flag now, so the index goes.
"""

from django.db import migrations, models

from strategy.search import schema as search_schema
from strategy.public import derive_public_flags, is_public_under


def fill_public_flags(apps, schema_editor):
    Element = apps.get_model("strategy", "StrategyElement")
    DeletedElement = apps.get_model("strategy", "DeletedElement")
    HistoricalElement = apps.get_model("strategy", "HistoricalStrategyElement")

    rows = list(
        Element.objects.order_by("tree_id", "lft").values_list("pk", "parent_id", "is_published")
    )
    flags = derive_public_flags(rows)
    for flag in (True, False):
        pks = [pk for pk, _parent, _published in rows if flags[pk] is flag]
        if pks:
            Element.objects.filter(pk__in=pks).update(is_public=flag)

    live = {code: flags[pk] for pk, code in Element.objects.values_list("pk", "code")}
    tombstones = {tombstone.code: tombstone for tombstone in DeletedElement.objects.all()}
    published_when_deleted = dict(
        HistoricalElement.objects.filter(history_type="-", code__in=tombstones)
        .order_by("history_date", "history_id")
        .values_list("code", "is_published")
    )  # the latest deletion record per code wins
    was_public: dict[str, bool] = {}

    def public_when_deleted(code: str, seen: frozenset[str] = frozenset()) -> bool:
        if code not in was_public:
            tombstone = tombstones[code]
            parent = tombstone.parent_code
            if not parent:
                parent_flag = None
            elif parent in live:
                parent_flag = live[parent]
            elif parent in tombstones and parent not in seen:
                parent_flag = public_when_deleted(parent, seen | {code})
            else:
                parent_flag = False
            was_public[code] = is_public_under(
                published_when_deleted.get(code, False), parent_flag
            )
        return was_public[code]

    for code in tombstones:
        public_when_deleted(code)
    for flag in (True, False):
        codes = [code for code, value in was_public.items() if value is flag]
        if codes:
            DeletedElement.objects.filter(code__in=codes).update(was_public=flag)
    # A 410 page names the parent only if the public could see it.
    DeletedElement.objects.filter(was_public=False).update(parent_code="", parent_title="")


def drop_drafts_index(apps, schema_editor):
    schema_editor.execute(search_schema.DRAFTS_INDEX_DROP)


def create_drafts_index(apps, schema_editor):
    schema_editor.execute(search_schema.DRAFTS_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("strategy", "0006_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="deletedelement",
            name="was_public",
            field=models.BooleanField(
                default=False, verbose_name="var offentlig da det ble slettet"
            ),
        ),
        migrations.AddField(
            model_name="strategyelement",
            name="is_public",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="Publisert, og alle overordnede elementer er publisert.",
                serialize=False,
                verbose_name="offentlig",
            ),
        ),
        migrations.RunPython(fill_public_flags, migrations.RunPython.noop),
        migrations.RunPython(drop_drafts_index, create_drafts_index),
    ]
