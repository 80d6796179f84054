"""Reading the editor's pages in tests: comparison tables, message texts, row actions."""

import re

from strategy.models import StrategyElement
from tests.helpers import page_text

# English UI texts of Django's admin, auth and forms, and of django-mptt, as whole words or
# phrases (case-sensitive). Words that are also Norwegian («by», «Filter», «total») are left
# out or only taken in an English phrase.
KNOWN_ENGLISH = (
    "Add",
    "Add another",
    "Action",
    "Are you sure",
    "Breadcrumbs",
    "Change",
    "Change password",
    "Changed",
    "Choose",
    "Clear all filters",
    "Close",
    "Collapse tree",
    "Comment",
    "Created",
    "Currently",
    "Database error",
    "Date/time",
    "Delete",
    "Deleted",
    "Did not understand",
    "Documentation",
    "Enter a valid",
    "Ensure this value",
    "Error",
    "Expand tree",
    "False",
    "Filter by",
    "Filter navigation",
    "Forgotten your",
    "Go",
    "Hide",
    "Hide counts",
    "Historical",
    "History",
    "Home",
    "Log in",
    "Log out",
    "Logged out",
    "Logout",
    "Model name",
    "My actions",
    "New password",
    "No permission",
    "None available",
    "Objects have disappeared",
    "Old password",
    "Password",
    "Please correct",
    "Recent actions",
    "Remove",
    "Run",
    "Save",
    "Save and add another",
    "Save and continue editing",
    "Save as new",
    "Search",
    "Select",
    "Select an option",
    "Show",
    "Show all",
    "Show counts",
    "Sidebar",
    "Skip to main content",
    "Start typing",
    "Successfully",
    "Summary",
    "This field is required",
    "Toggle",
    "Tree actions",
    "True",
    "Unknown",
    "User",
    "Username",
    "View on site",
    "View site",
    "Welcome",
    "Yes, I’m sure",
    "has been successfully moved",
    "move node",
    "results",
    "selected",
    "successfully",
    "title",
)
ENGLISH = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, KNOWN_ENGLISH)) + r")(?![\w-])")
# Code shown to be copied (the preview's embed snippet: <iframe … title="…">) is HTML, not
# words an editor reads; its attribute names are English by definition.
CODE_TAGS = ("pre", "code")
HIDDEN = re.compile(r'<span class="visually-hidden">.*?</span>', flags=re.S)


def compare_cells(html: str, label: str) -> tuple[str, str]:
    """The two value cells (old, new) of one row of a comparison table, as HTML."""
    start = html.index(f'<th scope="row">{label}')
    row = html[start : html.index("</tr>", start)]
    old, new = re.findall(r"<td>(.*?)</td>", row, flags=re.S)
    return old, new


def seen(html: str) -> str:
    """The text a sighted reader sees (without the words only a screen reader hears)."""
    return page_text(HIDDEN.sub("", html))


def heard(html: str) -> str:
    """The text a screen reader reads, the hidden labels included."""
    return page_text(html)


def get(code: str) -> StrategyElement:
    """An element of the strategy by its reference code."""
    return StrategyElement.objects.get(code=code)
