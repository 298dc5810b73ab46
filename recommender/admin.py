"""Admin for taste models, and the model columns and retrain action on the User admin.

The User admin is extended here, not in accounts, because accounts never imports
recommender: this module unregisters accounts' UserAdmin and registers a subclass.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from accounts.admin import UserAdmin as AccountsUserAdmin
from recommender import services
from recommender.models import TrainingRun, UserModel

User = get_user_model()


def _retrain(request: HttpRequest, user_ids: list[int]) -> int:
    for user_id in user_ids:
        services.training_request(user_id=user_id)
    return len(user_ids)


def _stars(error: float | None) -> str:
    return "-" if error is None else f"{error:.2f}"


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return (*UserModel.Status.choices, ("failed", "Last training failed"))

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value == "failed":
            return queryset.filter(failures__gt=0)
        if value not in UserModel.Status.values:
            return queryset.none()
        return queryset.filter(UserModel.status_q(value, now=timezone.now()))


@admin.register(UserModel)
class UserModelAdmin(admin.ModelAdmin):
    list_display = (
        "owner",
        "status",
        "ratings",
        "trained_at",
        "training_time",
        "error_stars",
        "failures",
        "short_error",
    )
    list_display_links = ("owner",)
    list_filter = ("is_community", StatusFilter, "trained_at", "last_error_at")
    search_fields = ("user__username", "user__email", "last_error", "file")
    list_select_related = ("user",)
    ordering = ("-is_community", "-last_error_at", "-trained_at")
    readonly_fields = [field.name for field in UserModel._meta.fields] + ["status", "history"]
    actions = ["retrain", "rebuild_community"]

    @admin.display(description="Training history")
    def history(self, record: UserModel) -> str:
        url = reverse("admin:recommender_trainingrun_changelist")
        query = (
            "is_community__exact=1" if record.is_community else f"user__id__exact={record.user_id}"
        )
        return format_html('<a href="{}?{}">Every training of this model</a>', url, query)

    @admin.display(description="Owner", ordering="user__username")
    def owner(self, record: UserModel) -> str:
        return "community model" if record.is_community else record.user.username

    @admin.display(description="Status")
    def status(self, record: UserModel) -> str:
        return UserModel.Status(record.status).label

    @admin.display(description="Ratings", ordering="n_ratings")
    def ratings(self, record: UserModel) -> int:
        return record.n_ratings

    @admin.display(description="Training (ms)", ordering="training_ms")
    def training_time(self, record: UserModel) -> int | None:
        return record.training_ms

    @admin.display(description="CV error (stars)", ordering="cv_error")
    def error_stars(self, record: UserModel) -> str:
        return _stars(record.cv_error)

    @admin.display(description="Last error")
    def short_error(self, record: UserModel) -> str:
        return Truncator(record.last_error).chars(80)

    @admin.action(description="Retrain the selected models")
    def retrain(self, request: HttpRequest, queryset: QuerySet[UserModel]) -> None:
        user_ids = list(
            queryset.filter(is_community=False).values_list("user_id", flat=True).order_by()
        )
        count = _retrain(request, user_ids)
        self.message_user(request, f"Queued retraining of {count} model(s).", messages.SUCCESS)
        if queryset.filter(is_community=True).exists():
            self.rebuild_community(request, queryset)

    @admin.action(description="Rebuild the community model")
    def rebuild_community(self, request: HttpRequest, queryset: QuerySet[UserModel]) -> None:
        _community_rebuild(self, request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Rows are made by training requests; a hand-made row would point at no file.
        return False


class OwnerFilter(admin.SimpleListFilter):
    """Runs of one person (from a model's "training history" link); no list of everyone."""

    title = "person"
    parameter_name = "user__id__exact"

    def lookups(self, request, model_admin):
        value = self.value()
        if value is None or not value.isdigit():
            return ()
        person = User.objects.filter(pk=value).values_list("username", flat=True).first()
        return ((value, person or f"#{value} (deleted)"),)

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(user_id=value) if value.isdigit() else queryset.none()


@admin.register(TrainingRun)
class TrainingRunAdmin(admin.ModelAdmin):
    """Every training attempt, read-only: what the dashboard's training charts are made of."""

    list_display = (
        "finished_at",
        "owner",
        "succeeded",
        "ratings",
        "training_time",
        "error_stars",
        "short_error",
    )
    list_filter = ("succeeded", "is_community", "finished_at", OwnerFilter)
    search_fields = ("user__username", "error")
    list_select_related = ("user",)
    ordering = ("-finished_at", "-pk")
    # Tens of thousands of rows: no second COUNT for "(N total)".
    show_full_result_count = False

    @admin.display(description="Model of", ordering="user__username")
    def owner(self, run: TrainingRun) -> str:
        if run.is_community:
            return "community model"
        return run.user.username if run.user is not None else "a deleted person"

    @admin.display(description="Ratings", ordering="n_ratings")
    def ratings(self, run: TrainingRun) -> int:
        return run.n_ratings

    @admin.display(description="Training (ms)", ordering="training_ms")
    def training_time(self, run: TrainingRun) -> int | None:
        return run.training_ms

    @admin.display(description="CV error (stars)", ordering="cv_error")
    def error_stars(self, run: TrainingRun) -> str:
        return _stars(run.cv_error)

    @admin.display(description="Error")
    def short_error(self, run: TrainingRun) -> str:
        return Truncator(run.error).chars(80)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # History is written by training only; staff may read it and delete it.
        return False


def _community_rebuild(model_admin: admin.ModelAdmin, request: HttpRequest) -> None:
    if services.community_rebuild_request():
        model_admin.message_user(request, "Queued a rebuild of the community model.")
    else:
        model_admin.message_user(
            request, "A rebuild of the community model is already queued.", messages.WARNING
        )


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(AccountsUserAdmin):
    list_display = (*AccountsUserAdmin.list_display, "model_status", "model_error")
    list_select_related = ("taste_model",)
    readonly_fields = (*AccountsUserAdmin.readonly_fields, "model_status", "model_error")
    fieldsets = (
        *AccountsUserAdmin.fieldsets[:-1],
        (
            "ThemeHub",
            {"fields": ("favourites_public", "rating_count", "model_status", "model_error")},
        ),
    )
    actions = [*AccountsUserAdmin.actions, "retrain", "rebuild_community"]

    @staticmethod
    def _record(user) -> UserModel | None:
        try:
            return user.taste_model
        except UserModel.DoesNotExist:
            return None

    @admin.display(description="Model")
    def model_status(self, user) -> str:
        record = self._record(user)
        return "No model yet" if record is None else UserModel.Status(record.status).label

    @admin.display(description="Model's last error")
    def model_error(self, user) -> str:
        record = self._record(user)
        return "" if record is None else Truncator(record.last_error).chars(120)

    @admin.action(description="Retrain the selected users' models")
    def retrain(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = _retrain(request, list(queryset.values_list("pk", flat=True).order_by()))
        self.message_user(request, f"Queued retraining for {count} user(s).", messages.SUCCESS)

    @admin.action(description="Rebuild the community model")
    def rebuild_community(self, request: HttpRequest, queryset: QuerySet) -> None:
        _community_rebuild(self, request)
