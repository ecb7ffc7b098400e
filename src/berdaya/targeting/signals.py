"""Scores go stale when the registry changes: a household or member saved through the services marks the active
score model's scores stale (one cheap UPDATE that matches nothing while they already are).

Bulk writers that bypass save() (the importer) call services.scores_mark_stale() themselves.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from berdaya.registry.models import Household, Person


@receiver(post_save, sender=Household, dispatch_uid="targeting_household_saved")
@receiver(post_save, sender=Person, dispatch_uid="targeting_person_saved")
def _registry_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from berdaya.targeting.services import scores_mark_stale

    scores_mark_stale()
