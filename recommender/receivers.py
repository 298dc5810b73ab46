"""How the recommender hears about rating changes and deleted models."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete

from ratings.signals import rating_changed
from recommender import services, store
from recommender.models import UserModel


def on_rating_changed(sender, *, user_id: int, **kwargs) -> None:
    services.training_request(user_id=user_id)


def on_model_deleted(sender, instance: UserModel, **kwargs) -> None:
    # Deleting a person cascades to their row; the file goes once that has committed.
    name = instance.file
    transaction.on_commit(lambda: store.model_delete(name))


def connect() -> None:
    rating_changed.connect(on_rating_changed, dispatch_uid="recommender.rating_changed")
    post_delete.connect(
        on_model_deleted, sender=UserModel, dispatch_uid="recommender.model_deleted"
    )
