from django.urls import path, register_converter

from . import views
from .converters import ElementPathConverter

register_converter(ElementPathConverter, "element_path")

app_name = "strategy"

urlpatterns = [
    path("", views.front_page, name="front-page"),
    path("hele-strategien/", views.whole_strategy, name="whole-strategy"),
    path("sok/", views.search, name="search"),
    # Last: every other path is looked up among the elements' stored paths.
    path("<element_path:element_path>/", views.element_detail, name="element"),
]
