from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("strategy.urls")),
]

handler404 = "strategy.public_site.page.not_found"
handler500 = "strategy.infrastructure.health.server_error"
