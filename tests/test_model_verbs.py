"""The domain verbs live on the model (issue 12, point 2): publish, save and discard a draft,
restore a version; each one transaction, called alike by the admin, the editor's views, the
commands and the tests."""

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template

from strategy.models import PendingChange, StrategyElement


def get(code: str) -> StrategyElement:
    return StrategyElement.objects.get(code=code)


def test_a_version_of_another_element_is_not_restored(strategy):
    """Bug prevented: ``restore_version`` putting another element's title and text on this
    one when handed a foreign version (the view checked it; the model did not)."""
    goal, other = get("M1"), get("M2")
    other.title = "Å bli en annen tittel"
    other.save()
    foreign = StrategyElement.history.filter(id=other.pk).first()
    with pytest.raises(ValidationError, match="hører ikke til"):
        goal.restore_version(foreign)
    assert get("M1").title == goal.title


def test_draft_verbs_round_trip(strategy):
    """Saving a draft leaves the element as it is; discarding it throws it away; publishing
    applies it. Each returns what it did."""
    goal = get("M1")
    draft = goal.save_draft({"title": "Å utkaste", "slug": goal.slug, "body": goal.body})
    assert isinstance(draft, PendingChange)
    assert get("M1").title == goal.title
    assert goal.discard_draft() is True
    assert goal.discard_draft() is False
    goal.save_draft({"title": "Å publisere", "slug": goal.slug, "body": goal.body})
    published = goal.publish()
    assert published.title == "Å publisere" == get("M1").title
    assert not PendingChange.objects.filter(element=goal).exists()


def test_a_refused_publication_changes_nothing(strategy):
    """Bug prevented: half a publication (the element saved, the draft left, or the reverse)
    when the draft breaks a rule: the verb is one transaction."""
    goal = get("M1")
    goal.save_draft({"title": "", "slug": goal.slug, "body": ""})
    before = StrategyElement.objects.filter(pk=goal.pk).values().get()
    with pytest.raises(ValidationError):
        goal.publish()
    assert StrategyElement.objects.filter(pk=goal.pk).values().get() == before
    assert PendingChange.objects.filter(element=goal).exists()


def test_a_template_cannot_call_a_verb(strategy):
    """Bug prevented: a page that writes what it shows (``{{ element.publish }}``)."""
    goal = get("M1")
    goal.save_draft({"title": "Å ikke publiseres", "slug": goal.slug, "body": goal.body})
    Template(
        "{{ e.publish }}{{ e.discard_draft }}{{ e.ensure_baseline }}{{ e.save_draft }}"
    ).render(Context({"e": goal}))
    assert PendingChange.objects.filter(element=goal).exists()
    assert get("M1").title == goal.title


def test_a_code_kept_is_one_rule(strategy):
    """The rule that a code never changes is one method, used by full_clean and save."""
    element = get("T-S2")
    element.check_code_kept("T-S2")
    with pytest.raises(ValidationError, match="permanent"):
        element.check_code_kept("T-S1")


def test_parent_of_deleted_takes_the_history_row(strategy):
    """``parent_of_deleted`` takes one type: the history's deletion row."""
    element = get("T-S2")
    parent = element.parent
    element.delete()
    record = StrategyElement.objects.last_deletion("T-S2")
    assert StrategyElement.objects.parent_of_deleted(record) == (parent, None)
    assert StrategyElement.objects.parent_of_deleted(None) == (None, None)


@pytest.mark.parametrize("page", ["move_to", "preview", "publish", "compare"])
def test_an_editor_page_with_an_id_that_is_no_number_is_a_404(editor_client, page):
    """The ids come from the <int:…> converter; anything else is no element (not Django's
    catch-all redirect to a change form, and never a 500)."""
    from tests.admin_helpers import admin_url

    url = admin_url(page, 1).replace("/1/", "/x/")
    assert editor_client.get(url).status_code == 404
    restore = admin_url("restore", 1, 2).replace("/1/", "/x/").replace("/2/", "/y/")
    assert editor_client.get(restore).status_code == 404
