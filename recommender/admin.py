"""Admin for taste models, and the model columns and retrain action on the User admin.

The User admin is extended here, not in accounts, because accounts never imports
recommender: this module unregisters accounts' UserAdmin and registers a subclass.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator

from accounts.admin import UserAdmin as AccountsUserAdmin
from recommender import services
from recommender.models import UserModel

User = get_user_model()


def _retrain(request: HttpRequest, user_ids: list[int]) -> int:
    for user_id in user_ids:
        services.training_request(user_id=user_id)
    return len(user_ids)


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
        # Status is computed from timestamps (timeouts included): filter in Python.
        ids = [row.pk for row in queryset if row.status == value]
        return queryset.filter(pk__in=ids)


@admin.register(UserModel)
class UserModelAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "owner",
        "status",
        "n_ratings",
        "trained_at",
        "training_ms",
        "cv_error",
        "failures",
        "short_error",
    )
    list_filter = ("is_community", StatusFilter, "trained_at", "last_error_at")
    search_fields = ("user__username", "user__email", "last_error", "file")
    list_select_related = ("user",)
    ordering = ("-is_community", "-last_error_at", "-trained_at")
    readonly_fields = [field.name for field in UserModel._meta.fields] + ["status"]
    actions = ["retrain", "rebuild_community"]

    @admin.display(description="Owner", ordering="user__username")
    def owner(self, record: UserModel) -> str:
        return "everyone" if record.is_community else record.user.username

    @admin.display(description="Status")
    def status(self, record: UserModel) -> str:
        return UserModel.Status(record.status).label

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
