"""The fields of the element form that an editor types long text into: the title as a wide
multi-line box (titles run to 170 characters), and the body with a preview of the page text
beside it, rendered and sanitised exactly as on the public page (``strategy.text.render_body``).
The preview is drawn by the server when the form opens and, with JavaScript
(static/js/editor.js), redrawn from ``body_preview`` while the editor types."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import reverse
from django.utils.html import format_html

from ..models import Source
from ..text import render_body

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

# A title is one line: a line break typed (or pasted) into the box becomes a space.
LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def one_line(text: str) -> str:
    return LINE_BREAKS.sub(" ", text).strip()


class TitleTextarea(forms.Textarea):
    def __init__(self, attrs=None):
        super().__init__({"rows": 3, "cols": 80, "class": "strategy-title", **(attrs or {})})


class MarkdownPreviewTextarea(forms.Textarea):
    """The body's text box followed by its preview. ``sources`` (the element's footnotes) put
    the same footnote markers in the preview as on the page."""

    def __init__(self, attrs=None):
        super().__init__({"rows": 14, "class": "strategy-body", **(attrs or {})})
        self.sources: Iterable[Source] = ()
        self.element_id: int | None = None

    def render(self, name, value, attrs=None, renderer=None):
        textarea = super().render(name, value, attrs, renderer)
        field_id = (attrs or {}).get("id") or f"id_{name}"
        return format_html(
            '<div class="strategy-body-editor">{}'
            '<section class="markdown-preview" aria-labelledby="{}-forhandsvisning-tittel" '
            'data-preview-url="{}" data-source="{}" data-element="{}">'
            '<h2 id="{}-forhandsvisning-tittel">Slik blir teksten på siden</h2>'
            '<div class="markdown-preview__content">{}</div>'
            "</section></div>",
            textarea,
            field_id,
            reverse("admin:strategy_strategyelement_body_preview"),
            field_id,
            self.element_id or "",
            field_id,
            render_body(value or "", self.sources),
        )


def body_preview(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    """The body text (``tekst``) as the public page renders it, as an HTML fragment, with the
    footnote markers of element ``element`` when given."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    element_id = request.POST.get("element", "")
    sources = Source.objects.filter(element_id=int(element_id)) if element_id.isdigit() else ()
    response = HttpResponse(render_body(request.POST.get("tekst", ""), sources))
    response["Cache-Control"] = "no-store"
    return response
