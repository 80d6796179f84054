"""The portal's own system checks (registered in StrategyConfig.ready)."""

from django.core import checks

from .deployment import recorded_warnings


@checks.register(checks.Tags.security, deploy=True)
def forwarded_for_without_trusted_proxy(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Runs with ``manage.py check --deploy``: what a running process saw and recorded."""
    return [
        checks.Warning(
            message,
            hint="Se «Proxyen» i README-ens driftsdel.",
            id="strategy.W001",
        )
        for message in recorded_warnings()
    ]
