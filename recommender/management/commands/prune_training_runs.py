"""`manage.py prune_training_runs`: delete old training history (TrainingRun rows)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from recommender import services
from recommender.models import TRAINING_RUN_DAYS


class Command(BaseCommand):
    help = (
        "Delete training history older than --days days (default "
        f"{TRAINING_RUN_DAYS}). The community model's task does this on its own; the "
        "command is for a shorter window or a site whose community model is not retrained."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=TRAINING_RUN_DAYS)

    def handle(self, *args, days: int, **options):
        try:
            deleted = services.training_runs_prune(days=days)
        except services.TrainingError as error:
            raise CommandError(error.message) from error
        if options["verbosity"]:
            self.stdout.write(f"Deleted {deleted} training run(s) older than {days} days.")
