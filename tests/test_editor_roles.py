"""Roles: the "Redaktør" group can do daily editing and nothing more; a user without the
permissions cannot change content."""

import pytest
from django.contrib.auth.models import Group

from strategy.models import Kind, PendingChange, Source, StrategyElement
from tests.admin_helpers import (
    admin_url,
    element_form_data,
    make_editor,
    make_staff_without_permissions,
    tree_snapshot,
)


def content_snapshot():
    return (
        tree_snapshot(),
        list(Source.objects.order_by("pk").values_list("pk", "text")),
        list(PendingChange.objects.values_list("pk", "title")),
        StrategyElement.history.count(),
    )


def test_editor_group_has_exactly_the_daily_editing_permissions(db):
    """Bug prevented: an editor group that can manage users (or that cannot edit sources)."""
    group = Group.objects.get(name="Redaktør")
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    expected = {
        ("strategy", f"{action}_{model}")
        for action in ("view", "add", "change", "delete")
        # Search's synonym groups are the secretariat's to keep (README: «Synonymer»).
        for model in ("strategyelement", "source", "pendingchange", "synonymgroup")
    } | {
        ("strategy", "view_historicalstrategyelement"),
        ("strategy", "view_historicalsource"),
        ("strategy", "view_historicalsynonymgroup"),
        ("strategy", "view_edition"),
        ("strategy", "change_edition"),
    }
    assert codenames == expected


def test_an_editor_is_not_a_superuser_and_can_do_daily_editing(client, strategy):
    """Bug prevented: the secretariat needing a superuser account for ordinary edits."""
    editor = make_editor()
    assert not editor.is_superuser
    client.force_login(editor)
    assert client.get(admin_url("changelist")).status_code == 200
    assert client.get(admin_url("add")).status_code == 200
    goal = StrategyElement.objects.get(code="M1")
    response = client.post(admin_url("change", goal.pk), element_form_data(goal, title="Å endre"))
    assert response.status_code == 302
    assert StrategyElement.objects.get(code="M1").title == "Å endre"
    # ... but not user management.
    assert client.get("/admin/auth/user/").status_code == 403


@pytest.fixture
def outsider_client(client, strategy):
    client.force_login(make_staff_without_permissions())
    return client


def refused_requests():
    goal = StrategyElement.objects.get(code="M1")
    other = StrategyElement.objects.get(code="M2")
    transport = StrategyElement.objects.get(code="T")
    new = element_form_data(parent=transport.pk, kind=Kind.STRATEGY, code="T-S9", title="Ved å")
    draft = {**element_form_data(goal, title="Å utkast"), "_save_draft": "1"}
    move = {"cmd": "move_node", "cut_item": goal.pk, "pasted_on": other.pk, "position": "right"}
    return {
        "add": (admin_url("add"), new),
        "change": (admin_url("change", goal.pk), element_form_data(goal, title="Å hacke")),
        "draft": (admin_url("change", goal.pk), draft),
        "delete": (admin_url("delete", goal.pk), {"post": "yes"}),
        "move": (admin_url("changelist"), move),
        "publish": (admin_url("publish", goal.pk), {}),
        "restore": (admin_url("restore", goal.pk, 1), {}),
        "preview": (admin_url("preview", goal.pk), None),
        "history": (admin_url("history", goal.pk), None),
    }


@pytest.mark.parametrize(
    "action",
    ["add", "change", "draft", "delete", "move", "publish", "restore", "preview", "history"],
)
def test_staff_without_permissions_is_refused_and_nothing_changes(outsider_client, action):
    """Bug prevented: any logged-in staff account being able to edit, move, publish or delete
    the strategy (mptt's move view answers 200 "FAIL" where a 403 is due)."""
    before = content_snapshot()
    url, data = refused_requests()[action]
    response = outsider_client.get(url) if data is None else outsider_client.post(url, data)
    assert response.status_code == 403
    assert content_snapshot() == before


def test_a_logged_in_user_who_is_not_staff_gets_the_login_page(client, strategy, django_user_model):
    """Bug prevented: an ordinary account reaching the editor."""
    client.force_login(django_user_model.objects.create_user("publikum"))
    goal = StrategyElement.objects.get(code="M1")
    before = content_snapshot()
    response = client.post(admin_url("change", goal.pk), element_form_data(goal, title="Å x"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert content_snapshot() == before
