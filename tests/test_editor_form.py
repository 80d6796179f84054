"""The element form, safe by default (strategy/admin/widgets.py, change_form.html): a published
element's first and primary button saves a draft, «Lagre og publiser nå» says it goes live at
once, the title is a wide multi-line box, and the body has a preview rendered and sanitised as
on the public page."""

import re

from strategy.models import Kind, PendingChange, StrategyElement
from strategy.text import render_body
from tests.admin_helpers import admin_url, element_form_data
from tests.editor_helpers import get
from tests.helpers import element_html


def form_of(html: str) -> str:
    return element_html(html, "form", id="strategyelement_form")


def submit_buttons(html: str) -> list[tuple[str, str, str]]:
    """(name, value, class) of every submit button of the element's form, in order."""
    buttons = []
    for tag in re.findall(r'<input type="submit"[^>]*>', form_of(html)):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag))
        buttons.append((attrs.get("name", ""), attrs.get("value", ""), attrs.get("class", "")))
    return buttons


def test_a_published_element_saves_a_draft_by_default(editor_client, client):
    """Bug prevented: the dark primary «Lagre» on a published element, which goes live at once,
    while the safe «Lagre som utkast» was secondary (and Enter in a field published)."""
    goal = get("M1")
    html = editor_client.get(admin_url("change", goal.pk)).content.decode()
    buttons = submit_buttons(html)
    # The browser submits the first button on Enter; the primary style is "default".
    assert buttons[0] == ("_save_draft", "Lagre som utkast", "default")
    assert buttons[1:] == [("_save", "Lagre og publiser nå", "")]
    explanation = element_html(html, "p", id="strategy-save-help")
    assert "publikum ser dem med en gang" in explanation
    assert html.count('aria-describedby="strategy-save-help"') == 2

    live_title = goal.title
    data = element_form_data(goal, title="Å lagre trygt")
    editor_client.post(admin_url("change", goal.pk), {**data, "_save_draft": "Lagre som utkast"})
    assert get("M1").title == live_title
    assert PendingChange.objects.get(element=goal).title == "Å lagre trygt"
    # The form opened again: the draft counted the element's version up.
    data = element_form_data(get("M1"), title="Å lagre trygt")
    editor_client.post(admin_url("change", goal.pk), {**data, "_save": "Lagre og publiser nå"})
    assert get("M1").title == "Å lagre trygt"
    assert "Å lagre trygt" in client.get(get("M1").get_absolute_url()).content.decode()


def test_an_unpublished_element_keeps_the_ordinary_save(editor_client):
    """Bug prevented: a draft element offering «Lagre og publiser nå» (saving it publishes
    nothing), or losing «Lagre og fortsett»."""
    element = StrategyElement.objects.create(
        parent=get("T"), kind=Kind.STRATEGY, code="T-S8", title="Ved å prøve"
    )
    html = editor_client.get(admin_url("change", element.pk)).content.decode()
    names = [name for name, _value, _cls in submit_buttons(html)]
    assert names[0] == "_save" and "_continue" in names and "_save_draft" not in names
    assert "Lagre og publiser nå" not in html
    data = element_form_data(element, title="Ved å prøve igjen")
    editor_client.post(admin_url("change", element.pk), {**data, "_save": "Lagre"})
    saved = get("T-S8")
    assert (saved.title, saved.is_published) == ("Ved å prøve igjen", False)


def test_the_title_is_a_wide_multi_line_box_of_one_line(editor_client):
    """Bug prevented: a 240 px one-line box for titles of 120-170 characters, or a line break
    typed into the box ending up in the title."""
    goal = get("M3")
    html = editor_client.get(admin_url("change", goal.pk)).content.decode()
    box = re.search(r'<textarea name="title"[^>]*>', html).group(0)
    assert 'rows="3"' in box and 'class="strategy-title"' in box
    assert f"{goal.title}</textarea>" in html
    data = element_form_data(goal, title="Å ha en attraktiv\r\nhovedstadsregion  \n")
    editor_client.post(admin_url("change", goal.pk), {**data, "_save": "Lagre og publiser nå"})
    assert get("M3").title == "Å ha en attraktiv hovedstadsregion"


def test_the_body_preview_is_the_public_pages_rendering(editor_client, client):
    """Bug prevented: a preview that renders Markdown differently from the public page (or
    lets a typed <script> through)."""
    area = get("T")
    html = editor_client.get(admin_url("change", area.pk)).content.decode()
    start = html.index('class="markdown-preview__content">') + len(
        'class="markdown-preview__content">'
    )
    preview = html[start : html.index("</div></section>", start)]
    assert preview == render_body(area.body, area.sources.all())
    public = client.get(area.get_absolute_url()).content.decode()
    assert preview.split("<sup")[0] in public  # the same HTML the public page shows

    text = "Første *avsnitt*.\n\n- punkt\n- <script>alert(1)</script>\n\n[lenke](javascript:x)"
    response = editor_client.post(admin_url("body_preview"), {"tekst": text, "element": area.pk})
    assert response.status_code == 200
    assert response.content.decode() == render_body(text, area.sources.all())
    assert "<em>avsnitt</em>" in response.content.decode()
    assert "<script>" not in response.content.decode()
    assert "javascript:" not in response.content.decode()
    assert editor_client.get(admin_url("body_preview")).status_code == 405
    assert editor_client.post(admin_url("body_preview"), {"element": "x"}).status_code == 200
