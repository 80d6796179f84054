"""The accessibility statement (tilgjengelighetserklæring) that the regulation on universal
design of ICT requires every public website to publish."""

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .page import page_context

# Update both when the portal is reassessed; the statement must say when it was last checked.
STATEMENT_DATE = date(2026, 11, 26)
SECRETARIAT_EMAIL = "post@osloregionen.no"
COMPLAINTS_URL = "https://www.uutilsynet.no/"


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "strategy/accessibility_statement.html",
        {
            **page_context(),
            "statement_date": STATEMENT_DATE,
            "secretariat_email": SECRETARIAT_EMAIL,
            "complaints_url": COMPLAINTS_URL,
        },
    )
