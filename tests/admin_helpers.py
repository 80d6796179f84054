"""Users and form data for driving the real admin views with the test client."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse

from strategy.integrity import tree_problems
from strategy.models import StrategyElement

CHANGELIST = "admin:strategy_strategyelement_changelist"


def make_editor(username: str = "redaktor"):
    """A member of the secretariat: staff, in the "Redaktør" group, not a superuser."""
    user = get_user_model().objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name="Redaktør"))
    return user


def make_staff_without_permissions(username: str = "uten-rettigheter"):
    return get_user_model().objects.create_user(username, is_staff=True)


def admin_url(name: str, *args) -> str:
    return reverse(f"admin:strategy_strategyelement_{name}", args=args)


def element_form_data(element: StrategyElement | None = None, **changes) -> dict:
    """What the change form posts for an element (with its footnotes inline), changed by
    ``changes``; a new element when ``element`` is None."""
    data = {"parent": "", "kind": "", "code": "", "title": "", "slug": "", "body": ""}
    sources = []
    if element is not None:
        data.update(
            parent=element.parent_id or "",
            kind=element.kind,
            code=element.code,
            title=element.title,
            slug=element.slug,
            body=element.body,
            is_published=element.is_published,
        )
        sources = list(element.sources.all())
    data.update(changes)
    if data.pop("is_published", False):
        data["is_published"] = "on"  # an unticked checkbox is simply not posted
    data.update(
        {
            "sources-TOTAL_FORMS": len(sources),
            "sources-INITIAL_FORMS": len(sources),
            "sources-MIN_NUM_FORMS": 0,
            "sources-MAX_NUM_FORMS": 1000,
        }
    )
    for index, source in enumerate(sources):
        prefix = f"sources-{index}-"
        data.update(
            {
                f"{prefix}id": source.pk,
                f"{prefix}element": element.pk,
                f"{prefix}number": source.number,
                f"{prefix}text": source.text,
                f"{prefix}url": source.url,
                f"{prefix}anchor": source.anchor,
            }
        )
    return data


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def tree_snapshot() -> list[tuple]:
    return list(
        StrategyElement.objects.order_by("pk").values_list(
            "pk", "parent_id", "lft", "rght", "tree_id", "level", "path", "title", "body"
        )
    )


def assert_tree_intact() -> None:
    """The nested-set numbers agree with the parent links, every kind stands where it may and
    every stored path follows the slugs. (mptt's ``rebuild()`` would reorder siblings by
    primary key, which is not the editors' order after a move.)"""
    assert tree_problems(list(StrategyElement.objects.all())) == []
