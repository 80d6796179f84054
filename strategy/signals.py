"""Every change to the content bumps the content version (ETag/Last-Modified, page cache)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from mptt.signals import node_moved

from .models import ContentVersion, Source, StrategyElement


@receiver(post_save, sender=StrategyElement)
@receiver(post_delete, sender=StrategyElement)
@receiver(node_moved, sender=StrategyElement)
@receiver(post_save, sender=Source)
@receiver(post_delete, sender=Source)
def bump_content_version(sender, **kwargs) -> None:
    ContentVersion.bump()
