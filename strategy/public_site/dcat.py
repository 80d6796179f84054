"""The description of the open data in DCAT-AP-NO, the profile of the national data catalogue
data.norge.no, which harvests it from /api/katalog.ttl (Turtle) or /api/katalog.jsonld.

The resources are named after the sections of the documentation page /api/ that explain them
(``/api/#strategien``, ``/api/#json`` …), so that every URI in the description leads a person
somewhere useful."""

from __future__ import annotations

from datetime import UTC
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from ..infrastructure.caching import content_version, public_page
from ..models import StrategyElement
from .accessibility import SECRETARIAT_EMAIL
from .opendata import LICENCE, PUBLISHER, Urls, api_view, schema_url

if TYPE_CHECKING:
    from rdflib import Graph

EU = "http://publications.europa.eu/resource/authority/"
# The EU vocabularies that DCAT-AP-NO requires for these properties.
LICENCE_URI = EU + "licence/NLOD_2_0"
THEMES = (EU + "data-theme/GOVE", EU + "data-theme/REGI")  # public sector; regions and cities
LANGUAGE_URI = EU + "language/NOB"
ACCESS_RIGHTS_URI = EU + "access-right/PUBLIC"
# Until Brønnøysundregistrene fix a URI pattern for Enhetsregisteret, DCAT-AP-NO names a
# publisher by its organisation number under this address.
ORGANISATION_URI = "https://organization-catalog.fellesdatakatalog.digdir.no/organizations/"

# (anchor on /api/, URL name, EU file type, media type, Norwegian title)
DISTRIBUTIONS = (
    ("json", "strategy-json", "JSON", "application/json", "Hele strategien som JSON"),
    ("csv", "elements-csv", "CSV", "text/csv", "Alle elementene som CSV (regneark)"),
)

JSON_LD_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def publisher_uri(urls: Urls) -> str:
    """The organisation in Enhetsregisteret when its number is configured (data.norge.no links
    the datasets to the organisation by it); otherwise the portal's own name for it."""
    number = settings.PORTAL.get("ORGANISATION_NUMBER", "")
    return (
        ORGANISATION_URI + number if number else urls.absolute(reverse("strategy:api") + "#utgiver")
    )


