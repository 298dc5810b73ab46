from __future__ import annotations

from django.urls import path, re_path

from ratings import views

urlpatterns = [
    path("history/", views.history, name="history"),
    path("history/<int:rating_id>/stars/", views.rating_stars, name="rating-stars"),
    path("history/<int:rating_id>/delete/", views.rating_delete, name="rating-delete"),
    re_path(r"^history/export\.(?P<fmt>json|csv)$", views.ratings_export, name="ratings-export"),
    path("history/import/", views.ratings_import, name="ratings-import"),
    path("favourites/", views.favourites, name="favourites"),
    path("favourites/visibility/", views.favourites_visibility, name="favourites-visibility"),
    path("explore/", views.explore, name="explore"),
    path("u/<str:username>/", views.public_profile, name="public-profile"),
    path("t/<str:key>/", views.theme_page, name="theme"),
    path("t/<str:key>/preview.png", views.theme_image, name="theme-image"),
    path("t/<str:key>/export/<str:fmt>/", views.theme_export, name="theme-export"),
    path("t/<str:key>/favourite/", views.favourite_toggle, name="favourite-toggle"),
]
