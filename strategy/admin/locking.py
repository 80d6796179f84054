"""Two editors, one element: the editor's form refuses to save over someone else's newer save.

The form carries the element's version (``StrategyElement.version``) and, as hidden initial
values, what each field showed when it was opened. A form posted with an older version is not
saved. Instead it comes back with the other editor's changes taken in, this editor's own
changes kept on top, a table of what changed, and the current version - so the editor looks it
over and saves again. The model's ``save()`` checks the version once more under the tree lock.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db import transaction
from django.http import QueryDict
from django.utils.text import normalize_newlines

from ..models import EDITED_FIELDS, Kind, PendingChange, StrategyElement, last_change_note

# The posted field with the version a form or confirmation page was opened at ("version" itself
# is the model's field, which a ModelForm may not name).
VERSION_FIELD = "opened_version"

# The form fields an editor can change, and the element attribute each one stands for.
MERGED_FIELDS: dict[str, str] = {
    "parent": "parent_id",
    "kind": "kind",
    "title": "title",
    "slug": "slug",
    "body": "body",
    "is_published": "is_published",
}


@dataclass
class ConflictRow:
    label: str
    opened: str
    now: str
    mine: str
    both_changed: bool


@dataclass
class Conflict:
    """What changed since the editor opened the form, for the table above the form."""

    note: str
    rows: list[ConflictRow]


def editing_state(pk: int, for_update: bool = False) -> StrategyElement:
    """The element as a freshly opened form shows it: with its pending draft applied."""
    elements = StrategyElement.objects
    if for_update and transaction.get_connection().in_atomic_block:
        elements = elements.select_for_update()
    element = elements.get(pk=pk)
    draft = PendingChange.objects.filter(element_id=pk).first()
    return draft.apply_to(element) if draft is not None else element


def posted_version(data: QueryDict) -> int | None:
    value = data.get(VERSION_FIELD, "")
    return int(value) if value.isdecimal() and len(value) < 10 else None


def version_field() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, required=False)


def is_stale(data: QueryDict, pk: int) -> bool:
    """Whether a posted form was opened at another version than the element has now."""
    version = StrategyElement.objects.filter(pk=pk).values_list("version", flat=True).first()
    return version is not None and posted_version(data) != version


class VersionedFormMixin:
    """For the admin's element form (a ModelForm that declares ``version_field()`` as
    ``opened_version``)."""

    conflict: Conflict | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        self.fields[VERSION_FIELD].initial = self.instance.version
        for name in MERGED_FIELDS:
            if name in self.fields:
                self.fields[name].show_hidden_initial = True

    def check_version(self) -> None:
        """Called from ``clean()``: refuses a form opened before someone else's save."""
        if self.instance.pk is None:
            return
        opened_version = posted_version(self.data)
        if opened_version is None:
            self.add_error(
                None,
                "Skjemaet mangler versjonsnummeret og ble ikke lagret. Last siden på nytt og "
                "gjør endringen igjen.",
            )
            return
        # Locked until the admin's transaction ends: no save slips in before ours.
        now = editing_state(self.instance.pk, for_update=True)
        if now.version == opened_version:
            return
        self.conflict = self._merge(now)
        self.add_error(
            None,
            "Ikke lagret: noen andre har endret elementet etter at du åpnet skjemaet"
            f"{self.conflict.note}. Skjemaet viser nå deres endringer, med dine egne "
            "endringer beholdt. Se over og lagre på nytt.",
        )

    def _merge(self, now: StrategyElement) -> Conflict:
        data = self.data.copy()
        rows = []
        for name, attribute in MERGED_FIELDS.items():
            if name not in self.fields:
                continue
            current = self._normal(name, getattr(now, attribute))
            mine = self._normal(name, self._posted(name))
            opened = self._opened(name)
            if opened is None:  # a form without initial values: every difference is a conflict
                opened = current if mine == current else None
            theirs_changed = opened != current
            mine_changed = opened is not None and mine != opened
            if theirs_changed:
                rows.append(
                    ConflictRow(
                        label=EDITED_FIELDS[attribute],
                        opened="–" if opened is None else self._display(name, opened),
                        now=self._display(name, current),
                        mine=self._display(name, mine),
                        both_changed=mine_changed or opened is None,
                    )
                )
            if not mine_changed and opened is not None:
                self._put(data, name, current)
            data[self.add_initial_prefix(name)] = self._initial_text(name, current)
        data[VERSION_FIELD] = str(now.version)
        self.data = data
        return Conflict(note=last_change_note(now.pk), rows=rows)

    # Raw values: what a field posts, normalised so that equal means unchanged ------------

    def _posted(self, name: str):
        field = self.fields[name]
        return field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))

    def _opened(self, name: str) -> str | None:
        key = self.add_initial_prefix(name)
        if key not in self.data:
            return None
        field = self.fields[name]
        return self._normal(name, field.hidden_widget().value_from_datadict(self.data, {}, key))

    def _normal(self, name: str, value) -> str:
        if isinstance(self.fields[name], forms.BooleanField):
            return "1" if self.fields[name].to_python(value) else "0"
        if isinstance(value, StrategyElement):
            value = value.pk
        return normalize_newlines("" if value is None else str(value))

    def _put(self, data: QueryDict, name: str, raw: str) -> None:
        if isinstance(self.fields[name], forms.BooleanField):
            if raw == "1":
                data[self.add_prefix(name)] = "on"
            else:
                data.pop(self.add_prefix(name), None)
        else:
            data[self.add_prefix(name)] = raw

    def _initial_text(self, name: str, raw: str) -> str:
        if isinstance(self.fields[name], forms.BooleanField):
            return "True" if raw == "1" else "False"
        return raw

    def _display(self, name: str, raw: str) -> str:
        if name == "is_published":
            return "ja" if raw == "1" else "nei"
        if name == "kind":
            return Kind.label_of(raw)
        if name == "parent":
            parent = StrategyElement.objects.filter(pk=raw).first() if raw.isdecimal() else None
            return str(parent) if parent else "–"
        return raw
