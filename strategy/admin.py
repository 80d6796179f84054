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

    def get_readonly_fields(self, request, obj=None):
        # A reference code is permanent once given: printed council documents cite it.
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "code") if obj is not None else readonly
