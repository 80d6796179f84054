"""The secretariat's synonym groups in the admin, with history (django-simple-history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ..models import SynonymGroup


@admin.register(SynonymGroup)
class SynonymGroupAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "both_ways", "note")
    list_display_links = ("__str__",)
    search_fields = ("words", "finds", "note")
    fields = ("words", "finds", "mutual", "note")
    history_list_display = ("words", "finds", "both_ways")

    # Django's boolean icons carry the English alt texts «True»/«False»: say it in words.
    @admin.display(description="begge veier", ordering="mutual")
    def both_ways(self, group: SynonymGroup) -> str:
        return "ja" if group.mutual else "nei"
