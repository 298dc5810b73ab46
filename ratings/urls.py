from __future__ import annotations

from django.urls import path, re_path

from ratings import views

urlpatterns = [
    path("history/", views.history, name="history"),
    path("history/<int:rating_id>/stars/", views.rating_stars, name="rating-stars"),
    path("history/<int:rating_id>/delete/", views.rating_delete, name="rating-delete"),
    re_path(r"^history/export\.(?P<fmt>json|csv)$", views.ratings_export, name="ratings-export"),
    path("history/import/", views.ratings_import, name="ratings-import"),
]
