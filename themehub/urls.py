from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from themehub import views

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("ratings.urls")),
    path("", include("recommender.urls")),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include("themehub.api_urls")),
    path("admin/", admin.site.urls),
    path("", include("themehub.dashboard.urls")),
]
