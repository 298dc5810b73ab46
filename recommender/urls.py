from __future__ import annotations

from django.urls import path

from recommender import views

urlpatterns = [
    path("rate/", views.rate, name="rate"),
    path("rate/submit/", views.rate_submit, name="rate-submit"),
    path("rate/undo/", views.rate_undo, name="rate-undo"),
    path("for-you/", views.for_you, name="for-you"),
    path("for-you/status/", views.for_you_status, name="for-you-status"),
]
