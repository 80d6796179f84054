"""Every change to the content bumps the content version (ETag/Last-Modified, page cache), and
every word saved joins search's vocabulary."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from mptt.signals import node_moved

from .models import ContentVersion, SearchWord, Source, StrategyElement, SynonymGroup


@receiver(post_save, sender=StrategyElement)
@receiver(post_delete, sender=StrategyElement)
@receiver(node_moved, sender=StrategyElement)
@receiver(post_save, sender=Source)
@receiver(post_delete, sender=Source)
def bump_content_version(sender, **kwargs) -> None:
    ContentVersion.bump()


@receiver(post_save, sender=StrategyElement, dispatch_uid="strategy-search-words")
def add_search_words(sender, instance: StrategyElement, **kwargs) -> None:
    """Also for loaddata (raw saves): "Mente du …?" and compounds read these words."""
    SearchWord.objects.add_words_of([instance.title, instance.body])


@receiver(post_save, sender=SynonymGroup, dispatch_uid="strategy-synonym-links")
def load_synonym_links(sender, instance: SynonymGroup, raw: bool = False, **kwargs) -> None:
    """loaddata saves a group without its ``save()``: make its links here."""
    if raw:
        instance.rebuild_links()
