"""The history tells the truth (issue 11, point 9): the loaded content is the load's, not the
first editor's; an untouched body re-saved through the form is unchanged; and a refused
``?next=`` after the admin login lands on the admin index."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from strategy.admin.editor import compare_rows
from strategy.models import Source, StrategyElement
from tests.admin_helpers import admin_url, form_fields, make_editor


def get(code: str) -> StrategyElement:
    return StrategyElement.objects.get(code=code)


def versions(element: StrategyElement):
    return list(
        StrategyElement.history.filter(id=element.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )


def test_the_history_starts_with_the_load(db):
    """Bug prevented: the fixture's content credited to the first editor who touched it, with
    that editor's date (and nothing to compare with before the first edit)."""
    started = timezone.now()
    call_command("load_strategy", "strategy", verbosity=0)
    finished = timezone.now()
    elements = list(StrategyElement.objects.all())
    records = list(StrategyElement.history.all())
    assert len(records) == len(elements) == 54
    for record in records:
        assert record.history_user is None
        assert record.history_change_reason == "Lastet fra fixtures/strategy.json"
        assert record.history_type == "+"
        assert started <= record.history_date <= finished
    sources = list(Source.history.all())
    assert len(sources) == Source.objects.count() > 0
    assert {(s.history_user, s.history_change_reason) for s in sources} == {
        (None, "Lastet fra fixtures/strategy.json")
    }
    call_command("load_strategy", "strategy", verbosity=0)  # the same file again: nothing new
    assert StrategyElement.history.count() == 54


def test_the_first_editor_gets_only_their_own_change(client, strategy):
    """Bug prevented: the baseline version showing the first editor as its author."""
    editor = make_editor()
    client.force_login(editor)
    goal = get("M1")
    form = form_fields(client.get(admin_url("change", goal.pk)).content.decode())
    form["title"] = "Å endre for første gang"
    assert client.post(admin_url("change", goal.pk), form).status_code == 302
    load, change = versions(goal)
    assert (load.history_user, load.history_change_reason) == (
        None,
        "Lastet fra fixtures/strategy.json",
    )
    assert load.title == goal.title
    assert change.history_user == editor
    page = client.get(admin_url("history", goal.pk)).content.decode()
    assert "Lastet fra fixtures/strategy.json" in page


def test_content_without_a_recorded_load_gets_a_baseline_that_is_nobody_s(client, strategy):
    """Bug prevented: content loaded before loads were recorded (an existing database) still
    crediting its original text to the first editor."""
    editor = make_editor()
    client.force_login(editor)
    goal = get("M1")
    StrategyElement.history.filter(id=goal.pk).delete()
    form = form_fields(client.get(admin_url("change", goal.pk)).content.decode())
    form["title"] = "Å endre en gammel database"
    client.post(admin_url("change", goal.pk), form)
    baseline, change = versions(goal)
    assert baseline.history_user is None and baseline.title == goal.title
    assert baseline.history_date < timezone.now() - timedelta(minutes=1)  # the content's date
    assert change.history_user == editor


def test_an_untouched_body_posted_with_crlf_is_unchanged(client, strategy):
    """Bug prevented: every save through the form showing «Brødtekst» as changed because the
    browser sends the textarea with CRLF line endings."""
    client.force_login(make_editor())
    theme = get("KM")
    assert "\n" in theme.body  # paragraphs: the case that went wrong
    form = form_fields(client.get(admin_url("change", theme.pk)).content.decode())
    assert "\r\n" in form["body"]  # what the browser sends
    form["title"] = "Klima, miljø og natur – endret tittel"
    assert client.post(admin_url("change", theme.pk), form).status_code == 302
    assert get("KM").body == theme.body
    load, change = versions(theme)
    assert [row.label for row in compare_rows(load, change) if row.changed] == ["Tittel"]
    page = client.get(admin_url("history", theme.pk)).content.decode()
    assert "Tittel" in page and "Brødtekst" not in page.split("change-history", 1)[1]


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/admin/", "http://127.0.0.1:1/admin/"]
)
def test_a_refused_next_after_login_lands_on_the_admin_index(db, next_url):
    """Bug prevented: a rejected ?next= sending the editor to /accounts/profile/ (a 404)."""
    get_user_model().objects.create_superuser("redaktor", "r@example.com", "riktig-passord-42")
    client = Client()
    response = client.post(
        f"{reverse('admin:login')}?next={next_url}",
        {"username": "redaktor", "password": "riktig-passord-42", "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200
