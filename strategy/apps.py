from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "strategy"
    verbose_name = "Strategi"

    def ready(self) -> None:
        from . import signals  # noqa: F401
