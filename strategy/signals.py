"""A change the public can see bumps the content version (ETag/Last-Modified, page cache).

Only such a change: saving, moving or deleting a draft (or anything under one), a draft's
sources, or an editor's ``PendingChange`` leaves the public version alone, so that neither the
validators nor the workers' page caches reveal or pay for editorial work. "Public" is the
stored flag (strategy/public.py): an element counts when it was public before the write or is
public after it. Every move ends in ``save()`` (django-mptt's ``move_node`` saves the node), so
post_save covers moves too.

Every word saved also joins search's vocabulary («Mente du …?», compounds).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import (
    ContentVersion,
    SearchWord,
    Source,
    StrategyElement,
    SynonymGroup,
    public_flags_changed,
)


@receiver(post_save, sender=StrategyElement)
def element_saved(sender, instance: StrategyElement, raw: bool = False, **kwargs) -> None:
    # A fixture load writes rows as they come; it may change anything.
    if raw or instance.seen_by_public():
        ContentVersion.bump()


@receiver(post_delete, sender=StrategyElement)
def element_deleted(sender, instance: StrategyElement, **kwargs) -> None:
    # ``was_public`` is read from the database for every deleted row (pre_delete, models.py).
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
