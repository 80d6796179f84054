from django.apps import AppConfig
from django.db.models.signals import post_migrate


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = "Strategi"

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .roles import ensure_editor_group

        # Connected for every app's post_migrate: the auth permissions this needs are created by
        # the auth app's own handler, which runs before ours only for the later senders.
        post_migrate.connect(ensure_editor_group, dispatch_uid="strategy-editor-group")
