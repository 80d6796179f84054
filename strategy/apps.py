from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


def repair_search_index(sender, using="default", **kwargs) -> None:
    from django.db import connections

    from .search.schema import ensure_sqlite_triggers

    ensure_sqlite_triggers(connections[using])


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = "Strategi"

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .admin.roles import ensure_editor_group
        from .infrastructure import checks  # noqa: F401
        from .search.schema import register_sqlite_functions

        # Connected for every app's post_migrate: the auth permissions this needs are created by
        # the auth app's own handler, which runs before ours only for the later senders.
        post_migrate.connect(ensure_editor_group, dispatch_uid="strategy-editor-group")
        post_migrate.connect(repair_search_index, sender=self)
        connection_created.connect(register_sqlite_functions, dispatch_uid="strategy-sqlite")
