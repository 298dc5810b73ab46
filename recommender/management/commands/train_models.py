"""`manage.py train_models`: ask for taste models to be (re)trained, or train them right here."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from recommender import services
from recommender.models import UserModel
from recommender.tasks import train_community_model


class Command(BaseCommand):
    help = (
        "Queue training of taste models for the task worker (or train them in this process "
        "with --sync). Which people: --missing (with enough ratings and no model yet; what "
        "`make run` uses after the demo data), --all (everyone with ratings), or --user NAME. "
        "--missing and --all include the community model."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--all", action="store_true", dest="everyone", help="Everyone with ratings."
        )
        which.add_argument(
            "--missing",
            action="store_true",
            help=f"People with {services.MIN_RATINGS}+ ratings whose model was never trained.",
        )
        which.add_argument(
            "--user", action="append", dest="usernames", metavar="NAME", help="Repeatable."
        )
        parser.add_argument(
            "--sync", action="store_true", help="Train here and now instead of queueing jobs."
        )

    def handle(self, *args, everyone: bool, missing: bool, usernames, sync: bool, **options):
        started = timezone.now()
        if usernames:
            users = list(User.objects.filter(username__in=usernames).order_by("username"))
            unknown = sorted(set(usernames) - {user.username for user in users})
            if unknown:
                raise CommandError(f"No such user: {', '.join(unknown)}.")
        else:
            users = self._people(missing=missing)

        for user in users:
            if sync:
                UserModel.objects.get_or_create(user=user)
                self._report(user.username, services.model_train(user_id=user.pk))
            else:
                # Coalesced like a rating change: no second job for someone already queued.
                services.training_request(user_id=user.pk)
        community = not usernames and _community_wanted(started=started, force=everyone)
        if community and sync:
            self._report("community model", services.community_train())
        elif community:
            train_community_model.enqueue()

        if not sync and options["verbosity"]:
            whom = [f"{len(users)} people"] if users else []
            # A person's request may have queued the community model already.
            queued = UserModel.objects.filter(is_community=True, queued_at__isnull=False)
            whom += ["the community model"] if community or queued.exists() else []
            self.stdout.write(
                f"Training requested for {' and '.join(whom)}; the task worker runs it."
                if whom
                else "Nothing to train."
            )

    def _people(self, *, missing: bool) -> list[User]:
        people = User.objects.annotate(n=Count("ratings")).filter(n__gt=0).order_by("username")
        if missing:
            people = people.filter(n__gte=services.MIN_RATINGS).exclude(taste_model__file__gt="")
        return list(people)

    def _report(self, name: str, record: UserModel | None) -> None:
        if record is None:
            self.stdout.write(f"  {name}: gone")
        elif record.last_error:
            self.stdout.write(self.style.ERROR(f"  {name}: failed: {record.last_error}"))
        elif record.file:
            self.stdout.write(f"  {name}: trained on {record.n_ratings} ratings")
        else:
            self.stdout.write(f"  {name}: too few ratings for a model ({record.n_ratings})")


def _community_wanted(*, started, force: bool) -> bool:
    """Whether to train the community model now: not when a run is queued, running or
    just done (a person's training request may have seen to it); else if forced or missing."""
    record = UserModel.objects.filter(is_community=True).first()
    if record is None:
        return True
    if record.queued_at is not None or record.running_since is not None:
        return False
    if record.trained_at is not None and record.trained_at >= started:
        return False
    return force or not record.file
