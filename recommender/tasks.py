"""Background jobs (`django.tasks`): take ids, call a service. The backend is the TASKS setting."""

from __future__ import annotations

from django.tasks import task

from recommender import services


@task()
def train_user_model(user_id: int) -> str:
    """Retrain one person's taste model on their latest ratings."""
    record = services.model_train(user_id=user_id)
    return "gone" if record is None else record.status


@task()
def train_community_model() -> str:
    """Rebuild the community model from everyone's ratings."""
    return services.community_train().status
