from django.apps import AppConfig
from django.db.models.signals import post_migrate


def repair_search_index(sender, using="default", **kwargs) -> None:
    from django.db import connections

    from .search_schema import ensure_sqlite_triggers

    ensure_sqlite_triggers(connections[using])


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = "Strategi"

    def ready(self) -> None:
        post_migrate.connect(repair_search_index, sender=self)
