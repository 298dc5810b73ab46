from __future__ import annotations

from django.urls import path

from recommender import views

urlpatterns = [
    path("rate/", views.rate, name="rate"),
    path("rate/submit/", views.rate_submit, name="rate-submit"),
    path("rate/undo/", views.rate_undo, name="rate-undo"),
]
