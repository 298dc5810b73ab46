from __future__ import annotations

from django.apps import AppConfig


class RecommenderConfig(AppConfig):
    name = "recommender"
    verbose_name = "Recommender"

    def ready(self) -> None:
        from recommender import receivers

        receivers.connect()
