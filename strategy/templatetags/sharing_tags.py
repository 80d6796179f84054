"""What an element's page offers for use elsewhere: reference-manager meta tags, structured
data, the oEmbed discovery link, the «Bygg inn» snippet and the reference downloads."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from strategy.models import StrategyElement
from strategy.public_site import citation, sharing
from strategy.public_site.opendata import LICENCE, Urls

register = template.Library()

# A JSON-LD block is data, not script (no Content-Security-Policy applies to it), but the HTML
# parser still ends it at the first "</script": these characters never appear raw in it.
JSON_LD_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data: dict) -> SafeString:
    text = json.dumps(data, ensure_ascii=False, indent=2).translate(JSON_LD_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">\n{text}\n</script>')


@dataclass
class Sharing:
    reference: citation.Reference
    embed_code: str
    oembed_url: str
    json_ld: SafeString
    downloads: list[tuple[str, str, str]]  # (label, URL, file name)


@register.simple_tag(takes_context=True)
def element_sharing(context, element: StrategyElement) -> Sharing:
    """Everything from the element and its ancestors, already in memory: no query."""
    urls = Urls(context["request"])
    reference = citation.Reference.of(
        element, element.cached_ancestors(), urls.permalink(element), urls.page(element)
    )
    front_page = urls.absolute(reverse("strategy:front-page"))
    if element.parent_id is None:
        data = citation.schema_org_document(
            reference, front_page, LICENCE["url"], urls.absolute(reverse("strategy:search"))
        )
    else:
        edition = element.edition
        ancestors = element.cached_ancestors()
        edition_url = urls.absolute(edition.url_for_path(""))
        data = citation.schema_org_element(
            reference,
            edition_url,
            LICENCE["url"],
            urls.json(element),
            edition=citation.schema_org_edition(
                ancestors[0].title if ancestors else reference.document,
                edition_url,
                edition.period,
                edition.get_status_display(),
                urls.absolute(reverse("strategy:editions")),
            ),
            # The element page's «Endringer» (public_site/edition_pages.py) read its versions.
            published=context.get("published_on"),
            modified=context.get("changed_on"),
        )
    downloads = [
        (
            label,
            reverse(
                f"strategy:edition-reference-{name}",
                kwargs={"period": element.edition.period, "code": element.code},
            ),
            suffix,
        )
        for label, name, suffix in (
            ("RIS (Zotero, EndNote, Mendeley)", "ris", "ris"),
            ("BibTeX", "bibtex", "bib"),
            ("CSL-JSON", "csl", "json"),
        )
    ]
    return Sharing(
        reference=reference,
        embed_code=sharing.embed_code(urls.card(element), sharing.card_title(element)),
        oembed_url=sharing.oembed_url(urls, urls.page(element)),
        json_ld=json_ld(data),
        downloads=[(label, url, f"{reference.key}.{suffix}") for label, url, suffix in downloads],
    )
