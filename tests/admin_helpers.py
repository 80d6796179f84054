"""Users and form data for driving the real admin views with the test client."""

from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from strategy.infrastructure.integrity import tree_problems
from strategy.models import StrategyElement

CHANGELIST = "admin:strategy_strategyelement_changelist"


def make_editor(username: str = "redaktor"):
    """A member of the secretariat: staff, in the "Redaktør" group, not a superuser."""
    user = get_user_model().objects.create_user(username, is_staff=True)
    user.groups.add(Group.objects.get(name="Redaktør"))
    return user


def logged_in_editor(username: str = "redaktor") -> Client:
    """A test client of its own, logged in as a new editor (two editors at once)."""
    client = Client()
    client.force_login(make_editor(username))
    return client


def make_staff_without_permissions(username: str = "uten-rettigheter"):
    return get_user_model().objects.create_user(username, is_staff=True)


def admin_url(name: str, *args) -> str:
    return reverse(f"admin:strategy_strategyelement_{name}", args=args)


# The element form's «Endringsmerknad» as an editor fills it in: a direct «Lagre» of a changed
# text the public sees needs one (issue 13). Tests of that rule pass ``change_note=""``.
TEST_CHANGE_NOTE = "Endret i test"


def element_form_data(element: StrategyElement | None = None, **changes) -> dict:
    """What the change form posts for an element (with its footnotes inline), changed by
    ``changes``; a new element when ``element`` is None."""
    data = {"parent": "", "kind": "", "code": "", "title": "", "slug": "", "body": ""}
    # As an editor fills it in for a text change the public sees (``TEST_CHANGE_NOTE``).
    data["change_note"] = TEST_CHANGE_NOTE
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
    if element is not None:
        # A form opened now: the version and the hidden initial values it carries.
        data["opened_version"] = element.version
        for name in ("parent", "kind", "title", "slug", "body"):
            data[f"initial-{name}"] = data[name]
        data["initial-is_published"] = str(element.is_published)
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


def move(
    client,
    item: StrategyElement,
    target: StrategyElement,
    position: str,
    versions=None,
    query: str = "",
):
    """What the list's drag and drop posts (mptt's script with js/admin-move-versions.js): the
    rows, the position and the versions the list showed them at (``versions`` by pk; by
    default the ones they have now), to the list's address with ``query`` (its opened nodes)."""
    versions = versions or {item.pk: item.version, target.pk: target.version}
    return client.post(
        admin_url("changelist") + query,
        {
            "cmd": "move_node",
            "cut_item": item.pk,
            "pasted_on": target.pk,
            "position": position,
            "cut_item_version": versions[item.pk],
            "pasted_on_version": versions[target.pk],
        },
    )


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


class _FormReader(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, str] = {}
        self.textareas: set[str] = set()
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attributes.get("name")
        if tag == "input" and name and attributes.get("type") not in ("submit", "button"):
            if attributes.get("type") == "checkbox" and "checked" not in attributes:
                return
            checkbox = attributes.get("type") == "checkbox"
            self.fields[name] = attributes.get("value") or ("on" if checkbox else "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.textareas.add(name)
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attributes:
            self.fields[self._select] = attributes.get("value") or ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self.inside:
            self.inside = False


def form_fields(
    html: str, form_id: str = "strategyelement_form", change_note: str = TEST_CHANGE_NOTE
) -> dict[str, str]:
    """What a browser posts from the page's form, as it was rendered: inputs (ticked
    checkboxes only), textareas with their text (the newline right after the tag dropped) and
    the selected options, every line break sent as CRLF (as browsers do); an empty change
    note field filled with ``change_note``."""
    reader = _FormReader(form_id)
    reader.feed(html)
    fields = {}
    for name, value in reader.fields.items():
        if name in reader.textareas and value.startswith("\n"):
            value = value[1:]
        fields[name] = value.replace("\r\n", "\n").replace("\n", "\r\n")
    fields.pop("csrfmiddlewaretoken", None)
    if fields.get("change_note") == "":
        fields["change_note"] = change_note
    return fields
