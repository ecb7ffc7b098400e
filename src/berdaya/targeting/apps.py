from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetingConfig(AppConfig):
    name = "berdaya.targeting"
    label = "targeting"
    verbose_name = _("Penargetan")

    def ready(self) -> None:
        from berdaya.targeting import signals  # noqa: F401  (marks scores stale when the registry changes)
