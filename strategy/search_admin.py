"""The secretariat's synonym groups in the admin, with history (django-simple-history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import SynonymGroup


@admin.register(SynonymGroup)
class SynonymGroupAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "mutual", "note")
    list_display_links = ("__str__",)
    search_fields = ("words", "finds", "note")
    fields = ("words", "finds", "mutual", "note")
    history_list_display = ("words", "finds", "mutual")
