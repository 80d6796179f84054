"""A change the public can see bumps the content version (ETag/Last-Modified, page cache).

Only such a change: saving, moving or deleting a draft (or anything under one), a draft's
sources, or an editor's ``PendingChange`` leaves the public version alone, so that neither the
validators nor the workers' page caches reveal or pay for editorial work. "Public" is the
stored flag (strategy/public.py): an element counts when it was public before the write or is
public after it. Every move ends in ``save()`` (django-mptt's ``move_node`` saves the node), so
post_save covers moves too.

Every word saved also joins search's vocabulary («Mente du …?», compounds).

A fixture load (Django's own ``loaddata``, and ``load_strategy`` built on it) writes rows
"raw", without ``save()`` or a form: each row still passes the model's field rules before it is
written (a refused row fails the load, whose transaction then leaves nothing behind), and its
tree gets its derived public flags. ``load_strategy`` checks the tree as a whole on top.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import (
    ContentVersion,
    Edition,
    SearchWord,
    Source,
    StrategyElement,
    SynonymGroup,
    public_flags_changed,
)
from .validators import describe

# What tells whether a loaded row differs from the stored one (its version) and from its latest
# historical record (load_strategy's history).
COMPARED_ON_LOAD = {
    StrategyElement: ("parent_id", "kind", "code", "title", "slug", "path", "body", "is_published"),
    Source: ("element_id", "number", "text", "url", "anchor"),
}


def loaded_row_label(instance: models.Model) -> str:
    """How a refused fixture row is named: by its primary key, and an element by its code."""
    if isinstance(instance, StrategyElement):
        return f"strategielement pk={instance.pk} (kode «{instance.code}»)"
    if isinstance(instance, Source):
        return f"kilde pk={instance.pk} (nr. {instance.number})"
    return f"{instance._meta.verbose_name} pk={instance.pk}"


@receiver(pre_save, sender=StrategyElement, dispatch_uid="strategy-loaded-element-rules")
@receiver(pre_save, sender=Source, dispatch_uid="strategy-loaded-source-rules")
def refuse_an_invalid_loaded_row(sender, instance, raw: bool = False, **kwargs) -> None:
    """The model's field rules for a row from a fixture, before it is written: a NUL or an
    over-long title would otherwise fail in PostgreSQL with an English error and be stored on
    SQLite, a slug with markup would break every page. Relations are the tree's business
    (``load_strategy`` checks the whole tree once every row is in)."""
    if not raw:
        return
    relations = {field.name for field in instance._meta.fields if field.is_relation}
    # A row with a primary key may overwrite its own (loading onto a database that has the
    # strategy): uniqueness is then checked against the other rows.
    instance._state.adding = instance.pk is None
    try:
        instance.clean_fields(exclude=relations)
        instance.validate_constraints()  # e.g. one footnote number once per element
        if isinstance(instance, StrategyElement):
            instance.check_code()  # before the row is overwritten: codes are permanent
    except ValidationError as error:
        problem = describe(instance, error)
        raise ValidationError(f"{loaded_row_label(instance)}: {problem}") from error
    if isinstance(instance, StrategyElement):
        clash = (
            StrategyElement.objects.filter(edition_id=instance.edition_id, code=instance.code)
            .exclude(pk=instance.pk)
            .values_list("pk", flat=True)
            .first()
        )
        if clash is not None:
            raise ValidationError(
                f"strategielement pk={instance.pk}: referansekoden «{instance.code}» er "
                f"allerede brukt av strategielement pk={clash}"
            )
        count_loaded_version(instance)


def count_loaded_version(element: StrategyElement) -> None:
    """A fixture carries no version. A row loaded over a different one is a new version of it
    (a form opened before the load is then stale); an identical one keeps its version, so
    loading the same file twice changes nothing."""
    fields = COMPARED_ON_LOAD[StrategyElement]
    stored = StrategyElement.objects.filter(pk=element.pk).values(*fields, "version").first()
    if stored is None:
        return
    unchanged = all(getattr(element, field) == stored[field] for field in fields)
    element.version = stored["version"] + (0 if unchanged else 1)


@receiver(post_save, sender=StrategyElement, dispatch_uid="strategy-loaded-public-flags")
def derive_public_flags_of_a_loaded_row(
    sender, instance: StrategyElement, raw: bool = False, **kwargs
) -> None:
    """A fixture does not carry the derived public flag (one that did would not be trusted):
    derived for the row's whole tree after each row, so that the last row of a tree leaves
    every flag of it right, whatever order the rows came in."""
    if raw:
        StrategyElement.objects.filter(pk=instance.pk).refresh_public()


@receiver(post_save, sender=Edition, dispatch_uid="strategy-loaded-edition-public-flags")
def derive_public_flags_of_a_loaded_edition(
    sender, instance: Edition, raw: bool = False, **kwargs
) -> None:
    """An edition's status is part of its tree's public flags (a draft edition shows nothing):
    rows loaded before their edition got no flags from it, so they are derived again when it
    comes."""
    if raw:
        instance.elements.all().refresh_public()


@receiver(post_save, sender=StrategyElement)
def element_saved(sender, instance: StrategyElement, raw: bool = False, **kwargs) -> None:
    # A fixture load writes rows as they come; it may change anything.
    if raw or instance.seen_by_public():
        ContentVersion.bump()


@receiver(post_delete, sender=StrategyElement)
def element_deleted(sender, instance: StrategyElement, **kwargs) -> None:
    # ``was_public`` is read from the database for every deleted row (pre_delete, models).
    if getattr(instance, "was_public", True):
        ContentVersion.bump()


@receiver(public_flags_changed, sender=StrategyElement)
def public_flags_were_changed(sender, **kwargs) -> None:
    ContentVersion.bump()


@receiver(post_save, sender=Source)
@receiver(post_delete, sender=Source)
def source_changed(sender, instance: Source, raw: bool = False, **kwargs) -> None:
    if raw or StrategyElement.objects.public().filter(pk=instance.element_id).exists():
        ContentVersion.bump()


@receiver(post_save, sender=StrategyElement, dispatch_uid="strategy-search-words")
def add_search_words(sender, instance: StrategyElement, **kwargs) -> None:
    """Also for loaddata (raw saves): "Mente du …?" and compounds read these words. A draft's
    words too: a suggestion is offered only where a public element has the word (search/sql.py's
    VISIBLE), so it never reveals a draft, and appears as soon as the draft is published."""
    SearchWord.objects.add_words_of([instance.title, instance.body])


@receiver(post_save, sender=SynonymGroup, dispatch_uid="strategy-synonym-links")
def load_synonym_links(sender, instance: SynonymGroup, raw: bool = False, **kwargs) -> None:
    """loaddata saves a group without its ``save()``: make its links here."""
    if raw:
        instance.rebuild_links()
