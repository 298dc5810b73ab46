from __future__ import annotations

from django.apps import AppConfig


class RecommenderConfig(AppConfig):
    name = "recommender"
    verbose_name = "Recommender"

    def ready(self) -> None:
        from threadpoolctl import threadpool_limits

        from recommender import receivers

        receivers.connect()
        # One BLAS thread per web or worker process: processes share the cores, and
        # scoring one batch gains nothing from threads that fight each other.
        threadpool_limits(limits=1)
