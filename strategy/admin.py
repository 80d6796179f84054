from django.contrib import admin
from mptt.admin import DraggableMPTTAdmin

from .models import Source, StrategyElement


class SourceInline(admin.StackedInline):
    model = Source
    extra = 0


@admin.register(StrategyElement)
class StrategyElementAdmin(DraggableMPTTAdmin):
    list_display = ("tree_actions", "indented_title", "code", "kind", "is_published")
    list_display_links = ("indented_title",)
    list_filter = ("kind", "is_published")
    search_fields = ("title", "body", "code")
    inlines = [SourceInline]
    expand_tree_by_default = True
