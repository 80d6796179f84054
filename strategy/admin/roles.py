"""The editors' group ("Redaktør"): exactly the permissions daily editing needs."""

from django.contrib.auth.models import Group, Permission

EDITOR_GROUP = "Redaktør"

# Daily editing: the content, its footnotes, drafts, search's synonyms, and reading the
# history. Nothing about users, groups or the admin log.
EDITOR_PERMISSIONS = [
    *(f"{action}_strategyelement" for action in ("view", "add", "change", "delete")),
    *(f"{action}_source" for action in ("view", "add", "change", "delete")),
    *(f"{action}_pendingchange" for action in ("view", "add", "change", "delete")),
    "view_historicalstrategyelement",
    "view_historicalsource",
    # Search's synonym groups are the secretariat's to keep (README: «Synonymer»).
    *(f"{action}_synonymgroup" for action in ("view", "add", "change", "delete")),
    "view_historicalsynonymgroup",
    # Editions: start, send to consultation and adopt (strategy/admin/editions.py).
    "view_edition",
    "change_edition",
]


def ensure_editor_group(using: str = "default", **kwargs) -> None:
    """Creates the group or puts its permissions back. Runs after every ``migrate`` (and after
    ``flush``, which empties auth tables that the data migration filled), so the group a
    secretariat relies on cannot silently go missing."""
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="strategy", codename__in=EDITOR_PERMISSIONS
    )
    if permissions.count() != len(EDITOR_PERMISSIONS):
        return  # permissions not created yet; post_migrate runs again once they are
    group, _ = Group.objects.using(using).get_or_create(name=EDITOR_GROUP)
    group.permissions.set(permissions)