def catalogue(request: HttpRequest) -> Graph | None:
    """The catalogue, its one dataset (the strategy) and that dataset's distributions. One
    query (the current document); None when nothing is published."""
    # rdflib takes a quarter of a second to import: only the workers that are asked pay it.
    from rdflib import Graph, Literal, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, RDF, XSD

    vcard = Namespace("http://www.w3.org/2006/vcard/ns#")
    root = StrategyElement.objects.current_document()
    if root is None:
        return None
    urls = Urls()
    api = urls.absolute(reverse("strategy:api"))

    def nb(text: str) -> Literal:
        return Literal(text, lang="nb")

    graph = Graph()
    for prefix, namespace in JSON_LD_CONTEXT.items():
        graph.bind(prefix, Namespace(namespace))
    catalog, dataset = URIRef(api + "#katalog"), URIRef(api + "#strategien")
    publisher, contact = URIRef(publisher_uri(urls)), URIRef(api + "#kontakt")
    add = graph.add

    add((publisher, RDF.type, FOAF.Agent))
    add((publisher, RDF.type, ORG.Organization))
    add((publisher, FOAF.name, nb(PUBLISHER)))
    if settings.PORTAL.get("ORGANISATION_NUMBER"):
        add((publisher, DCTERMS.identifier, Literal(settings.PORTAL["ORGANISATION_NUMBER"])))

    add((contact, RDF.type, vcard.Organization))
    add((contact, vcard.fn, nb(f"{settings.PORTAL['OWNER']}, sekretariatet")))
    add((contact, vcard.hasEmail, URIRef(f"mailto:{SECRETARIAT_EMAIL}")))
    add((contact, vcard.hasURL, URIRef(settings.PORTAL["OWNER_URL"])))

    add((catalog, RDF.type, DCAT.Catalog))
    add((catalog, DCTERMS.identifier, Literal(str(catalog))))
    add((catalog, DCTERMS.title, nb(f"Åpne data fra {root.title}")))
    add(
        (
            catalog,
            DCTERMS.description,
            nb(f"Datasettene som {PUBLISHER} gir ut fra portalen «{root.title}»."),
        )
    )
    add((catalog, DCTERMS.publisher, publisher))
    add((catalog, DCAT.contactPoint, contact))
    add((catalog, FOAF.homepage, URIRef(urls.absolute(reverse("strategy:front-page")))))
    add((catalog, DCTERMS.language, URIRef(LANGUAGE_URI)))
    add((catalog, DCAT.themeTaxonomy, URIRef(EU + "data-theme")))
    add((catalog, DCAT.dataset, dataset))

    add((dataset, RDF.type, DCAT.Dataset))
    add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    add((dataset, DCTERMS.title, nb(root.title)))
    add(
        (
            dataset,
            DCTERMS.description,
            nb(
                f"Osloregionens regionale strategi, «{root.title}», som strukturerte data: "
                "visjon, overordnede utfordringer, mål og strategier, innsatsområder med "
                "delmål og strategier, og tverrgående temaer – hvert element med fast "
                "referansekode, tittel, tekst, kilder og plass i hierarkiet."
            ),
        )
    )
    add((dataset, DCTERMS.publisher, publisher))
    add((dataset, DCAT.contactPoint, contact))
    for theme in THEMES:
        add((dataset, DCAT.theme, URIRef(theme)))
    for keyword in (
        "regional strategi",
        "Osloregionen",
        "regional utvikling",
        "interkommunalt samarbeid",
    ):
        add((dataset, DCAT.keyword, nb(keyword)))
    add((dataset, DCTERMS.language, URIRef(LANGUAGE_URI)))
    add((dataset, DCTERMS.accessRights, URIRef(ACCESS_RIGHTS_URI)))
    add((dataset, DCAT.landingPage, URIRef(urls.absolute(reverse("strategy:front-page")))))
    version = content_version(request)
    if version is not None:
        modified = version[1].astimezone(UTC).replace(microsecond=0)
        add((dataset, DCTERMS.modified, Literal(modified.isoformat(), datatype=XSD.dateTime)))

    for anchor, url_name, file_type, media_type, title in DISTRIBUTIONS:
        distribution = URIRef(f"{api}#{anchor}")
        download = URIRef(urls.absolute(reverse(f"strategy:{url_name}")))
        add((dataset, DCAT.distribution, distribution))
        add((distribution, RDF.type, DCAT.Distribution))
        add((distribution, DCTERMS.title, nb(title)))
        add((distribution, DCTERMS.description, nb(f"{title}, lisens {LICENCE['navn']}.")))
        add((distribution, DCAT.accessURL, download))
        add((distribution, DCAT.downloadURL, download))
        add((distribution, DCTERMS.format, URIRef(EU + "file-type/" + file_type)))
        add(
            (
                distribution,
                DCAT.mediaType,
                URIRef("https://www.iana.org/assignments/media-types/" + media_type),
            )
        )
        add((distribution, DCTERMS.license, URIRef(LICENCE_URI)))
        if file_type == "JSON":
            add((distribution, DCTERMS.conformsTo, URIRef(schema_url(urls, "strategi"))))
    return graph


def _serialised(request: HttpRequest, rdf_format: str, content_type: str) -> HttpResponse:
    graph = catalogue(request)
    if graph is None:
        return HttpResponse(
            "Ingen publisert strategi.", status=404, content_type="text/plain; charset=utf-8"
        )
    if rdf_format == "json-ld":
        body = graph.serialize(format="json-ld", context=JSON_LD_CONTEXT, auto_compact=True)
    else:
        body = graph.serialize(format=rdf_format)
    return HttpResponse(body, content_type=f"{content_type}; charset=utf-8")


@api_view
@public_page
def catalogue_turtle(request: HttpRequest) -> HttpResponse:
    """The harvest endpoint: DCAT-AP-NO in Turtle. Two queries (content version, document)."""
    return _serialised(request, "turtle", "text/turtle")


@api_view
@public_page
def catalogue_json_ld(request: HttpRequest) -> HttpResponse:
    """The same description in JSON-LD."""
    return _serialised(request, "json-ld", "application/ld+json")
