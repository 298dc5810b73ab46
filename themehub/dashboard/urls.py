"""Included at the site's root: /staff/ and /healthz."""

from __future__ import annotations

from django.urls import path

from themehub.dashboard import health, views

urlpatterns = [
    path("staff/", views.staff_dashboard, name="staff-dashboard"),
    path("staff/models/<int:record_id>/retrain/", views.model_retrain, name="staff-model-retrain"),
    path("healthz", health.healthz, name="healthz"),
]
